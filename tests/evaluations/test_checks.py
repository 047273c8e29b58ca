"""The grade cut-offs are checked when the project starts: a value that cannot grade is a
system-check error, never a 500 or a silent misgrading."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from evaluations import services
from evaluations.checks import check_grade_cutoffs


def test_the_default_cut_offs_pass_the_check():
    assert check_grade_cutoffs(None) == []
    assert services.grade_cutoffs() == [Decimal(90), Decimal(80), Decimal(60)]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (["abc", "80", "60"], "'abc' is not a number"),
        (["90", "80"], "expected 3 numbers"),
        (["90", "80", "60", "40"], "expected 3 numbers"),
        (["60", "80", "90"], "strictly descending"),
        (["90", "80", "80"], "strictly descending"),
        (["90", "80", "-1"], "not a number of points"),
        (["90", "NaN", "60"], "not a number of points"),
    ],
)
def test_bad_cut_offs_are_a_system_check_error(settings, value, reason):
    settings.CHENGXIN_EVALUATION_GRADES = value
    errors = check_grade_cutoffs(None)
    assert [error.id for error in errors] == ["evaluations.E001"]
    assert reason in errors[0].msg
    with pytest.raises(ImproperlyConfigured):
        services.grade_cutoffs()


def test_manage_py_check_refuses_to_start_with_bad_cut_offs(settings):
    settings.CHENGXIN_EVALUATION_GRADES = ["abc"]
    with pytest.raises(SystemCheckError, match=r"evaluations\.E001"):
        call_command("check")
