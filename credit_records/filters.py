"""FilterSets: one per model, shared by the workspace lists, the API and the exports."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Department, DepartmentKind, Region, RegionLevel
from .selectors import regions_in_scope
from .validators import normalize_uscc


def _scoped_regions(request):
    if request is None:
        return Region.objects.none()
    return regions_in_scope(request.user)


class DepartmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="search", help_text=_("Name or credit code")
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"),
        queryset=_scoped_regions,
        method="in_region",
        help_text=_("Includes the regions below it."),
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=DepartmentKind.choices)
    active = django_filters.BooleanFilter(
        label=_("Status"),
        widget=forms.Select(
            choices=[("", _("Any")), ("true", _("Active")), ("false", _("Inactive"))]
        ),
    )

    class Meta:
        model = Department
        fields = ["q", "region", "kind", "active"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(uscc=normalize_uscc(value)))

    def in_region(self, queryset, name, region):
        return queryset.filter(region__path__startswith=region.path)


class RegionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    level = django_filters.ChoiceFilter(label=_("Level"), choices=RegionLevel.choices)

    class Meta:
        model = Region
        fields = ["q", "level"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(code=value)) if value else queryset
