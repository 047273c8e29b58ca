"""The working-day calendar filled from the State Council's yearly holiday notice (through
chinese-calendar): the notices' holidays and 调休 working weekends, the working-day deadlines
counted across them, re-runs, administrators' overrides, and the warning when a needed year's
notice is missing."""

import datetime

import pytest
from django.core.management import call_command

from core import calendar, holidays
from core.checks import check_calendar_knows_the_holidays
from core.models import CalendarDay, CalendarSource

from ..builders.clock import at, each_day
from ..builders.core import UserFactory

pytestmark = pytest.mark.django_db


def days(*spans):
    """Every day of the given (first, last) spans, or of single days."""
    result = set()
    for span in spans:
        first, last = span if isinstance(span, tuple) else (span, span)
        result.update(each_day(first, last))
    return result


D = datetime.date

# 国务院办公厅关于2025年部分节假日安排的通知 (published November 2024):
#   春节: 1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。
#         1月26日（周日）、2月8日（周六）上班。
#   国庆节、中秋节: 10月1日（周三）至8日（周三）放假调休，共8天。
#         9月28日（周日）、10月11日（周六）上班。
# 国务院办公厅关于2026年部分节假日安排的通知 (published November 2025):
#   春节: 2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。
#         2月14日（周六）、2月28日（周六）上班。
#   中秋节: 9月25日（周五）至27日放假，共3天。
#   国庆节: 10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
NOTICES = [
    # (window checked, days off by the notice, weekend days worked instead)
    (
        (D(2025, 1, 20), D(2025, 2, 16)),
        days((D(2025, 1, 28), D(2025, 2, 4))),
        days(D(2025, 1, 26), D(2025, 2, 8)),
    ),
    (
        (D(2025, 9, 22), D(2025, 10, 19)),
        days((D(2025, 10, 1), D(2025, 10, 8))),
        days(D(2025, 9, 28), D(2025, 10, 11)),
    ),
    (
        (D(2026, 2, 9), D(2026, 3, 8)),
        days((D(2026, 2, 15), D(2026, 2, 23))),
        days(D(2026, 2, 14), D(2026, 2, 28)),
    ),
    (
        (D(2026, 9, 14), D(2026, 10, 18)),
        days((D(2026, 9, 25), D(2026, 9, 27)), (D(2026, 10, 1), D(2026, 10, 7))),
        days(D(2026, 9, 20), D(2026, 10, 10)),
    ),
]


@pytest.mark.parametrize(("window", "off", "worked"), NOTICES)
def test_the_calendar_follows_the_state_councils_notice(window, off, worked):
    for day in each_day(*window):
        expected = day in worked or (day.weekday() < 5 and day not in off)
        assert calendar.is_working_day(day) is expected, day


def test_every_day_of_a_notice_comes_from_the_library_with_its_name():
    national_day = CalendarDay.objects.get(date=D(2025, 10, 3))
    worked = CalendarDay.objects.get(date=D(2025, 9, 28))
    assert (national_day.is_working_day, national_day.source) == (False, CalendarSource.LIBRARY)
    assert "国庆节" in national_day.note
    assert (worked.is_working_day, worked.source) == (True, CalendarSource.LIBRARY)
    assert "调休" in worked.note


def test_years_the_library_does_not_know_keep_their_weekends():
    last = holidays.library_years().stop - 1
    saturday = next(d for d in each_day(D(last + 1, 1, 1), D(last + 1, 1, 7)) if d.weekday() == 5)
    row = CalendarDay.objects.get(date=saturday)
    assert (row.is_working_day, row.source) == (False, CalendarSource.WEEKEND)
    assert not CalendarDay.objects.filter(date__year=last + 1, date__week_day__in=[2, 3, 4, 5, 6])


# --- working-day deadlines across a holiday ----------------------------------------------------


def test_a_credit_repair_filed_before_national_day_is_reviewed_within_ten_working_days(
    time_machine, nanjing_department, nanjing_liaison
):
    from credit_records import services
    from credit_records.models import Severity

    from ..builders.records import make_record

    time_machine.move_to(at(D(2025, 9, 26)), tick=False)  # a Friday
    record = make_record(
        nanjing_department,
        liaison=nanjing_liaison,
        state="verified",
        severity=Severity.GENERAL,
        decision_date=D(2025, 5, 20),
    )
    application = services.credit_repair_apply(
        record=record, actor=nanjing_liaison, commitment_text="依法依规履约"
    )
    # 28 Sep (Sunday worked instead) 1, 29 and 30 Sep 2-3, 1-8 Oct off, 9 and 10 Oct 4-5,
    # 11 Oct (Saturday worked instead) 6, 13-16 Oct 7-10 (国办 notice for 2025).
    assert application.review_due == D(2025, 10, 16)


def test_a_contract_signed_before_spring_festival_is_filed_within_seven_working_days():
    from procurement import rules

    # Signed Friday 13 Feb 2026: 14 Feb (Saturday worked instead) 1, 15-23 Feb off,
    # 24-27 Feb 2-5, 28 Feb (Saturday worked instead) 6, Monday 2 Mar 7.
    assert rules.filing_deadline(D(2026, 2, 13)) == D(2026, 3, 2)


def test_a_contract_filed_on_the_seventh_working_day_after_spring_festival_raises_no_flag(
    nanjing_department,
):
    from procurement.models import FlagRule, RedFlag

    from ..builders.procurement import make_contract, make_project

    on_time = make_project(nanjing_department, award_date=D(2026, 2, 3))
    make_contract(on_time, signed_after=10, filed_after=17)  # signed 13 Feb, filed 2 Mar
    late = make_project(nanjing_department, award_date=D(2026, 2, 3))
    make_contract(late, signed_after=10, filed_after=18)  # filed 3 Mar
    assert not RedFlag.objects.filter(project=on_time, rule=FlagRule.FILING_LATE).exists()
    flag = RedFlag.objects.get(project=late, rule=FlagRule.FILING_LATE)
    assert flag.evidence["deadline"] == "2026-03-02"


# --- filling again ---------------------------------------------------------------------------


def test_filling_again_changes_nothing():
    before = list(CalendarDay.objects.values_list("date", "is_working_day", "note", "source"))
    assert holidays.sync_calendar() == {"created": 0, "updated": 0, "deleted": 0}
    call_command("sync_calendar", stdout=open("/dev/null", "w"))  # noqa: SIM115
    after = list(CalendarDay.objects.values_list("date", "is_working_day", "note", "source"))
    assert after == before


def test_filling_an_emptied_year_restores_the_notice():
    CalendarDay.objects.filter(date__year=2025).delete()
    counts = holidays.sync_calendar([2025])
    assert counts["created"] > 100  # 104 weekend days and the weekday holidays
    assert not calendar.is_working_day(D(2025, 10, 8))
    assert calendar.is_working_day(D(2025, 10, 11))


def test_the_command_fills_only_the_years_asked_for():
    CalendarDay.objects.filter(date__year__in=[2024, 2025]).delete()
    call_command("sync_calendar", "--years", "2025", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert CalendarDay.objects.filter(date__year=2025).exists()
    assert not CalendarDay.objects.filter(date__year=2024).exists()


def test_a_weekend_row_gives_way_to_the_notice_once_the_library_knows_its_year():
    CalendarDay.objects.filter(date=D(2026, 2, 14)).update(
        is_working_day=False, note="周末", source=CalendarSource.WEEKEND
    )
    holidays.sync_calendar([2026])
    row = CalendarDay.objects.get(date=D(2026, 2, 14))
    assert (row.is_working_day, row.source) == (True, CalendarSource.LIBRARY)


# --- administrators' days are overrides -------------------------------------------------------


@pytest.fixture
def administrator():
    return UserFactory(username="calendar-admin", is_superuser=True, is_staff=True)


def test_a_day_set_in_the_admin_is_kept_when_the_calendar_is_filled_again(login, administrator):
    client = login(administrator)
    row = CalendarDay.objects.get(date=D(2026, 10, 10))  # the Saturday worked instead
    response = client.post(
        f"/admin/core/calendarday/{row.pk}/change/",
        {"date": "2026-10-10", "is_working_day": "", "note": "本市调休安排"},
    )
    assert response.status_code == 302
    # An office's own local day off on an ordinary Friday.
    response = client.post(
        "/admin/core/calendarday/add/",
        {"date": "2026-11-13", "is_working_day": "", "note": "地方假日"},
    )
    assert response.status_code == 302

    holidays.sync_calendar()
    call_command("sync_calendar", stdout=open("/dev/null", "w"))  # noqa: SIM115

    saturday = CalendarDay.objects.get(date=D(2026, 10, 10))
    assert (saturday.is_working_day, saturday.note, saturday.source) == (
        False,
        "本市调休安排",
        CalendarSource.MANUAL,
    )
    assert not calendar.is_working_day(D(2026, 11, 13))
    assert CalendarDay.objects.get(date=D(2026, 11, 13)).source == CalendarSource.MANUAL


def test_the_admin_shows_where_each_day_comes_from(login, administrator):
    CalendarDay.objects.create(date=D(2026, 11, 13), note="地方假日", source="manual")
    body = login(administrator).get("/admin/core/calendarday/?date__year=2026&date__month=11")
    text = body.content.decode()
    assert "地方假日" in text
    assert str(CalendarSource.MANUAL.label) in text
    assert str(CalendarSource.LIBRARY.label) in text


def test_a_day_returned_to_the_notice_takes_the_notices_status_again(login, administrator):
    CalendarDay.objects.filter(date=D(2026, 10, 10)).update(
        is_working_day=False, note="本市安排", source=CalendarSource.MANUAL
    )
    local = CalendarDay.objects.create(date=D(2026, 11, 13), note="地方假日", source="manual")
    client = login(administrator)
    saturday = CalendarDay.objects.get(date=D(2026, 10, 10))
    response = client.post(
        "/admin/core/calendarday/",
        {"action": "return_to_notice", "_selected_action": [saturday.pk, local.pk]},
    )
    assert response.status_code == 302
    saturday.refresh_from_db()
    assert (saturday.is_working_day, saturday.source) == (True, CalendarSource.LIBRARY)
    assert not CalendarDay.objects.filter(pk=local.pk).exists()  # an ordinary Friday again
    assert calendar.is_working_day(D(2026, 11, 13))


# --- a missing notice is reported -------------------------------------------------------------


def test_the_check_warns_from_november_while_next_years_notice_is_missing(time_machine):
    assert 2027 not in holidays.library_years()  # chinese-calendar 1.11 stops at 2026
    time_machine.move_to(at(D(2026, 10, 31)), tick=False)
    assert check_calendar_knows_the_holidays(databases=["default"]) == []

    time_machine.move_to(at(D(2026, 11, 1)), tick=False)
    warnings = check_calendar_knows_the_holidays(databases=["default"])
    assert [warning.id for warning in warnings] == ["core.W001"]
    assert "2027" in warnings[0].msg
    assert "chinese-calendar" in warnings[0].hint


def test_the_check_is_quiet_when_next_years_notice_is_known(time_machine):
    time_machine.move_to(at(D(2025, 12, 6)), tick=False)  # 2026 is in the library
    assert check_calendar_knows_the_holidays(databases=["default"]) == []


def test_the_check_warns_about_this_year_at_any_time_of_year(time_machine, monkeypatch):
    # A library that stopped at 2025, and a calendar filled by it.
    CalendarDay.objects.filter(date__year=2026, source=CalendarSource.LIBRARY).delete()
    monkeypatch.setattr(holidays, "library_years", lambda: range(2004, 2026))
    time_machine.move_to(at(D(2026, 3, 2)), tick=False)
    warnings = check_calendar_knows_the_holidays(databases=["default"])
    assert [(warning.id, "2026" in warning.msg) for warning in warnings] == [("core.W001", True)]
    assert "2004-2025" in warnings[0].hint


def test_the_check_asks_for_a_fill_when_the_library_knows_the_year(time_machine):
    CalendarDay.objects.filter(date__year=2026, source=CalendarSource.LIBRARY).delete()
    time_machine.move_to(at(D(2026, 3, 2)), tick=False)
    (warning,) = check_calendar_knows_the_holidays(databases=["default"])
    assert "sync_calendar" in warning.hint
    holidays.sync_calendar([2026])
    assert check_calendar_knows_the_holidays(databases=["default"]) == []


def test_an_office_that_keeps_the_calendar_itself_can_silence_the_check(settings, time_machine):
    time_machine.move_to(at(D(2026, 12, 6)), tick=False)
    settings.SILENCED_SYSTEM_CHECKS = ["core.W001"]
    assert holidays.missing_years() == []


def test_the_workspace_home_tells_administrators_and_only_them(
    login, administrator, nanjing_supervisor, time_machine
):
    time_machine.move_to(at(D(2026, 12, 6)), tick=False)
    page = login(administrator).get("/workspace/")
    assert page.context["calendar_missing_years"] == [2027]
    assert "/admin/core/calendarday/" in page.content.decode()

    page = login(nanjing_supervisor).get("/workspace/")
    assert "calendar_missing_years" not in page.context

    time_machine.move_to(at(D(2026, 6, 1)), tick=False)
    assert login(administrator).get("/workspace/").context["calendar_missing_years"] == []


def test_a_flushed_database_gets_its_calendar_back():
    """``flush`` (what a transactional test's teardown runs) empties every table and sends
    post_migrate without a migration state: the calendar is filled again all the same, so the
    tests that follow still see the State Council's holidays."""
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)

    # National Day 2026: 1–7 October off; Saturday 10 October worked instead (调休).
    assert not CalendarDay.objects.get(date=datetime.date(2026, 10, 1)).is_working_day
    assert CalendarDay.objects.get(date=datetime.date(2026, 10, 10)).is_working_day


def test_a_preloaded_calendar_answers_as_the_table_does_without_a_query_per_question(
    django_assert_num_queries,
):
    # 2026's Spring Festival (Feb 15-23 off, Feb 14 and 28 worked) and National Day.
    days = [datetime.date(2026, 2, 10) + datetime.timedelta(days=n) for n in range(240)]
    expected = [
        (calendar.add_working_days(day, 10), calendar.roll_to_working_day(day)) for day in days
    ]
    with django_assert_num_queries(1), calendar.preloaded():
        got = [
            (calendar.add_working_days(day, 10), calendar.roll_to_working_day(day)) for day in days
        ]
        with calendar.preloaded():  # nested: the outer read serves
            calendar.is_working_day(days[0])
    assert got == expected
    assert calendar.roll_to_working_day(datetime.date(2026, 2, 15)) == datetime.date(2026, 2, 24)
