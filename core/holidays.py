"""Filling the working-day calendar from the State Council's yearly holiday notice.

The notice (国务院办公厅关于某年部分节假日安排的通知, published each October to December for
the next year) is followed by the ``chinese-calendar`` package (import ``chinese_calendar``),
which lists every public holiday and every 调休 working weekend of the years it covers.
``sync_calendar`` writes those years into ``CalendarDay`` (source "library") and the plain
weekends of the years it does not cover yet (source "weekend"); a day an administrator set
(source "manual") is never overwritten, so an office's local day off or its own entry of a
notice the library does not have yet survives every re-run. It runs after every ``migrate``
(the test database and a fresh ``make run`` get the holidays too) and from
``manage.py sync_calendar``; both are idempotent and write only what changed.

``calendar_changed`` is sent with the first and last date whose status changed, so apps
that store dates computed from the calendar (procurement's payment due dates) recompute.
"""

import datetime
import logging
from dataclasses import dataclass

import chinese_calendar
from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

logger = logging.getLogger(__name__)

# Sent with ``first`` and ``last``: the range of dates whose working status changed.
calendar_changed = Signal()

# The first year filled: the Civil Code (art. 203 on periods ending on a rest day) is in force
# from 2021-01-01 and the SME payment regulation from 2020-09-01; older contracts and records
# still need their working days, and the library's years cost little (about 120 rows each).
FIRST_YEAR = 2004
# From this month on, next year's notice is due (the notices for 2025 and 2026 came out in
# November of the year before): the check and the workspace home warn while it is missing.
NOTICE_EXPECTED_FROM_MONTH = 11
# Weekend rows are kept this many years beyond the current one for the years the library does
# not cover, so an administrator can turn one into a 调休 working day in the admin.
WEEKEND_YEARS_AHEAD = 4

WEEKEND_NOTE = "周末"


@dataclass(frozen=True)
class DayStatus:
    is_working_day: bool
    note: str


def library_years() -> range:
    """The years the installed chinese-calendar knows (every holiday and 调休 day)."""
    years = {day.year for day in chinese_calendar.holidays}
    return range(min(years), max(years) + 1)


def _holiday_name(english: str) -> str:
    try:
        return chinese_calendar.Holiday(english).chinese
    except ValueError:
        return english


def library_status(day: datetime.date) -> DayStatus | None:
    """The day's status by the notice, or None for an ordinary weekday (no row needed). Reads
    the package's published tables (``holidays``, ``workdays``: the days off and the days
    worked instead, by date, with the holiday's name) as ``get_holiday_detail`` does, without
    its per-call range check that made a fill of twenty years take seconds."""
    weekend = day.weekday() >= 5
    if day in chinese_calendar.workdays:
        name = chinese_calendar.workdays[day]
        return DayStatus(True, f"调休上班（{_holiday_name(name)}）" if name else "调休上班")
    if day in chinese_calendar.holidays:
        return DayStatus(False, _holiday_name(chinese_calendar.holidays[day]))
    if weekend:
        return DayStatus(False, WEEKEND_NOTE)
    return None


def _years(years) -> list[int]:
    if years:
        return sorted(set(years))
    last = max(timezone.localdate().year + WEEKEND_YEARS_AHEAD, library_years().stop - 1)
    return list(range(FIRST_YEAR, last + 1))


def _wanted(day: datetime.date, in_library: bool, sources) -> tuple:
    """(status or None for an ordinary weekday, source) the fill gives ``day``."""
    if in_library:
        return library_status(day), sources.LIBRARY
    if day.weekday() >= 5:
        return DayStatus(False, WEEKEND_NOTE), sources.WEEKEND
    return None, sources.WEEKEND


def _replaceable(current_source: str, source: str, sources) -> bool:
    """An administrator's day is never replaced; a library day only by the library (a later
    library version that drops a year keeps the days an earlier one filled)."""
    if current_source == sources.MANUAL:
        return False
    return source == sources.LIBRARY or current_source != sources.LIBRARY


def sync_calendar(years=None, *, model=None, using: str = "default") -> dict[str, int]:
    """Bring the calendar of ``years`` (default: every year from ``FIRST_YEAR`` to a few
    years ahead) in line with the library, keeping the administrators' days.

    Covered years get the notice's days (source "library"); a row the library no longer
    lists (a corrected notice) is removed. Years not covered get their weekends (source
    "weekend"), never overwriting a row from the library or an administrator. Returns the
    counts of rows created, updated and deleted; idempotent. Rows are read as tuples in one
    query: it runs after every migrate and every flush of a test database."""
    from core.models import CalendarDay
    from core.models import CalendarSource as sources

    model = model or CalendarDay
    covered = library_years()
    wanted_years = set(_years(years))
    created, updated, deleted = [], [], []
    with transaction.atomic(using=using):
        rows = {
            day: (pk, working, note, source)
            for pk, day, working, note, source in model.objects.using(using)
            .filter(
                date__range=(
                    datetime.date(min(wanted_years), 1, 1),
                    datetime.date(max(wanted_years), 12, 31),
                )
            )
            .values_list("pk", "date", "is_working_day", "note", "source")
        }
        for year in sorted(wanted_years):
            in_library = year in covered
            day, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
            while day <= last:
                status, source = _wanted(day, in_library, sources)
                row = rows.get(day)
                if row is None:
                    if status is not None:
                        created.append(
                            model(
                                date=day,
                                is_working_day=status.is_working_day,
                                note=status.note,
                                source=source,
                            )
                        )
                elif _replaceable(row[3], source, sources):
                    if status is None:
                        deleted.append((row[0], day))  # a weekday the notice no longer lists
                    elif row[1:] != (status.is_working_day, status.note, source):
                        updated.append(
                            model(
                                pk=row[0],
                                date=day,
                                is_working_day=status.is_working_day,
                                note=status.note,
                                source=source,
                            )
                        )
                day += datetime.timedelta(days=1)
        model.objects.using(using).bulk_create(created, batch_size=500)
        model.objects.using(using).bulk_update(
            updated, ["is_working_day", "note", "source"], batch_size=500
        )
        if deleted:
            model.objects.using(using).filter(pk__in=[pk for pk, _day in deleted]).delete()
    changed = [row.date for row in (*created, *updated)] + [day for _pk, day in deleted]
    if changed:
        calendar_changed.send(sender=model, first=min(changed), last=max(changed))
    return {"created": len(created), "updated": len(updated), "deleted": len(deleted)}


def sync_after_migrate(sender=None, using: str = "default", apps=None, **kwargs) -> None:
    """post_migrate: fill the calendar once the core tables are there (also after a test
    database is created or flushed). Skipped while migrating backwards to a state without
    the ``source`` column."""
    if apps is None:
        # ``flush`` (a transactional test's teardown among them) sends post_migrate without
        # the migration state: the current models are the state then.
        from django.apps import apps as global_apps

        apps = global_apps
    try:
        model = apps.get_model("core", "CalendarDay")
    except LookupError:
        return
    if "source" not in {field.name for field in model._meta.get_fields()}:
        return
    counts = sync_calendar(model=model, using=using)
    if any(counts.values()):
        logger.info("Working-day calendar filled from chinese-calendar: %s", counts)


# --- what is missing -------------------------------------------------------------------------


def years_needed(today: datetime.date | None = None) -> list[int]:
    """The years whose holidays deadlines need now: this year, and next year once its notice
    is due (from November)."""
    today = today or timezone.localdate()
    years = [today.year]
    if today.month >= NOTICE_EXPECTED_FROM_MONTH:
        years.append(today.year + 1)
    return years


def missing_years(today: datetime.date | None = None, *, using: str = "default") -> list[int]:
    """The needed years whose notice the calendar does not hold: no day of the year came
    from the library. (An office that enters a notice by hand silences the warning with
    ``SILENCED_SYSTEM_CHECKS = ["core.W001"]``, which also hides the workspace notice.)"""
    from core.models import CalendarDay, CalendarSource

    if "core.W001" in settings.SILENCED_SYSTEM_CHECKS:
        return []
    needed = years_needed(today)
    known = set(
        CalendarDay.objects.using(using)
        .filter(source=CalendarSource.LIBRARY, date__year__in=needed)
        .values_list("date__year", flat=True)
        .distinct()
    )
    return [year for year in needed if year not in known]
