"""FilterSets: one per model, shared by the workspace lists, their exports and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import FilterSet, RegionScopedFilterSet, ordering
from core.validators import normalize_uscc

from .models import (
    AcceptanceResult,
    Contract,
    FlagRule,
    FlagStatus,
    Payment,
    ProcurementMethod,
    ProcurementProject,
    RedFlag,
    Stage,
    Supplier,
    Violation,
    ViolationKind,
    ViolationSeverity,
)
from .selectors import filing_overdue_q, signing_overdue_q, stage_q

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}
YES_NO = forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))])


class PurchaserFiltersMixin(RegionScopedFilterSet):
    """Region (with the regions below it) and purchaser credit code, through ``purchaser_path``
    (the ORM path from the model to its purchaser)."""

    purchaser_path = "purchaser"

    purchaser = django_filters.CharFilter(label=_("Purchaser credit code"), method="by_purchaser")

    @property
    def region_path(self) -> str:
        return f"{self.purchaser_path}__region"

    def by_purchaser(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(**{f"{self.purchaser_path}__uscc": normalize_uscc(value)})


class SupplierFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    is_sme = django_filters.BooleanFilter(label=_("SME"), widget=YES_NO)

    class Meta:
        model = Supplier
        fields = ["q", "is_sme"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(uscc=normalize_uscc(value)))


class ProjectFilter(PurchaserFiltersMixin):
    q = django_filters.CharFilter(
        label=_("Search"), method="search", help_text=_("Project code, title or supplier")
    )
    method = django_filters.MultipleChoiceFilter(
        label=_("Procurement method"), choices=ProcurementMethod.choices
    )
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices, method="at_stage")
    noticed_from = django_filters.DateFilter(
        label=_("Noticed from"), field_name="notice_date", lookup_expr="gte", **DATE
    )
    noticed_to = django_filters.DateFilter(
        label=_("Noticed to"), field_name="notice_date", lookup_expr="lte", **DATE
    )
    flagged = django_filters.BooleanFilter(
        label=_("Open red flags"), method="with_open_flags", widget=YES_NO
    )
    signing_overdue = django_filters.BooleanFilter(
        label=_("Contract not signed in time"), method="filter_signing_overdue", widget=YES_NO
    )

    o = ordering(
        ("code", "code", _("Project code")),
        ("title", "title", _("Title")),
        ("purchaser__name", "purchaser", _("Purchaser")),
        ("method", "method", _("Method")),
        ("budget", "budget", _("Budget (yuan)")),
        ("supplier__name", "supplier", _("Supplier")),
        ("award_amount", "award", _("Award amount (yuan)")),
        ("open_flags", "flags", _("Red flags")),
        choice_order={"method": ProcurementMethod.choices},
    )

    class Meta:
        model = ProcurementProject
        fields = ["q", "region", "purchaser", "method", "stage", "noticed_from", "noticed_to"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__icontains=value)
            | Q(title__icontains=value)
            | Q(supplier__name__icontains=value)
        )

    def at_stage(self, queryset, name, value):
        return queryset.filter(stage_q(value)) if value else queryset

    def filter_signing_overdue(self, queryset, name, value):
        overdue = signing_overdue_q(timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def with_open_flags(self, queryset, name, value):
        flagged = Q(
            pk__in=RedFlag.objects.filter(status=FlagStatus.OPEN, project__isnull=False).values(
                "project"
            )
        )
        return queryset.filter(flagged) if value else queryset.exclude(flagged)


class ContractFilter(PurchaserFiltersMixin):
    purchaser_path = "project__purchaser"

    q = django_filters.CharFilter(label=_("Search"), method="search")
    signed_from = django_filters.DateFilter(
        label=_("Signed from"), field_name="signed_date", lookup_expr="gte", **DATE
    )
    signed_to = django_filters.DateFilter(
        label=_("Signed to"), field_name="signed_date", lookup_expr="lte", **DATE
    )
    filed = django_filters.BooleanFilter(
        label=_("Filed"), field_name="filed_date", lookup_expr="isnull", exclude=True, widget=YES_NO
    )
    acceptance = django_filters.ChoiceFilter(
        label=_("Acceptance"), field_name="acceptance__result", choices=AcceptanceResult.choices
    )
    filing_overdue = django_filters.BooleanFilter(
        label=_("Not filed in time"), method="filter_filing_overdue", widget=YES_NO
    )

    o = ordering(
        ("project__code", "project", _("Project")),
        ("project__purchaser__name", "purchaser", _("Purchaser")),
        ("project__supplier__name", "supplier", _("Supplier")),
        ("signed_date", "signed", _("Signed on")),
        ("amount", "amount", _("Contract amount (yuan)")),
        ("supplementary_amount", "supplementary", _("Supplementary amount (yuan)")),
        ("filed_date", "filed", _("Filed on")),
    )

    class Meta:
        model = Contract
        fields = ["q", "region", "purchaser", "signed_from", "signed_to", "filed", "acceptance"]

    def filter_filing_overdue(self, queryset, name, value):
        overdue = filing_overdue_q(timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(project__code__icontains=value)
            | Q(project__title__icontains=value)
            | Q(project__supplier__name__icontains=value)
        )


class PaymentFilter(PurchaserFiltersMixin):
    purchaser_path = "contract__project__purchaser"

    q = django_filters.CharFilter(label=_("Search"), method="search")
    paid = django_filters.BooleanFilter(
        label=_("Paid"), field_name="paid_date", lookup_expr="isnull", exclude=True, widget=YES_NO
    )
    late = django_filters.BooleanFilter(label=_("Late"), method="filter_late", widget=YES_NO)
    sme = django_filters.BooleanFilter(
        label=_("SME"), field_name="contract__project__supplier__is_sme", widget=YES_NO
    )
    due_from = django_filters.DateFilter(
        label=_("Due from"), field_name="due_date", lookup_expr="gte", **DATE
    )
    due_to = django_filters.DateFilter(
        label=_("Due to"), field_name="due_date", lookup_expr="lte", **DATE
    )

    o = ordering(
        ("contract__project__code", "project", _("Project")),
        ("contract__project__purchaser__name", "purchaser", _("Purchaser")),
        ("contract__project__supplier__name", "supplier", _("Supplier")),
        ("amount", "amount", _("Amount (yuan)")),
        ("due_date", "due", _("Due date")),
        ("paid_date", "paid", _("Paid on")),
    )

    class Meta:
        model = Payment
        fields = ["q", "region", "purchaser", "paid", "late", "sme", "due_from", "due_to"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(contract__project__code__icontains=value)
            | Q(contract__project__title__icontains=value)
            | Q(contract__project__supplier__name__icontains=value)
        )

    def filter_late(self, queryset, name, value):
        late = Q(late_days__gt=0) | Q(paid_date__isnull=True, due_date__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)


class RedFlagFilter(PurchaserFiltersMixin):
    rule = django_filters.MultipleChoiceFilter(label=_("Rule"), choices=FlagRule.choices)
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=FlagStatus.choices)
    project = django_filters.NumberFilter(label=_("Project"), field_name="project")
    raised_from = django_filters.DateFilter(
        label=_("Raised from"), field_name="raised_at", lookup_expr="date__gte", **DATE
    )
    raised_to = django_filters.DateFilter(
        label=_("Raised to"), field_name="raised_at", lookup_expr="date__lte", **DATE
    )

    o = ordering(
        ("rule", "rule", _("Rule")),
        ("purchaser__name", "purchaser", _("Purchaser")),
        ("project__code", "project", _("Project")),
        ("raised_at", "raised", _("Raised at")),
        ("status", "status", _("Status")),
        choice_order={"rule": FlagRule.choices, "status": FlagStatus.choices},
    )

    class Meta:
        model = RedFlag
        fields = ["region", "purchaser", "rule", "status", "project", "raised_from", "raised_to"]


class ViolationFilter(PurchaserFiltersMixin):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.MultipleChoiceFilter(label=_("Kind"), choices=ViolationKind.choices)
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=ViolationSeverity.choices)
    decided_from = django_filters.DateFilter(
        label=_("Decided from"), field_name="decided_on", lookup_expr="gte", **DATE
    )
    decided_to = django_filters.DateFilter(
        label=_("Decided to"), field_name="decided_on", lookup_expr="lte", **DATE
    )

    o = ordering(
        ("decision_number", "number", _("Decision number")),
        ("purchaser__name", "purchaser", _("Purchaser")),
        ("kind", "kind", _("Kind")),
        ("severity", "severity", _("Severity")),
        ("decided_on", "decided", _("Decided on")),
        choice_order={"kind": ViolationKind.choices, "severity": ViolationSeverity.choices},
    )

    class Meta:
        model = Violation
        fields = ["q", "region", "purchaser", "kind", "severity", "decided_from", "decided_to"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(decision_number__icontains=value)
            | Q(purchaser__name__icontains=value)
            | Q(facts__icontains=value)
        )
