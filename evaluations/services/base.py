"""What the evaluations services share: the logger, decimal rounding to the cent, weighting
and the round lock."""

import logging
from decimal import ROUND_HALF_UP, Decimal

from ..models import Round

logger = logging.getLogger(__name__)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def _q(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _weighted(value: Decimal | None, weight: Decimal) -> Decimal | None:
    return None if value is None else _q(value * weight / HUNDRED)


def _locked_round(evaluation_round: Round) -> Round:
    return Round.objects.select_for_update().get(pk=evaluation_round.pk)
