"""The exchange feed (/api/v1/exchange/records/): platform accounts pull, by cursor, every
change to what the public sees of records - published, corrected, withdrawn, repaired,
ended - in the 双公示 layout; a record that was never public never appears."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from credit_records import deadlines, services
from credit_records.models import Severity

from ..builders.core import UserFactory
from ..builders.records import make_objection, make_record
from ..core.test_api_schema_truth import conforms

FEED = "/api/v1/exchange/records/"


@pytest.fixture
def platform(db):
    """The provincial credit platform's account: no role, the feed permission only."""
    user = UserFactory(username="province-platform")
    user.user_permissions.add(Permission.objects.get(codename="read_exchange_feed"))
    client = APIClient()
    client.force_authenticate(user)
    return client


def pull(client, cursor=None, **params):
    if cursor:
        params["cursor"] = cursor
    response = client.get(FEED, params)
    assert response.status_code == 200, response.content
    return response.json()


def actions(page):
    return [(entry["action"], entry["record"]["record_id"]) for entry in page["results"]]


@pytest.mark.django_db
def test_a_platform_pulls_new_records_then_only_what_changed_since(platform, nanjing_department):
    first = make_record(nanjing_department, state="confirmed")
    page = pull(platform)
    assert actions(page) == [("published", first.pk)]
    entry = page["results"][0]["record"]
    assert entry == {
        "record_id": first.pk,
        "subject_name": "南京市财政局",
        "subject_uscc": nanjing_department.uscc,
        "region_code": "320100",
        "decision_number": first.decision_number,
        "category": "administrative_penalty",
        "category_label": "行政处罚",
        "severity": "general",
        "severity_label": "一般",
        "basis": "",
        "content": first.facts,
        "decision_date": first.decision_date.isoformat(),
        "disclosure_ends": first.disclosure_ends.isoformat(),
        "issuing_authority": "江苏省财政厅",
        "source_unit": "江苏省政务诚信监督平台",
        "responsible_officials": [],
    }
    assert page["has_more"] is False

    again = pull(platform, page["next_cursor"])
    assert again["results"] == []
    assert again["next_cursor"] == page["next_cursor"]

    second = make_record(nanjing_department, state="confirmed")
    assert actions(pull(platform, page["next_cursor"])) == [("published", second.pk)]


@pytest.mark.django_db
def test_corrections_and_withdrawals_after_objections_reach_the_feed(platform, nanjing_department):
    corrected = make_record(nanjing_department, state="confirmed")
    withdrawn = make_record(nanjing_department, state="confirmed")
    cursor = pull(platform)["next_cursor"]
    services.objection_decide(
        objection=make_objection(corrected),
        actor=None,
        uphold=True,
        outcome="corrected",
        reason="文书号有误",
        corrections={"decision_number": "苏财罚〔2026〕999号"},
    )
    services.objection_decide(
        objection=make_objection(withdrawn),
        actor=None,
        uphold=True,
        outcome="withdrawn",
        reason="事实不清",
    )
    page = pull(platform, cursor)
    assert actions(page) == [("corrected", corrected.pk), ("withdrawn", withdrawn.pk)]
    assert page["results"][0]["record"]["decision_number"] == "苏财罚〔2026〕999号"
    assert page["results"][1]["event"] == "publication.withdrawn"


@pytest.mark.django_db
def test_a_suspension_takes_a_record_down_and_a_rejection_puts_it_back(
    platform, nanjing_department
):
    record = make_record(nanjing_department, state="confirmed")
    objection = make_objection(record)
    services.objection_suspend_disclosure(objection=objection, actor=None, reason="核查中")
    services.objection_decide(objection=objection, actor=None, uphold=False, reason="不成立")
    assert actions(pull(platform)) == [
        ("published", record.pk),
        ("withdrawn", record.pk),
        ("published", record.pk),
    ]


@pytest.mark.django_db
def test_an_exemption_a_repair_and_the_end_of_the_period_take_records_down(
    platform, nanjing_department, time_machine
):
    today = datetime.date(2026, 6, 1)
    time_machine.move_to(datetime.datetime(2026, 6, 1, 10, tzinfo=datetime.UTC), tick=False)
    exempted = make_record(nanjing_department, state="exempted")
    # Decided 4 months ago: the 3-month minimum period of a general record has passed.
    repaired = make_record(
        nanjing_department, state="closed", decision_date=today - datetime.timedelta(days=125)
    )
    application = services.credit_repair_apply(
        record=repaired, actor=None, commitment_text="承诺守信践诺。"
    )
    services.credit_repair_decide(
        application=application, actor=None, approve=True, reason="整改到位，准予修复"
    )
    ending = make_record(
        nanjing_department, state="confirmed", decision_date=datetime.date(2025, 6, 10)
    )
    cursor = pull(platform)["next_cursor"]
    time_machine.move_to(datetime.datetime(2026, 6, 10, 10, tzinfo=datetime.UTC), tick=False)
    deadlines.expire_disclosures()
    deadlines.expire_disclosures()  # the scan runs again: nothing twice

    page = pull(platform)
    assert ("withdrawn", exempted.pk) in actions(page)
    assert page["results"][[e for e, _r in actions(page)].index("withdrawn")]["event"] == (
        "publication.exempted"
    )
    assert ("repaired", repaired.pk) in actions(page)
    assert actions(pull(platform, cursor)) == [("ended", ending.pk)]


@pytest.mark.django_db
def test_a_record_never_published_never_appears(platform, nanjing_department):
    record = make_record(nanjing_department, state="confirmed", severity=Severity.MINOR)
    services.objection_decide(
        objection=make_objection(record),
        actor=None,
        uphold=True,
        outcome="withdrawn",
        reason="事实不清",
    )
    assert pull(platform)["results"] == []


@pytest.mark.django_db
def test_the_feed_pages_by_limit(platform, nanjing_department):
    records = [make_record(nanjing_department, state="confirmed") for _ in range(3)]
    first = pull(platform, limit=2)
    assert [r for _a, r in actions(first)] == [records[0].pk, records[1].pk]
    assert first["has_more"] is True
    rest = pull(platform, first["next_cursor"], limit=2)
    assert [r for _a, r in actions(rest)] == [records[2].pk]
    assert rest["has_more"] is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [({"cursor": "not-a-cursor"}, "cursor"), ({"limit": "0"}, "limit"), ({"limit": "x"}, "limit")],
)
def test_bad_parameters_are_refused_with_a_translated_reason(platform, params, field):
    response = platform.get(FEED, params)
    assert response.status_code == 400
    assert field in response.json()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(response.json()[field]))


@pytest.mark.django_db
def test_only_platform_accounts_read_the_feed(nanjing_supervisor, nanjing_liaison, administrator):
    for user, status in ((nanjing_supervisor, 403), (nanjing_liaison, 403), (administrator, 200)):
        client = APIClient()
        client.force_authenticate(user)
        assert client.get(FEED).status_code == status
    assert APIClient().get(FEED).status_code in (401, 403)


@pytest.mark.django_db
def test_the_feed_answers_what_the_openapi_schema_documents(platform, nanjing_department):
    make_record(nanjing_department, state="confirmed")
    page = conforms(platform.get(FEED), "/api/v1/exchange/records/")
    assert len(page["results"]) == 1
