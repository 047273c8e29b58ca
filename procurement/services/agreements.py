"""Writes of government agreements: the agreement, its obligations, the day an obligation's
condition was met, and what was done or paid against it; and the periodic check that raises
a red flag on each overdue obligation and marks one that fell overdue after the department's
head changed (新官不理旧账, ``agreement_rules``)."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Department
from core.roles import Role
from core.services import ensure_in_scope, ensure_role, save_with_history

from .. import agreement_rules as ar
from ..models import Agreement, FlagRule, FlagStatus, Obligation, ObligationEvent, RedFlag
from .base import _check_purchaser
from .flags import Finding, raise_flags

logger = logging.getLogger(__name__)

# GB 32100-2015: registration authority 9 (工商), category 2: an individual business.
INDIVIDUAL_BUSINESS_PREFIX = "92"


def is_individual_business(uscc: str) -> bool:
    return (uscc or "").upper().startswith(INDIVIDUAL_BUSINESS_PREFIX)


def head_changes(department: Department) -> list[datetime.date]:
    """Every day the department's head took office, from its history (``head_since``)."""
    days = set(department.history.exclude(head_since=None).values_list("head_since", flat=True))
    if department.head_since:
        days.add(department.head_since)
    return sorted(days)


def _check_agreement(actor, agreement_id) -> None:
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, Agreement, agreement_id)


@transaction.atomic
def agreement_save(*, actor, agreement: Agreement) -> Agreement:
    """Record or edit an agreement. The government party stays once obligations are on
    file: what it owes does not move to another department."""
    if agreement.pk:
        _check_agreement(actor, agreement.pk)
        previous = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if previous.department_id != agreement.department_id and previous.obligations.exists():
            raise ValidationError(
                {
                    "department": _(
                        "The government party cannot change once obligations are on file."
                    )
                }
            )
    _check_purchaser(actor, agreement.department_id)
    if is_individual_business(agreement.counterparty_uscc):
        agreement.counterparty_is_individual = True
    if not agreement.pk and actor is not None:
        agreement.created_by = actor
    agreement.full_clean()
    save_with_history(agreement, actor=actor)
    for obligation in agreement.obligations.all():
        _refresh(obligation, actor=actor)
    return agreement


def _validate_obligation(obligation: Obligation) -> None:
    agreement = obligation.agreement
    errors = {}
    if obligation.agreed_due_date and obligation.agreed_due_date < agreement.signed_date:
        errors["agreed_due_date"] = _(
            "An obligation cannot fall due before the agreement is signed."
        )
    if obligation.condition_met_on:
        if not obligation.condition:
            errors["condition_met_on"] = _("This obligation has no condition to meet.")
        elif obligation.condition_met_on < agreement.signed_date:
            errors["condition_met_on"] = _(
                "The condition cannot be met before the agreement is signed."
            )
        elif obligation.condition_met_on > timezone.localdate():
            errors["condition_met_on"] = _("The day the condition was met cannot be in the future.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def obligation_save(*, actor, obligation: Obligation) -> Obligation:
    """Add or edit an obligation of the government side. Its due date is worked out here
    (``agreement_rules.obligation_due_date``), never typed."""
    _check_agreement(actor, obligation.agreement_id)
    if obligation.pk:
        previous = Obligation.objects.select_for_update().get(pk=obligation.pk)
        if previous.agreement_id != obligation.agreement_id:
            raise ValidationError({"agreement": _("An obligation stays with its agreement.")})
    obligation.condition = (obligation.condition or "").strip()
    obligation.full_clean(exclude=["due_date"])
    _validate_obligation(obligation)
    obligation.due_date = ar.obligation_due_date(
        agreed_due_date=obligation.agreed_due_date,
        condition_met_on=obligation.condition_met_on,
        days_after_condition=obligation.days_after_condition,
    )
    save_with_history(obligation, actor=actor)
    return _refresh(obligation, actor=actor)


@transaction.atomic
def obligation_condition_met(*, actor, obligation: Obligation, met_on: datetime.date) -> Obligation:
    """Record the day an obligation's condition was met: from then it is due."""
    _check_agreement(actor, obligation.agreement_id)
    obligation = (
        Obligation.objects.select_for_update().select_related("agreement").get(pk=obligation.pk)
    )
    if not obligation.condition:
        raise ValidationError({"met_on": _("This obligation has no condition to meet.")})
    obligation.condition_met_on = met_on
    try:
        _validate_obligation(obligation)
    except ValidationError as error:
        raise ValidationError({"met_on": error.message_dict["condition_met_on"]}) from None
    obligation.due_date = ar.obligation_due_date(
        agreed_due_date=obligation.agreed_due_date,
        condition_met_on=met_on,
        days_after_condition=obligation.days_after_condition,
    )
    save_with_history(obligation, actor=actor, reason=_("Condition met"))
    return _refresh(obligation, actor=actor)


@transaction.atomic
def obligation_event_record(*, actor, event: ObligationEvent) -> ObligationEvent:
    """Record what was done or paid against an obligation. A payment may not take the
    total paid past the obligation's amount; the obligation is fulfilled on the day its
    amount is paid in full, or on the day of an event that says it was performed in full."""
    _check_agreement(actor, Obligation.objects.get(pk=event.obligation_id).agreement_id)
    obligation = (
        Obligation.objects.select_for_update()
        .select_related("agreement")
        .get(pk=event.obligation_id)
    )
    errors = {}
    if event.date and event.date > timezone.localdate():
        errors["date"] = _("The date cannot be in the future.")
    elif event.date and event.date < obligation.agreement.signed_date:
        errors["date"] = _("Nothing can be done against the agreement before it is signed.")
    if event.amount is not None:
        if obligation.amount is None:
            errors["amount"] = _("This obligation is not a payment.")
        else:
            paid = (
                obligation.events.exclude(pk=event.pk)
                .filter(amount__isnull=False)
                .aggregate(total=Sum("amount"))["total"]
                or 0
            )
            if paid + event.amount > obligation.amount:
                errors["amount"] = _(
                    "The payments would total %(total)s yuan, more than the %(amount)s yuan "
                    "the obligation is for."
                ) % {"total": f"{paid + event.amount:,.2f}", "amount": f"{obligation.amount:,.2f}"}
    if errors:
        raise ValidationError(errors)
    if actor is not None and not event.pk:
        event.recorded_by = actor
    event.full_clean()
    save_with_history(event, actor=actor)
    _refresh(obligation, actor=actor)
    return event


def fulfilment_date(obligation: Obligation) -> datetime.date | None:
    """The day the obligation was fulfilled: the first event performing it in full, or the
    payment that brought the total paid up to its amount, whichever came first."""
    events = list(obligation.events.order_by("date", "pk"))
    days = [event.date for event in events if event.completes]
    if obligation.amount is not None:
        paid = 0
        for event in events:
            paid += event.amount or 0
            if paid >= obligation.amount:
                days.append(event.date)
                break
    return min(days) if days else None


def _refresh(obligation: Obligation, *, actor) -> Obligation:
    fulfilled_on = fulfilment_date(obligation)
    if fulfilled_on != obligation.fulfilled_on:
        obligation.fulfilled_on = fulfilled_on
        save_with_history(
            obligation, actor=actor, reason=_("Fulfilled") if fulfilled_on else _("Reopened")
        )
    return obligation


# --- the periodic check --------------------------------------------------------------------


def obligation_finding(obligation: Obligation, today: datetime.date) -> Finding | None:
    """What the rules find about one obligation today: overdue (still unfulfilled after its
    due date, or fulfilled after it), with the change of head that came before, if any."""
    if not ar.is_overdue(obligation.due_date, obligation.fulfilled_on, today):
        return None
    agreement = obligation.agreement
    settled_or_today = obligation.fulfilled_on or today
    change = ar.head_change_before_overdue(
        signed_date=agreement.signed_date,
        due_date=obligation.due_date,
        head_changes=head_changes(agreement.department),
    )
    return Finding(
        FlagRule.OBLIGATION_OVERDUE,
        f"obligation:{obligation.pk}",
        agreement.department_id,
        {
            "agreement": agreement.number,
            "enterprise": agreement.counterparty_name,
            "obligation": obligation.description,
            "amount": str(obligation.amount) if obligation.amount is not None else None,
            "due_date": obligation.due_date.isoformat(),
            "fulfilled_on": obligation.fulfilled_on.isoformat()
            if obligation.fulfilled_on
            else None,
            "provisional": obligation.fulfilled_on is None,
            "days_overdue": ar.days_overdue(obligation.due_date, settled_or_today),
            "head_changed_on": change.isoformat() if change else None,
            "as_of": today.isoformat(),
        },
        extra={"obligation_id": obligation.pk},
    )


def obligations_scan(today: datetime.date | None = None) -> dict[str, int]:
    """Flag each overdue obligation once, mark the ones that fell overdue after a change of
    head, and bring the open flags' figures (days so far) up to date. Idempotent."""
    today = today or timezone.localdate()
    candidates = (
        Obligation.objects.filter(due_date__lt=today)
        .filter(Q(fulfilled_on__isnull=True) | Q(fulfilled_on__gt=F("due_date")))
        # Settled flags (decided, or on a recorded fulfilment) need nothing more.
        .exclude(
            pk__in=RedFlag.objects.filter(rule=FlagRule.OBLIGATION_OVERDUE)
            .exclude(status=FlagStatus.OPEN, evidence__provisional=True)
            .values("obligation")
        )
        .select_related("agreement__department")
        .order_by("pk")
    )
    raised = 0
    for obligation in candidates:
        finding = obligation_finding(obligation, today)
        if finding is None:
            continue
        with transaction.atomic():
            change = finding.evidence["head_changed_on"]
            change = datetime.date.fromisoformat(change) if change else None
            if change != obligation.head_changed_on:
                obligation.head_changed_on = change
                save_with_history(
                    obligation, actor=None, reason=_("Overdue after a change of head")
                )
            new = raise_flags([finding])
            raised += len(new)
            if not new:
                refresh_open_flag(finding)
    result = {"obligations_flagged": raised}
    logger.info("Agreement scan for %s: %s", today, result)
    return result


def refresh_open_flag(finding: Finding) -> None:
    flag = RedFlag.objects.filter(
        rule=finding.rule, object_key=finding.object_key, status=FlagStatus.OPEN
    ).first()
    if flag is not None and flag.evidence != finding.evidence:
        flag.evidence = finding.evidence
        save_with_history(flag, actor=None, reason=_("Evidence updated"))
