"""The clock of the deadline tests: moments on the Shanghai clock and runs of days."""

import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    """A moment of ``day`` on the Shanghai clock (00:30 there is still the day before in UTC)."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)


def each_day(first: datetime.date, last: datetime.date):
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)
