"""FilterSets of intake: the staging queue and the court enforcement cases (the workspace
pages of ``views.intake``)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import RegionScopedFilterSet

from .models import (
    OPEN_COURT_CASE_STATUSES,
    OPEN_INTAKE_STATUSES,
    CourtCase,
    CourtCaseStatus,
    IntakeItem,
    IntakeKind,
    IntakeSource,
    IntakeStatus,
)

OPEN = "open"


class IntakeItemFilter(RegionScopedFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_("Document number, subject or credit code"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(OPEN, _("Waiting (matched or not)")), *IntakeStatus.choices],
        method="by_status",
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=IntakeKind.choices)
    source = django_filters.ModelChoiceFilter(
        label=_("Source"), queryset=IntakeSource.objects.all()
    )

    class Meta:
        model = IntakeItem
        fields = ["q", "status", "kind", "source", "region"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(document_number__icontains=value)
            | Q(subject_name__icontains=value)
            | Q(subject_uscc__startswith=value.upper())
        )

    def by_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(status__in=OPEN_INTAKE_STATUSES)
        return queryset.filter(status=value)


class CourtCaseFilter(RegionScopedFilterSet):
    region_path = "department__region"
    case = django_filters.CharFilter(
        label=_("Enforcement case number"), field_name="case_number", lookup_expr="icontains"
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(OPEN, _("Open (warning or listed)")), *CourtCaseStatus.choices],
        method="by_status",
    )

    class Meta:
        model = CourtCase
        fields = ["case", "status", "region"]

    def by_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(status__in=OPEN_COURT_CASE_STATUSES)
        return queryset.filter(status=value)
