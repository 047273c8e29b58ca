"""The working-day calendar: weekends, public holidays and 调休 working weekends (``CalendarDay``
rows override the Monday-to-Friday default)."""

import datetime

from core.models import CalendarDay


def is_working_day(day: datetime.date, exceptions: dict | None = None) -> bool:
    """Working status of ``day``: the calendar's row if it has one (holidays, weekends,
    调休 working weekends), else Monday to Friday."""
    if exceptions is None:
        exceptions = dict(
            CalendarDay.objects.filter(date=day).values_list("date", "is_working_day")
        )
    return exceptions.get(day, day.weekday() < 5)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The day ``days`` working days after ``start``, by the working-day calendar."""
    # Holidays rarely stretch a period beyond three times its length; widen if they do.
    span = max(days * 3 + 14, 30)
    while True:
        exceptions = dict(
            CalendarDay.objects.filter(
                date__gt=start, date__lte=start + datetime.timedelta(days=span)
            ).values_list("date", "is_working_day")
        )
        current, remaining = start, days
        while remaining > 0 and current < start + datetime.timedelta(days=span):
            current += datetime.timedelta(days=1)
            if is_working_day(current, exceptions):
                remaining -= 1
        if remaining == 0:
            return current
        span *= 2
