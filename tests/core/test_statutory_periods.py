"""Civil Code arts. 201-203 on the working-day calendar: a period counted in days or months
from the day after its start, whose last day, if a statutory holiday or rest day, moves to
the next working day (a 调休 working weekend does not move)."""

import datetime

import pytest

from core.calendar import last_working_day_before, roll_to_working_day, statutory_end
from core.models import CalendarDay

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.mark.parametrize(
    ("last_day", "ends_on", "why"),
    [
        (D(2026, 3, 13), D(2026, 3, 13), "an ordinary Friday stays"),
        (D(2026, 3, 14), D(2026, 3, 16), "a Saturday moves to Monday"),
        (D(2026, 3, 15), D(2026, 3, 16), "a Sunday moves to Monday"),
        (D(2026, 10, 1), D(2026, 10, 8), "National Day 1-7 Oct 2026 moves to Thursday 8 Oct"),
        (D(2026, 10, 7), D(2026, 10, 8), "the last day of the holiday moves to the next day"),
        (D(2026, 9, 20), D(2026, 9, 20), "Sunday 20 Sep 2026 is worked instead (调休): stays"),
        (D(2026, 10, 10), D(2026, 10, 10), "Saturday 10 Oct 2026 is worked instead: stays"),
        (D(2026, 10, 11), D(2026, 10, 12), "Sunday 11 Oct 2026 is an ordinary rest day"),
        (D(2025, 10, 4), D(2025, 10, 9), "National Day with Mid-autumn 2025 ends on 8 Oct"),
        (D(2026, 2, 15), D(2026, 2, 24), "Spring Festival 2026: 15-23 Feb off"),
        (D(2026, 9, 25), D(2026, 9, 28), "Mid-autumn 2026 (Fri 25 - Sun 27 Sep)"),
    ],
)
def test_a_last_day_on_a_rest_day_moves_to_the_next_working_day(last_day, ends_on, why):
    assert roll_to_working_day(last_day) == ends_on, why


def test_a_local_day_off_an_office_entered_moves_a_deadline_too():
    CalendarDay.objects.create(date=D(2026, 3, 16), is_working_day=False, note="地方假日")
    assert roll_to_working_day(D(2026, 3, 14)) == D(2026, 3, 17)


def test_periods_do_not_count_their_first_day_and_months_end_on_the_same_date():
    # Art. 201: 30 days from 2 March end on 1 April; art. 202: a month from 31 January ends
    # on the last day of February (28 Feb 2026 is a Saturday worked instead: it stays).
    assert statutory_end(D(2026, 3, 2), days=30) == D(2026, 4, 1)
    assert statutory_end(D(2026, 1, 31), months=1) == D(2026, 2, 28)
    # 3 months from 3 July 2026 end on Saturday 3 October, inside National Day.
    assert statutory_end(D(2026, 7, 3), months=3) == D(2026, 10, 8)
    assert statutory_end(D(2026, 7, 3), months=3, roll=False) == D(2026, 10, 3)


@pytest.mark.parametrize(
    ("today", "last_working_day"),
    [
        (D(2026, 3, 17), D(2026, 3, 16)),  # Tuesday: Monday
        (D(2026, 3, 16), D(2026, 3, 13)),  # Monday: the Friday before the weekend
        (D(2026, 10, 8), D(2026, 9, 30)),  # after National Day: 30 September
        (D(2026, 10, 11), D(2026, 10, 10)),  # Sunday after the Saturday worked instead
        (D(2026, 9, 21), D(2026, 9, 20)),  # Monday after the Sunday worked instead
    ],
)
def test_the_last_working_day_before_a_day(today, last_working_day):
    assert last_working_day_before(today) == last_working_day
