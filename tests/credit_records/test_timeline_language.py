"""The reasons the system gives on a record's timeline (the escalation ladder, the end of
disclosure) read in the reader's language on the record page and in the API, whatever the
language of the worker that wrote them; an official's own words, and events written before
the system kept its reasons as codes, read as they were written."""

import datetime

import pytest
from django.conf import settings
from django.utils import translation

from credit_records import deadlines
from credit_records.models import RecordEvent

from ..builders.clock import at
from ..builders.records import OfficialFactory, make_record, make_rectifying_record

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2026, 3, 22)


@pytest.fixture
def escalated_record(time_machine, jiangning_department, nanjing_supervisor):
    """Overdue, escalated to Nanjing and its accountability proposed, by a worker whose
    language happens to be English."""
    time_machine.move_to(at(datetime.date(2026, 3, 2)), tick=False)
    record = make_rectifying_record(
        jiangning_department,
        deadline=DEADLINE,
        explained=False,
        decision_number="宁江建罚〔2026〕30号",
        officials=[
            OfficialFactory(name="张三", department=jiangning_department),
            OfficialFactory(name="李四", department=jiangning_department),
        ],
    )
    with translation.override("en"):
        deadlines.run_scan(today=DEADLINE + datetime.timedelta(days=46))
    return record


def record_page(client, record, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(f"/workspace/records/{record.pk}/").content.decode()


def test_the_ladders_reasons_read_in_english_for_an_english_reader(
    escalated_record, login, nanjing_supervisor
):
    page = record_page(login(nanjing_supervisor), escalated_record, "en")

    assert "Deadline 2026-03-22 passed without verified rectification." in page
    assert "Escalated to the credit office of 南京市." in page
    assert (
        "Accountability proposed for: 张三, 李四; honours restriction extended by 12 months."
        in page
    )
    assert "整改期限" not in page


def test_the_ladders_reasons_read_in_chinese_for_a_chinese_reader_though_the_worker_wrote_english(
    escalated_record, login, nanjing_supervisor
):
    page = record_page(login(nanjing_supervisor), escalated_record, "zh-hans")

    assert "整改期限 2026-03-22 已过，整改尚未核验。" in page
    assert "已提级至南京市信用办督办。" in page
    assert "建议对以下人员问责：张三、李四；荣誉评选限制延长 12 个月。" in page
    # The stored text, for the admin and searches, is in the portal's default language.
    assert set(
        RecordEvent.objects.filter(record=escalated_record, reason_code="overdue").values_list(
            "reason", flat=True
        )
    ) == {"整改期限 2026-03-22 已过，整改尚未核验。"}


def test_the_api_gives_the_ladders_reasons_in_the_language_of_the_request(
    escalated_record, login, nanjing_supervisor
):
    client = login(nanjing_supervisor)
    reasons = {}
    for language in ("en", "zh-hans"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        timeline = client.get(f"/api/v1/records/{escalated_record.pk}/").json()["timeline"]
        reasons[language] = {event["action"]: event["reason"] for event in timeline}

    assert reasons["en"]["escalated"] == "Escalated to the credit office of 南京市."
    assert reasons["zh-hans"]["escalated"] == "已提级至南京市信用办督办。"


def test_the_end_of_disclosure_reads_in_the_readers_language(
    time_machine, nanjing_department, nanjing_supervisor, login
):
    time_machine.move_to(at(datetime.date(2025, 4, 1)), tick=False)
    record = make_record(
        nanjing_department, decision_date=datetime.date(2025, 3, 10), decision_number="宁财罚1号"
    )
    deadlines.expire_disclosures(today=datetime.date(2026, 3, 11))
    client = login(nanjing_supervisor)

    assert "The maximum disclosure period ended on 2026-03-10." in record_page(client, record, "en")
    assert "最长公示期已于 2026-03-10 届满。" in record_page(client, record, "zh-hans")


def test_an_event_written_before_reason_codes_reads_as_written(
    escalated_record, login, nanjing_supervisor
):
    RecordEvent.objects.create(
        record=escalated_record, action="escalated", reason="已提级至南京市信用办督办（旧记录）。"
    )
    page = record_page(login(nanjing_supervisor), escalated_record, "en")

    assert "已提级至南京市信用办督办（旧记录）。" in page
    assert "Escalated to the credit office of 南京市." in page  # the step with its code
