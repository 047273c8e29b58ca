"""The periodic scan (a Celery task, in beat's schedule) and the demo data."""

import datetime

import pytest
from django.conf import settings
from django.core.management import call_command

from procurement import services, tasks
from procurement.models import FlagRule, ProcurementProject, RedFlag, Violation

from ..builders.procurement import AWARD, make_acceptance, make_contract, make_payment, make_project

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


def test_the_scan_keeps_the_evidence_of_open_provisional_flags_up_to_date(purchaser, time_machine):
    time_machine.move_to("2026-05-07 09:00:00+08:00", tick=False)
    contract = make_contract(make_project(purchaser))
    # Accepted 2026-03-27: an SME's payment is due 30 days later, 2026-04-26, a Sunday, so
    # the term ends on Monday 2026-04-27 (Civil Code art. 203).
    make_acceptance(contract)
    payment = make_payment(contract, amount="100000")
    flag = RedFlag.objects.get(rule=FlagRule.SME_PAYMENT_LATE, payment=payment)
    assert (flag.evidence["days_late"], flag.evidence["late_interest"]) == (10, "500.00")

    time_machine.move_to("2026-05-17 02:00:00+08:00", tick=False)
    tasks.scan_red_flags()
    tasks.scan_red_flags()
    flag.refresh_from_db()
    assert flag.evidence["days_late"] == 20
    assert flag.evidence["late_interest"] == "1000.00"
    assert flag.evidence["as_of"] == "2026-05-17"
    assert flag.evidence["provisional"] is True
    assert "2026-05-17" in flag.describe() and "1,000.00" in flag.describe()
    assert flag.history.count() == 2  # raised, then refreshed once for the day

    # A decided flag is left as it was decided.
    services.flag_dismiss(actor=None, flag=flag, reason="已核实")
    time_machine.move_to("2026-05-20 02:00:00+08:00", tick=False)
    tasks.scan_red_flags()
    flag.refresh_from_db()
    assert flag.evidence["days_late"] == 20


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
    # The demo agreements add a second one, on an overdue obligation (test_agreements_demo).
    violation = Violation.objects.get(flag__rule="sme_payment_late")
    assert violation.record.procurement_violation == violation
    assert violation.flag.status == "confirmed"
