"""Procurement deadlines as reminder sources (``credit_records.deadlines``): the purchaser's
liaisons and its supervising office are reminded before an unpaid instalment falls due,
before the signing deadline of an awarded project still without a contract, before the
filing deadline of a signed contract still unfiled, before an agreement obligation falls due
and before an arrears repayment instalment does."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.deadlines import DeadlineSource, DueItem, days_phrase
from core.money import format_money

from . import rules
from .models import Contract, Payment, ProcurementProject

# Rolling a deadline past rest days (Civil Code art. 203) moves it at most this far: longer
# than the notices' longest holiday (9 days) with an office's local days beside it.
ROLL_MARGIN = datetime.timedelta(days=31)


def _project_url(project) -> str:
    return reverse("procurement:project_detail", args=[project.pk])


def _payment_items(start, end):
    payments = Payment.objects.filter(
        paid_date__isnull=True, due_date__range=(start, end)
    ).select_related("contract__project__purchaser__region", "contract__project__supplier")
    for payment in payments:
        project = payment.contract.project
        purchaser = project.purchaser

        def describe(days_left, payment=payment, project=project):
            return (
                _("Payment for %(project)s is due %(when)s")
                % {"project": project.code, "when": days_phrase(days_left)},
                _("%(purchaser)s must pay %(amount)s yuan to %(supplier)s by %(date)s.")
                % {
                    "purchaser": project.purchaser.name,
                    "amount": format_money(payment.amount),
                    "supplier": project.supplier.name if project.supplier else "",
                    "date": payment.due_date.isoformat(),
                },
            )

        yield DueItem(
            object_id=payment.pk,
            due_date=payment.due_date,
            department=purchaser,
            region=purchaser.region,
            describe=describe,
            url=_project_url(project),
        )


def _signing_items(start, end):
    """Awarded projects whose contract is still unsigned, by their signing deadline (the
    award date plus the signing period, moved past rest days: the indexed award date is
    searched over a range widened by the longest run of rest days, then each deadline is
    worked out exactly)."""
    period = datetime.timedelta(days=settings.CHENGXIN_PROCUREMENT_SIGNING_DAYS)
    projects = ProcurementProject.objects.filter(
        award_date__range=(start - period - ROLL_MARGIN, end - period), contract__isnull=True
    ).select_related("purchaser__region", "supplier")
    for project in projects:
        deadline = rules.signing_deadline(project.award_date)
        if not start <= deadline <= end:
            continue

        def describe(days_left, project=project, deadline=deadline):
            return (
                _("The contract of %(project)s must be signed %(when)s")
                % {"project": project.code, "when": days_phrase(days_left)},
                _(
                    "%(purchaser)s awarded %(project)s on %(award)s and must sign the contract "
                    "with %(supplier)s by %(date)s."
                )
                % {
                    "purchaser": project.purchaser.name,
                    "project": project.code,
                    "award": project.award_date.isoformat(),
                    "supplier": project.supplier.name if project.supplier else "",
                    "date": deadline.isoformat(),
                },
            )

        yield DueItem(
            object_id=project.pk,
            due_date=deadline,
            department=project.purchaser,
            region=project.purchaser.region,
            describe=describe,
            url=_project_url(project),
        )


def _filing_items(start, end):
    """Signed contracts still unfiled, by their filing deadline (working days after signing,
    by the working-day calendar). The deadline is at least the working days after signing
    and, holidays included, never a month more than three times that: the signing dates
    searched are a cheap superset, the exact deadline is worked out per contract."""
    working_days = settings.CHENGXIN_PROCUREMENT_FILING_WORKING_DAYS
    earliest = start - datetime.timedelta(days=working_days * 3 + 30)
    latest = end - datetime.timedelta(days=working_days)
    contracts = Contract.objects.filter(
        filed_date__isnull=True, signed_date__range=(earliest, latest)
    ).select_related("project__purchaser__region")
    for contract in contracts:
        deadline = rules.filing_deadline(contract.signed_date)
        if not start <= deadline <= end:
            continue
        project = contract.project

        def describe(days_left, contract=contract, project=project, deadline=deadline):
            return (
                _("The contract of %(project)s must be filed %(when)s")
                % {"project": project.code, "when": days_phrase(days_left)},
                _(
                    "%(purchaser)s signed the contract of %(project)s on %(signed)s and must "
                    "file it by %(date)s."
                )
                % {
                    "purchaser": project.purchaser.name,
                    "project": project.code,
                    "signed": contract.signed_date.isoformat(),
                    "date": deadline.isoformat(),
                },
            )

        yield DueItem(
            object_id=contract.pk,
            due_date=deadline,
            department=project.purchaser,
            region=project.purchaser.region,
            describe=describe,
            url=_project_url(project),
        )


PAYMENT_DEADLINES = DeadlineSource(
    "procurement_payment", _payment_items, label=gettext_lazy("Payment to an SME")
)
SIGNING_DEADLINES = DeadlineSource(
    "procurement_signing", _signing_items, label=gettext_lazy("Signing of the contract")
)
FILING_DEADLINES = DeadlineSource(
    "procurement_filing", _filing_items, label=gettext_lazy("Filing of the contract")
)


def _obligation_items(start, end):
    """Unfulfilled agreement obligations falling due in the range (their stored due date)."""
    from .models import Obligation

    obligations = Obligation.objects.filter(
        fulfilled_on__isnull=True, due_date__range=(start, end)
    ).select_related("agreement__department__region")
    for obligation in obligations:
        agreement = obligation.agreement

        def describe(days_left, obligation=obligation, agreement=agreement):
            return (
                _("An obligation of agreement %(number)s is due %(when)s")
                % {"number": agreement.number, "when": days_phrase(days_left)},
                _("%(department)s must fulfil “%(what)s” for %(enterprise)s by %(date)s.")
                % {
                    "department": agreement.department.name,
                    "what": obligation.description,
                    "enterprise": agreement.counterparty_name,
                    "date": obligation.due_date.isoformat(),
                },
            )

        yield DueItem(
            object_id=obligation.pk,
            due_date=obligation.due_date,
            department=agreement.department,
            region=agreement.department.region,
            describe=describe,
            url=reverse("procurement:agreement_detail", args=[agreement.pk]),
            target=agreement,
        )


def _instalment_items(start, end):
    """Unpaid instalments of arrears repayment plans falling due in the range."""
    from .models import Instalment

    instalments = Instalment.objects.filter(
        paid_on__isnull=True, due_date__range=(start, end)
    ).select_related("item__department__region")
    for instalment in instalments:
        item = instalment.item

        def describe(days_left, instalment=instalment, item=item):
            return (
                _("A repayment instalment of arrears %(reference)s is due %(when)s")
                % {"reference": item.reference, "when": days_phrase(days_left)},
                _("%(department)s must repay %(amount)s yuan by %(date)s.")
                % {
                    "department": item.department.name,
                    "amount": f"{instalment.amount:,.2f}",
                    "date": instalment.due_date.isoformat(),
                },
            )

        yield DueItem(
            object_id=instalment.pk,
            due_date=instalment.due_date,
            department=item.department,
            region=item.department.region,
            describe=describe,
            url=reverse("procurement:arrears_detail", args=[item.pk]),
            target=item,
        )


OBLIGATION_DEADLINES = DeadlineSource(
    "agreement_obligation",
    _obligation_items,
    label=gettext_lazy("Obligation of a government agreement"),
)
INSTALMENT_DEADLINES = DeadlineSource(
    "arrears_instalment", _instalment_items, label=gettext_lazy("Arrears repayment instalment")
)
