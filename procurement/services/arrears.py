"""Writes of the arrears ledger: arrears items, their repayment plans and the payment of an
instalment, each region's baseline, links from complaints about arrears, and the periodic
check that flags an overdue instalment like an overdue obligation."""

import datetime
import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import WorkflowConflict
from core.models import Region
from core.roles import Role
from core.services import ensure_in_scope, ensure_role, save_with_history
from credit_records.models import Complaint, ComplaintCategory

from .. import agreement_rules as ar
from ..models import (
    Agreement,
    ArrearsBaseline,
    ArrearsItem,
    ComplaintLink,
    FlagRule,
    FlagStatus,
    Instalment,
    RedFlag,
)
from .agreements import is_individual_business
from .base import _check_purchaser
from .flags import Finding, raise_flags

logger = logging.getLogger(__name__)


def _check_item(actor, item_id) -> None:
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, ArrearsItem, item_id)


@transaction.atomic
def arrears_item_save(*, actor, item: ArrearsItem) -> ArrearsItem:
    """Record or edit what a department owes an enterprise. The amount may not fall below
    what its plan's instalments already add up to."""
    if item.pk:
        _check_item(actor, item.pk)
        previous = ArrearsItem.objects.select_for_update().get(pk=item.pk)
        if previous.department_id != item.department_id:
            raise ValidationError(
                {"department": _("Arrears stay with the department that owes them.")}
            )
    _check_purchaser(actor, item.department_id)
    if item.agreement_id is not None:
        if actor is not None:
            ensure_in_scope(actor, Agreement, item.agreement_id)
        if Agreement.objects.get(pk=item.agreement_id).department_id != item.department_id:
            raise ValidationError({"agreement": _("The agreement belongs to another department.")})
    if is_individual_business(item.creditor_uscc):
        item.creditor_is_individual = True
    if not item.pk and actor is not None:
        item.created_by = actor
    item.full_clean()
    if item.pk:
        planned = item.instalments.aggregate(total=Sum("amount"))["total"] or Decimal("0")
        if planned > item.amount:
            raise ValidationError(
                {
                    "amount": _(
                        "The repayment plan already totals %(total)s yuan: the amount cannot "
                        "be lower."
                    )
                    % {"total": f"{planned:,.2f}"}
                }
            )
    save_with_history(item, actor=actor)
    return item


@transaction.atomic
def repayment_plan_set(
    *,
    actor,
    item: ArrearsItem,
    agreed_on: datetime.date,
    instalments: list[tuple[datetime.date, Decimal]],
) -> list[Instalment]:
    """Agree (or agree anew) the repayment plan: the unpaid instalments are replaced by
    ``instalments`` (due date, amount), numbered after the paid ones, which stay. The
    plan with the paid ones may not total more than is owed (``agreement_rules.plan_problems``)."""
    _check_item(actor, item.pk)
    item = ArrearsItem.objects.select_for_update().get(pk=item.pk)
    if agreed_on > timezone.localdate():
        raise ValidationError({"agreed_on": _("The plan cannot be agreed in the future.")})
    if not instalments:
        raise ValidationError({"instalments": _("Give at least one instalment.")})
    paid = list(item.instalments.filter(paid_on__isnull=False).order_by("sequence"))
    start = max((i.sequence for i in paid), default=0)
    planned = [(start + n, due, amount) for n, (due, amount) in enumerate(instalments, 1)]
    problems = []
    for _seq, due, amount in planned:
        if amount is None or amount <= 0:
            problems.append(_("Each instalment's amount must be more than zero."))
            break
        if due < agreed_on:
            problems.append(_("An instalment cannot fall due before the plan is agreed."))
            break
    problems += ar.plan_problems(
        owed=item.amount - sum((i.amount for i in paid), Decimal("0")),
        instalments=planned,
        due_date=item.due_date,
    )
    if problems:
        raise ValidationError({"instalments": problems})
    # Unpaid instalments are replaced: their flags go with them (a new plan is a new promise).
    item.instalments.filter(paid_on__isnull=True).delete()
    created = []
    for sequence, due, amount in planned:
        instalment = Instalment(item=item, sequence=sequence, due_date=due, amount=amount)
        instalment.full_clean()
        save_with_history(instalment, actor=actor, reason=_("Repayment plan"))
        created.append(instalment)
    item.plan_agreed_on = agreed_on
    save_with_history(item, actor=actor, reason=_("Repayment plan agreed"))
    return created


@transaction.atomic
def instalment_pay(*, actor, instalment: Instalment, paid_on: datetime.date) -> Instalment:
    """Record an instalment as paid."""
    _check_item(actor, instalment.item_id)
    instalment = Instalment.objects.select_for_update().get(pk=instalment.pk)
    if instalment.paid_on is not None:
        raise WorkflowConflict(_("This instalment is already paid."))
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("The payment date cannot be in the future.")})
    instalment.paid_on = paid_on
    save_with_history(instalment, actor=actor, reason=_("Paid"))
    return instalment


@transaction.atomic
def repayment_record(
    *, actor, item: ArrearsItem, paid_on: datetime.date, amount: Decimal
) -> Instalment:
    """A repayment made outside any plan: an instalment recorded as paid on the day."""
    _check_item(actor, item.pk)
    item = ArrearsItem.objects.select_for_update().get(pk=item.pk)
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("The payment date cannot be in the future.")})
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    planned = item.instalments.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    if planned + amount > item.amount:
        raise ValidationError(
            {
                "amount": _(
                    "With the planned instalments this would total %(total)s yuan, more than "
                    "the %(owed)s yuan owed."
                )
                % {"total": f"{planned + amount:,.2f}", "owed": f"{item.amount:,.2f}"}
            }
        )
    last = item.instalments.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    instalment = Instalment(
        item=item, sequence=last + 1, due_date=paid_on, amount=amount, paid_on=paid_on
    )
    instalment.full_clean()
    save_with_history(instalment, actor=actor, reason=_("Repayment"))
    return instalment


@transaction.atomic
def baseline_save(*, actor, baseline: ArrearsBaseline) -> ArrearsBaseline:
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, Region, baseline.region_id)
    baseline.full_clean()
    save_with_history(baseline, actor=actor)
    return baseline


@transaction.atomic
def complaint_link(
    *,
    actor,
    complaint: Complaint,
    agreement: Agreement | None = None,
    arrears_item: ArrearsItem | None = None,
) -> ComplaintLink:
    """Link a complaint about arrears to an SME to the agreement or the arrears it is about;
    both must concern the department complained about."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, Complaint, complaint.pk)
    if (agreement is None) == (arrears_item is None):
        raise ValidationError(_("Link the complaint to an agreement or to arrears."))
    if complaint.category != ComplaintCategory.SME_ARREARS:
        raise ValidationError(
            {"complaint": _("Only a complaint about arrears to an SME can be linked here.")}
        )
    target = agreement or arrears_item
    if actor is not None:
        ensure_in_scope(actor, type(target), target.pk)
    if target.department_id != complaint.department_id:
        raise ValidationError({"complaint": _("The complaint is about another department.")})
    link = ComplaintLink(
        complaint=complaint, agreement=agreement, arrears_item=arrears_item, linked_by=actor
    )
    try:
        with transaction.atomic():
            link.full_clean()
            save_with_history(link, actor=actor)
    except IntegrityError:
        raise ValidationError({"complaint": _("The complaint is already linked.")}) from None
    return link


# --- the periodic check --------------------------------------------------------------------


def instalment_finding(instalment: Instalment, today: datetime.date) -> Finding | None:
    if not ar.is_overdue(instalment.due_date, instalment.paid_on, today):
        return None
    item = instalment.item
    return Finding(
        FlagRule.INSTALMENT_OVERDUE,
        f"instalment:{instalment.pk}",
        item.department_id,
        {
            "reference": item.reference,
            "enterprise": "" if item.creditor_is_individual else item.creditor_name,
            "sme": item.creditor_is_sme,
            "sequence": instalment.sequence,
            "amount": str(instalment.amount),
            "due_date": instalment.due_date.isoformat(),
            "paid_on": instalment.paid_on.isoformat() if instalment.paid_on else None,
            "provisional": instalment.paid_on is None,
            "days_overdue": ar.days_overdue(instalment.due_date, instalment.paid_on or today),
            "as_of": today.isoformat(),
        },
        extra={"instalment_id": instalment.pk},
    )


def instalments_scan(today: datetime.date | None = None) -> dict[str, int]:
    """Flag each instalment paid late or still unpaid after its due date, once; refresh the
    open flags' figures. Idempotent."""
    from django.db.models import F, Q

    from .agreements import refresh_open_flag

    today = today or timezone.localdate()
    candidates = (
        Instalment.objects.filter(due_date__lt=today)
        .filter(Q(paid_on__isnull=True) | Q(paid_on__gt=F("due_date")))
        .exclude(
            pk__in=RedFlag.objects.filter(rule=FlagRule.INSTALMENT_OVERDUE)
            .exclude(status=FlagStatus.OPEN, evidence__provisional=True)
            .values("instalment")
        )
        .select_related("item")
        .order_by("pk")
    )
    raised = 0
    for instalment in candidates:
        finding = instalment_finding(instalment, today)
        if finding is None:
            continue
        with transaction.atomic():
            new = raise_flags([finding])
            raised += len(new)
            if not new:
                refresh_open_flag(finding)
    return {"instalments_flagged": raised}
