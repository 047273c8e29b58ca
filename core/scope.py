"""Scope is one function: every queryset a user can reach goes through ``scope_queryset``.

A model declares how it hangs in the region tree (``scope_region_lookup``,
``scope_department_lookup``; see ``core.models.organisations``); an object outside the user's
scope is a 404."""

from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from core.models import Department, Region

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
        department = getattr(model, "scope_department_lookup", None)
        if department and department != "pk" and lookup == f"{department}__region":
            # The departments of the subtree, by id, rather than a join through every row's
            # department to its region: over a million records a county's list read 5,000
            # rows of the list-order index to find its 50 (docs/performance.md).
            departments = Department.objects.filter(region__path__startswith=user.region.path)
            return queryset.filter(**{f"{department}__in": departments.values("pk")})
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
