"""The working-day calendar: weekends, public holidays and 调休 working weekends (``CalendarDay``
rows override the Monday-to-Friday default; ``core.holidays`` fills them from the State
Council's notice), and the Civil Code's counting of periods on it.

Civil Code (民法典) art. 201: a period in days or months does not count the day it starts
from; art. 202: a period in months ends on the corresponding day of the last month (the
month's last day if it has no such day); art. 203: a period whose last day is a statutory
holiday or rest day ends on the next working day (para. 1), and its last day ends at 24:00
(para. 2). Art. 204: these apply unless a law provides or the parties agree otherwise, so
they hold for agreed periods (a contract's acceptance period or payment term) too.

A deadline counted in working days (``add_working_days``) ends on a working day by
construction and never needs rolling.
"""

import contextlib
import contextvars
import datetime

from dateutil.relativedelta import relativedelta

from core.models import CalendarDay

# Longer than any run of rest days the notices have made (Spring Festival: 9 days, National
# Day with Mid-autumn: 8), with room for an office's local days next to one.
_LOOK_AHEAD = datetime.timedelta(days=31)


# The whole calendar, while a scan or a batch holds it (``preloaded``): a few thousand rows.
_PRELOADED: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "working_day_calendar", default=None
)


@contextlib.contextmanager
def preloaded():
    """Answer every working-day question inside the block from one read of the calendar: a
    deadline scan asks it for each of thousands of items (2,545 queries in a scan with
    nothing to do over a province). A change to the calendar made meanwhile is seen by the
    next block."""
    if _PRELOADED.get() is not None:
        yield
        return
    token = _PRELOADED.set(dict(CalendarDay.objects.values_list("date", "is_working_day")))
    try:
        yield
    finally:
        _PRELOADED.reset(token)


def _rows(first: datetime.date, last: datetime.date) -> dict:
    whole = _PRELOADED.get()
    if whole is not None:
        return whole  # is_working_day reads only the days it asks for
    return dict(
        CalendarDay.objects.filter(date__range=(first, last)).values_list("date", "is_working_day")
    )


def is_working_day(day: datetime.date, exceptions: dict | None = None) -> bool:
    """Working status of ``day``: the calendar's row if it has one (holidays, weekends,
    调休 working weekends), else Monday to Friday."""
    if exceptions is None:
        exceptions = _rows(day, day)
    return exceptions.get(day, day.weekday() < 5)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The day ``days`` working days after ``start``, by the working-day calendar."""
    # Holidays rarely stretch a period beyond three times its length; widen if they do.
    span = max(days * 3 + 14, 30)
    while True:
        exceptions = _rows(
            start + datetime.timedelta(days=1), start + datetime.timedelta(days=span)
        )
        current, remaining = start, days
        while remaining > 0 and current < start + datetime.timedelta(days=span):
            current += datetime.timedelta(days=1)
            if is_working_day(current, exceptions):
                remaining -= 1
        if remaining == 0:
            return current
        span *= 2


def roll_to_working_day(day: datetime.date) -> datetime.date:
    """Civil Code art. 203: the last day of a period that falls on a statutory holiday or
    rest day moves to the next working day; a working day (a 调休 working weekend included)
    stays."""
    while True:
        exceptions = _rows(day, day + _LOOK_AHEAD)
        current = day
        while current <= day + _LOOK_AHEAD:
            if is_working_day(current, exceptions):
                return current
            current += datetime.timedelta(days=1)
        day = current


def statutory_end(
    start: datetime.date, *, days: int = 0, months: int = 0, roll: bool = True
) -> datetime.date:
    """The last day of a period of ``days`` or ``months`` counted from ``start`` (arts.
    201-203: the start day does not count, months end on the corresponding day, a last day
    on a rest day moves to the next working day). ``roll=False`` gives the unrolled day, for
    periods the portal documents as not rolling."""
    end = start + relativedelta(months=months) + datetime.timedelta(days=days)
    return roll_to_working_day(end) if roll else end


def last_working_day_before(day: datetime.date) -> datetime.date:
    """The last working day before ``day``. A period whose rolled last day is before
    ``day`` is one whose unrolled last day is on or before this day (rolling moves a day
    only across rest days): scans compare stored start dates with it in the database."""
    while True:
        first = day - _LOOK_AHEAD
        exceptions = _rows(first, day - datetime.timedelta(days=1))
        current = day - datetime.timedelta(days=1)
        while current >= first:
            if is_working_day(current, exceptions):
                return current
            current -= datetime.timedelta(days=1)
        day = first
