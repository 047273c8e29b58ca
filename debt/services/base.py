"""What the debt services share: the region a write is about must be in the actor's scope,
the region's government, the link to a warning."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from core.exceptions import OutOfScope
from core.models import Department, Region
from core.roles import Role
from core.scope import scope_queryset

from ..models import (
    RiskWarning,
)


def region_government(region: Region) -> Department | None:
    """The region's people's government (人民政府): the subject of a debt-default record."""
    return (
        Department.objects.filter(region=region, active=True, name__endswith="人民政府")
        .order_by("name")
        .first()
    )


def _ensure_region_in_scope(actor, region: Region | None) -> None:
    """A write about ``region`` needs the region inside the actor's scope."""
    if actor is None or region is None:
        return
    if actor.role == Role.AUDITOR:
        raise PermissionDenied(_("Your role does not allow this action."))
    if not scope_queryset(actor, Region.objects.filter(pk=region.pk)).exists():
        raise OutOfScope(
            _("No %(name)s matches the given query.") % {"name": Region._meta.verbose_name}
        )


def _warning_url(warning: RiskWarning) -> str:
    return reverse("debt:warning_detail", args=[warning.pk])
