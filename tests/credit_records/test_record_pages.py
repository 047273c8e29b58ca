"""The workspace pages of the credit files, used as officials use them: the record list with
its filters and exports, the record page with its action forms, evidence files, and the
department's credit profile."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.test import override_settings
from django.utils import timezone
from django.utils.translation import gettext, override

from core.uscc import make_uscc
from credit_records import services
from credit_records.models import (
    Attachment,
    Commendation,
    Commitment,
    DishonestyRecord,
    RecordEvent,
    RecordStatus,
    Rectification,
)

from ..builders.core import DepartmentFactory, UserFactory
from ..builders.files import pdf_bytes
from ..builders.records import OfficialFactory, make_record

LIST = "/workspace/records/"
PDF = pdf_bytes()

# The record export's columns as an official reads them (zh-hans is the default language).
EXPORT_HEADER = [
    "决定文书号",
    "部门",
    "统一社会信用代码",
    "地区",
    "类别",
    "严重程度",
    "状态",
    "作出决定机关",
    "决定日期",
    "整改期限",
    "已逾期",
    "最短公示期届满日",
    "公示截止日",
    "部门荣誉评选资格",
    "来源",
    "失信事实",
]


@pytest.fixture(autouse=True)
def media_root(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


def stored_files(media_root) -> list:
    return [path for path in media_root.rglob("*") if path.is_file()]


def today():
    return timezone.localdate()


def page(response) -> str:
    return response.content.decode()


def listed(response) -> set[str]:
    assert response.status_code == 200
    return {record.decision_number for record in response.context["object_list"]}


def state_of(record) -> dict:
    """What a page action could change, as stored."""
    stored = DishonestyRecord.objects.get(pk=record.pk)
    return {
        "status": stored.status,
        "updated_at": stored.updated_at,
        "events": list(RecordEvent.objects.filter(record=record).values_list("pk", flat=True)),
        "rectification": list(Rectification.objects.filter(record=record).values()),
        "attachments": Attachment.objects.count(),
    }


@pytest.fixture
def finance(regions):
    return DepartmentFactory(name="南京市财政局", region=regions["320100"])


@pytest.fixture
def transport(regions):
    return DepartmentFactory(name="南京市交通运输局", region=regions["320100"])


@pytest.fixture
def jiangning(regions):
    return DepartmentFactory(name="江宁区住房和城乡建设局", region=regions["320115"])


@pytest.fixture
def gulou(regions):
    return DepartmentFactory(name="鼓楼区教育局", region=regions["320106"])


@pytest.fixture
def suzhou(regions):
    return DepartmentFactory(name="苏州市财政局", region=regions["320500"])


@pytest.fixture
def finance_liaison(finance):
    return UserFactory(username="finance-liaison", role="Department liaison", department=finance)


@pytest.fixture
def finance_record(finance, nanjing_supervisor, finance_liaison):
    """``finance_record(state, **fields)``: a finance bureau record brought to ``state`` by
    the Nanjing supervisor and the bureau's liaison (every step on its timeline has a name)."""

    def _make(state, **fields):
        return make_record(
            finance, actor=nanjing_supervisor, liaison=finance_liaison, state=state, **fields
        )

    return _make


@pytest.fixture
def landscape(finance, transport, jiangning, gulou, suzhou):
    """Records across Nanjing (city and two counties) and one in Suzhou, in several states."""
    records = {
        "finance_penalty": make_record(
            finance,
            state="confirmed",
            decision_number="宁财罚〔2026〕3号",
            category="administrative_penalty",
            decision_date=datetime.date(2026, 3, 10),
        ),
        "finance_arrears": make_record(
            finance,
            state="in_progress",
            decision_number="宁财欠〔2026〕1号",
            category="sme_arrears",
            decision_date=datetime.date(2026, 1, 15),
        ),
        "jiangning_judgment": make_record(
            jiangning,
            state="rectification_required",
            decision_number="（2026）苏0115民初88号",
            category="court_judgment",
            severity="serious",
            decision_date=datetime.date(2026, 6, 1),
        ),
        "transport_draft": make_record(
            transport,
            state="draft",
            decision_number="宁交欠〔2025〕9号",
            category="sme_arrears",
            severity="minor",
            decision_date=datetime.date(2025, 12, 20),
        ),
        "gulou_procurement": make_record(
            gulou,
            state="closed",
            decision_number="鼓采罚〔2025〕2号",
            category="procurement_violation",
            severity="serious",
            decision_date=datetime.date(2025, 7, 1),
        ),
        "suzhou_penalty": make_record(
            suzhou,
            state="confirmed",
            decision_number="苏财罚〔2026〕5号",
            category="administrative_penalty",
            decision_date=datetime.date(2026, 2, 1),
        ),
    }
    # The arrears rectification is past its deadline; the judgment's is not due yet.
    Rectification.objects.filter(record=records["finance_arrears"]).update(
        deadline=today() - datetime.timedelta(days=3)
    )
    return {key: record.decision_number for key, record in records.items()}


NANJING = {
    "finance_penalty",
    "finance_arrears",
    "jiangning_judgment",
    "transport_draft",
    "gulou_procurement",
}


# --- The record list and its filters ------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, NANJING),
        ({"category": "sme_arrears"}, {"finance_arrears", "transport_draft"}),
        (
            {"category": ["sme_arrears", "court_judgment"]},
            {"finance_arrears", "transport_draft", "jiangning_judgment"},
        ),
        ({"severity": "serious"}, {"jiangning_judgment", "gulou_procurement"}),
        ({"severity": "minor"}, {"transport_draft"}),
        ({"status": "draft"}, {"transport_draft"}),
        ({"status": ["confirmed", "closed"]}, {"finance_penalty", "gulou_procurement"}),
        (
            {"decided_from": "2026-01-15", "decided_to": "2026-03-10"},
            {"finance_arrears", "finance_penalty"},
        ),
        ({"decided_from": "2026-03-11"}, {"jiangning_judgment"}),
        ({"decided_to": "2025-12-19"}, {"gulou_procurement"}),
        ({"overdue": "true"}, {"finance_arrears"}),
        ({"overdue": "false"}, NANJING - {"finance_arrears"}),
        ({"q": "宁财罚"}, {"finance_penalty"}),
        ({"q": "交通运输"}, {"transport_draft"}),
        ({"q": "苏州"}, set()),  # outside the scope, even by name
        ({"severity": "general", "category": "sme_arrears"}, {"finance_arrears"}),
    ],
)
def test_the_record_list_filters_return_exactly_the_matching_records_in_scope(
    login, nanjing_supervisor, landscape, query, expected
):
    response = login(nanjing_supervisor).get(LIST, query)
    assert listed(response) == {landscape[key] for key in expected}


@pytest.mark.parametrize(
    ("code", "expected"),
    [("320100", NANJING), ("320115", {"jiangning_judgment"}), ("320106", {"gulou_procurement"})],
)
def test_filtering_by_a_region_includes_the_regions_below_it(
    login, nanjing_supervisor, landscape, regions, code, expected
):
    response = login(nanjing_supervisor).get(LIST, {"region": regions[code].pk})
    assert listed(response) == {landscape[key] for key in expected}


def test_a_region_outside_the_scope_cannot_be_used_as_a_filter(
    login, nanjing_supervisor, landscape, regions
):
    response = login(nanjing_supervisor).get(LIST, {"region": regions["320500"].pk})
    assert listed(response) == set()


def test_searching_by_a_credit_code_typed_in_lower_case(
    login, nanjing_supervisor, landscape, finance
):
    response = login(nanjing_supervisor).get(LIST, {"q": f" {finance.uscc.lower()} "})
    assert listed(response) == {landscape["finance_penalty"], landscape["finance_arrears"]}


def test_searching_by_the_beginning_of_a_credit_code(login, nanjing_supervisor, landscape, regions):
    code = make_uscc(prefix="11", region_code="320100", identifier="KWJ8ABCD")
    audit = DepartmentFactory(name="南京市审计局", region=regions["320100"], uscc=code)
    record = make_record(audit, state="draft")

    response = login(nanjing_supervisor).get(LIST, {"q": " 11320100kwj8 "})

    assert listed(response) == {record.decision_number}


def test_a_page_beyond_the_last_shows_the_last_page(login, nanjing_supervisor, finance):
    for _ in range(26):
        make_record(finance, state="draft")

    response = login(nanjing_supervisor).get(LIST, {"page": "999"})

    assert response.status_code == 200
    assert response.context["page_obj"].number == 2
    assert len(response.context["object_list"]) == 1


def test_the_list_page_shows_the_rows_it_lists(login, nanjing_supervisor, landscape):
    html = page(login(nanjing_supervisor).get(LIST, {"severity": "serious"}))
    assert landscape["jiangning_judgment"] in html
    assert landscape["gulou_procurement"] in html
    assert landscape["finance_penalty"] not in html
    assert landscape["suzhou_penalty"] not in html


def test_a_liaison_lists_only_their_departments_records(login, finance_liaison, landscape):
    response = login(finance_liaison).get(LIST)
    assert listed(response) == {landscape["finance_penalty"], landscape["finance_arrears"]}


def test_a_liaison_cannot_open_another_departments_record(
    login, finance_liaison, transport, nanjing_supervisor
):
    other = make_record(transport, state="confirmed")
    client = login(finance_liaison)
    assert client.get(f"{LIST}{other.pk}/").status_code == 404
    assert client.get(f"{LIST}{other.pk}/claim-fault-tolerance/").status_code == 404
    before = state_of(other)
    response = client.post(f"{LIST}{other.pk}/claim-fault-tolerance/", {"grounds": "代为申请"})
    assert response.status_code == 404
    assert state_of(other) == before


# --- Exports ------------------------------------------------------------------------------------


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # the byte order mark Excel and WPS need
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list]:
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    # An empty cell: XlsxWriter writes an empty text, rustpy-xlsxwriter leaves it blank. A
    # date is a real date cell, shown as the CSV writes it.
    return [
        [
            ""
            if cell.value is None
            else cell.value.date().isoformat()
            if cell.is_date and cell.number_format == "yyyy-mm-dd"
            else cell.value
            for cell in row
        ]
        for row in workbook.active.iter_rows()
    ]


@pytest.fixture
def formula_record(finance):
    return make_record(
        finance,
        state="confirmed",
        decision_number='=HYPERLINK("http://example.com")',
        facts="-10万元未按期支付",
        issuing_authority="@南京市财政局",
        decision_date=datetime.date(2026, 4, 2),
    )


def test_the_auditor_exports_exactly_the_filtered_records_to_csv(login, auditor, landscape):
    response = login(auditor).get(LIST, {"severity": "general", "export": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header == EXPORT_HEADER
    assert sorted(row[0] for row in rows) == sorted(
        landscape[key] for key in ("finance_penalty", "finance_arrears", "suzhou_penalty")
    )
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    arrears = by_number[landscape["finance_arrears"]]
    assert (arrears["部门"], arrears["严重程度"], arrears["已逾期"], arrears["决定日期"]) == (
        "南京市财政局",
        "一般",
        "是",
        "2026-01-15",
    )
    assert arrears["部门荣誉评选资格"] == "否"


def test_the_xlsx_export_has_the_same_rows_as_the_csv_export(login, auditor, landscape):
    client = login(auditor)
    query = {"status": ["confirmed", "in_progress"]}
    from_csv = csv_rows(client.get(LIST, {**query, "export": "csv"}))

    response = client.get(LIST, {**query, "export": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    from_xlsx = xlsx_rows(response)
    assert from_xlsx[0] == EXPORT_HEADER
    assert from_xlsx == from_csv
    assert len(from_xlsx) == 1 + 3  # two confirmed penalties and the arrears in progress


def test_formula_like_cells_are_exported_as_plain_text(login, auditor, formula_record):
    client = login(auditor)
    header, row = csv_rows(client.get(LIST, {"export": "csv"}))
    cells = dict(zip(header, row, strict=True))
    assert cells["决定文书号"] == "'" + formula_record.decision_number
    assert cells["失信事实"] == "'" + formula_record.facts
    assert cells["作出决定机关"] == "'" + formula_record.issuing_authority

    workbook = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(LIST, {"export": "xlsx"}).streaming_content))
    )
    data_row = next(workbook.active.iter_rows(min_row=2))
    # Text, dates and numbers, never a formula (an empty cell is left blank).
    assert all(cell.data_type in ("s", "d", "n") for cell in data_row if cell.value is not None)
    texts = [cell.value for cell in data_row if cell.data_type == "s"]
    assert "'" + formula_record.decision_number in texts
    assert "'" + formula_record.facts in texts
    assert data_row[0].value == "'" + formula_record.decision_number


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_liaison_cannot_export(login, finance_liaison, landscape, fmt):
    response = login(finance_liaison).get(LIST, {"export": fmt})
    assert response.status_code == 403
    assert "attachment" not in response.get("Content-Disposition", "")


# --- The record page and its actions ------------------------------------------------------------


def action_forms(html: str, record) -> set[str]:
    return set(re.findall(rf'action="/workspace/records/{record.pk}/([\w-]+)/"', html))


@pytest.mark.parametrize(
    "state",
    [
        "draft",
        "confirmed",
        "rectification_required",
        "in_progress",
        "report_submitted",
        "verified",
        "closed",
    ],
)
def test_the_liaison_is_offered_the_explanation_form_only_when_rectification_is_required(
    login, finance_record, finance_liaison, state
):
    record = finance_record(state)

    response = login(finance_liaison).get(f"{LIST}{record.pk}/")

    assert response.status_code == 200
    forms = action_forms(page(response), record)
    assert ("submit-explanation" in forms) == (state == "rectification_required")
    assert "confirm" not in forms and "verify" not in forms  # never a supervisor's step


def test_the_supervisor_is_offered_the_supervisors_steps_for_a_submitted_report(
    login, finance_record, nanjing_supervisor
):
    record = finance_record("report_submitted")
    forms = action_forms(page(login(nanjing_supervisor).get(f"{LIST}{record.pk}/")), record)
    assert {"verify", "return", "extend-deadline"} <= forms
    assert not forms & {"confirm", "submit-explanation", "submit-report", "close"}


@pytest.mark.parametrize("state", ["draft", "rectification_required", "report_submitted"])
def test_the_auditor_is_offered_no_action(login, finance_record, auditor, state):
    record = finance_record(state)

    response = login(auditor).get(f"{LIST}{record.pk}/")

    assert response.status_code == 200
    assert response.context["actions"] == []
    assert action_forms(page(response), record) == set()
    assert "您目前对该记录没有可办理的事项。" in page(response)


def test_posting_an_action_runs_it_and_returns_to_the_record(
    login, finance_record, nanjing_supervisor
):
    record = finance_record("draft")
    client = login(nanjing_supervisor)

    response = client.post(f"{LIST}{record.pk}/confirm/", {"reason": "经核实无误"})

    assert response.status_code == 302
    assert response["Location"] == f"{LIST}{record.pk}/"
    record.refresh_from_db()
    assert record.status == "confirmed"
    event = RecordEvent.objects.filter(record=record).last()
    assert (event.action, event.actor, event.reason) == (
        "confirm",
        nanjing_supervisor,
        "经核实无误",
    )
    assert "经核实无误" in page(client.get(response["Location"]))  # on the timeline


def test_the_edit_form_offers_only_the_officials_of_the_records_department(
    login, finance_record, finance, transport, nanjing_supervisor
):
    own = OfficialFactory(name="张三", department=finance)
    stranger = OfficialFactory(name="李四", department=transport)
    record = finance_record("draft")
    client = login(nanjing_supervisor)
    url = f"{LIST}{record.pk}/edit/"

    offered = client.get(url).context["form"].fields["officials"].queryset
    response = client.post(
        url,
        {
            "category": record.category,
            "severity": record.severity,
            "decision_number": record.decision_number,
            "issuing_authority": record.issuing_authority,
            "decision_date": record.decision_date.isoformat(),
            "facts": record.facts,
            "officials": [stranger.pk],
        },
    )

    assert list(offered) == [own]
    assert response.status_code == 200  # the form again, with the error at the field
    assert response.context["form"].errors["officials"]
    assert not record.officials.exists()


def test_an_exempted_records_accountability_entry_is_kept_struck_and_not_counted(
    login, finance, nanjing_supervisor, finance_liaison
):
    official = OfficialFactory(name="张三", department=finance)
    counted = make_record(
        finance, actor=nanjing_supervisor, state="confirmed", officials=[official]
    )
    exempted = make_record(
        finance,
        actor=nanjing_supervisor,
        liaison=finance_liaison,
        state="exempted",
        officials=[official],
    )
    client = login(nanjing_supervisor)

    (listed_row,) = client.get("/workspace/officials/").context["object_list"]
    detail = page(client.get(f"/workspace/officials/{official.pk}/"))

    assert listed_row.record_count == 1
    entries = {entry.record: entry for entry in official.accountability_entries.all()}
    assert entries[counted].exempted_at is None
    assert entries[exempted].exempted_at is not None  # kept for audit
    struck = re.search(r'<li class="exempted"><del>(.*?)</del>(.*?)</li>', detail, re.S)
    assert struck and exempted.decision_number in struck.group(1)
    assert "已免责（容错纠错）" in struck.group(2)
    assert counted.decision_number not in struck.group(0)


def test_the_record_page_shows_the_internal_notes_to_the_supervisor_not_the_liaison(
    login, finance_record, nanjing_supervisor, finance_liaison
):
    record = finance_record("confirmed", internal_notes="拟约谈主要负责人")

    assert "拟约谈主要负责人" in page(login(nanjing_supervisor).get(f"{LIST}{record.pk}/"))
    assert "拟约谈主要负责人" not in page(login(finance_liaison).get(f"{LIST}{record.pk}/"))


def test_the_liaisons_explanation_posted_from_the_page_is_recorded(
    login, finance_record, finance_liaison
):
    record = finance_record("rectification_required")

    response = login(finance_liaison).post(
        f"{LIST}{record.pk}/submit-explanation/", {"explanation": "审批环节过多导致逾期付款。"}
    )

    assert response.status_code == 302
    rectification = Rectification.objects.get(record=record)
    assert rectification.explanation == "审批环节过多导致逾期付款。"
    assert rectification.explanation_submitted_by == finance_liaison
    assert DishonestyRecord.objects.get(pk=record.pk).status == "in_progress"


def test_verifying_from_the_page_without_the_reasons_answers_400_and_changes_nothing(
    login, finance_record, nanjing_supervisor
):
    record = finance_record("report_submitted")
    before = state_of(record)

    response = login(nanjing_supervisor).post(f"{LIST}{record.pk}/verify/", {"reason": " "})

    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    assert state_of(record) == before


def test_an_action_not_possible_in_this_state_answers_409_with_the_reason_and_changes_nothing(
    login, finance_record, nanjing_supervisor
):
    record = finance_record("confirmed")
    before = state_of(record)

    response = login(nanjing_supervisor).post(f"{LIST}{record.pk}/verify/", {"reason": "核实"})

    assert response.status_code == 409
    with override("zh-hans"):
        status, action = RecordStatus.CONFIRMED.label, services.transition_label("verify")
        assert f"该记录当前为“{status}”，现在不能“{action}”。" in page(response)
    assert state_of(record) == before


def test_a_liaison_posting_a_supervisors_action_is_refused_and_nothing_changes(
    login, finance_record, finance_liaison
):
    record = finance_record("draft")
    before = state_of(record)

    response = login(finance_liaison).post(f"{LIST}{record.pk}/confirm/", {"reason": "自行确认"})

    assert response.status_code == 403
    assert state_of(record) == before


@pytest.mark.parametrize("explanation", ["", "   "])
def test_an_empty_explanation_answers_400_with_the_error_next_to_the_field(
    login, finance_record, finance_liaison, explanation
):
    record = finance_record("rectification_required")
    before = state_of(record)

    response = login(finance_liaison).post(
        f"{LIST}{record.pk}/submit-explanation/", {"explanation": explanation}
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["explanation"]
    with override("zh-hans"):
        required = gettext("This field is required.")
    assert f'<p class="error" role="alert">{required}</p>' in page(response)
    assert state_of(record) == before


def test_returning_a_report_without_a_reason_answers_400_and_changes_nothing(
    login, finance_record, nanjing_supervisor
):
    record = finance_record("report_submitted")
    before = state_of(record)

    response = login(nanjing_supervisor).post(f"{LIST}{record.pk}/return/", {"reason": ""})

    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    assert state_of(record) == before


def test_an_anonymous_visitor_is_sent_to_log_in_and_nothing_changes(client, finance_record):
    record = finance_record("draft")
    for response in (
        client.get(f"{LIST}{record.pk}/"),
        client.post(f"{LIST}{record.pk}/confirm/", {"reason": "x"}),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    assert DishonestyRecord.objects.get(pk=record.pk).status == "draft"


# --- Evidence files -----------------------------------------------------------------------------


def upload(client, record, *files):
    return client.post(f"{LIST}{record.pk}/add-evidence/", {"files": list(files)})


def pdf(name="整改报告.pdf", content=PDF):
    return SimpleUploadedFile(name, content, "application/pdf")


def test_a_pdf_uploaded_as_evidence_is_downloadable_by_those_with_the_record_in_scope(
    request, login, client, finance_record, finance_liaison, media_root
):
    record = finance_record("confirmed")

    response = upload(login(finance_liaison), record, pdf())

    assert response.status_code == 302
    [attachment] = Attachment.objects.filter(record=record)
    assert (attachment.original_name, attachment.content_type, attachment.size) == (
        "整改报告.pdf",
        "application/pdf",
        len(PDF),
    )
    assert attachment.uploaded_by == finance_liaison
    assert len(stored_files(media_root)) == 1
    url = f"/workspace/attachments/{attachment.pk}/"

    for role in ("finance_liaison", "nanjing_supervisor", "auditor"):
        download = login(request.getfixturevalue(role)).get(url)
        assert download.status_code == 200, role
        assert b"".join(download.streaming_content) == PDF
        assert download["Content-Type"] == "application/pdf"
        assert "attachment" in download["Content-Disposition"]

    assert login(request.getfixturevalue("suzhou_supervisor")).get(url).status_code == 404
    other = UserFactory(
        username="transport-liaison",
        role="Department liaison",
        department=DepartmentFactory(name="南京市交通运输局"),
    )
    assert login(other).get(url).status_code == 404
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.parametrize("state", ["closed", "exempted"])
def test_no_evidence_is_added_to_a_closed_or_exempted_record(
    login, finance_record, finance_liaison, nanjing_supervisor, media_root, state
):
    record = finance_record(state)
    before = state_of(record)

    shown = page(login(nanjing_supervisor).get(f"{LIST}{record.pk}/"))
    response = upload(login(finance_liaison), record, pdf())

    assert "add-evidence" not in action_forms(shown, record)
    assert response.status_code == 409
    assert state_of(record) == before
    assert stored_files(media_root) == []


def refused_upload(client, record, media_root, *files):
    before = state_of(record)
    response = upload(client, record, *files)
    assert response.status_code == 400
    assert state_of(record) == before
    assert stored_files(media_root) == []
    return response.context["form"].errors["files"]


def test_a_file_named_pdf_that_is_not_a_pdf_is_refused(
    login, finance_record, finance_liaison, media_root
):
    record = finance_record("confirmed")
    fake = pdf("付款凭证.pdf", b"MZ\x90\x00\x03\x00\x00\x00 not a pdf at all")

    errors = refused_upload(login(finance_liaison), record, media_root, fake)

    assert errors == ["“付款凭证.pdf”的内容不是真正的 PDF 文件。"]


def test_an_executable_is_refused(login, finance_record, finance_liaison, media_root):
    record = finance_record("confirmed")
    program = SimpleUploadedFile("setup.exe", b"MZ\x90\x00", "application/octet-stream")

    [error] = refused_upload(login(finance_liaison), record, media_root, program)

    assert error.startswith("“setup.exe”：仅接受")
    assert "PDF" in error


def test_a_file_over_the_size_limit_is_refused(login, finance_record, finance_liaison, media_root):
    record = finance_record("confirmed")
    big = pdf("扫描件.pdf", PDF + b"0" * (3 * 2**19))  # 1.5 MB

    with override_settings(CHENGXIN_ATTACHMENT_MAX_BYTES=2**20):
        [error] = refused_upload(login(finance_liaison), record, media_root, big)

    assert error.startswith("“扫描件.pdf”大小为 1.5")
    assert "上限为 1.0" in error


def test_one_bad_file_among_good_ones_saves_none_of_them(
    login, finance_record, finance_liaison, media_root
):
    record = finance_record("confirmed")

    errors = refused_upload(
        login(finance_liaison),
        record,
        media_root,
        pdf("一.pdf"),
        SimpleUploadedFile("二.exe", b"MZ", "application/octet-stream"),
    )

    assert len(errors) == 1 and "二.exe" in errors[0]


def test_a_report_with_a_bad_evidence_file_is_not_submitted(
    login, finance_record, finance_liaison, media_root
):
    record = finance_record("in_progress")
    before = state_of(record)

    response = login(finance_liaison).post(
        f"{LIST}{record.pk}/submit-report/",
        {"content": "已付清", "files": [pdf("凭证.pdf"), pdf("伪装.pdf", b"GIF89a")]},
    )

    assert response.status_code == 400
    assert "files" in response.context["form"].errors
    assert state_of(record) == before
    assert stored_files(media_root) == []


# --- The department's credit profile ------------------------------------------------------------


def test_the_department_profile_shows_standing_honours_records_commendations_and_commitments(
    login, nanjing_supervisor, finance, finance_record
):
    record = finance_record("rectification_required", severity="general")
    Commendation.objects.create(
        title="2025年度政务诚信示范单位",
        level="provincial",
        issuing_authority="江苏省人民政府",
        date=datetime.date(2025, 12, 1),
        department=finance,
    )
    Commitment.objects.create(
        department=finance,
        content="30日内支付全部中小企业账款",
        promised_date=today() + datetime.timedelta(days=20),
    )

    response = login(nanjing_supervisor).get(f"/workspace/departments/{finance.uscc}/")

    assert response.status_code == 200
    assert response.context["standing"].grade == "C"
    html = page(response)
    standing = re.search(r'id="standing-heading">当前信用状况</h2>(.*?)</section>', html, re.S)
    assert standing and ">C<" in standing.group(1)
    assert record.decision_number in standing.group(1)
    honours = re.search(r'id="honours-heading">荣誉评选资格</h2>(.*?)</section>', html, re.S)
    assert honours and "已取消" in honours.group(1)
    assert record.decision_number in honours.group(1)
    assert f'href="/workspace/records/{record.pk}/"' in html
    assert "2025年度政务诚信示范单位" in html
    assert "30日内支付全部中小企业账款" in html


def test_a_clean_departments_profile_shows_it_eligible_and_graded_a(
    login, nanjing_supervisor, finance
):
    response = login(nanjing_supervisor).get(f"/workspace/departments/{finance.uscc}/")
    html = page(response)
    standing = re.search(r'id="standing-heading">当前信用状况</h2>(.*?)</section>', html, re.S)
    assert ">A<" in standing.group(1)
    honours = re.search(r'id="honours-heading">荣誉评选资格</h2>(.*?)</section>', html, re.S)
    assert "具备" in honours.group(1)


def test_a_record_event_shows_on_the_department_profile(
    login, nanjing_supervisor, finance, finance_record
):
    record = finance_record("draft")
    services.record_confirm(record=record, actor=nanjing_supervisor, reason="核实")
    html = page(login(nanjing_supervisor).get(f"/workspace/departments/{finance.uscc}/"))
    assert record.decision_number in html


def test_a_supervisor_cannot_open_a_record_outside_their_region(login, nanjing_supervisor, suzhou):
    record = make_record(suzhou, state="confirmed")
    client = login(nanjing_supervisor)
    assert client.get(f"{LIST}{record.pk}/").status_code == 404
    assert client.get(f"{LIST}{record.pk}/close/").status_code == 404
    before = state_of(record)
    assert client.post(f"{LIST}{record.pk}/close/", {"reason": "越权"}).status_code == 404
    assert state_of(record) == before


def test_a_record_whose_steps_were_taken_by_the_system_still_opens(
    login, nanjing_supervisor, finance
):
    """Imports from the command line and the periodic scans act without a user."""
    record = make_record(finance, state="in_progress", actor=None, liaison=None)
    client = login(nanjing_supervisor)

    response = client.get(f"{LIST}{record.pk}/")

    assert response.status_code == 200
    with override("zh-hans"):
        assert gettext("the system") in page(response)
    assert client.get(f"/workspace/departments/{finance.uscc}/").status_code == 200
