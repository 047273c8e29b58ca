"""FilterSets of government agreements and arrears, shared by the workspace lists, their
exports and the API (the region filter takes the regions below the one chosen)."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.validators import normalize_uscc

from .filters import YES_NO, PurchaserFiltersMixin
from .models import Agreement, AgreementKind, ArrearsItem, ArrearsKind, Instalment, Obligation


class DepartmentFiltersMixin(PurchaserFiltersMixin):
    purchaser_path = "department"

    purchaser = django_filters.CharFilter(label=_("Department credit code"), method="by_purchaser")


class AgreementFilter(DepartmentFiltersMixin):
    q = django_filters.CharFilter(
        label=_("Search"), method="search", help_text=_("Number, title or enterprise")
    )
    kind = django_filters.MultipleChoiceFilter(label=_("Kind"), choices=AgreementKind.choices)
    sme = django_filters.BooleanFilter(
        label=_("SME"), field_name="counterparty_is_sme", widget=YES_NO
    )
    overdue = django_filters.BooleanFilter(
        label=_("Obligations overdue"), method="with_overdue", widget=YES_NO
    )
    new_head = django_filters.BooleanFilter(
        label=_("Overdue after a change of head"), method="with_new_head", widget=YES_NO
    )

    class Meta:
        model = Agreement
        fields = ["q", "region", "purchaser", "kind", "sme", "overdue", "new_head"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(title__icontains=value)
            | Q(counterparty_name__icontains=value)
            | Q(counterparty_uscc=normalize_uscc(value))
        )

    def with_overdue(self, queryset, name, value):
        overdue = Exists(
            Obligation.objects.filter(
                agreement=OuterRef("pk"),
                fulfilled_on__isnull=True,
                due_date__lt=timezone.localdate(),
            )
        )
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def with_new_head(self, queryset, name, value):
        marked = Exists(
            Obligation.objects.filter(agreement=OuterRef("pk"), head_changed_on__isnull=False)
        )
        return queryset.filter(marked) if value else queryset.exclude(marked)


class ArrearsItemFilter(DepartmentFiltersMixin):
    q = django_filters.CharFilter(
        label=_("Search"), method="search", help_text=_("Reference or enterprise")
    )
    kind = django_filters.MultipleChoiceFilter(label=_("Kind"), choices=ArrearsKind.choices)
    sme = django_filters.BooleanFilter(label=_("SME"), field_name="creditor_is_sme", widget=YES_NO)
    instalment_overdue = django_filters.BooleanFilter(
        label=_("Instalment overdue"), method="with_overdue_instalment", widget=YES_NO
    )

    class Meta:
        model = ArrearsItem
        fields = ["q", "region", "purchaser", "kind", "sme", "instalment_overdue"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(creditor_name__icontains=value)
            | Q(creditor_uscc=normalize_uscc(value))
        )

    def with_overdue_instalment(self, queryset, name, value):
        overdue = Exists(
            Instalment.objects.filter(
                item=OuterRef("pk"), paid_on__isnull=True, due_date__lt=timezone.localdate()
            )
        )
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
