"""FilterSets of the platform: the region-scoped base every app's FilterSets extend, and the
FilterSets of regions and departments. A FilterSet serves a workspace list, its exports and
the API alike."""

import django_filters
from django import forms
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.forms import CheckboxDropdown, YesNoAllSelect
from core.models import Department, DepartmentKind, Region, RegionLevel
from core.scope import regions_in_scope
from core.search import name_contains
from core.validators import normalize_uscc


def filterset_user(filterset):
    """The user a FilterSet filters for: the one it was given (a background export runs with
    no request), else its request's; ``None`` when it has neither."""
    user = getattr(filterset, "user", None)
    if user is not None:
        return user
    return getattr(getattr(filterset, "request", None), "user", None)


class FilterSet(django_filters.FilterSet):
    """The portal's FilterSet: several-choice filters tick checkboxes in a drop-down and yes/no
    filters start at "all", unless a filter sets its own widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in self.filters.values():
            if "widget" in item.extra:
                continue
            if isinstance(item, django_filters.MultipleChoiceFilter):
                item.extra["widget"] = CheckboxDropdown
            elif isinstance(item, django_filters.BooleanFilter):
                item.extra["widget"] = YesNoAllSelect
            else:
                continue
            # A filter builds its form field once and keeps it; a copy of a class filter whose
            # field was built already (the API schema does) would keep the old widget.
            item.__dict__.pop("_field", None)


class OrderingFilter(django_filters.OrderingFilter):
    """Sorting by a list's columns (``?o=name``, ``?o=-name``), its descending choices named
    in our catalogue (django-filter's own has no Chinese for them).

    The order is made total: rows that tie on the chosen column follow by primary key in the
    same direction, so that page 2 continues exactly where page 1 stopped (an order with ties
    lets the database return tied rows in any order on each query, and a row could show on
    both pages or on neither). Empty values come last both ways, as in a spreadsheet.

    An unknown column (``?o=nonsense``) is a form error next to the "Sort by" field, as any
    other bad filter value is: the list says what is wrong instead of failing.

    ``choice_order`` maps a field with choices to them: such a column sorts in the choices'
    declared order (severity minor → serious, status along the workflow), not by the stored
    codes' spelling."""

    descending_fmt = _("%s (descending)")

    def __init__(self, *args, choice_order=None, **kwargs):
        kwargs.setdefault("empty_label", _("Default order"))
        self.choice_order = dict(choice_order or {})
        super().__init__(*args, **kwargs)

    def sort_expression(self, name: str):
        choices = self.choice_order.get(name)
        if choices is None:
            return F(name)
        return Case(
            *(
                When(**{name: value}, then=Value(rank))
                for rank, (value, _label) in enumerate(choices)
            ),
            default=Value(len(choices)),
            output_field=IntegerField(),
        )

    def filter(self, qs, value):
        params = [param for param in value or () if param]
        if not params:
            return qs
        ordering = []
        for param in params:
            name = self.get_ordering_value(param)
            descending = name.startswith("-")
            field = self.sort_expression(name.removeprefix("-"))
            ordering.append(
                field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)
            )
        last_descending = params[-1].startswith("-")
        return qs.order_by(*ordering, "-pk" if last_descending else "pk")


def ordering(*columns: tuple[str, str, object], choice_order=None) -> OrderingFilter:
    """The ``o`` filter of a list whose headings sort: ``columns`` are (ORM path, query
    parameter, label) triples, one per sortable column (see ``OrderingFilter`` for
    ``choice_order``)."""
    return OrderingFilter(
        label=_("Sort by"),
        fields=[(path, param) for path, param, _label in columns],
        field_labels={path: label for path, _param, label in columns},
        choice_order=choice_order,
    )


def ordering_over(model, *paths: str) -> OrderingFilter:
    """The ``o`` filter of a list whose columns are model fields: each column's ORM path is
    its query parameter (the list's headings find their column by it), labelled by its
    field's name; a field with choices sorts in their declared order, and a region's name
    sorts by the region's code (the province's order of its cities, not the characters').
    For lists that build their headings from their columns (the debt lists)."""
    fields, labels, choice_order = [], {}, {}
    for path in paths:
        order_path = path
        if path == "region__name" or path.endswith("__region__name"):
            order_path = path.removesuffix("name") + "code"
            labels[order_path] = _("Region")
        field = _field_at(model, order_path)
        labels.setdefault(order_path, capfirst(field.verbose_name))
        if field.choices:
            choice_order[order_path] = list(field.flatchoices)
        fields.append((order_path, path))
    return OrderingFilter(
        label=_("Sort by"), fields=fields, field_labels=labels, choice_order=choice_order
    )


def _field_at(model, path: str):
    """The model field an ORM path (``region__name``) ends at."""
    *relations, last = path.split("__")
    for name in relations:
        model = model._meta.get_field(name).related_model
    return model._meta.get_field(last)


class ScopedFilterSet(FilterSet):
    """A FilterSet whose choices and filters depend on the user: given ``user=`` (the export
    worker has no request) or taking the request's user, as the list views and the API do."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user=None):
        self.user = user
        super().__init__(data, queryset, request=request, prefix=prefix)


class ScopedRegionFilter(django_filters.ModelChoiceFilter):
    """Offers the regions in the scope of the FilterSet's user (see ``filterset_user``)."""

    def get_queryset(self, request):
        user = filterset_user(getattr(self, "parent", None))
        if user is None:
            return Region.objects.none()
        return regions_in_scope(user)


def in_subtree(queryset, path: str, region: Region):
    """The rows whose region (``path`` leads to it) is ``region`` or lies below it."""
    return queryset.filter(**{f"{path}__path__startswith": region.path})


def region_filter(path: str = "region", **kwargs) -> django_filters.ModelChoiceFilter:
    """A region filter offering the user's regions and matching the subtree of the one chosen,
    for a FilterSet with several region lookups (see ``RegionScopedFilterSet`` for one)."""
    kwargs.setdefault("label", _("Region"))
    kwargs.setdefault("help_text", _("Includes the regions below it."))
    return ScopedRegionFilter(
        queryset=Region.objects.none(),
        field_name=path,
        method=in_subtree,
        **kwargs,
    )


class RegionScopedFilterSet(ScopedFilterSet):
    """A ``region`` filter over the regions in the user's scope; a row matches when its region
    (``region_path``, the ORM path from the model to its ``Region``) is the chosen region or
    lies below it. Every app's FilterSets extend this instead of writing the filter again."""

    region_path = "region"

    region = ScopedRegionFilter(
        label=_("Region"),
        queryset=Region.objects.none(),
        method="in_region",
        help_text=_("Includes the regions below it."),
    )

    @extend_schema_field(OpenApiTypes.INT)  # a region id
    def in_region(self, queryset, name, region):
        return in_subtree(queryset, self.region_path, region)


def uscc_starts_with(field: str, value: str) -> Q:
    """A credit code or its beginning: officials often have only the first characters at
    hand (11320100KWJ8…). A prefix match stays cheap: on PostgreSQL Django gives the code's
    unique index a ``varchar_pattern_ops`` twin, which ``LIKE 'prefix%'`` reads."""
    code = normalize_uscc(value)
    if not (code.isascii() and code.isalnum()):
        return Q(pk__in=[])
    return Q(**{f"{field}__startswith": code})


def department_name_contains(path: str, value: str) -> Q:
    """Rows whose department (at ``path``: "department", "record__department") has ``value``
    in its name. The departments are found first, through the name indexes (core/search.py),
    then the rows by their department's id: a join to every row's department and a test of
    its name would read the whole of a large table."""
    departments = Department.objects.filter(name_contains("name", value)).values("pk")
    return Q(**{f"{path}__in": departments})


# Up to this many departments a search names them by id (see departments_matching).
MATCHING_DEPARTMENTS_LISTED = 2000


def departments_matching(path: str, value: str) -> Q:
    """Rows whose department (at ``path``) has ``value`` in its name or begins its credit
    code with it. The departments are looked up first (through the name indexes and the
    code's), and up to ``MATCHING_DEPARTMENTS_LISTED`` of them are then named by id: an
    ``IN (ids)`` PostgreSQL can combine with other indexed conditions of an OR (the decision
    number's), where a subquery in an OR makes it test every row of a large table (2.6 s
    over a million records)."""
    departments = Department.objects.filter(
        name_contains("name", value) | uscc_starts_with("uscc", value)
    ).values_list("pk", flat=True)
    ids = list(departments[: MATCHING_DEPARTMENTS_LISTED + 1])
    if len(ids) > MATCHING_DEPARTMENTS_LISTED:
        return Q(**{f"{path}__in": departments})
    return Q(**{f"{path}__in": ids})


class DepartmentFilter(RegionScopedFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="search", help_text=_("Name or credit code")
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
        return queryset.filter(name_contains("name", value) | uscc_starts_with("uscc", value))


class RegionFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    level = django_filters.ChoiceFilter(label=_("Level"), choices=RegionLevel.choices)

    class Meta:
        model = Region
        fields = ["q", "level"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(code=value)) if value else queryset
