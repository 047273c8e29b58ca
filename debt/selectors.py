"""Reads of the debt app, every one starting from ``scope_queryset``."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import QuerySet

from core.models import Region, RegionLevel
from core.scope import get_in_scope_or_404, regions_in_scope, scope_queryset

from .models import (
    GRADE_ORDER,
    BondIssue,
    CreditRating,
    DebtAudit,
    DebtDefault,
    DebtProfile,
    EmergencyEvent,
    Grade,
    RiskAssessment,
    RiskWarning,
    TermAssessment,
)


def profiles(user) -> QuerySet[DebtProfile]:
    return scope_queryset(user, DebtProfile.objects.select_related("region", "assessment"))


def assessments(user) -> QuerySet[RiskAssessment]:
    return scope_queryset(user, RiskAssessment.objects.select_related("profile__region"))


def warnings(user) -> QuerySet[RiskWarning]:
    return scope_queryset(user, RiskWarning.objects.select_related("region", "profile"))


def region_for(user, code: str) -> Region:
    """A region in the user's scope by its code; outside the scope it does not exist."""
    return get_in_scope_or_404(user, Region.objects.select_related("parent"), code=code)


def overview_regions(user) -> list[Region]:
    """The regions an overview compares: the user's region and the level below it (the
    province and its 13 cities for the province's office and administrators)."""
    in_scope = regions_in_scope(user)
    if user.has_full_scope:
        tops = list(in_scope.filter(level=RegionLevel.PROVINCE))
    elif user.region_id:
        tops = [user.region]
    else:
        return []
    rows = []
    for top in tops:
        rows.append(top)
        rows.extend(in_scope.filter(parent=top).order_by("code"))
    return rows


def profile_years(user) -> list[int]:
    return sorted(
        set(scope_queryset(user, DebtProfile.objects.all()).values_list("year", flat=True)),
        reverse=True,
    )


@dataclass
class OverviewRow:
    region: Region
    profile: DebtProfile | None
    assessment: RiskAssessment | None
    # The region whose subdivisions the overview compares (the province above its 13
    # cities): its figures are the whole region's, so it is not one of the regions counted.
    total: bool = False


def overview(user, year: int) -> list[OverviewRow]:
    regions = overview_regions(user)
    by_region = {
        profile.region_id: profile
        for profile in profiles(user).filter(year=year, region__in=regions)
    }
    parents = {region.parent_id for region in regions}
    return [
        OverviewRow(
            region=region,
            profile=by_region.get(region.pk),
            assessment=getattr(by_region.get(region.pk), "assessment", None),
            total=region.pk in parents,
        )
        for region in regions
    ]


def compared_rows(rows: list[OverviewRow]) -> list[OverviewRow]:
    """The regions the overview counts and charts side by side: the subdivisions, without
    the whole region's own row (a region without subdivisions in scope is compared alone)."""
    return [row for row in rows if not row.total] or rows


def grade_counts(rows: list[OverviewRow]) -> list[dict]:
    """How many of the compared regions are in each grade."""
    counts = Counter(row.assessment.grade for row in compared_rows(rows) if row.assessment)
    return [
        {"grade": grade, "label": grade.label, "count": counts.get(grade.value, 0)}
        for grade in sorted(Grade, key=GRADE_ORDER.get)
    ]


def region_series(user, region: Region) -> list[DebtProfile]:
    """The region's profiles, oldest first, each with its assessment."""
    return list(profiles(user).filter(region=region).order_by("year"))


def region_page(user, region: Region) -> dict:
    """Everything the region's debt page shows, inside the user's scope."""
    return {
        "series": region_series(user, region),
        "warnings": warnings(user).filter(region=region)[:20],
        "emergencies": scope_queryset(user, EmergencyEvent.objects.filter(region=region)),
        "audits": scope_queryset(user, DebtAudit.objects.filter(region=region)),
        "terms": scope_queryset(user, TermAssessment.objects.filter(region=region)),
        "bonds": scope_queryset(user, BondIssue.objects.filter(region=region))[:20],
        "ratings": scope_queryset(user, CreditRating.objects.filter(region=region))[:10],
        "defaults": scope_queryset(
            user,
            DebtDefault.objects.filter(profile__region=region).select_related(
                "record", "record__department", "profile"
            ),
        ),
        "children": regions_in_scope(user).filter(parent=region).order_by("code"),
    }


def debt_default_of(profile: DebtProfile) -> DebtDefault | None:
    """The link to the dishonesty record a profile's overdue debt was already reported as,
    if any (a link lasts as long as its record: deleting a draft record frees the profile)."""
    return DebtDefault.objects.filter(profile=profile).select_related("record").first()


def published_profiles() -> QuerySet[DebtProfile]:
    """What the public disclosure page may show: published profiles and their indicators."""
    return (
        DebtProfile.objects.filter(published=True)
        .select_related("region", "assessment")
        .order_by("region__code", "-year")
    )


def department_debt_panel(department, user):
    """The debt-default records of a department, for its credit profile (if any)."""
    if not user.has_perm("debt.view_debtprofile"):
        return None
    links = scope_queryset(
        user,
        DebtDefault.objects.filter(record__department=department).select_related(
            "record", "profile", "profile__region"
        ),
    )
    if not links.exists():
        return None
    return {"template": "debt/includes/department_panel.html", "context": {"links": links}}
