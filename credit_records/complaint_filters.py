"""The FilterSet of the complaint register: one for the workspace list, its exports and the
API (``/api/v1/complaints/``)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import RegionScopedFilterSet, department_name_contains, ordering

from .models import OPEN_COMPLAINT_STATUSES, Complaint, ComplaintCategory, ComplaintStatus


class ComplaintFilter(RegionScopedFilterSet):
    region_path = "department__region"

    q = django_filters.CharFilter(
        label=_("Search"), method="search", help_text=_("Tracking number or department")
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ComplaintStatus.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=ComplaintCategory.choices)
    overdue = django_filters.BooleanFilter(
        label=_("Overdue"),
        method="only_overdue",
        widget=forms.Select(
            choices=[("", _("Any")), ("true", _("Overdue")), ("false", _("On time"))]
        ),
    )

    o = ordering(
        ("tracking_number", "number", _("Tracking number")),
        ("department__name", "department", _("Department")),
        ("category", "category", _("Category")),
        ("received_on", "received", _("Received on")),
        ("status", "status", _("Status")),
        ("handling_region__code", "office", _("Handling office")),
        choice_order={"category": ComplaintCategory.choices, "status": ComplaintStatus.choices},
    )

    class Meta:
        model = Complaint
        fields = ["q", "region", "status", "category", "overdue"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(tracking_number__iexact=value.replace(" ", ""))
            | department_name_contains("department", value)
            | Q(department__uscc__startswith=value.upper())
        )

    def only_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        late = Q(status=ComplaintStatus.RECEIVED, decision_due__lt=today) | Q(
            status__in=[ComplaintStatus.ACCEPTED, ComplaintStatus.INVESTIGATING],
            handling_due__lt=today,
        )
        if value:
            return queryset.filter(late)
        return queryset.filter(status__in=OPEN_COMPLAINT_STATUSES).exclude(late)
