"""Two officials taking the same step on the same record at the same moment, on PostgreSQL:
the row lock serialises them, exactly one succeeds and the other is told why not."""

import pytest
from django.utils.translation import override

from core.exceptions import WorkflowConflict
from credit_records import services
from credit_records.models import (
    DishonestyRecord,
    RecordEvent,
    RecordStatus,
    RectificationReport,
    ReportDecision,
)

from ..builders.core import UserFactory
from ..builders.records import make_record
from ..integration.race import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def split(outcomes):
    failures = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    return [outcome for outcome in outcomes if outcome not in failures], failures


def conflict_message(status: str, action: str) -> str:
    """What the official who came second reads (in Chinese, the portal's language)."""
    with override("zh-hans"):
        status_label, action_label = RecordStatus(status).label, services.transition_label(action)
        return f"该记录当前为“{status_label}”，现在不能“{action_label}”。"


def test_two_supervisors_verifying_one_report_at_once_verify_it_once(
    require_postgres, monkeypatch, nanjing_department, nanjing_supervisor, nanjing_liaison, regions
):
    colleague = UserFactory(username="nanjing-2", role="Supervisor", region=regions["320100"])
    record = make_record(
        nanjing_department,
        actor=nanjing_supervisor,
        liaison=nanjing_liaison,
        state="report_submitted",
    )

    outcomes = race(
        monkeypatch,
        lambda: services.record_verify(record=record, actor=nanjing_supervisor, reason="甲核实"),
        lambda: services.record_verify(record=record, actor=colleague, reason="乙核实"),
    )

    successes, failures = split(outcomes)
    assert len(successes) == 1, outcomes
    [failure] = failures
    assert isinstance(failure, WorkflowConflict), repr(failure)
    assert failure.message == conflict_message("verified", "verify")

    winner = nanjing_supervisor if outcomes[0] is successes[0] else colleague
    record.refresh_from_db()
    assert record.status == RecordStatus.VERIFIED
    [event] = RecordEvent.objects.filter(record=record, action="verify")
    assert event.actor == winner
    [report] = RectificationReport.objects.filter(rectification__record=record)
    assert (report.decision, report.decided_by) == (ReportDecision.ACCEPTED, winner)
    assert record.rectification.verified_by == winner
    assert record.history.filter(status=RecordStatus.VERIFIED).count() == 1


def test_two_liaisons_submitting_a_report_at_once_submit_one(
    require_postgres, monkeypatch, nanjing_department, nanjing_supervisor, nanjing_liaison
):
    colleague = UserFactory(
        username="liaison-2", role="Department liaison", department=nanjing_department
    )
    record = make_record(
        nanjing_department, actor=nanjing_supervisor, liaison=nanjing_liaison, state="in_progress"
    )

    outcomes = race(
        monkeypatch,
        lambda: services.record_submit_report(
            record=record, actor=nanjing_liaison, content="甲：已付清欠款"
        ),
        lambda: services.record_submit_report(
            record=record, actor=colleague, content="乙：已付清欠款"
        ),
    )

    successes, failures = split(outcomes)
    assert len(successes) == 1, outcomes
    [failure] = failures
    assert isinstance(failure, WorkflowConflict), repr(failure)
    assert failure.message == conflict_message("report_submitted", "submit_report")

    [report] = successes
    record = DishonestyRecord.objects.get(pk=record.pk)
    assert record.status == RecordStatus.REPORT_SUBMITTED
    assert list(RectificationReport.objects.filter(rectification__record=record)) == [report]
    [event] = RecordEvent.objects.filter(record=record, action="submit_report")
    assert event.actor == report.submitted_by
    assert record.history.filter(status=RecordStatus.REPORT_SUBMITTED).count() == 1
