"""Dishonesty records from a spreadsheet through the admin, as a supervisor uses it: upload,
the dry-run preview with every bad row and its reason, the confirm step, and the round trip
of an export."""

import csv
import datetime
import io

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.html import escape

from credit_records.models import DishonestyRecord, RecordEvent

from ..builders.core import DepartmentFactory, valid_uscc
from ..builders.records import make_record

ADMIN_LIST = "/admin/credit_records/dishonestyrecord/"
IMPORT_URL = f"{ADMIN_LIST}import/"
PROCESS_IMPORT_URL = f"{ADMIN_LIST}process_import/"
EXPORT_URL = f"{ADMIN_LIST}export/"
EXPORT_FIELDS = [
    "department",
    "department_name",
    "decision_number",
    "category",
    "severity",
    "issuing_authority",
    "decision_date",
    "facts",
    "status",
    "disclosure_ends",
]
# The columns of an import file, as an official reads them (zh-hans is the default language).
COLUMNS = {
    "uscc": "统一社会信用代码",
    "number": "决定文书号",
    "category": "类别",
    "severity": "严重程度",
    "authority": "作出决定机关",
    "date": "决定日期",
    "facts": "失信事实",
}
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015


def check_character(first17: str) -> str:
    """The 18th character of a unified social credit code, from the standard."""
    total = sum(ALPHABET.index(char) * pow(3, i, 31) for i, char in enumerate(first17))
    return ALPHABET[(31 - total % 31) % 31]


def format_index(title: str, *, export: bool = False) -> str:
    model_admin = admin.site._registry[DishonestyRecord]
    formats = model_admin.get_export_formats() if export else model_admin.get_import_formats()
    return str([file_format().get_title() for file_format in formats].index(title))


def row(department, number, **changes) -> dict:
    values = {
        "uscc": department.uscc if hasattr(department, "uscc") else department,
        "number": number,
        "category": "行政处罚",
        "severity": "一般",
        "authority": "江苏省财政厅",
        "date": "2026-03-02",
        "facts": "未按合同约定期限支付中小企业账款。",
    }
    values.update(changes)
    return values


def csv_file(rows) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS.values())
    for values in rows:
        writer.writerow([values[key] for key in COLUMNS])
    return SimpleUploadedFile("records.csv", buffer.getvalue().encode("utf-8-sig"), "text/csv")


def upload(client, rows=None, *, file=None):
    """The first step: upload and preview (a dry run)."""
    return client.post(
        IMPORT_URL,
        {"resource": "0", "format": format_index("csv"), "import_file": file or csv_file(rows)},
    )


def confirm(client, preview):
    form = preview.context["confirm_form"]
    return client.post(PROCESS_IMPORT_URL, {name: form.initial[name] for name in form.fields})


def row_errors(response) -> dict[int, dict[str, list[str]]]:
    """Each failing row's reasons, by row number and field ("row" for the whole row)."""
    result = response.context["result"]
    errors = {
        r.number: {k: list(v) for k, v in r.field_specific_errors.items()}
        for r in result.invalid_rows
    }
    for r in result.invalid_rows:
        if r.non_field_specific_errors:
            errors[r.number]["row"] = list(r.non_field_specific_errors)
    for number, problems in result.row_errors():
        errors.setdefault(number, {})["row"] = [str(problem.error) for problem in problems]
    return errors


def everything() -> dict:
    """All records with their timelines and change histories, as stored."""
    return {
        record.pk: (
            record.updated_at,
            record.status,
            record.history.count(),
            record.events.count(),
        )
        for record in DishonestyRecord.objects.all()
    }


def export_csv(client) -> bytes:
    data = {"format": format_index("csv", export=True), "resource": "0"}
    data.update({f"dishonestyrecordresource_{field}": "on" for field in EXPORT_FIELDS})
    response = client.post(EXPORT_URL, data)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    return response.content


def today():
    return timezone.localdate()


# --- A file with bad rows ---------------------------------------------------------------------


def test_a_file_with_bad_rows_saves_nothing_and_reports_every_row_with_its_reason(
    login, nanjing_supervisor, nanjing_department
):
    mistyped = nanjing_department.uscc[:17] + ("0" if nanjing_department.uscc[17] != "0" else "1")
    unknown = valid_uscc(4242, "320100")
    tomorrow = today() + datetime.timedelta(days=1)
    rows = [
        row(nanjing_department, "宁财罚〔2026〕1号"),
        row(mistyped, "宁财罚〔2026〕2号"),
        row(unknown, "宁财罚〔2026〕3号"),
        row(nanjing_department, "宁财罚〔2026〕4号", severity="很严重"),
        row(nanjing_department, "宁财罚〔2026〕5号", date=tomorrow.isoformat()),
    ]
    client = login(nanjing_supervisor)

    response = upload(client, rows)

    assert response.status_code == 200
    errors = row_errors(response)
    assert set(errors) == {2, 3, 4, 5}
    [mistyped_reason] = errors[2]["department"]
    expected, actual = check_character(mistyped[:17]), mistyped[17]
    assert f"应为“{expected}”，而不是“{actual}”" in mistyped_reason
    [unknown_reason] = errors[3]["department"]
    assert unknown in unknown_reason
    assert list(errors[4]) == ["severity"]  # the one thing to fix, nothing derived from it
    assert "很严重" in errors[4]["severity"][0]
    assert errors[5] == {"decision_date": ["决定日期不能晚于今天。"]}
    # Every reason is on the page the official reads, not only the first kind of problem.
    page = response.content.decode()
    for reason in (
        mistyped_reason,
        unknown_reason,
        errors[4]["severity"][0],
        "决定日期不能晚于今天。",
    ):
        assert escape(reason) in page
    # No way forward but to fix the file, and nothing saved.
    assert response.context.get("confirm_form") is None
    assert not DishonestyRecord.objects.exists()
    assert not RecordEvent.objects.exists()
    assert not DishonestyRecord.history.exists()


# --- A clean file -----------------------------------------------------------------------------


def test_a_clean_file_creates_drafts_marked_as_imported_with_their_windows_and_timeline(
    login, nanjing_supervisor, nanjing_department, jiangning_department
):
    rows = [
        row(nanjing_department.uscc.lower(), "宁财罚〔2026〕7号", date="2025-11-30"),
        row(
            jiangning_department,
            "（2026）苏0115民初88号",
            category="法院判决",
            severity="严重",
            date="2024-02-29",
            facts="拒不履行生效判决。",
        ),
    ]
    client = login(nanjing_supervisor)
    preview = upload(client, rows)
    assert preview.context.get("confirm_form") is not None, row_errors(preview)
    assert not DishonestyRecord.objects.exists()  # the preview is a dry run

    response = confirm(client, preview)

    assert response.status_code == 302
    general = DishonestyRecord.objects.get(decision_number="宁财罚〔2026〕7号")
    serious = DishonestyRecord.objects.get(decision_number="（2026）苏0115民初88号")
    decided = datetime.date(2025, 11, 30)
    assert (
        general.department,
        general.status,
        general.source,
        general.category,
        general.severity,
        general.created_by,
    ) == (
        nanjing_department,
        "draft",
        "import",
        "administrative_penalty",
        "general",
        nanjing_supervisor,
    )
    assert (general.minimum_period_ends, general.disclosure_ends) == (
        decided + relativedelta(months=3),
        decided + relativedelta(months=12),
    )
    leap_day = datetime.date(2024, 2, 29)
    assert (serious.department, serious.category, serious.severity) == (
        jiangning_department,
        "court_judgment",
        "serious",
    )
    assert (serious.minimum_period_ends, serious.disclosure_ends) == (
        leap_day + relativedelta(months=12),
        leap_day + relativedelta(months=36),
    )
    for record in (general, serious):
        [event] = record.events.all()
        assert (event.action, event.actor, event.to_status, event.reason) == (
            "created",
            nanjing_supervisor,
            "draft",
            "从表格导入",
        )
        assert record.history.get().history_user == nanjing_supervisor


def test_an_import_updates_a_draft_and_logs_it_as_an_update(
    login, nanjing_supervisor, nanjing_department
):
    draft = make_record(
        nanjing_department,
        actor=nanjing_supervisor,
        state="draft",
        decision_number="宁财罚〔2026〕8号",
        decision_date=datetime.date(2026, 1, 31),
    )
    client = login(nanjing_supervisor)
    preview = upload(
        client, [row(nanjing_department, "宁财罚〔2026〕8号", severity="严重", date="2026-01-31")]
    )
    assert preview.context["result"].totals["update"] == 1

    assert confirm(client, preview).status_code == 302

    draft.refresh_from_db()
    assert (draft.severity, draft.status, draft.source) == ("serious", "draft", "manual")
    assert draft.disclosure_ends == datetime.date(2026, 1, 31) + relativedelta(months=36)
    assert list(draft.events.values_list("action", flat=True)) == ["created", "updated"]
    assert draft.events.last().actor == nanjing_supervisor
    assert DishonestyRecord.objects.count() == 1


# --- Round trips and confirmed records --------------------------------------------------------


def test_re_importing_an_unchanged_export_changes_nothing(
    login, nanjing_supervisor, nanjing_liaison, nanjing_department, jiangning_department
):
    make_record(nanjing_department, actor=nanjing_supervisor, state="draft")
    make_record(
        nanjing_department,
        actor=nanjing_supervisor,
        liaison=nanjing_liaison,
        state="closed",
        severity="serious",
    )
    make_record(
        jiangning_department,
        actor=nanjing_supervisor,
        state="rectification_required",
        facts="=2+3 元未付",  # exported with an apostrophe, must come back without one
    )
    client = login(nanjing_supervisor)
    exported = export_csv(client)
    before = everything()

    file = SimpleUploadedFile("export.csv", exported, "text/csv")
    preview = upload(client, file=file)

    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors(), row_errors(preview)
    assert result.totals["skip"] == 3
    assert result.totals["new"] == result.totals["update"] == 0
    assert confirm(client, preview).status_code == 302
    assert everything() == before
    assert DishonestyRecord.objects.filter(facts="=2+3 元未付").exists()


def test_a_row_changing_a_confirmed_record_is_refused_with_the_reason(
    login, nanjing_supervisor, nanjing_department
):
    confirmed = make_record(
        nanjing_department,
        actor=nanjing_supervisor,
        state="confirmed",
        decision_number="宁财罚〔2026〕9号",
    )
    before = everything()
    client = login(nanjing_supervisor)
    changed = row(
        nanjing_department,
        confirmed.decision_number,
        date=confirmed.decision_date.isoformat(),
        facts="改写后的事实",
    )

    response = upload(client, [changed])

    assert row_errors(response) == {
        1: {"row": ["记录 宁财罚〔2026〕9号 已认定，不能通过表格修改。"]}
    }
    assert escape("记录 宁财罚〔2026〕9号 已认定，不能通过表格修改。") in response.content.decode()
    assert response.context.get("confirm_form") is None
    assert everything() == before
    confirmed.refresh_from_db()
    assert confirmed.facts != "改写后的事实"


# --- Scope and roles --------------------------------------------------------------------------


def test_a_nanjing_supervisor_cannot_import_records_for_a_suzhou_department(
    login, nanjing_supervisor, suzhou_department
):
    response = upload(login(nanjing_supervisor), [row(suzhou_department, "苏财罚〔2026〕1号")])

    errors = row_errors(response)
    assert list(errors) == [1]
    [reason] = errors[1]["department"]
    assert suzhou_department.uscc in reason
    assert response.context.get("confirm_form") is None
    assert not DishonestyRecord.objects.exists()


def test_a_nanjing_supervisor_cannot_overwrite_a_suzhou_draft(
    login, nanjing_supervisor, suzhou_department
):
    draft = make_record(suzhou_department, state="draft", decision_number="苏财罚〔2026〕2号")
    before = everything()

    response = upload(
        login(nanjing_supervisor),
        [row(suzhou_department, draft.decision_number, facts="改写")],
    )

    assert list(row_errors(response)) == [1]
    assert everything() == before


@pytest.mark.parametrize(("user_fixture", "status"), [("auditor", 403), ("nanjing_liaison", 302)])
def test_only_supervisors_may_import_records(request, login, user_fixture, status, regions):
    department = DepartmentFactory(region=regions["320100"])
    client = login(request.getfixturevalue(user_fixture))
    assert client.get(IMPORT_URL).status_code == status
    assert upload(client, [row(department, "宁财罚〔2026〕1号")]).status_code == status
    assert not DishonestyRecord.objects.exists()
