"""What the debt models share: amount and ratio fields (亿元, percentages) and the debt-risk
grade."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0")


def amount_field(verbose_name, **kwargs):
    """A non-negative amount in 亿元, to 1万元 (four decimals), up to 99,999,999,999.9999 亿元:
    15 significant digits, all that SQLite keeps exactly."""
    kwargs.setdefault("validators", [MinValueValidator(ZERO)])
    return models.DecimalField(verbose_name, max_digits=15, decimal_places=4, **kwargs)


def ratio_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name, max_digits=12, decimal_places=2, null=True, blank=True, **kwargs
    )


class Grade(models.TextChoices):
    """Debt-risk grade by debt ratio; the thresholds are settings (``CHENGXIN_DEBT_*``)."""

    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    ORANGE = "orange", _("Orange")
    RED = "red", _("Red")


GRADE_ORDER = {Grade.GREEN: 0, Grade.YELLOW: 1, Grade.ORANGE: 2, Grade.RED: 3}
