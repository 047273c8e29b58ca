"""The grade thresholds are settings: a value that is not a percentage, or thresholds out of
order, is a system-check error (``migrate`` and ``runserver`` stop on it), and a process
started anyway keeps rendering its debt pages with the default grading."""

from decimal import Decimal

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from debt.indicators import DEFAULT_THRESHOLDS, Thresholds

from ..builders.debt import make_profile

D = Decimal


def debt_errors():
    return [message for message in checks.run_checks() if message.id == "debt.E001"]


def test_the_default_settings_pass_the_check():
    assert debt_errors() == []


@pytest.mark.parametrize(
    "overrides, named",
    [
        ({"CHENGXIN_DEBT_YELLOW_FROM": "abc"}, "CHENGXIN_DEBT_YELLOW_FROM='abc'"),
        ({"CHENGXIN_DEBT_ORANGE_FROM": "-5"}, "CHENGXIN_DEBT_ORANGE_FROM='-5'"),
        ({"CHENGXIN_DEBT_RED_FROM": "NaN"}, "CHENGXIN_DEBT_RED_FROM='NaN'"),
        ({"CHENGXIN_DEBT_RED_FROM": "300.005"}, "CHENGXIN_DEBT_RED_FROM='300.005'"),
        ({"CHENGXIN_DEBT_YELLOW_FROM": "250"}, "must increase"),
        ({"CHENGXIN_DEBT_ORANGE_FROM": "300"}, "must increase"),
    ],
)
def test_a_bad_or_misordered_threshold_is_a_system_check_error(overrides, named):
    with override_settings(**overrides):
        errors = debt_errors()
    assert len(errors) == 1
    assert errors[0].level == checks.ERROR
    assert named in errors[0].msg


@override_settings(CHENGXIN_DEBT_YELLOW_FROM="abc")
def test_the_check_command_fails_on_it():
    with pytest.raises(SystemCheckError, match=r"debt\.E001"):
        call_command("check")


@override_settings(
    CHENGXIN_DEBT_YELLOW_FROM=" 110 ", CHENGXIN_DEBT_ORANGE_FROM=180, CHENGXIN_DEBT_RED_FROM="260.5"
)
def test_well_formed_thresholds_are_read_as_decimals():
    assert debt_errors() == []
    assert Thresholds.from_settings() == Thresholds(D("110"), D("180"), D("260.5"))


@pytest.mark.django_db
@override_settings(CHENGXIN_DEBT_YELLOW_FROM="abc", CHENGXIN_DEBT_RED_FROM="100")
def test_with_bad_thresholds_the_pages_still_render_with_the_default_grading(
    regions, login, auditor, caplog
):
    profile = make_profile(regions["320100"], ratio="250")

    assert profile.assessment.grade == "orange"
    assert profile.assessment.yellow_threshold == DEFAULT_THRESHOLDS.yellow
    client = login(auditor)
    for url in ("/workspace/debt/", "/workspace/debt/regions/320100/", "/public/debt/"):
        assert client.get(url).status_code == 200, url
    assert "Using the default debt grade thresholds" in caplog.text
