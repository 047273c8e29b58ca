"""Auditor spreadsheets: the fast export path, the history export, and the downloadable
report of an import's failed rows (sheet, row, column, reason)."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext
from tablib import Dataset

from core import exports, history_exports
from core.exports import Column, neutralise_formula
from credit_records import services
from credit_records.models import Commendation, Commitment, DishonestyRecord, PublicOfficial
from credit_records.resources import (
    CommendationResource,
    CommitmentResource,
    PublicOfficialResource,
)

from ..builders.core import DepartmentFactory
from ..builders.records import make_record
from .test_record_pages import EXPORT_HEADER

LIST = "/workspace/records/"


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list[str]]:
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [
        ["" if cell.value is None else _unescape(cell.value) for cell in row]
        for row in workbook.active.iter_rows()
    ]


def _unescape(value):
    # OOXML escapes a carriage return as _x000D_; Excel decodes it, openpyxl does not.
    return value.replace("_x000D_", "\r") if isinstance(value, str) else value


@pytest.fixture
def nanjing_records(nanjing_department, nanjing_supervisor):
    return [
        make_record(
            nanjing_department,
            actor=nanjing_supervisor,
            decision_number=f"宁财罚〔2026〕{n}号",
            decision_date=datetime.date(2026, 3, n),
        )
        for n in (1, 2)
    ]


@pytest.fixture
def suzhou_record(suzhou_department):
    return make_record(suzhou_department, decision_number="苏财罚〔2026〕7号")


# --- The fast path ------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_prefix_is_neutralised_in_both_formats(
    login, auditor, nanjing_department, prefix
):
    record = make_record(nanjing_department)
    # Saved past the form, which would strip a leading tab or carriage return.
    DishonestyRecord.objects.filter(pk=record.pk).update(facts=f"{prefix}SUM(A1:A9)")
    client = login(auditor)

    for rows in (
        csv_rows(client.get(LIST, {"export": "csv"})),
        xlsx_rows(client.get(LIST, {"export": "xlsx"})),
    ):
        assert rows[1][-1] == f"'{prefix}SUM(A1:A9)"


def test_a_negative_number_stays_a_number():
    assert neutralise_formula("-12.5") == "-12.5"


def test_the_exports_have_chinese_headers_and_a_bom(login, auditor, nanjing_records):
    client = login(auditor)
    response = client.get(LIST, {"export": "csv"})

    assert response["Content-Disposition"].endswith(".csv")
    assert csv_rows(response)[0] == EXPORT_HEADER
    assert xlsx_rows(client.get(LIST, {"export": "xlsx"}))[0] == EXPORT_HEADER


def test_a_supervisor_exports_only_the_records_in_their_scope(
    login, nanjing_supervisor, nanjing_records, suzhou_record
):
    rows = csv_rows(login(nanjing_supervisor).get(LIST, {"export": "csv"}))

    numbers = {row[0] for row in rows[1:]}
    assert numbers == {record.decision_number for record in nanjing_records}


def test_the_export_has_the_rows_the_list_shows_in_its_order(login, auditor, nanjing_records):
    client = login(auditor)
    page = client.get(LIST, {"status": "confirmed"})
    shown = [record.decision_number for record in page.context["object_list"]]

    rows = xlsx_rows(client.get(LIST, {"status": "confirmed", "export": "xlsx"}))

    assert [row[0] for row in rows[1:]] == shown


def test_the_values_path_and_the_instance_path_give_the_same_cells(auditor, nanjing_records):
    from credit_records.selectors import with_record_list_annotations
    from credit_records.views import RecordListView, record_export_columns

    queryset = with_record_list_annotations(RecordListView.queryset.all()).order_by("pk")
    fast = record_export_columns()
    slow = [Column(column.header, lambda obj, c=column: _instance_value(obj, c)) for column in fast]

    assert list(exports._rows(queryset, fast)) == list(exports._rows(queryset, slow))


def _instance_value(obj, column):
    if column.source in {"category", "severity", "status", "source"}:
        return getattr(obj, f"get_{column.source}_display")()
    return exports._lookup(obj, column.source)


def test_the_xlsxwriter_fallback_writes_the_same_cells(
    monkeypatch, login, auditor, nanjing_records
):
    client = login(auditor)
    fast = xlsx_rows(client.get(LIST, {"export": "xlsx"}))

    monkeypatch.setattr(exports, "rustpy_xlsxwriter", None)
    fallback = xlsx_rows(client.get(LIST, {"export": "xlsx"}))

    assert fallback == fast


# --- History ------------------------------------------------------------------------------------


def test_the_history_of_one_record_says_who_changed_what_from_what_to_what(
    login, auditor, nanjing_supervisor, nanjing_department
):
    record = make_record(nanjing_department, actor=nanjing_supervisor, state="draft")
    services.record_update(
        record=record, actor=nanjing_supervisor, issuing_authority="南京市审计局"
    )

    response = login(auditor).get(f"/workspace/records/{record.pk}/history/", {"format": "csv"})

    assert response.status_code == 200
    header, *rows = csv_rows(response)
    assert header == [str(text) for text in history_exports.history_headers()]
    assert header[1:3] == ["时间", "操作人"]
    changed = [row for row in rows if row[4] == "作出决定机关"]
    assert len(changed) == 1
    [number, when, who, _action, _field, old, new, _reason] = changed[0]
    assert (number, who, new) == (record.decision_number, str(nanjing_supervisor), "南京市审计局")
    assert old and old != new
    assert datetime.datetime.strptime(when, "%Y-%m-%d %H:%M:%S")
    assert rows[0][3] == "已创建" and rows[0][4:7] == ["", "", ""]  # creation: no field


def test_the_history_shows_status_changes_as_labels(login, auditor, nanjing_records):
    rows = csv_rows(login(auditor).get(f"/workspace/records/{nanjing_records[0].pk}/history/"))

    assert ["状态", "草稿", "已认定"] in [row[4:7] for row in rows]


def test_the_history_of_the_list_covers_its_filtered_scoped_rows(
    login, nanjing_supervisor, nanjing_records, suzhou_record
):
    client = login(nanjing_supervisor)
    response = client.get(LIST, {"export": "history-xlsx"})

    assert response.status_code == 200
    numbers = {row[0] for row in xlsx_rows(response)[1:]}
    assert numbers == {record.decision_number for record in nanjing_records}


def test_the_history_export_needs_the_export_permission(login, nanjing_supervisor, nanjing_records):
    nanjing_supervisor.user_permissions.remove(
        Permission.objects.get(codename="export_dishonestyrecord")
    )
    for group in nanjing_supervisor.groups.all():
        group.permissions.remove(Permission.objects.get(codename="export_dishonestyrecord"))
    client = login(nanjing_supervisor)

    assert client.get(LIST, {"export": "history-csv"}).status_code == 403
    record = nanjing_records[0]
    assert client.get(f"/workspace/records/{record.pk}/history/").status_code == 403


def test_the_history_of_a_record_outside_the_scope_is_not_found(
    login, nanjing_supervisor, suzhou_record
):
    response = login(nanjing_supervisor).get(f"/workspace/records/{suzhou_record.pk}/history/")

    assert response.status_code == 404


def test_the_record_page_links_to_its_history_export(login, auditor, nanjing_records):
    page = login(auditor).get(f"/workspace/records/{nanjing_records[0].pk}/")

    assert (
        f"/workspace/records/{nanjing_records[0].pk}/history/?format=xlsx" in page.content.decode()
    )


# --- Import error report ------------------------------------------------------------------------


def test_the_failed_rows_of_an_import_can_be_downloaded_by_sheet_row_column_and_reason(
    login, nanjing_supervisor, nanjing_department
):
    client = login(nanjing_supervisor)
    header = [
        "统一社会信用代码",
        "决定文书号",
        "类别",
        "严重程度",
        "作出决定机关",
        "决定日期",
        "失信事实",
    ]
    good = [nanjing_department.uscc, "宁财罚〔2026〕50号", "行政处罚", "一般", "南京市财政局"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerow([*good, "2026-03-01", "事实"])
    writer.writerow([*good[:2], "不存在的类别", "一般", "南京市财政局", "2026-03-01", "事实"])
    upload = SimpleUploadedFile("records.csv", buffer.getvalue().encode("utf-8-sig"), "text/csv")
    from django.contrib import admin

    model_admin = admin.site._registry[DishonestyRecord]
    titles = [f().get_title() for f in model_admin.get_import_formats()]
    before = DishonestyRecord.objects.count()

    preview = client.post(
        "/admin/credit_records/dishonestyrecord/import/",
        {"resource": "0", "format": str(titles.index("csv")), "import_file": upload},
    )

    assert preview.status_code == 200
    report_url = "/admin/credit_records/dishonestyrecord/import-errors/"
    assert report_url in preview.content.decode()
    report = client.get(report_url)
    assert report.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert rows[0] == [gettext(text) for text in ("Sheet", "Row", "Column", "Reason")]
    assert ["records.csv", "3", "类别"] in [row[:3] for row in rows[1:]]
    assert all("不存在的类别" in row[3] for row in rows[1:] if row[2] == "类别")
    assert DishonestyRecord.objects.count() == before


def test_only_importers_may_download_an_error_report(login, auditor):
    response = login(auditor).get("/admin/credit_records/dishonestyrecord/import-errors/")

    assert response.status_code in (302, 403)


# --- Round trips --------------------------------------------------------------------------------


def _round_trip(resource_class, user):
    exported = resource_class(user=user).export()
    data = Dataset().load(exported.csv, format="csv")
    result = resource_class(user=user).import_data(data, dry_run=False, use_transactions=True)
    assert not result.has_errors() and not result.has_validation_errors()
    return result.totals


def test_re_importing_exported_officials_changes_nothing(nanjing_supervisor, nanjing_department):
    PublicOfficial.objects.create(
        department=nanjing_department, employee_number="E001", name="=张三", position="科长"
    )
    before = list(PublicOfficial.objects.values())

    totals = _round_trip(PublicOfficialResource, nanjing_supervisor)

    assert totals["new"] == totals["update"] == 0
    assert list(PublicOfficial.objects.values()) == before


def test_re_importing_exported_commendations_changes_nothing(
    nanjing_supervisor, nanjing_department
):
    Commendation.objects.create(
        department=nanjing_department,
        title="+先进集体",
        level=Commendation._meta.get_field("level").choices[0][0],
        issuing_authority="南京市人民政府",
        date=datetime.date(2026, 1, 5),
    )
    before = list(Commendation.objects.values())

    totals = _round_trip(CommendationResource, nanjing_supervisor)

    assert totals["new"] == totals["update"] == 0
    assert list(Commendation.objects.values()) == before


def test_re_importing_exported_commitments_changes_nothing(nanjing_supervisor, regions):
    department = DepartmentFactory(region=regions["320100"])
    Commitment.objects.create(
        department=department,
        content="按期支付中小企业账款",
        promised_date=datetime.date(2026, 9, 1),
    )
    before = list(Commitment.objects.values())

    totals = _round_trip(CommitmentResource, nanjing_supervisor)

    assert totals["new"] == totals["update"] == 0
    assert list(Commitment.objects.values()) == before


def test_the_history_names_the_officials_added_to_a_record(
    login, auditor, nanjing_supervisor, nanjing_department
):
    official = PublicOfficial.objects.create(
        department=nanjing_department, employee_number="E100", name="李四", position="处长"
    )
    record = make_record(nanjing_department, actor=nanjing_supervisor, state="draft")
    services.record_update(record=record, actor=nanjing_supervisor, officials=[official])

    rows = csv_rows(login(auditor).get(f"/workspace/records/{record.pk}/history/"))

    assert any("李四" in row[6] for row in rows[1:]), rows


def test_an_empty_xlsx_export_still_has_its_header_row():
    import io

    import openpyxl

    from core.exports import write_xlsx

    handle = io.BytesIO()
    write_xlsx(handle, [], ["决定文书号", "部门"], "失信记录")
    handle.seek(0)
    sheet = openpyxl.load_workbook(handle).active
    assert [cell.value for cell in sheet[1]] == ["决定文书号", "部门"]
    assert sheet.max_row == 1
