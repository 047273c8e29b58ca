"""Debt test data: profiles entered the way users enter them, through the service (which
computes the assessment)."""

from decimal import Decimal

from debt import services

D = Decimal


def make_profile(region, year=2025, *, actor=None, ratio=None, **figures):
    """A profile of ``region`` for ``year``. ``ratio`` (a percentage) sets the general
    balance so that the debt ratio is exactly that, with a capacity of 100."""
    values = {
        "general_limit": D("600"),
        "special_limit": D("900"),
        "general_balance": D("50"),
        "special_balance": D("80"),
        "financial_capacity": D("80"),
        "principal_due": D("9"),
        "interest_due": D("3"),
        "overdue_amount": D("0"),
        "new_debt": D("20"),
    }
    if ratio is not None:
        values.update(
            general_balance=D(str(ratio)), special_balance=D("0"), financial_capacity=D("100")
        )
    values.update(figures)
    return services.profile_create(actor=actor, region=region, year=year, **values)
