"""Procurement test data, made the way users make it: through the services (as the
system, ``actor=None``). Dates default to a fixed, ordinary past."""

import datetime
import itertools
from decimal import Decimal

from procurement import services
from procurement.models import (
    Acceptance,
    AcceptanceResult,
    Contract,
    Payment,
    ProcurementMethod,
    ProcurementProject,
    Supplier,
)

from .core import valid_uscc

_numbers = itertools.count(1)
AWARD = datetime.date(2026, 3, 2)  # a Monday


def make_supplier(*, sme=True, name=None) -> Supplier:
    n = next(_numbers)
    return services.supplier_save(
        actor=None,
        supplier=Supplier(
            name=name or f"测试供应商{n}", uscc=valid_uscc(5000 + n, prefix="91"), is_sme=sme
        ),
    )


def make_project(
    purchaser,
    *,
    code=None,
    method=ProcurementMethod.OPEN_TENDER,
    budget="100000",
    award_date=AWARD,
    award_amount="100000",
    supplier=None,
    sme=True,
) -> ProcurementProject:
    project = ProcurementProject(
        purchaser=purchaser,
        code=code or f"CG-{next(_numbers):04d}",
        title="测试采购项目",
        method=method,
        budget=Decimal(budget),
        notice_date=(award_date or AWARD) - datetime.timedelta(days=20),
    )
    if award_date is not None:
        project.award_date = award_date
        project.supplier = supplier or make_supplier(sme=sme)
        project.award_amount = Decimal(award_amount)
    return services.project_save(actor=None, project=project)


def make_contract(
    project,
    *,
    signed_after=10,
    amount="100000",
    supplementary="0",
    term=None,
    after_acceptance=True,
    filed_after=1,
    acceptance_days=None,
    interest_rate=None,
) -> Contract:
    signed = project.award_date + datetime.timedelta(days=signed_after)
    return services.contract_save(
        actor=None,
        contract=Contract(
            project=project,
            signed_date=signed,
            amount=Decimal(amount),
            supplementary_amount=Decimal(supplementary),
            payment_term_days=term,
            payment_after_acceptance=after_acceptance,
            acceptance_period_days=acceptance_days,
            late_interest_rate=None if interest_rate is None else Decimal(interest_rate),
            filed_date=None
            if filed_after is None
            else signed + datetime.timedelta(days=filed_after),
        ),
    )


def make_acceptance(contract, *, delivered_after=10, accepted_after=5) -> Acceptance:
    delivered = contract.signed_date + datetime.timedelta(days=delivered_after)
    return services.acceptance_save(
        actor=None,
        acceptance=Acceptance(
            contract=contract,
            delivery_date=delivered,
            acceptance_date=None
            if accepted_after is None
            else delivered + datetime.timedelta(days=accepted_after),
            result=AcceptanceResult.PENDING if accepted_after is None else AcceptanceResult.PASSED,
        ),
    )


def make_payment(contract, *, amount="100000", paid=None, sequence=1, disputed="0") -> Payment:
    return services.payment_save(
        actor=None,
        payment=Payment(
            contract=contract,
            sequence=sequence,
            amount=Decimal(amount),
            disputed_amount=Decimal(disputed),
            paid_date=paid,
        ),
    )


def make_paid_project(
    purchaser,
    *,
    paid_days_after_acceptance,
    term=None,
    sme=True,
    amount="100000",
    accepted_after=5,
):
    """A project accepted (``accepted_after`` days after delivery, 2026-03-22: the default
    is Friday 2026-03-27), with one payment made ``paid_days_after_acceptance`` days after
    acceptance; returns the payment."""
    project = make_project(purchaser, sme=sme, award_amount=amount, budget=amount)
    contract = make_contract(project, amount=amount, term=term)
    acceptance = make_acceptance(contract, accepted_after=accepted_after)
    return make_payment(
        contract,
        amount=amount,
        paid=acceptance.acceptance_date + datetime.timedelta(days=paid_days_after_acceptance),
    )
