"""FilterSets of the debt app: one per model, shared by the workspace lists, their
exports and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import ScopedFilterSet, ordering_over, region_filter
from core.models import RegionLevel

from .models import (
    BondIssue,
    BondType,
    CreditRating,
    DebtAudit,
    DebtProfile,
    EmergencyEvent,
    EmergencyLevel,
    EmergencyStatus,
    Grade,
    RiskAssessment,
    RiskWarning,
    TermAssessment,
    WarningGround,
    WarningKind,
    WarningStatus,
)


class DebtProfileFilter(ScopedFilterSet):
    region = region_filter()
    year = django_filters.NumberFilter(label=_("Year"))
    grade = django_filters.ChoiceFilter(
        label=_("Grade"), choices=Grade.choices, field_name="assessment__grade"
    )
    limit_breached = django_filters.BooleanFilter(
        label=_("Balance above limit"), method="filter_breached"
    )
    # The cockpit's grade counts compare one level (the 13 cities, or a city's counties).
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=RegionLevel.choices, field_name="region__level"
    )

    o = ordering_over(
        DebtProfile,
        "region__name",
        "region__code",
        "year",
        "general_limit",
        "special_limit",
        "general_balance",
        "special_balance",
        "financial_capacity",
        "principal_due",
        "interest_due",
        "overdue_amount",
        "new_debt",
        "assessment__grade",
    )

    class Meta:
        model = DebtProfile
        fields = ["region", "year", "grade", "limit_breached", "level"]

    def filter_breached(self, queryset, name, value):
        breached = Q(assessment__general_limit_breached=True) | Q(
            assessment__special_limit_breached=True
        )
        return queryset.filter(breached) if value else queryset.exclude(breached)


class RiskAssessmentFilter(ScopedFilterSet):
    region = region_filter("profile__region")
    year = django_filters.NumberFilter(label=_("Year"), field_name="profile__year")
    grade = django_filters.MultipleChoiceFilter(label=_("Grade"), choices=Grade.choices)

    o = ordering_over(
        RiskAssessment,
        "profile__region__name",
        "profile__year",
        "debt_ratio",
        "limit_utilisation",
        "debt_service_ratio",
        "overdue_ratio",
        "new_debt_ratio",
        "grade",
        "computed_at",
    )

    class Meta:
        model = RiskAssessment
        fields = ["region", "year", "grade"]


class RiskWarningFilter(ScopedFilterSet):
    region = region_filter()
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=WarningStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=WarningKind.choices)
    ground = django_filters.ChoiceFilter(label=_("Ground"), choices=WarningGround.choices)
    grade = django_filters.ChoiceFilter(label=_("Grade"), choices=Grade.choices)
    overdue = django_filters.BooleanFilter(label=_("Response overdue"), method="filter_overdue")

    o = ordering_over(
        RiskWarning,
        "title",
        "region__name",
        "kind",
        "ground",
        "grade",
        "status",
        "response_deadline",
        "issued_at",
        "responded_at",
    )

    class Meta:
        model = RiskWarning
        fields = ["region", "status", "kind", "ground", "grade", "overdue"]

    def filter_overdue(self, queryset, name, value):
        from django.utils import timezone

        overdue = Q(status=WarningStatus.ISSUED, response_deadline__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class BondIssueFilter(ScopedFilterSet):
    region = region_filter()
    bond_type = django_filters.ChoiceFilter(label=_("Type"), choices=BondType.choices)
    issued_from = django_filters.DateFilter(
        label=_("Issued from"), field_name="issue_date", lookup_expr="gte"
    )
    issued_to = django_filters.DateFilter(
        label=_("Issued until"), field_name="issue_date", lookup_expr="lte"
    )

    o = ordering_over(
        BondIssue,
        "region__name",
        "code",
        "name",
        "bond_type",
        "amount",
        "rate",
        "issue_date",
        "maturity_date",
        "project",
    )

    class Meta:
        model = BondIssue
        fields = ["region", "bond_type", "issued_from", "issued_to"]


class CreditRatingFilter(ScopedFilterSet):
    region = region_filter()
    agency = django_filters.CharFilter(label=_("Rating agency"), lookup_expr="icontains")

    o = ordering_over(
        CreditRating,
        "region__name",
        "agency",
        "rating",
        "outlook",
        "rated_on",
    )

    class Meta:
        model = CreditRating
        fields = ["region", "agency"]


class EmergencyEventFilter(ScopedFilterSet):
    region = region_filter()
    level = django_filters.ChoiceFilter(label=_("Level"), choices=EmergencyLevel.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EmergencyStatus.choices)

    o = ordering_over(
        EmergencyEvent,
        "region__name",
        "title",
        "level",
        "status",
        "occurred_on",
        "amount_involved",
        "resolved_on",
    )

    class Meta:
        model = EmergencyEvent
        fields = ["region", "level", "status"]


class DebtAuditFilter(ScopedFilterSet):
    region = region_filter()
    q = django_filters.CharFilter(label=_("Search"), method="search")

    o = ordering_over(
        DebtAudit,
        "region__name",
        "report_number",
        "leading_official",
        "position",
        "term_start",
        "term_end",
        "report_date",
    )

    class Meta:
        model = DebtAudit
        fields = ["region", "q"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(leading_official__icontains=value)
            | Q(report_number__icontains=value)
            | Q(findings__icontains=value)
        )


class TermAssessmentFilter(ScopedFilterSet):
    region = region_filter()

    o = ordering_over(
        TermAssessment,
        "region__name",
        "period_start",
        "period_end",
        "borrowing_score",
        "use_score",
        "management_score",
        "conclusion",
    )

    class Meta:
        model = TermAssessment
        fields = ["region"]
