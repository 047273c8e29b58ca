"""Government agreements and arrears test data, made through the services (as the system,
``actor=None``, unless an actor is passed)."""

import datetime
import itertools
from decimal import Decimal

from procurement import services
from procurement.models import Agreement, AgreementKind, ArrearsItem, Obligation, ObligationEvent

from .core import valid_uscc

_numbers = itertools.count(1)
SIGNED = datetime.date(2026, 1, 5)


def enterprise_uscc(n: int | None = None, *, individual: bool = False) -> str:
    """A valid enterprise code (91…), or an individual business's (92…)."""
    return valid_uscc(7000 + (n or next(_numbers)), prefix="92" if individual else "91")


def make_agreement(
    department,
    *,
    kind=AgreementKind.INVESTMENT,
    signed=SIGNED,
    sme=True,
    individual=False,
    name=None,
    actor=None,
) -> Agreement:
    n = next(_numbers)
    return services.agreement_save(
        actor=actor,
        agreement=Agreement(
            department=department,
            kind=kind,
            number=f"XY-{n:04d}",
            title="招商引资协议",
            counterparty_name=name or f"测试企业{n}",
            counterparty_uscc=enterprise_uscc(n, individual=individual),
            counterparty_is_sme=sme,
            signed_date=signed,
        ),
    )


def make_obligation(
    agreement,
    *,
    due=None,
    amount="500000",
    condition="",
    days_after_condition=0,
    description="兑现产业扶持资金",
    actor=None,
) -> Obligation:
    return services.obligation_save(
        actor=actor,
        obligation=Obligation(
            agreement=agreement,
            description=description,
            amount=None if amount is None else Decimal(amount),
            agreed_due_date=due,
            condition=condition,
            days_after_condition=days_after_condition,
        ),
    )


def record_payment(obligation, *, date, amount, actor=None) -> ObligationEvent:
    return services.obligation_event_record(
        actor=actor,
        event=ObligationEvent(
            obligation=obligation, date=date, description="拨付资金", amount=Decimal(amount)
        ),
    )


def make_arrears(
    department,
    *,
    amount="100000",
    due=datetime.date(2026, 6, 30),
    sme=True,
    individual=False,
    name=None,
    actor=None,
) -> ArrearsItem:
    n = next(_numbers)
    return services.arrears_item_save(
        actor=actor,
        item=ArrearsItem(
            department=department,
            reference=f"QK-{n:04d}",
            kind="construction",
            description="工程款",
            creditor_name=name or f"测试施工企业{n}",
            creditor_uscc=enterprise_uscc(n, individual=individual),
            creditor_is_sme=sme,
            amount=Decimal(amount),
            due_date=due,
        ),
    )
