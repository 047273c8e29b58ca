"""Reads of intake: the open court enforcement cases per city in the user's scope (the aim is
zero, 动态清零) and the queue's counts by status."""

from django.db.models import Count

from core.models import RegionLevel
from core.scope import regions_in_scope, scope_queryset

from ..models import OPEN_COURT_CASE_STATUSES, CourtCase, IntakeItem


def open_court_cases_by_city(user) -> list[dict]:
    """Every city in the user's scope (the user's own, for a city or county official) with
    its open court cases, most first; one query for the cases."""
    regions = regions_in_scope(user)
    cities = list(regions.filter(level=RegionLevel.CITY).order_by("code"))
    if not cities:
        cities = list(regions.order_by("path")[:1])
    paths = scope_queryset(
        user, CourtCase.objects.filter(status__in=OPEN_COURT_CASE_STATUSES)
    ).values_list("department__region__path", flat=True)
    counts = {city.pk: 0 for city in cities}
    for path in paths:
        for city in cities:
            if path.startswith(city.path):
                counts[city.pk] += 1
                break
    rows = [{"region": city, "open": counts[city.pk]} for city in cities]
    return sorted(rows, key=lambda row: (-row["open"], row["region"].code))


def queue_counts(user) -> dict[str, int]:
    return dict(
        scope_queryset(user, IntakeItem.objects.order_by())
        .values_list("status")
        .annotate(count=Count("pk"))
    )
