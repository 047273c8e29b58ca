"""Writes of the purchase files: suppliers, projects, contracts, acceptance and payments. Each
re-checks the red-flag rules of the project it touched (``evaluate_project``)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core.roles import Role
from core.services import ensure_role, save_with_history

from .. import rules
from ..models import (
    Acceptance,
    AcceptanceResult,
    Contract,
    Payment,
    ProcurementProject,
    RedFlag,
    Supplier,
    Violation,
)
from .base import _check_project, _check_purchaser
from .flags import evaluate_project


@transaction.atomic
def supplier_save(*, actor, supplier: Supplier) -> Supplier:
    ensure_role(actor, Role.SUPERVISOR)
    supplier.full_clean()
    save_with_history(supplier, actor=actor)
    if supplier.pk:
        # Becoming (or ceasing to be) an SME changes the due dates of its payments.
        for contract in Contract.objects.filter(project__supplier=supplier):
            _refresh_payments(contract)
    return supplier


@transaction.atomic
def project_save(*, actor, project: ProcurementProject) -> ProcurementProject:
    """Create or edit a project: its notice and, once decided, its award.

    Moving a project to another purchaser moves its red flags along (they are scoped by
    their own ``purchaser``), so the old purchaser's officials stop seeing them and the new
    one's can decide them. Once a violation was found on the project it stays with the
    purchaser that committed it: the move is refused."""
    previous_purchaser_id = None
    if project.pk:
        _check_project(actor, project.pk)
        previous_purchaser_id = (
            ProcurementProject.objects.select_for_update()
            .values_list("purchaser_id", flat=True)
            .get(pk=project.pk)
        )
    _check_purchaser(actor, project.purchaser_id)
    moved = previous_purchaser_id is not None and previous_purchaser_id != project.purchaser_id
    if moved and Violation.objects.filter(project_id=project.pk).exists():
        raise ValidationError(
            {
                "purchaser": _(
                    "The purchaser cannot be changed: a violation was already recorded on "
                    "this project."
                )
            }
        )
    project.full_clean()
    save_with_history(project, actor=actor)
    if moved:
        _move_flags(project, actor=actor)
    if hasattr(project, "contract"):
        _refresh_payments(project.contract)
    evaluate_project(project)
    return project


def _ensure_same_parent(instance, field: str) -> None:
    """A contract stays with its project, an acceptance or a payment with its contract:
    moving one would carry its figures (and flags) into another purchase's history."""
    if not instance.pk:
        return
    attname = f"{field}_id"
    stored = type(instance).objects.filter(pk=instance.pk).values_list(attname, flat=True).first()
    if stored is not None and stored != getattr(instance, attname):
        raise ValidationError(
            {
                field: _("This cannot be moved to another %(parent)s.")
                % {"parent": instance._meta.get_field(field).verbose_name}
            }
        )


@transaction.atomic
def contract_save(*, actor, contract: Contract) -> Contract:
    _check_project(actor, contract.project_id)
    _ensure_same_parent(contract, "project")
    project = contract.project
    contract.full_clean()
    save_with_history(contract, actor=actor)
    _refresh_payments(contract)
    evaluate_project(project)
    return contract


@transaction.atomic
def acceptance_save(*, actor, acceptance: Acceptance) -> Acceptance:
    contract = acceptance.contract
    _check_project(actor, contract.project_id)
    _ensure_same_parent(acceptance, "contract")
    if acceptance.acceptance_date and acceptance.result == AcceptanceResult.PENDING:
        acceptance.result = AcceptanceResult.PASSED
    acceptance.full_clean()
    save_with_history(acceptance, actor=actor)
    _refresh_payments(contract)
    evaluate_project(contract.project)
    return acceptance


@transaction.atomic
def payment_save(*, actor, payment: Payment) -> Payment:
    contract = payment.contract
    _check_project(actor, contract.project_id)
    _ensure_same_parent(payment, "contract")
    # One payment of a contract at a time: the check of their total against the contract
    # amount (Payment.clean) must see the others'.
    Contract.objects.select_for_update().values_list("pk", flat=True).get(pk=contract.pk)
    _compute_payment(payment, contract)
    payment.full_clean()
    save_with_history(payment, actor=actor)
    evaluate_project(contract.project)
    return payment


def _move_flags(project: ProcurementProject, *, actor) -> None:
    """The project's flags follow it to its new purchaser (each with a history entry)."""
    flags = RedFlag.objects.filter(Q(project=project) | Q(payment__contract__project=project))
    for flag in flags.exclude(purchaser_id=project.purchaser_id):
        flag.purchaser_id = project.purchaser_id
        save_with_history(flag, actor=actor, reason=_("Project moved to another purchaser"))


def _compute_payment(payment: Payment, contract: Contract) -> None:
    acceptance = getattr(contract, "acceptance", None)
    supplier = contract.project.supplier
    payment.due_date = rules.payment_due_date(
        delivery_date=acceptance.delivery_date if acceptance else None,
        acceptance_date=acceptance.acceptance_date if acceptance else None,
        acceptance_result=acceptance.result if acceptance else None,
        acceptance_days=contract.acceptance_period_days,
        after_acceptance=contract.payment_after_acceptance,
        agreed_days=contract.payment_term_days,
        is_sme=bool(supplier and supplier.is_sme),
    )
    payment.late_days, payment.late_interest = rules.payment_lateness(
        amount=payment.amount,
        disputed_amount=payment.disputed_amount,
        due_date=payment.due_date,
        paid_or_today=payment.paid_date,
        annual_percent=contract.late_interest_rate,
    )


def _refresh_payments(contract: Contract, reason=None) -> None:
    """Recompute due dates and interest after the contract or its acceptance changed."""
    contract = Contract.objects.select_related("project__supplier", "acceptance").get(
        pk=contract.pk
    )
    for payment in contract.payments.all():
        before = (payment.due_date, payment.late_days, payment.late_interest)
        _compute_payment(payment, contract)
        if before != (payment.due_date, payment.late_days, payment.late_interest):
            save_with_history(payment, actor=None, reason=reason or _("Due date recomputed"))


def payments_recompute_for_calendar(*, first, last) -> int:
    """The working-day calendar changed between ``first`` and ``last``: recompute the due
    dates that may have moved. A stored due date before ``first`` was worked out from days
    before it only (rolling looks forward from the unrolled day to the due date), so only
    due dates from ``first`` on, and instalments without one, are looked at."""
    changed = 0
    contracts = Contract.objects.filter(
        Q(payments__due_date__gte=first)
        | Q(payments__due_date__isnull=True, payments__pk__isnull=False)
    ).distinct()
    for contract in contracts:
        before = list(contract.payments.values_list("pk", "due_date"))
        with transaction.atomic():
            _refresh_payments(contract, reason=_("Due date recomputed: calendar changed"))
        changed += before != list(contract.payments.values_list("pk", "due_date"))
    return changed
