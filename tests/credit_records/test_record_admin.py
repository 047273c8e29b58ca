"""The dishonesty-record admin: saves and reverts go through the services, and a refusal is an
admin error message with nothing saved, never a server error."""

import pytest
from django.conf import settings
from django.contrib.messages import get_messages

from credit_records import services
from credit_records.models import DishonestyRecord, RecordEvent, RecordStatus

from ..builders.core import DepartmentFactory
from ..builders.records import OfficialFactory, make_record

ADMIN_LIST = "/admin/credit_records/dishonestyrecord/"


def change_url(record) -> str:
    return f"{ADMIN_LIST}{record.pk}/change/"


def form_data(record, **changes) -> dict:
    """The admin change form of a draft as the browser posts it."""
    data = {
        "department": record.department_id,
        "category": record.category,
        "severity": record.severity,
        "decision_number": record.decision_number,
        "issuing_authority": record.issuing_authority,
        "decision_date": record.decision_date.isoformat(),
        "facts": record.facts,
        "officials": [official.pk for official in record.officials.all()],
        "internal_notes": record.internal_notes,
        # The read-only inlines' management forms.
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def in_english(client):
    """Messages are asserted in English: new wording reaches the Chinese catalogue later."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def shown_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def stored(record) -> dict:
    row = DishonestyRecord.objects.get(pk=record.pk)
    return {
        "status": row.status,
        "facts": row.facts,
        "department": row.department_id,
        "updated_at": row.updated_at,
        "versions": row.history.count(),
        "events": RecordEvent.objects.filter(record=record).count(),
    }


@pytest.fixture
def edited_then_confirmed(nanjing_department, nanjing_supervisor):
    """A record whose facts were corrected while a draft, then confirmed: its first version
    is a draft with the old facts."""
    record = make_record(
        nanjing_department, actor=nanjing_supervisor, state="draft", facts="最初录入的事实。"
    )
    services.record_update(record=record, actor=nanjing_supervisor, facts="更正后的事实。")
    services.record_confirm(record=record, actor=nanjing_supervisor)
    return record


def test_reverting_a_confirmed_record_to_its_draft_version_is_refused_with_a_message(
    login, nanjing_supervisor, edited_then_confirmed
):
    record = edited_then_confirmed
    first = record.history.earliest()
    assert first.status == RecordStatus.DRAFT and first.facts == "最初录入的事实。"
    url = f"{ADMIN_LIST}{record.pk}/history/{first.history_id}/"
    before = stored(record)
    client = in_english(login(nanjing_supervisor))

    page = client.get(url)
    response = client.post(url, form_data(first.instance))

    # The old draft is shown read-only, without a revert button.
    assert page.status_code == 200
    assert page.context["revert_disabled"] is True
    assert not page.context["adminform"].form.fields
    assert response.status_code == 302
    assert shown_messages(response) == [
        "Nothing was saved: Only a draft can be edited; this record is confirmed."
    ]
    assert stored(record) == before


def test_saving_a_confirmed_record_in_the_admin_is_refused_with_a_message(
    login, nanjing_supervisor, nanjing_department
):
    record = make_record(nanjing_department, actor=nanjing_supervisor, state="confirmed")
    before = stored(record)

    response = in_english(login(nanjing_supervisor)).post(
        change_url(record), form_data(record, facts="改写的事实。")
    )

    assert response.status_code == 302
    assert any(message.startswith("Nothing was saved") for message in shown_messages(response))
    assert stored(record) == before


def test_reverting_a_draft_restores_the_fields_of_the_old_version(
    login, nanjing_supervisor, nanjing_department
):
    record = make_record(
        nanjing_department, actor=nanjing_supervisor, state="draft", facts="最初录入的事实。"
    )
    services.record_update(record=record, actor=nanjing_supervisor, facts="更正后的事实。")
    first = record.history.earliest()

    response = login(nanjing_supervisor).post(
        f"{ADMIN_LIST}{record.pk}/history/{first.history_id}/", form_data(first.instance)
    )

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.facts == "最初录入的事实。"
    assert record.status == RecordStatus.DRAFT
    assert RecordEvent.objects.filter(record=record, action="updated").count() == 2


def test_the_department_of_a_draft_cannot_be_changed_in_the_admin(
    login, nanjing_supervisor, nanjing_department, regions
):
    other = DepartmentFactory(name="南京市交通运输局", region=regions["320100"])
    record = make_record(nanjing_department, actor=nanjing_supervisor, state="draft")
    client = login(nanjing_supervisor)

    page = client.get(change_url(record))
    response = client.post(
        change_url(record), form_data(record, department=other.pk, facts="补充的事实。")
    )

    # Read-only, as in the workspace's edit form: no field offers another department, and
    # the success message names the department the record really stays with.
    assert "department" not in page.context["adminform"].form.fields
    assert response.status_code == 302
    assert not any(other.name in message for message in shown_messages(response))
    record.refresh_from_db()
    assert (record.department, record.facts) == (nanjing_department, "补充的事实。")


def test_an_official_of_another_department_added_in_the_admin_is_refused_with_a_message(
    login, nanjing_supervisor, nanjing_department, regions
):
    other = DepartmentFactory(name="南京市交通运输局", region=regions["320100"])
    stranger = OfficialFactory(name="王五", department=other)
    record = make_record(nanjing_department, actor=nanjing_supervisor, state="draft")
    before = stored(record)

    response = in_english(login(nanjing_supervisor)).post(
        change_url(record), form_data(record, officials=[stranger.pk], facts="补充的事实。")
    )

    assert response.status_code == 302
    assert shown_messages(response) == [
        f"Nothing was saved: {stranger} does not work in this department."
    ]
    assert stored(record) == before
    assert not record.officials.exists()


def test_a_refused_admin_action_is_reported_per_record(
    login, nanjing_supervisor, nanjing_department
):
    draft = make_record(nanjing_department, actor=nanjing_supervisor, state="draft")
    confirmed = make_record(nanjing_department, actor=nanjing_supervisor, state="confirmed")

    response = in_english(login(nanjing_supervisor)).post(
        ADMIN_LIST, {"action": "confirm_records", "_selected_action": [draft.pk, confirmed.pk]}
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == RecordStatus.CONFIRMED
    lines = shown_messages(response)
    assert "1 record(s) confirmed." in lines
    assert any(line.startswith(f"{confirmed.decision_number}: ") for line in lines)


def test_the_admin_close_action_records_the_reason_typed_in_the_action_bar(
    login, nanjing_supervisor, nanjing_department
):
    first, second = (
        make_record(nanjing_department, actor=nanjing_supervisor, state="confirmed")
        for _ in range(2)
    )
    client = in_english(login(nanjing_supervisor))
    action = {"action": "close_records", "_selected_action": [first.pk]}

    refused = client.post(ADMIN_LIST, {**action, "reason": ""})
    first.refresh_from_db()
    assert first.status == RecordStatus.CONFIRMED
    assert shown_messages(refused) == [
        f"{first.decision_number}: Say why this record needs no rectification before closing it."
    ]

    client.post(ADMIN_LIST, {**action, "reason": "情节轻微，已当场纠正"})
    first.refresh_from_db()
    assert first.status == RecordStatus.CLOSED
    assert first.events.last().reason == "情节轻微，已当场纠正"
    assert DishonestyRecord.objects.get(pk=second.pk).status == RecordStatus.CONFIRMED
