"""System checks of credit records: the objection time-limit settings, reported by
``manage.py check`` instead of surfacing later as a failing scan or a wrong due day."""

from django.conf import settings
from django.core import checks


def _whole(value, minimum: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


@checks.register()
def check_objection_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    for name in (
        "CHENGXIN_OBJECTION_ACKNOWLEDGE_WORKING_DAYS",
        "CHENGXIN_OBJECTION_DECISION_WORKING_DAYS",
    ):
        value = getattr(settings, name)
        if not _whole(value, 1):
            errors.append(
                checks.Error(
                    f"{name} is {value!r}.",
                    hint="A whole number of working days, 1 or more.",
                    id="credit_records.E001",
                )
            )
    acknowledge = settings.CHENGXIN_OBJECTION_ACKNOWLEDGE_WORKING_DAYS
    decide = settings.CHENGXIN_OBJECTION_DECISION_WORKING_DAYS
    if _whole(acknowledge, 1) and _whole(decide, 1) and acknowledge > decide:
        errors.append(
            checks.Error(
                "CHENGXIN_OBJECTION_ACKNOWLEDGE_WORKING_DAYS is longer than "
                "CHENGXIN_OBJECTION_DECISION_WORKING_DAYS.",
                hint="An objection is acknowledged before it is decided.",
                id="credit_records.E002",
            )
        )
    steps = settings.CHENGXIN_OBJECTION_ESCALATION_DAYS
    if (
        not isinstance(steps, list | tuple)
        or len(steps) != 2
        or not all(_whole(days, 1) for days in steps)
    ):
        errors.append(
            checks.Error(
                f"CHENGXIN_OBJECTION_ESCALATION_DAYS is {steps!r}.",
                hint="Two whole numbers of 1 or more: the days after the decision was due of "
                "the overdue step, then the days before escalation, e.g. 1,5.",
                id="credit_records.E003",
            )
        )
    return errors
