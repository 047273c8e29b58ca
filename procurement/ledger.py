"""Reads of the arrears ledger (拖欠账款台账): one line per debt still owed or repaid, from the
arrears items and, without a second copy, from procurement contracts' unpaid SME instalments
past their due date (``Payment``); the ledger summed per department, per region or per city,
aged into the buckets of ``agreement_rules``; and each region's progress against its baseline.

A procurement instalment counts with its undisputed part only (decree 802 art. 15: the part
in dispute is not late); it is repaid when paid after its due date.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Region
from core.scope import scope_queryset

from . import agreement_rules as ar
from .models import ArrearsBaseline, ArrearsItem, Instalment, Payment

ZERO = Decimal("0.00")


class Source:
    ITEM = "item"
    PROCUREMENT = "procurement"

    LABELS = {ITEM: _("Recorded arrears"), PROCUREMENT: _("Procurement payment")}


@dataclass
class LedgerLine:
    source: str
    pk: int
    reference: str
    department_id: int
    department: str
    region_path: str
    region: str
    creditor: str
    creditor_uscc: str
    is_sme: bool
    is_individual: bool
    amount: Decimal
    repaid: Decimal
    due_date: datetime.date
    days_overdue: int
    bucket: str | None
    url: str = ""

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.repaid

    @property
    def city_code(self) -> str:
        codes = [code for code in self.region_path.split("/") if code]
        return codes[1] if len(codes) > 1 else codes[0]

    @property
    def source_label(self) -> str:
        return str(Source.LABELS[self.source])

    @property
    def bucket_label(self) -> str:
        return str(dict((k, v) for k, v, *_r in ar.AGEING_BUCKETS).get(self.bucket, ""))

    @property
    def public_creditor(self) -> str:
        """The enterprise as the public sees it: an individual business is never named."""
        return str(_("Individual business")) if self.is_individual else self.creditor


def _is_individual(uscc: str) -> bool:
    from .services import is_individual_business

    return is_individual_business(uscc)


def scoped_items(user):
    return scope_queryset(user, ArrearsItem.objects.all())


def scoped_payments(user):
    return scope_queryset(user, Payment.objects.all())


def late_sme_payments(payments, as_of: datetime.date):
    """Procurement instalments to SMEs in arrears on ``as_of`` (unpaid after the due date,
    with an undisputed part) or repaid late by then."""
    return payments.filter(
        contract__project__supplier__is_sme=True,
        due_date__lt=as_of,
        disputed_amount__lt=F("amount"),
    ).filter(Q(paid_date__isnull=True) | Q(paid_date__gt=F("due_date"), paid_date__lte=as_of))


def lines(items, payments, as_of: datetime.date | None = None) -> list[LedgerLine]:
    """Every debt of ``items`` and ``payments`` (both already scoped) that is overdue on
    ``as_of``, or was and has been repaid, oldest due first."""
    as_of = as_of or timezone.localdate()
    repaid_by_item = dict(
        Instalment.objects.filter(item__in=items, paid_on__lte=as_of)
        .values("item")
        .annotate(total=Sum("amount"))
        .values_list("item", "total")
    )
    found = []
    for item in items.filter(due_date__lt=as_of).select_related("department__region"):
        days = ar.days_overdue(item.due_date, as_of)
        repaid = repaid_by_item.get(item.pk) or ZERO
        found.append(
            LedgerLine(
                Source.ITEM,
                item.pk,
                item.reference,
                item.department_id,
                item.department.name,
                item.department.region.path,
                item.department.region.name,
                item.creditor_name,
                item.creditor_uscc,
                item.creditor_is_sme,
                item.creditor_is_individual,
                item.amount,
                repaid,
                item.due_date,
                days if repaid < item.amount else 0,
                ar.ageing_bucket(days) if repaid < item.amount else None,
                reverse("procurement:arrears_detail", args=[item.pk]),
            )
        )
    for payment in late_sme_payments(payments, as_of).select_related(
        "contract__project__purchaser__region", "contract__project__supplier"
    ):
        project = payment.contract.project
        supplier = project.supplier
        owed = payment.amount - payment.disputed_amount
        paid = payment.paid_date is not None
        days = 0 if paid else ar.days_overdue(payment.due_date, as_of)
        found.append(
            LedgerLine(
                Source.PROCUREMENT,
                payment.pk,
                f"{project.code} #{payment.sequence}",
                project.purchaser_id,
                project.purchaser.name,
                project.purchaser.region.path,
                project.purchaser.region.name,
                supplier.name,
                supplier.uscc,
                True,
                _is_individual(supplier.uscc),
                owed,
                owed if paid else ZERO,
                payment.due_date,
                days,
                None if paid else ar.ageing_bucket(days),
                reverse("procurement:project_detail", args=[project.pk]),
            )
        )
    found.sort(key=lambda line: (line.due_date, line.source, line.pk))
    return found


@dataclass
class Summary:
    key: str
    name: str
    outstanding: Decimal = ZERO
    repaid: Decimal = ZERO
    sme_outstanding: Decimal = ZERO
    debts: int = 0
    buckets: dict = field(default_factory=lambda: {key: ZERO for key, *_r in ar.AGEING_BUCKETS})

    @property
    def sme_share(self) -> Decimal | None:
        """The SMEs' share of what is outstanding, in per cent to two places."""
        if not self.outstanding:
            return None
        return (self.sme_outstanding * 100 / self.outstanding).quantize(Decimal("0.01"))

    @property
    def bucket_list(self) -> list[Decimal]:
        return [self.buckets[key] for key, *_r in ar.AGEING_BUCKETS]

    def add(self, line: LedgerLine) -> None:
        self.repaid += line.repaid
        if line.outstanding > 0:
            self.debts += 1
            self.outstanding += line.outstanding
            if line.is_sme:
                self.sme_outstanding += line.outstanding
            if line.bucket:
                self.buckets[line.bucket] += line.outstanding


def summarise(found: list[LedgerLine], by: str = "department") -> list[Summary]:
    """The lines summed per ``department``, ``region`` (the department's own) or ``city``."""
    rows: dict[str, Summary] = {}
    city_names = {}
    if by == "city":
        codes = {line.city_code for line in found}
        city_names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    for line in found:
        if by == "department":
            key, name = str(line.department_id), line.department
        elif by == "region":
            key, name = line.region_path, line.region
        else:
            key, name = line.city_code, city_names.get(line.city_code, line.city_code)
        rows.setdefault(key, Summary(key, name)).add(line)
    return sorted(rows.values(), key=lambda row: (-row.outstanding, row.name))


def total(found: list[LedgerLine]) -> Summary:
    summary = Summary("", str(_("Total owed")))
    for line in found:
        summary.add(line)
    return summary


@dataclass
class Progress:
    baseline: ArrearsBaseline
    outstanding: Decimal
    reduced: Decimal
    percent: Decimal | None


def progress(region: Region, as_of: datetime.date | None = None) -> Progress | None:
    """The region's latest baseline on or before ``as_of`` and how far the stock of its
    subtree fell since (``agreement_rules.reduction``): new arrears count against it."""
    as_of = as_of or timezone.localdate()
    baseline = (
        ArrearsBaseline.objects.filter(region=region, as_of__lte=as_of).order_by("-as_of").first()
    )
    if baseline is None:
        return None
    items = ArrearsItem.objects.filter(department__region__path__startswith=region.path)
    payments = Payment.objects.filter(
        contract__project__purchaser__region__path__startswith=region.path
    )
    outstanding = total(lines(items, payments, as_of)).outstanding
    reduced, percent = ar.reduction(baseline.amount, outstanding)
    return Progress(baseline, outstanding, reduced, percent)


def progress_for(user, as_of: datetime.date | None = None) -> list[Progress]:
    """Progress of every region in the user's scope that has a baseline."""
    region_ids = (
        scope_queryset(user, ArrearsBaseline.objects.all())
        .values_list("region", flat=True)
        .distinct()
    )
    found = []
    for region in Region.objects.filter(pk__in=region_ids).order_by("code"):
        result = progress(region, as_of)
        if result is not None:
            found.append(result)
    return found
