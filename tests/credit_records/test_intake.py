"""Intake (归集): items pushed on the API or read from a file land in the staging queue,
matched by credit code, never doubled, the bad ones refused with reasons and nothing
half-written; an official accepts an item into a draft record (or a source does it
automatically), rejects it with reasons, or matches an unmatched one by hand."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from credit_records.models import (
    DishonestyRecord,
    IntakeItem,
    IntakeKind,
    IntakeStatus,
    RecordCategory,
    RecordSource,
    RecordStatus,
)
from credit_records.services import intake as services
from procurement.models import FlagRule, RedFlag

from ..builders.core import DepartmentFactory, UserFactory, valid_uscc
from ..builders.intake import make_source, penalty_item

pytestmark = pytest.mark.django_db

PENALTIES = "/api/v1/intake/penalties/"


@pytest.fixture
def platform(regions):
    return UserFactory(username="platform", role="Intake platform")


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_a_thousand_items_with_repeats_unknown_codes_and_bad_rows_are_each_answered(
    regions, platform
):
    departments = [
        DepartmentFactory(region=regions["320100"], uscc=valid_uscc(100 + n)) for n in range(5)
    ]
    source = make_source()
    items = []
    for n in range(900):  # 900 good items, each department 180
        items.append(penalty_item(n, departments[n % 5].uscc))
    for n in range(40):  # repeats of items earlier in the batch
        items.append(penalty_item(n, departments[n % 5].uscc))
    for n in range(30):  # well-formed codes no department has
        items.append(penalty_item(1000 + n, valid_uscc(5000 + n)))
    for n in range(10):  # codes that fail the checksum
        items.append(penalty_item(2000 + n, departments[0].uscc[:-1] + "0"))
    for n in range(10):  # bad rows: no date, a date that is none, no document number
        bad = {"decision_date": ""} if n < 4 else {"decision_date": "2026-02-30"}
        if n >= 8:
            bad = {"document_number": " "}
        items.append(penalty_item(3000 + n, departments[0].uscc, **bad))
    for n in range(10):  # and a second batch element that is not an object at all
        items.append(["not", "an", "object"]) if n == 0 else items.append(
            penalty_item(4000 + n, departments[1].uscc)
        )
    assert len(items) == 1000

    response = api(platform).post(PENALTIES, {"source": source.code, "items": items}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["counts"] == {
        "staged": 909,
        "duplicate": 40,
        "unmatched": 40,
        "refused": 11,
    }
    outcomes = [entry["outcome"] for entry in body["items"]]
    assert outcomes[900:940] == ["duplicate"] * 40
    assert body["items"][900]["id"] == body["items"][0]["id"]
    refused = body["items"][980]
    assert refused["outcome"] == "refused" and "decision_date" in refused["errors"]
    assert "处罚决定日期" in refused["errors"]["decision_date"]
    assert "document_number" in body["items"][988]["errors"]
    unknown = body["items"][940]
    assert unknown["outcome"] == "unmatched" and valid_uscc(5000) in unknown["reason"]
    # Nothing of a refused item, nothing doubled: one row per distinct good document.
    assert IntakeItem.objects.count() == 909 + 40
    refused_numbers = [f"宁市监罚〔2026〕{3000 + n}号" for n in range(8)]
    assert not IntakeItem.objects.filter(document_number__in=refused_numbers).exists()
    assert IntakeItem.objects.filter(status=IntakeStatus.UNMATCHED).count() == 40
    assert DishonestyRecord.objects.count() == 0

    # The same batch again: every good item is a duplicate now.
    again = api(platform).post(PENALTIES, {"source": source.code, "items": items}, format="json")
    assert again.json()["counts"] == {"duplicate": 989, "refused": 11}
    assert IntakeItem.objects.count() == 949


def test_accepting_a_matched_penalty_drafts_a_record_that_keeps_its_source(
    nanjing_department, nanjing_supervisor
):
    source = make_source()
    [result] = services.intake_receive(
        source=source,
        kind=IntakeKind.PENALTY,
        items=[penalty_item(7, nanjing_department.uscc)],
        actor=None,
    )
    item = IntakeItem.objects.get(pk=result.item_id)
    assert item.status == IntakeStatus.STAGED and item.department == nanjing_department

    services.intake_item_accept(item=item, actor=nanjing_supervisor)

    item.refresh_from_db()
    record = item.record
    assert item.status == IntakeStatus.ACCEPTED and item.decided_by == nanjing_supervisor
    assert record.status == RecordStatus.DRAFT
    assert record.source == RecordSource.INTAKE
    assert record.category == RecordCategory.ADMINISTRATIVE_PENALTY
    assert record.decision_number == "宁市监罚〔2026〕7号"
    assert record.issuing_authority == "南京市市场监督管理局"
    assert str(record.decision_date) == "2026-03-02"
    assert source.name in record.internal_notes and f"#{item.pk}" in record.internal_notes
    assert item.payload["legal_basis"] == "《保障中小企业款项支付条例》第八条"


def test_a_source_that_accepts_automatically_drafts_the_record_at_once(nanjing_department):
    source = make_source(auto_accept=True)
    [result] = services.intake_receive(
        source=source,
        kind=IntakeKind.PENALTY,
        items=[penalty_item(8, nanjing_department.uscc)],
        actor=None,
    )
    assert result.outcome == "accepted"
    record = IntakeItem.objects.get(pk=result.item_id).record
    assert record is not None and record.status == RecordStatus.DRAFT


def test_an_unmatched_item_is_matched_by_hand_then_accepted_and_a_rejection_needs_reasons(
    nanjing_department, nanjing_supervisor, suzhou_supervisor
):
    source = make_source()
    unknown, other = services.intake_receive(
        source=source,
        kind=IntakeKind.PENALTY,
        items=[penalty_item(9, "ABC"), penalty_item(10, "ABC")],
        actor=None,
    )
    assert unknown.outcome == "unmatched" and "18" in unknown.reason
    item = IntakeItem.objects.get(pk=unknown.item_id)
    # The province is the handling office of a source without one: a city supervisor does
    # not see the item until it is matched to a department of their city.
    from django.http import Http404

    with pytest.raises(Http404):
        services.intake_item_match(
            item=item, actor=suzhou_supervisor, department=nanjing_department
        )
    services.intake_item_match(item=item, actor=None, department=nanjing_department)
    services.intake_item_accept(item=item, actor=nanjing_supervisor)
    assert IntakeItem.objects.get(pk=item.pk).record.department == nanjing_department

    from django.core.exceptions import ValidationError

    second = IntakeItem.objects.get(pk=other.item_id)
    with pytest.raises(ValidationError):
        services.intake_item_reject(item=second, actor=None, reason=" ")
    services.intake_item_reject(item=second, actor=None, reason="重复报送")
    assert IntakeItem.objects.get(pk=second.pk).status == IntakeStatus.REJECTED


def test_a_trading_platform_item_about_a_purchaser_raises_a_red_flag(
    nanjing_department, nanjing_supervisor
):
    source = make_source(code="trading", kind=IntakeKind.TRADING)
    item = {
        "document_number": "苏公管处〔2026〕3号",
        "subject_name": nanjing_department.name,
        "subject_uscc": nanjing_department.uscc,
        "violation_type": "以不合理条件限制供应商",
        "penalty_content": "责令改正",
        "decision_date": "2026-04-01",
        "authority": "江苏省公共资源交易管理办公室",
    }
    [result] = services.intake_receive(
        source=source, kind=IntakeKind.TRADING, items=[item], actor=None
    )
    accepted = services.intake_item_accept(
        item=IntakeItem.objects.get(pk=result.item_id), actor=nanjing_supervisor
    )
    flag = RedFlag.objects.get(rule=FlagRule.TRADING_VIOLATION)
    assert flag.purchaser == nanjing_department
    assert "以不合理条件限制供应商" in flag.describe()
    assert accepted.outcome == f"红旗 #{flag.pk}" or str(flag.pk) in accepted.outcome


def test_the_push_api_is_for_intake_accounts_and_supervisors_only(
    nanjing_department, platform, nanjing_liaison, auditor, user_without_role
):
    source = make_source()
    body = {"source": source.code, "items": [penalty_item(1, nanjing_department.uscc)]}
    for user in (nanjing_liaison, auditor, user_without_role):
        assert api(user).post(PENALTIES, body, format="json").status_code == 403
    assert APIClient().post(PENALTIES, body, format="json").status_code in (401, 403)
    assert api(platform).get(PENALTIES).status_code == 405
    assert IntakeItem.objects.count() == 0
    assert api(platform).post(PENALTIES, body, format="json").status_code == 200
    # A platform account reads nothing.
    assert api(platform).get("/api/v1/records/").status_code == 403


def test_a_push_to_an_unknown_source_a_source_of_another_kind_or_anothers_source_is_refused(
    nanjing_department, platform
):
    other_account = UserFactory(username="court-platform", role="Intake platform")
    court = make_source(code="court", kind=IntakeKind.COURT_CASE)
    owned = make_source(code="owned", account=other_account)
    item = penalty_item(1, nanjing_department.uscc)
    client = api(platform)
    for code, field in (("nope", "source"), (court.code, "source"), (owned.code, "source")):
        response = client.post(PENALTIES, {"source": code, "items": [item]}, format="json")
        assert response.status_code == 400 and field in response.json(), response.content
    empty = client.post(PENALTIES, {"source": owned.code, "items": []}, format="json")
    assert empty.status_code == 400
    assert IntakeItem.objects.count() == 0


def _csv_upload(rows) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(
        "penalties.csv", ("\ufeff" + buffer.getvalue()).encode(), content_type="text/csv"
    )


def test_a_file_with_one_bad_row_is_refused_whole_with_sheet_row_column_and_reason(
    nanjing_department, province_supervisor, login
):
    from credit_records.intake_formats import PENALTY_FIELDS

    source = make_source()
    labels = {field.key: field.label for field in PENALTY_FIELDS}
    rows = [
        {labels[k]: v for k, v in penalty_item(n, nanjing_department.uscc).items()}
        for n in range(3)
    ]
    rows[1][labels["decision_date"]] = "明天"
    client = login(province_supervisor)
    url = "/admin/credit_records/intakeitem/import/"

    response = client.post(url, {"source": source.pk, "file": _csv_upload(rows)})

    assert response.status_code == 200
    problems = response.context["problems"]
    assert problems == [
        ["penalties.csv", "3", "处罚决定日期", "处罚决定日期不是日期（YYYY-MM-DD）。"]
    ]
    assert IntakeItem.objects.count() == 0

    rows[1][labels["decision_date"]] = "2026-03-03"
    response = client.post(url, {"source": source.pk, "file": _csv_upload(rows)})
    assert response.status_code == 302
    assert IntakeItem.objects.count() == 3


def test_the_queue_page_lists_items_in_scope_and_accepts_one(
    nanjing_department, suzhou_department, nanjing_supervisor, login
):
    source = make_source()
    services.intake_receive(
        source=source,
        kind=IntakeKind.PENALTY,
        items=[penalty_item(1, nanjing_department.uscc), penalty_item(2, suzhou_department.uscc)],
        actor=None,
    )
    client = login(nanjing_supervisor)
    page = client.get("/workspace/intake/?status=open")
    assert page.status_code == 200
    shown = [item.document_number for item in page.context["object_list"]]
    assert shown == ["宁市监罚〔2026〕1号"]
    item = IntakeItem.objects.get(department=nanjing_department)
    response = client.post(f"/workspace/intake/{item.pk}/accept/")
    assert response.status_code == 302
    assert IntakeItem.objects.get(pk=item.pk).status == IntakeStatus.ACCEPTED
    other = IntakeItem.objects.get(department=suzhou_department)
    assert client.post(f"/workspace/intake/{other.pk}/accept/").status_code == 404
