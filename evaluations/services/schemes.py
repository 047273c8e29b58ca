"""Evaluation schemes: the default scheme and its dimension and indicator weights, locked
while a round is scored against them."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import WorkflowConflict
from core.models import RegionLevel, User
from core.roles import Role
from core.services import ensure_role, save_with_history

from ..defaults import create_default_scheme
from ..models import (
    Dimension,
    Indicator,
    IndicatorKind,
    Round,
    RoundStatus,
    Scheme,
)
from .base import HUNDRED, _locked_round, _q
from .results import results_refresh


def default_scheme() -> Scheme:
    """The default scheme (five principles, equal weights), created once if missing."""
    scheme, _created = create_default_scheme(Scheme, Dimension, Indicator)
    return scheme


def scheme_validate_weights(scheme: Scheme, *, dimensions=None, weights=None) -> None:
    """Dimension weights must total 100 and each dimension's weighted indicators must total
    its weight. ``dimensions``/``weights`` override stored weights (by pk) for a proposed
    change. Raises a ValidationError saying what is wrong."""
    dimensions = dimensions or {}
    weights = weights or {}
    errors = []
    total = Decimal(0)
    for dimension in scheme.dimensions.prefetch_related("indicators"):
        d_weight = Decimal(dimensions.get(dimension.pk, dimension.weight))
        total += d_weight
        within = sum(
            (
                Decimal(weights.get(indicator.pk, indicator.weight))
                for indicator in dimension.indicators.all()
                if indicator.is_weighted
            ),
            Decimal(0),
        )
        if within != d_weight:
            errors.append(
                _(
                    "The indicator weights of “%(dimension)s” total %(total)s; they must equal "
                    "the dimension's weight, %(weight)s."
                )
                % {"dimension": dimension.name, "total": _q(within), "weight": _q(d_weight)}
            )
    if total != HUNDRED:
        errors.insert(
            0,
            _("The weights total %(total)s; they must total 100.") % {"total": _q(total)},
        )
    if errors:
        raise ValidationError(errors)


# A round in these states is being scored against its scheme's weights: they are locked.
WEIGHT_LOCKING_STATUSES = (RoundStatus.SCORING, RoundStatus.REVIEW)


def may_change_weights(user: User | None) -> bool:
    """Schemes are shared by every region, so only the province (or an administrator)
    changes their weights; a city supervisor would change every other city's results."""
    if user is None:
        return True  # trusted system call
    if user.is_superuser or user.role == Role.ADMINISTRATOR:
        return True
    return bool(
        user.role == Role.SUPERVISOR
        and user.region_id
        and user.region.level == RegionLevel.PROVINCE
    )


def rounds_locking_weights(scheme: Scheme):
    """The rounds using ``scheme`` that are in scoring or review (unscoped: the lock holds
    whoever organises them)."""
    return Round.objects.filter(scheme=scheme, status__in=WEIGHT_LOCKING_STATUSES)


# Bonus and deduction items: points added to or taken from a total of at most 100.
POINT_KINDS = (IndicatorKind.BONUS, IndicatorKind.DEDUCTION)


@transaction.atomic
def scheme_set_weights(
    *,
    actor: User | None,
    scheme: Scheme,
    dimensions: dict,
    indicators: dict,
    max_points: dict | None = None,
    descriptions: dict | None = None,
) -> Scheme:
    """Change a scheme's weights (dimension pk → weight, indicator pk → weight) after checking
    they add up; nothing changes otherwise. ``max_points`` (bonus or deduction item pk →
    maximum, 0–100) and ``descriptions`` (manual, bonus or deduction item pk → what it is
    scored on) change under the same rules: computed indicators keep their documented formula.

    Only the province's supervisors (or administrators) may, and not while a round using the
    scheme is in scoring or review: its totals would mix old and new weights (and its
    evaluators would score against changed items). Draft rounds are re-weighted at once;
    published rounds keep the weights they used."""
    max_points = max_points or {}
    descriptions = descriptions or {}
    ensure_role(actor, Role.SUPERVISOR)
    if not may_change_weights(actor):
        raise PermissionDenied(_("Only the province's supervisors may change a scheme's weights."))
    # Starting a round's scoring takes the same lock (``_transition``): a round cannot enter
    # scoring half-way through a change of its weights.
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    locking = list(rounds_locking_weights(scheme).values_list("name", flat=True))
    if locking:
        raise WorkflowConflict(
            _(
                "The weights cannot be changed while a round using this scheme is in scoring "
                "or review: %(rounds)s."
            )
            % {"rounds": "、".join(locking)}
        )
    for value in [*dimensions.values(), *indicators.values()]:
        if Decimal(value) < 0 or Decimal(value) > HUNDRED:
            raise ValidationError(_("A weight must be between 0 and 100."))
    for value in max_points.values():
        if value is None or Decimal(value) < 0 or Decimal(value) > HUNDRED:
            raise ValidationError(
                _("The maximum points of a bonus or deduction item must be between 0 and 100.")
            )
    scheme_validate_weights(scheme, dimensions=dimensions, weights=indicators)
    for dimension in scheme.dimensions.filter(pk__in=dimensions):
        dimension.weight = Decimal(dimensions[dimension.pk])
        save_with_history(dimension, actor=actor, reason=_("Weights changed"))
    items = Indicator.objects.filter(
        dimension__scheme=scheme, pk__in=[*indicators, *max_points, *descriptions]
    )
    for indicator in items:
        changed = []
        if indicator.pk in indicators and indicator.is_weighted:
            indicator.weight = Decimal(indicators[indicator.pk])
            changed.append(_("Weights changed"))
        maximum = max_points.get(indicator.pk)
        if (
            indicator.kind in POINT_KINDS
            and maximum is not None
            and indicator.max_points != Decimal(maximum)
        ):
            indicator.max_points = Decimal(maximum)
            changed.append(_("Maximum points changed"))
        if indicator.pk in descriptions and indicator.kind != IndicatorKind.COMPUTED:
            text = (descriptions[indicator.pk] or "").strip()
            if indicator.formula_text != text:
                indicator.formula_text = text
                changed.append(_("Description changed"))
        if changed:
            save_with_history(indicator, actor=actor, reason="; ".join(map(str, changed)))
    for draft in Round.objects.filter(scheme=scheme, status=RoundStatus.DRAFT):
        results_refresh(_locked_round(draft))
    return scheme
