"""System checks of the deadline settings: a misconfigured ladder or reminder list is
reported by ``manage.py check`` (and the commands that run the checks: ``migrate``,
``runserver``) instead of surfacing later as a failing or silent scan. The working-day
calendar's check reads the database, so it is tagged ``database``: ``migrate`` and
``manage.py check --database default`` run it."""

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import models

# SQLite, the embedded default, stores a decimal as a floating-point number and keeps only
# its first 15 significant digits (sqlite.org/datatype3.html, "Type Affinity"; Django's SQLite
# backend rounds what it reads to 15 digits for the same reason). A field allowed more digits
# would hand back another amount than the one saved.
EXACT_DECIMAL_DIGITS = 15


def _minimums() -> dict[str, int]:
    """Whole numbers of days (or seconds) that must be at least the given minimum. An email
    claim younger than the send task's hard time limit may belong to a worker still sending,
    so the lease must not run out sooner."""
    from .tasks import send_notification_email

    return {
        "CHENGXIN_RECTIFICATION_DAYS": 1,
        "CHENGXIN_EXPLANATION_DAYS": 1,
        "CHENGXIN_REPAIR_REVIEW_WORKING_DAYS": 1,
        "CHENGXIN_HONOURS_EXTENSION_MONTHS": 0,
        "CHENGXIN_SCAN_SECONDS": 1,
        "CHENGXIN_EMAIL_CLAIM_SECONDS": send_notification_email.time_limit,
    }


def _is_whole_number(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@register(Tags.compatibility)
def check_deadline_settings(app_configs=None, **kwargs) -> list[Error]:
    errors = []
    reminder_days = settings.CHENGXIN_REMINDER_DAYS
    if not isinstance(reminder_days, list | tuple) or not all(
        _is_whole_number(days) and days >= 0 for days in reminder_days
    ):
        errors.append(
            Error(
                f"CHENGXIN_REMINDER_DAYS is {reminder_days!r}.",
                hint="Days before a deadline, whole numbers of 0 or more, e.g. 7,3,1 "
                "(empty: no reminders).",
                id="core.E001",
            )
        )
    escalation_days = settings.CHENGXIN_ESCALATION_DAYS
    if (
        not isinstance(escalation_days, list | tuple)
        or len(escalation_days) != 3
        or not all(_is_whole_number(days) and days >= 1 for days in escalation_days)
    ):
        errors.append(
            Error(
                f"CHENGXIN_ESCALATION_DAYS is {escalation_days!r}.",
                hint="Three whole numbers of 1 or more: the days after the deadline of the "
                "overdue step, then the days before escalation and before accountability, "
                "e.g. 1,15,30.",
                id="core.E002",
            )
        )
    for name, minimum in _minimums().items():
        value = getattr(settings, name)
        if not _is_whole_number(value) or value < minimum:
            errors.append(
                Error(
                    f"{name} is {value!r}.",
                    hint=f"A whole number of {minimum} or more.",
                    id="core.E003",
                )
            )
    return errors


@register(Tags.models)
def check_decimal_fields_keep_their_digits(app_configs=None, **kwargs) -> list[Error]:
    """Every DecimalField of the portal fits in the digits every supported database keeps."""
    errors = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.DecimalField) and field.max_digits > EXACT_DECIMAL_DIGITS:
                errors.append(
                    Error(
                        f"{model._meta.label}.{field.name} allows {field.max_digits} digits.",
                        hint=f"At most {EXACT_DECIMAL_DIGITS}: SQLite keeps no more exactly.",
                        obj=field,
                        id="core.E004",
                    )
                )
    return errors


@register(Tags.database)
def check_calendar_knows_the_holidays(app_configs=None, databases=None, **kwargs) -> list:
    """core.W001: the working-day calendar lacks the State Council's holiday notice of a year
    deadlines need (this year; next year from November, when the notice is due). Working-day
    deadlines across its holidays would end too early, and statutory ones that end on a
    holiday would not move to the next working day."""
    from django.db import DatabaseError

    from .holidays import library_years, missing_years

    warnings = []
    for alias in databases or ():
        try:
            missing = missing_years(using=alias)
        except DatabaseError:  # tables not created yet: migrate fills the calendar
            continue
        covered = library_years()
        for year in missing:
            if year in covered:
                hint = "Run `manage.py sync_calendar` (migrate does too)."
            else:
                hint = (
                    f"The installed chinese-calendar covers {covered.start}-{covered.stop - 1}: "
                    "upgrade it (pyproject.toml and requirements.lock) once it has the notice, "
                    "then run `manage.py sync_calendar`; or enter the notice's holidays and "
                    "调休 working days in the admin (工作日历) and silence this check with "
                    'SILENCED_SYSTEM_CHECKS = ["core.W001"].'
                )
            warnings.append(
                Warning(
                    f"The working-day calendar has no holiday notice for {year}: working-day "
                    "deadlines count its holidays as working days.",
                    hint=hint,
                    id="core.W001",
                )
            )
    return warnings
