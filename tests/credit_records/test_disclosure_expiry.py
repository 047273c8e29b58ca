"""The end of public disclosure: when a record's maximum disclosure period ends, the scan
writes the day it left into the record, its timeline and its audit history, once."""

import datetime

import pytest
from django.utils import timezone

from credit_records import deadlines, selectors, services
from credit_records.models import DishonestyRecord, RecordEvent, Severity

from ..builders.clock import at, each_day
from ..builders.records import make_record

pytestmark = pytest.mark.django_db

DECIDED = datetime.date(2025, 3, 10)
# A general record is disclosed for at most twelve months from its decision.
ENDS = datetime.date(2026, 3, 10)


@pytest.fixture
def records(time_machine, nanjing_department, nanjing_liaison):
    time_machine.move_to(at(datetime.date(2025, 4, 1)), tick=False)

    def record(number, state, **fields):
        fields.setdefault("severity", Severity.GENERAL)
        return make_record(
            nanjing_department,
            liaison=nanjing_liaison,
            state=state,
            decision_date=DECIDED,
            decision_number=number,
            **fields,
        )

    made = {
        "confirmed": record("宁财罚〔2025〕1号", "confirmed"),
        "closed": record("宁财罚〔2025〕2号", "closed"),
        "rectifying": record("宁财罚〔2025〕3号", "in_progress"),
        "draft": record("宁财罚〔2025〕4号", "draft"),
        "exempted": record("宁财罚〔2025〕5号", "exempted"),
        # Minor records are not published by default: they never were public.
        "unpublished": record("宁财罚〔2025〕6号", "confirmed", severity=Severity.MINOR),
        "repaired": record("宁财罚〔2025〕7号", "verified"),
    }
    time_machine.move_to(at(datetime.date(2025, 7, 1)), tick=False)
    application = services.credit_repair_apply(
        record=made["repaired"], actor=nanjing_liaison, commitment_text="依法依规履约"
    )
    services.credit_repair_decide(
        application=application, actor=None, approve=True, reason="整改到位"
    )
    return made


def expired_events(record):
    return list(
        RecordEvent.objects.filter(record=record, action="disclosure_expired").values_list(
            "at", "reason"
        )
    )


def test_a_record_leaves_disclosure_on_the_day_its_period_ends_and_it_is_recorded_once(
    time_machine, records
):
    for day in each_day(datetime.date(2026, 3, 8), datetime.date(2026, 3, 14)):
        time_machine.move_to(at(day, 0, 30), tick=False)
        deadlines.run_scan()
        deadlines.run_scan()

    for name in ("confirmed", "closed", "rectifying"):
        record = DishonestyRecord.objects.get(pk=records[name].pk)
        assert record.disclosure_ends == ENDS
        assert record.disclosure_expired_on == ENDS, name
        [(at_, reason)] = expired_events(record)
        assert timezone.localtime(at_).date() == ENDS
        assert "2026-03-10" in reason
        assert record.history.filter(disclosure_expired_on=ENDS).count() == 1
        assert record.history.filter(disclosure_expired_on__isnull=True).exists()


def test_the_public_pages_stop_showing_the_record_the_day_the_audit_says_it_left(
    time_machine, records
):
    deadlines.expire_disclosures(today=datetime.date(2026, 3, 12))

    record = DishonestyRecord.objects.get(pk=records["confirmed"].pk)
    left = record.disclosure_expired_on
    assert (
        selectors.published_records(left - datetime.timedelta(days=1)).filter(pk=record.pk).exists()
    )
    assert not selectors.published_records(left).filter(pk=record.pk).exists()


def test_a_scan_that_comes_days_late_still_records_the_day_the_record_left(time_machine, records):
    time_machine.move_to(at(datetime.date(2026, 3, 25)), tick=False)

    assert deadlines.run_scan()["disclosures_ended"] == 3
    assert deadlines.run_scan()["disclosures_ended"] == 0

    record = DishonestyRecord.objects.get(pk=records["confirmed"].pk)
    assert record.disclosure_expired_on == ENDS
    [(at_, _reason)] = expired_events(record)
    assert timezone.localtime(at_).date() == datetime.date(2026, 3, 25)


def test_nothing_is_recorded_before_the_last_day_of_disclosure(time_machine, records):
    assert deadlines.expire_disclosures(today=ENDS - datetime.timedelta(days=1)) == 0

    assert not DishonestyRecord.objects.filter(disclosure_expired_on__isnull=False).exists()
    assert not RecordEvent.objects.filter(action="disclosure_expired").exists()


def test_drafts_exempted_unpublished_and_repaired_records_are_left_alone(time_machine, records):
    before = {
        name: (
            DishonestyRecord.objects.get(pk=records[name].pk).history.count(),
            RecordEvent.objects.filter(record=records[name]).count(),
        )
        for name in ("draft", "exempted", "unpublished", "repaired")
    }

    deadlines.expire_disclosures(today=datetime.date(2027, 1, 1))

    for name, (history_rows, events) in before.items():
        record = DishonestyRecord.objects.get(pk=records[name].pk)
        assert record.disclosure_expired_on is None, name
        assert record.history.count() == history_rows, name
        assert RecordEvent.objects.filter(record=record).count() == events, name
