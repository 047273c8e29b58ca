"""A misconfigured deadline setting is a system-check error, and one failing phase of the
deadline scan leaves the other phases to do their work."""

import datetime
import logging

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from core import deadlines as engine
from core.models import ReminderLog
from credit_records import deadlines
from credit_records.models import RecordEvent

from ..builders.clock import at
from ..builders.core import UserFactory
from ..builders.records import make_rectifying_record

pytestmark = pytest.mark.django_db


def error_ids():
    return sorted(message.id for message in run_checks() if message.id.startswith("core."))


def test_the_default_deadline_settings_pass_the_checks():
    assert error_ids() == []


@pytest.mark.parametrize(
    "escalation_days", [[], [1, 15], [1, 15, 30, 60], [0, 15, 30], [1, -15, 30]]
)
def test_a_ladder_without_its_three_positive_delays_is_an_error(escalation_days):
    with override_settings(CHENGXIN_ESCALATION_DAYS=escalation_days):
        assert error_ids() == ["core.E002"]


@pytest.mark.parametrize("reminder_days", [[7, -2], [-1]])
def test_a_reminder_after_the_deadline_is_an_error(reminder_days):
    with override_settings(CHENGXIN_REMINDER_DAYS=reminder_days):
        assert error_ids() == ["core.E001"]


def test_no_reminders_at_all_is_allowed():
    with override_settings(CHENGXIN_REMINDER_DAYS=[]):
        assert error_ids() == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CHENGXIN_EXPLANATION_DAYS", 0),
        ("CHENGXIN_RECTIFICATION_DAYS", -30),
        ("CHENGXIN_REPAIR_REVIEW_WORKING_DAYS", 0),
        ("CHENGXIN_SCAN_SECONDS", 0),
        # Shorter than the send task's time limit: a live worker's claim would be taken over.
        ("CHENGXIN_EMAIL_CLAIM_SECONDS", 30),
    ],
)
def test_other_deadline_settings_out_of_range_are_errors(name, value):
    with override_settings(**{name: value}):
        assert error_ids() == ["core.E003"]


@pytest.fixture
def due_and_overdue(time_machine, jiangning_department, regions):
    """On 1 June 2026: one rectification due in three days, one a month overdue."""
    liaison = UserFactory(
        username="liaison", role="Department liaison", department=jiangning_department
    )
    office = UserFactory(username="office", role="Supervisor", region=regions["320115"])
    time_machine.move_to(at(datetime.date(2026, 4, 1)), tick=False)
    overdue = make_rectifying_record(
        jiangning_department,
        deadline=datetime.date(2026, 5, 1),
        supervisor=office,
        liaison=liaison,
    )
    time_machine.move_to(at(datetime.date(2026, 6, 1)), tick=False)
    soon = make_rectifying_record(
        jiangning_department,
        deadline=datetime.date(2026, 6, 4),
        supervisor=office,
        liaison=liaison,
    )
    return {"overdue": overdue, "soon": soon}


@pytest.fixture
def broken_source():
    def items(start, end):
        raise RuntimeError("this source cannot be read")

    engine.register(engine.DeadlineSource("broken", items))
    yield
    engine.SOURCES.pop("broken", None)


def test_a_failing_reminder_phase_does_not_stop_the_escalation_ladder(
    due_and_overdue, broken_source, caplog
):
    with caplog.at_level(logging.ERROR, logger="credit_records.deadlines"):
        result = deadlines.run_scan()

    assert result["reminders"] is None
    assert result["escalation_steps"] == 2
    assert (
        RecordEvent.objects.filter(
            record=due_and_overdue["overdue"], action__in=["overdue", "escalated"]
        ).count()
        == 2
    )
    assert "reminders failed" in caplog.text
    assert "this source cannot be read" in caplog.text


def test_a_ladder_configured_without_steps_does_not_stop_the_reminders(due_and_overdue):
    with override_settings(CHENGXIN_ESCALATION_DAYS=[]):
        result = deadlines.run_scan()

    assert result == {
        "reminders": 1,
        "escalation_steps": 0,
        "disclosures_ended": 0,
        "objection_steps": 0,
        "complaint_steps": 0,
    }
    assert ReminderLog.objects.filter(object_id=due_and_overdue["soon"].rectification.pk).exists()
