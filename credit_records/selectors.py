"""Reads. ``scope_queryset`` is the one place that decides what a user may see: every
queryset a user can reach (pages, admin, API, exports, autocomplete) goes through it.
"""

from collections import Counter
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from .models import Department, DepartmentKind, Region, RegionLevel

M = TypeVar("M", bound=Model)


def scope_queryset(user, queryset: QuerySet[M]) -> QuerySet[M]:
    """Restrict ``queryset`` to the rows inside ``user``'s scope; fail closed.

    Administrators see everything; a region-scoped user sees their region's subtree; a
    department liaison sees their own department's rows; anyone else sees nothing.
    """
    model = queryset.model
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.has_full_scope:
        return queryset
    if user.department_id is not None:
        lookup = getattr(model, "scope_department_lookup", None)
        if lookup is None:
            return queryset.none()
        return queryset.filter(**{lookup: user.department_id})
    if user.region_id is not None:
        lookup = getattr(model, "scope_region_lookup", None)
        if lookup is None:
            return queryset.none()
        path_lookup = f"{lookup}__path__startswith" if lookup else "path__startswith"
        return queryset.filter(**{path_lookup: user.region.path})
    return queryset.none()


def get_in_scope_or_404(user, queryset: QuerySet[M], **lookup) -> M:
    """One object inside the user's scope; outside it, the object does not exist (404)."""
    try:
        return scope_queryset(user, queryset).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404(
            _("No %(name)s matches the given query.") % {"name": queryset.model._meta.verbose_name}
        ) from None


def regions_in_scope(user) -> QuerySet[Region]:
    return scope_queryset(user, Region.objects.all())


def departments_in_scope(user) -> QuerySet[Department]:
    return scope_queryset(user, Department.objects.select_related("region", "parent"))


def workspace_summary(user) -> dict[str, int]:
    """Headline counts for the workspace home, all within the user's scope."""
    departments = scope_queryset(user, Department.objects.all())
    return {
        "regions": regions_in_scope(user).count(),
        "departments": departments.count(),
        "active_departments": departments.filter(active=True).count(),
        "organs": departments.filter(kind=DepartmentKind.ORGAN).count(),
        "institutions": departments.filter(kind=DepartmentKind.PUBLIC_INSTITUTION).count(),
    }


def department_counts_by_region(user) -> list[dict]:
    """Departments in scope per region one level below the user's own region."""
    regions = regions_in_scope(user)
    if user.has_full_scope or (user.region_id and user.region.level == RegionLevel.PROVINCE):
        rows = list(regions.filter(level=RegionLevel.CITY))
    elif user.region_id:
        rows = [user.region, *regions.filter(parent=user.region_id)]
    else:
        rows = list(regions)
    # One query for the paths, then bucket by prefix: at most a few thousand departments.
    paths = Counter(
        scope_queryset(user, Department.objects.all()).values_list("region__path", flat=True)
    )
    totals = []
    for region in sorted(rows, key=lambda r: r.code):
        if user.region_id == region.pk and region.level != RegionLevel.PROVINCE:
            # The user's own region counts only departments directly in it.
            count = paths.get(region.path, 0)
        else:
            count = sum(n for path, n in paths.items() if path.startswith(region.path))
        totals.append({"region": region, "departments": count})
    return totals
