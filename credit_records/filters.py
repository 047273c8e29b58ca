"""FilterSets: one per model, shared by the workspace lists, the API and the exports."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import (
    DepartmentFilter,
    FilterSet,
    OrderingFilter,
    RegionScopedFilterSet,
    ScopedRegionFilter,
    department_name_contains,
    departments_matching,
    filterset_user,
    ordering,
    uscc_starts_with,
)
from core.models import Department, Region, RegionLevel
from core.search import name_contains
from core.validators import normalize_uscc

from .models import (
    RECTIFYING_STATUSES,
    Commendation,
    CommendationLevel,
    Commitment,
    CommitmentStatus,
    CreditRepairApplication,
    DishonestyRecord,
    FaultToleranceClaim,
    Objection,
    ObjectionGrounds,
    ObjectionStatus,
    PublicOfficial,
    RecordCategory,
    RecordSource,
    RecordStatus,
    Rectification,
    ReviewStatus,
    Severity,
)
from .selectors import Grade, escalated_rectifications
from .selectors.cockpit import filter_punctuality


class DepartmentCreditFilter(DepartmentFilter):
    """The workspace's department list: the platform's filters, plus the credit standing
    (A–D, ``selectors.with_standing_grade``) and honours eligibility that the list shows, and
    sorting by its columns."""

    standing = django_filters.MultipleChoiceFilter(
        label=_("Standing"), field_name="standing_grade", choices=Grade.choices
    )
    honours = django_filters.ChoiceFilter(
        label=_("Honours"),
        choices=[("eligible", _("Eligible")), ("cancelled", _("Cancelled"))],
        method="by_honours",
    )
    o = OrderingFilter(
        label=_("Sort by"),
        fields=[
            ("name", "name"),
            ("uscc", "uscc"),
            ("region__code", "region"),
            ("standing_grade", "standing"),
        ],
        field_labels={
            "name": _("Name"),
            "uscc": _("Unified social credit code"),
            "region__code": _("Region"),
            "standing_grade": _("Standing"),
        },
    )

    class Meta(DepartmentFilter.Meta):
        fields = [*DepartmentFilter.Meta.fields, "standing", "honours"]

    def by_honours(self, queryset, name, value):
        if value not in ("eligible", "cancelled"):
            return queryset
        return queryset.filter(honours_eligible=value == "eligible")


class DishonestyRecordFilter(RegionScopedFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_("Decision number, department name or credit code"),
    )
    region_path = "department__region"

    department = django_filters.CharFilter(
        label=_("Department credit code"), field_name="department__uscc", method="by_uscc"
    )
    category = django_filters.MultipleChoiceFilter(
        label=_("Category"), choices=RecordCategory.choices
    )
    severity = django_filters.MultipleChoiceFilter(label=_("Severity"), choices=Severity.choices)
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=RecordStatus.choices)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=RecordSource.choices)
    decided_from = django_filters.DateFilter(
        label=_("Decided from"),
        field_name="decision_date",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    decided_to = django_filters.DateFilter(
        label=_("Decided to"),
        field_name="decision_date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue"),
        method="filter_overdue",
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]),
    )
    escalated = django_filters.BooleanFilter(
        label=_("Escalated to my office"),
        method="filter_escalated",
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]),
    )
    # The cockpit's figures: a region's own departments (a city's, without its counties'),
    # and the rectifications its on-time rate counts.
    region_itself = ScopedRegionFilter(
        label=_("Departments directly in region"),
        queryset=Region.objects.none(),
        field_name="department__region",
        help_text=_("Without the regions below it."),
    )
    punctuality = django_filters.ChoiceFilter(
        label=_("Rectification punctuality"),
        empty_label=_("Any"),
        choices=[
            ("due", _("Deadline passed")),
            ("on_time", _("Rectified on time")),
            ("late", _("Not rectified on time")),
        ],
        method="filter_punctuality",
    )
    o = ordering(
        ("decision_number", "number", _("Decision number")),
        ("department__name", "department", _("Department")),
        ("category", "category", _("Category")),
        ("severity", "severity", _("Severity")),
        ("decision_date", "date", _("Decision date")),
        ("status", "status", _("Status")),
        ("rectification__deadline", "deadline", _("Rectification deadline")),
        choice_order={
            "category": RecordCategory.choices,
            "severity": Severity.choices,
            "status": RecordStatus.choices,
        },
    )

    class Meta:
        model = DishonestyRecord
        fields = [
            "q",
            "region",
            "department",
            "category",
            "severity",
            "status",
            "source",
            "decided_from",
            "decided_to",
            "overdue",
            "escalated",
            "region_itself",
            "punctuality",
            "o",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = filterset_user(self)
        # Only a credit office has rectifications escalated to it: a department's liaison
        # (no region) is not offered the filter.
        if user is not None and not (
            getattr(user, "has_full_scope", False) or getattr(user, "region_id", None)
        ):
            del self.filters["escalated"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            name_contains("decision_number", value) | departments_matching("department", value)
        )

    def by_uscc(self, queryset, name, value):
        return queryset.filter(department__uscc=normalize_uscc(value)) if value else queryset

    def filter_overdue(self, queryset, name, value):
        overdue = Q(
            status__in=RECTIFYING_STATUSES, rectification__deadline__lt=timezone.localdate()
        )
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_punctuality(self, queryset, name, value):
        return filter_punctuality(queryset, value) if value else queryset

    def filter_escalated(self, queryset, name, value):
        """The records on the workspace home's "Escalated to your office" panel (the same
        selector), which shows only the first of them."""
        user = filterset_user(self)
        if user is None or not user.is_authenticated:
            return queryset.none() if value else queryset
        escalated = Q(pk__in=escalated_rectifications(user).values("record_id"))
        return queryset.filter(escalated) if value else queryset.exclude(escalated)


class PublicOfficialFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    department = django_filters.CharFilter(
        label=_("Department credit code"), field_name="department__uscc", method="by_uscc"
    )
    active = django_filters.BooleanFilter(label=_("Active"))

    o = ordering(
        ("name", "name", _("Name")),
        ("employee_number", "number", _("Employee number")),
        ("department__name", "department", _("Department")),
        ("position", "position", _("Position")),
        ("record_count", "entries", _("Accountability entries")),
    )

    class Meta:
        model = PublicOfficial
        fields = ["q", "department", "active"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(employee_number=value) | Q(position__icontains=value)
        )

    def by_uscc(self, queryset, name, value):
        return queryset.filter(department__uscc=normalize_uscc(value)) if value else queryset


class CommendationFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    department = django_filters.CharFilter(
        label=_("Department credit code"), field_name="department__uscc", method="by_uscc"
    )
    level = django_filters.ChoiceFilter(label=_("Level"), choices=CommendationLevel.choices)
    date_from = django_filters.DateFilter(
        label=_("From"),
        field_name="date",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("To"),
        field_name="date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    o = ordering(
        ("title", "title", _("Title")),
        ("level", "level", _("Level")),
        ("issuing_authority", "authority", _("Issuing authority")),
        ("date", "date", _("Date")),
        choice_order={"level": CommendationLevel.choices},
    )

    class Meta:
        model = Commendation
        fields = ["q", "department", "level", "date_from", "date_to"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(issuing_authority__icontains=value)
            | department_name_contains("department", value)
        )

    def by_uscc(self, queryset, name, value):
        return queryset.filter(department__uscc=normalize_uscc(value)) if value else queryset


class CommitmentFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    department = django_filters.CharFilter(
        label=_("Department credit code"), field_name="department__uscc", method="by_uscc"
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CommitmentStatus.choices)
    due_from = django_filters.DateFilter(
        label=_("Due from"),
        field_name="promised_date",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    due_to = django_filters.DateFilter(
        label=_("Due to"),
        field_name="promised_date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    o = ordering(
        ("department__name", "department", _("Department")),
        ("promised_date", "promised", _("Promised date")),
        ("status", "status", _("Status")),
        choice_order={"status": CommitmentStatus.choices},
    )

    class Meta:
        model = Commitment
        fields = ["q", "department", "status", "due_from", "due_to"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(content__icontains=value) | department_name_contains("department", value)
        )

    def by_uscc(self, queryset, name, value):
        return queryset.filter(department__uscc=normalize_uscc(value)) if value else queryset


class RectificationFilter(FilterSet):
    department = django_filters.CharFilter(label=_("Department credit code"), method="by_uscc")
    deadline_from = django_filters.DateFilter(
        label=_("Deadline from"), field_name="deadline", lookup_expr="gte"
    )
    deadline_to = django_filters.DateFilter(
        label=_("Deadline to"), field_name="deadline", lookup_expr="lte"
    )
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")

    class Meta:
        model = Rectification
        fields = ["department", "deadline_from", "deadline_to", "overdue"]

    def by_uscc(self, queryset, name, value):
        return (
            queryset.filter(record__department__uscc=normalize_uscc(value)) if value else queryset
        )

    def filter_overdue(self, queryset, name, value):
        overdue = Q(record__status__in=RECTIFYING_STATUSES, deadline__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class CreditRepairFilter(FilterSet):
    department = django_filters.CharFilter(label=_("Department credit code"), method="by_uscc")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReviewStatus.choices)

    class Meta:
        model = CreditRepairApplication
        fields = ["department", "status"]

    def by_uscc(self, queryset, name, value):
        return (
            queryset.filter(record__department__uscc=normalize_uscc(value)) if value else queryset
        )


class FaultToleranceClaimFilter(FilterSet):
    department = django_filters.CharFilter(label=_("Department credit code"), method="by_uscc")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReviewStatus.choices)

    class Meta:
        model = FaultToleranceClaim
        fields = ["department", "status"]

    def by_uscc(self, queryset, name, value):
        return (
            queryset.filter(record__department__uscc=normalize_uscc(value)) if value else queryset
        )


# --- Public disclosure -------------------------------------------------------------------------


def public_regions() -> dict[str, tuple[str, str]]:
    """Every region's code → (label, path), in tree order, for the public filters. Kept in
    the cache for ``CHENGXIN_PUBLIC_CACHE_SECONDS``: regions change a few times a decade, and
    this spares every public list a query and its region lookup another. A county is named
    with its city (there is a 鼓楼区 in Nanjing and one in Xuzhou)."""
    from django.conf import settings
    from django.core.cache import cache

    regions = cache.get("public:regions")
    if regions is None:
        regions = {}
        for region in Region.objects.select_related("parent").order_by("path"):
            label = region.name
            if region.level == RegionLevel.COUNTY and region.parent_id:
                label = f"{region.parent.name} · {region.name}"
            regions[region.code] = (label, region.path)
        cache.set("public:regions", regions, settings.CHENGXIN_PUBLIC_CACHE_SECONDS)
    return regions


def _public_region_choices():
    return [(code, label) for code, (label, _path) in public_regions().items()]


def _decision_years():
    """The years a published record can have been decided in: the longest disclosure period
    reaches back at most that far."""
    from dateutil.relativedelta import relativedelta

    from .rules import DISCLOSURE_PERIODS

    today = timezone.localdate()
    longest = max(period.maximum_months for period in DISCLOSURE_PERIODS.values())
    oldest = (today - relativedelta(months=longest)).year
    return [(str(year), str(year)) for year in range(today.year, oldest - 1, -1)]


class PublicRecordFilter(FilterSet):
    """The public record list's search and filters, shared by the page, its CSV and JSON
    exports and the public API. Always applied to ``selectors.published_records``; every
    filter is on public data, and each is served by an index (see ``DishonestyRecord.Meta``).
    """

    q = django_filters.CharFilter(
        label=_("Department or credit code"),
        method="search",
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Part of a department's name, or its unified social credit code."),
    )
    region = django_filters.ChoiceFilter(
        label=_("Region"),
        choices=_public_region_choices,
        method="in_region",
        empty_label=_("Any"),
        help_text=_("Includes the regions below it."),
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=RecordCategory.choices, empty_label=_("Any")
    )
    severity = django_filters.ChoiceFilter(
        label=_("Severity"), choices=Severity.choices, empty_label=_("Any")
    )
    year = django_filters.ChoiceFilter(
        label=_("Year of decision"),
        choices=_decision_years,
        method="in_year",
        empty_label=_("Any"),
    )

    class Meta:
        model = DishonestyRecord
        fields = ["q", "region", "category", "severity", "year"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # Departments first (a few thousand rows), then their records through the index.
        departments = Department.objects.filter(
            name_contains("name", value) | Q(uscc=normalize_uscc(value))
        )
        return queryset.filter(department__in=departments.values("pk"))

    def in_region(self, queryset, name, code):
        _label, path = public_regions()[code]
        departments = Department.objects.filter(region__path__startswith=path)
        return queryset.filter(department__in=departments.values("pk"))

    def in_year(self, queryset, name, value):
        return queryset.filter(decision_date__year=int(value))


class ObjectionFilter(RegionScopedFilterSet):
    """The objection register (异议申诉): the workspace list, its exports and the API."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_("Decision number, department name or credit code"),
    )
    region_path = "record__department__region"
    department = django_filters.CharFilter(label=_("Department credit code"), method="by_uscc")
    record = django_filters.NumberFilter(label=_("Record"), field_name="record")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ObjectionStatus.choices)
    grounds = django_filters.ChoiceFilter(
        label=_("Grounds of the objection"), choices=ObjectionGrounds.choices
    )
    overdue = django_filters.BooleanFilter(
        label=_("Decision overdue"),
        method="filter_overdue",
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]),
    )

    o = ordering(
        ("record__decision_number", "record", _("Record")),
        ("record__department__name", "department", _("Department")),
        ("grounds", "grounds", _("Grounds of the objection")),
        ("filed_at", "filed", _("Filed")),
        ("decide_due", "due", _("Decision due")),
        ("status", "status", _("Status")),
        choice_order={"grounds": ObjectionGrounds.choices, "status": ObjectionStatus.choices},
    )

    class Meta:
        model = Objection
        fields = ["q", "region", "department", "record", "status", "grounds", "overdue"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(record__decision_number__icontains=value)
            | department_name_contains("record__department", value)
            | uscc_starts_with("record__department__uscc", value)
        )

    def by_uscc(self, queryset, name, value):
        return (
            queryset.filter(record__department__uscc=normalize_uscc(value)) if value else queryset
        )

    def filter_overdue(self, queryset, name, value):
        overdue = Q(status=ObjectionStatus.PENDING, decide_due__lt=timezone.localdate())
        if value is None:
            return queryset
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
