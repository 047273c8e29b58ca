"""The periodic scan (a Celery task, in beat's schedule) and the demo data."""

import datetime

import pytest
from django.conf import settings
from django.core.management import call_command

from procurement import tasks
from procurement.models import FlagRule, ProcurementProject, RedFlag, Violation

from .helpers import AWARD, make_contract, make_project

pytestmark = pytest.mark.django_db


def test_the_scan_is_scheduled_in_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["procurement-red-flag-scan"]
    assert entry["task"] == "procurement.tasks.scan_red_flags"


def test_the_scan_raises_each_flag_once_however_often_it_runs(purchaser, time_machine):
    time_machine.move_to(AWARD, tick=False)
    unsigned = make_project(purchaser)
    unfiled = make_project(purchaser)
    make_contract(unfiled, signed_after=0, filed_after=None)
    assert not RedFlag.objects.exists()
    time_machine.move_to(AWARD + datetime.timedelta(days=31), tick=False)
    first = tasks.scan_red_flags()
    second = tasks.scan_red_flags()
    assert first["flags_raised"] == 2
    assert second["flags_raised"] == 0
    assert sorted(RedFlag.objects.values_list("project", "rule")) == sorted(
        [(unsigned.pk, FlagRule.LATE_SIGNING), (unfiled.pk, FlagRule.FILING_LATE)]
    )


def test_the_demo_has_every_stage_some_flags_and_a_violation_and_is_idempotent(regions):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (
        ProcurementProject.objects.count(),
        RedFlag.objects.count(),
        Violation.objects.count(),
    )
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts == (
        ProcurementProject.objects.count(),
        RedFlag.objects.count(),
        Violation.objects.count(),
    )
    stages = {project.stage() for project in ProcurementProject.objects.all()}
    assert stages == {"noticed", "awarded", "contracted", "accepted", "paid"}
    assert RedFlag.objects.filter(status="open").count() >= 3
    violation = Violation.objects.get()
    assert violation.record.procurement_violation == violation
    assert violation.flag.status == "confirmed"
