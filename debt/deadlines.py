"""Deadlines of issued risk warnings.

Reminders before the response deadline come from the portal's reminder scan: the warnings
are a ``DeadlineSource`` registered from ``DebtConfig.ready``. After the deadline, this
module's own scan (``escalate_overdue_warnings``, run by ``tasks.scan_warnings``) mirrors the
rectification ladder in two steps: the day after the deadline the region's office is told the
response is overdue; ``CHENGXIN_DEBT_WARNING_ESCALATION_DAYS`` later the warning goes to the
parent region's office. Each step is claimed with a conditional update of
``escalation_level``, so it happens once however often, and from however many workers, the
scan runs.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.deadlines import DeadlineSource, DueItem, days_phrase, register
from core.models import NotificationKind
from core.notifications import notify_translated, supervisors_of

from .models import RiskWarning, WarningStatus

logger = logging.getLogger(__name__)

KIND = "debt_warning_response"


def _url(warning_id: int) -> str:
    return reverse("debt:warning_detail", args=[warning_id])


def warning_response_items(start: datetime.date, end: datetime.date):
    warnings = RiskWarning.objects.filter(
        status=WarningStatus.ISSUED, response_deadline__range=(start, end)
    ).select_related("region", "region__parent")
    for warning in warnings:

        def describe(days_left, warning=warning):
            return (
                _("The response to debt-risk warning “%(title)s” is due %(when)s")
                % {"title": warning.title, "when": days_phrase(days_left)},
                _("%(region)s must respond by %(date)s: %(required)s")
                % {
                    "region": warning.region.name,
                    "date": warning.response_deadline.isoformat(),
                    "required": warning.required_response,
                },
            )

        yield DueItem(
            object_id=warning.pk,
            due_date=warning.response_deadline,
            region=warning.region,
            describe=describe,
            url=_url(warning.pk),
            target=warning,
        )


def register_sources() -> None:
    register(
        DeadlineSource(
            KIND, warning_response_items, label=gettext_lazy("Response to a debt risk warning")
        )
    )


def _offsets() -> tuple[int, int]:
    """Days after the deadline of step 1 (overdue) and step 2 (escalated)."""
    return 1, 1 + settings.CHENGXIN_DEBT_WARNING_ESCALATION_DAYS


def escalate_overdue_warnings(today: datetime.date | None = None) -> int:
    """Take every overdue issued warning up its two steps; returns the steps taken."""
    today = today or timezone.localdate()
    offsets = _offsets()
    candidates = RiskWarning.objects.filter(
        status=WarningStatus.ISSUED,
        escalation_level__lt=len(offsets),
        response_deadline__lte=today - datetime.timedelta(days=offsets[0]),
    ).values_list("pk", "response_deadline", "escalation_level")
    steps = 0
    for pk, deadline, level in list(candidates):
        for step, offset in enumerate(offsets, start=1):
            if step <= level:
                continue
            if today < deadline + datetime.timedelta(days=offset):
                break
            if not _take_step(pk, step):
                break
            steps += 1
    return steps


@transaction.atomic
def _take_step(warning_id: int, step: int) -> bool:
    """Claim the step with a conditional update (one worker wins), then apply it."""
    claimed = RiskWarning.objects.filter(
        pk=warning_id, escalation_level=step - 1, status=WarningStatus.ISSUED
    ).update(escalation_level=step)
    if not claimed:
        return False
    warning = RiskWarning.objects.select_related("region", "region__parent").get(pk=warning_id)
    (_step_overdue if step == 1 else _step_escalate)(warning)
    return True


def _history(warning: RiskWarning, reason: str) -> None:
    warning._change_reason = reason[:100]
    warning.save()


def _step_overdue(warning: RiskWarning) -> None:
    _history(warning, _("Response overdue"))
    region = warning.region
    notify_translated(
        supervisors_of(region),
        kind=NotificationKind.OVERDUE,
        describe=lambda: (
            _("The response to debt-risk warning “%(title)s” is overdue")
            % {"title": warning.title},
            _("%(region)s did not respond by %(date)s.")
            % {"region": region.name, "date": warning.response_deadline.isoformat()},
        ),
        url=_url(warning.pk),
        target=warning,
    )


def _step_escalate(warning: RiskWarning) -> None:
    region = warning.region
    target = region.parent or region
    warning.escalated_to = target
    _history(warning, _("Escalated to %(region)s") % {"region": target.name})
    notify_translated(
        supervisors_of(target),
        kind=NotificationKind.ESCALATED,
        describe=lambda: (
            _("Escalated: %(region)s has not responded to a debt-risk warning")
            % {"region": region.name},
            _("“%(title)s” was due for a response on %(date)s.")
            % {"title": warning.title, "date": warning.response_deadline.isoformat()},
        ),
        url=_url(warning.pk),
        target=warning,
    )


def run_scan(today: datetime.date | None = None) -> dict[str, int]:
    result = {"warning_steps": escalate_overdue_warnings(today)}
    logger.info("Debt warning scan: %s", result)
    return result
