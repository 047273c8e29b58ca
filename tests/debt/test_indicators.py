"""The risk indicators in Decimal arithmetic, on a worked example computed by hand, and the
grade boundaries exactly at each threshold: the grade is decided on the exact debt ratio, the
ratio shown is rounded to two decimals."""

from decimal import Decimal

import pytest
from django.test import override_settings

from debt.indicators import Inputs, Thresholds, compute, grade_for, percent
from debt.models import Grade

D = Decimal
DEFAULT = Thresholds(yellow=D("120"), orange=D("200"), red=D("300"))

# By hand: limits 60 + 90 = 150; balances 50 + 80 = 130; capacity 80; principal 9 and
# interest 3 due; 1.3 overdue; 20 new debt on a previous year-end balance of 125.
WORKED = Inputs(
    general_limit=D("60"),
    special_limit=D("90"),
    general_balance=D("50"),
    special_balance=D("80"),
    financial_capacity=D("80"),
    principal_due=D("9"),
    interest_due=D("3"),
    overdue_amount=D("1.3"),
    new_debt=D("20"),
    previous_balance=D("125"),
)


def test_it_computes_every_indicator_of_the_worked_example_in_decimal():
    result = compute(WORKED, DEFAULT)

    assert result.debt_ratio == D("162.50")  # 130 / 80 = 1.625
    assert result.limit_utilisation == D("86.67")  # 130 / 150 = 0.86666…, half-up
    assert result.debt_service_ratio == D("15.00")  # (9 + 3) / 80 = 0.15
    assert result.overdue_ratio == D("1.00")  # 1.3 / 130 = 0.01
    assert result.new_debt_ratio == D("16.00")  # 20 / 125 = 0.16
    assert result.grade == Grade.YELLOW
    assert all(
        isinstance(value, Decimal)
        for value in (
            result.debt_ratio,
            result.limit_utilisation,
            result.debt_service_ratio,
            result.overdue_ratio,
            result.new_debt_ratio,
        )
    )


def test_it_leaves_a_ratio_without_a_denominator_empty():
    result = compute(
        Inputs(
            **{
                **WORKED.__dict__,
                "previous_balance": None,
                "general_limit": D("0"),
                "special_limit": D("0"),
            }
        ),
        DEFAULT,
    )
    assert result.new_debt_ratio is None
    assert result.limit_utilisation is None


def test_it_rounds_half_up_to_two_decimals():
    assert percent(D("1"), D("3")) == D("33.33")
    assert percent(D("2"), D("3")) == D("66.67")
    assert percent(D("0.0119995"), D("0.01")) == D("120.00")


@pytest.mark.parametrize(
    ("ratio", "grade"),
    [
        ("0", Grade.GREEN),
        ("119.99", Grade.GREEN),
        ("120", Grade.YELLOW),
        ("120.00", Grade.YELLOW),
        ("199.99", Grade.YELLOW),
        ("200", Grade.ORANGE),
        ("299.99", Grade.ORANGE),
        ("300", Grade.RED),
        ("1000", Grade.RED),
    ],
)
def test_grade_boundaries_fall_exactly_on_each_threshold(ratio, grade):
    assert grade_for(D(ratio), DEFAULT) == grade


@pytest.mark.parametrize(
    ("balance", "grade"),
    [
        ("119.99", Grade.GREEN),
        ("120", Grade.YELLOW),
        ("199.99", Grade.YELLOW),
        ("200", Grade.ORANGE),
        ("299.99", Grade.ORANGE),
        ("300", Grade.RED),
    ],
)
def test_a_computed_debt_ratio_is_graded_at_the_boundary(balance, grade):
    inputs = Inputs(
        **{
            **WORKED.__dict__,
            "general_balance": D(balance),
            "special_balance": D("0"),
            "financial_capacity": D("100"),
        }
    )
    assert compute(inputs, DEFAULT).grade == grade


@pytest.mark.parametrize(
    ("balance", "capacity", "shown", "grade"),
    [
        # 119.995 / 100 = 119.995 %: below 120 (green), shown half-up as 120.00.
        ("119.995", "100", "120.00", Grade.GREEN),
        # 239.99 / 200 = 119.995 % again, from other figures.
        ("239.99", "200", "120.00", Grade.GREEN),
        # 119.9999 / 100 = 119.9999 %: still below the line.
        ("119.9999", "100", "120.00", Grade.GREEN),
        # 120 / 100.0001 = 119.99988… %: below 120 although 120 is the balance.
        ("120", "100.0001", "120.00", Grade.GREEN),
        # 120.004 / 100 = 120.004 %: on the other side of the line, shown the same.
        ("120.004", "100", "120.00", Grade.YELLOW),
        # Exactly 120 %: yellow from 120 (green is strictly below).
        ("120", "100", "120.00", Grade.YELLOW),
        # 199.995 %: yellow, shown 200.00; 299.995 %: orange, shown 300.00.
        ("199.995", "100", "200.00", Grade.YELLOW),
        ("299.995", "100", "300.00", Grade.ORANGE),
        # Divisions that do not terminate: 200 / 166.6667 = 119.99997600… % (green) and
        # 400 / 333.3333 = 120.00001200… % (yellow), both shown 120.00.
        ("200", "166.6667", "120.00", Grade.GREEN),
        ("400", "333.3333", "120.00", Grade.YELLOW),
    ],
)
def test_the_grade_is_decided_on_the_exact_ratio_and_the_ratio_shown_rounded(
    balance, capacity, shown, grade
):
    inputs = Inputs(
        **{
            **WORKED.__dict__,
            "general_balance": D(balance),
            "special_balance": D("0"),
            "financial_capacity": D(capacity),
        }
    )
    result = compute(inputs, DEFAULT)
    assert (result.debt_ratio, result.grade) == (D(shown), grade)


def test_a_ratio_a_hair_below_a_threshold_is_below_it():
    assert grade_for(D("119.999999999999999999999999999"), DEFAULT) == Grade.GREEN
    assert grade_for(D("299.999999999999999999999999999"), DEFAULT) == Grade.ORANGE


@override_settings(
    CHENGXIN_DEBT_YELLOW_FROM="100", CHENGXIN_DEBT_ORANGE_FROM="150", CHENGXIN_DEBT_RED_FROM="250"
)
def test_the_thresholds_come_from_the_settings():
    thresholds = Thresholds.from_settings()
    assert thresholds == Thresholds(D("100"), D("150"), D("250"))
    assert grade_for(D("100"), thresholds) == Grade.YELLOW
    assert grade_for(D("249.99"), thresholds) == Grade.ORANGE


def test_a_balance_above_its_limit_is_flagged_per_kind():
    at_limit = compute(Inputs(**{**WORKED.__dict__, "general_balance": D("60")}), DEFAULT)
    assert not at_limit.general_limit_breached

    above = compute(Inputs(**{**WORKED.__dict__, "special_balance": D("90.0001")}), DEFAULT)
    assert above.special_limit_breached
    assert not above.general_limit_breached
