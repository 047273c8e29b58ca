"""Every XLSX the portal writes is one an auditor can work with at once: amounts are numbers
with two decimals (``#,##0.00``), counts whole numbers, dates real dates, the header row
frozen and filterable; and every download, public ones too, is named
``<list in the reader's language>-<local date>`` (Asia/Shanghai, not UTC)."""

import datetime
import io
from decimal import Decimal
from urllib.parse import unquote

import openpyxl
import pytest
from django.contrib import admin
from django.utils import translation

from core import exports
from core.models import Department, ExportJob
from debt.models import DebtProfile

from ..builders.clock import at
from ..builders.debt import make_profile
from ..builders.procurement import make_contract, make_payment, make_project

pytestmark = pytest.mark.django_db

# 01:30 in Shanghai on 7 December is still 6 December in UTC: the file must say the 7th.
NOW = at(datetime.date(2026, 12, 7), 1, 30)
LOCAL_DAY = "2026-12-07"


@pytest.fixture(autouse=True)
def shanghai_morning(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(params=["rust", "python"])
def writer(request, monkeypatch):
    """Both writers: rustpy-xlsxwriter, and XlsxWriter where it is not installed."""
    if request.param == "python":
        monkeypatch.setattr(exports, "rustpy_xlsxwriter", None)
    elif exports.rustpy_xlsxwriter is None:
        pytest.skip("rustpy-xlsxwriter is not installed")
    return request.param


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def workbook(response):
    return openpyxl.load_workbook(io.BytesIO(body(response)))


def filename(response) -> str:
    header = response["Content-Disposition"]
    assert header.startswith("attachment")
    if "filename*=" in header:
        encoded = header.split("filename*=", 1)[1]
        charset, _language, value = encoded.split("'", 2)
        assert charset.lower() == "utf-8"
        return unquote(value)
    return header.split('filename="', 1)[1].rstrip('"')


def columns(sheet) -> dict[str, list]:
    """Each column's cells below the header, by header."""
    headers = [cell.value for cell in sheet[1]]
    return {
        header: [row[index] for row in sheet.iter_rows(min_row=2)]
        for index, header in enumerate(headers)
    }


def assert_header_frozen_and_filtered(sheet):
    assert sheet.freeze_panes == "A2"
    last_column = openpyxl.utils.get_column_letter(sheet.max_column)
    assert sheet.auto_filter.ref == f"A1:{last_column}{sheet.max_row}"


def assert_amount(cell, value):
    assert cell.data_type == "n", cell.value
    assert cell.value == pytest.approx(float(value))
    assert cell.number_format == "#,##0.00"


def assert_date(cell, day: datetime.date):
    assert cell.is_date, cell.value
    assert cell.value.date() == day
    assert cell.number_format == "yyyy-mm-dd"


@pytest.fixture
def project(nanjing_department):
    project = make_project(nanjing_department, budget="1234567.50", award_amount="1200000.00")
    contract = make_contract(project, amount="1200000.00")
    make_payment(contract, amount="300000.25", paid=contract.signed_date)
    return project


def test_a_workspace_list_exports_amounts_dates_and_counts_as_such(
    writer, login, province_supervisor, project
):
    response = login(province_supervisor).get("/workspace/procurement/projects/?export=xlsx")
    assert response.status_code == 200
    assert filename(response) == f"采购项目-{LOCAL_DAY}.xlsx"
    sheet = workbook(response).active
    assert_header_frozen_and_filtered(sheet)
    cells = columns(sheet)
    assert_amount(cells["预算金额（元）"][0], Decimal("1234567.50"))
    assert_amount(cells["中标（成交）金额（元）"][0], Decimal("1200000.00"))
    assert_date(cells["公告日期"][0], project.notice_date)
    assert_date(cells["中标（成交）日期"][0], project.award_date)
    flags = cells["未处理的风险预警"][0]
    assert flags.data_type == "n" and flags.value == 0 and flags.number_format == "0"
    code = cells["项目编号"][0]
    assert code.data_type == "s" and code.value == project.code


def test_a_fast_path_export_types_amounts_and_dates_from_the_model(
    writer, login, province_supervisor, project
):
    response = login(province_supervisor).get("/workspace/procurement/payments/?export=xlsx")
    assert filename(response) == f"采购款项支付-{LOCAL_DAY}.xlsx"
    sheet = workbook(response).active
    assert_header_frozen_and_filtered(sheet)
    cells = columns(sheet)
    assert_amount(cells["金额（元）"][0], Decimal("300000.25"))
    assert_date(cells["支付日期"][0], project.contract.signed_date)
    sequence = cells["期次"][0]
    assert sequence.data_type == "n" and sequence.value == 1 and sequence.number_format == "0"


def test_an_empty_export_still_has_its_frozen_filtered_header(login, province_supervisor, db):
    response = login(province_supervisor).get("/workspace/procurement/projects/?export=xlsx")
    sheet = workbook(response).active
    assert sheet.max_row == 1
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")


def test_the_file_name_follows_the_readers_language(login, province_supervisor, project):
    client = login(province_supervisor)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/workspace/procurement/projects/?export=xlsx")
    assert filename(response) == f"procurement-projects-{LOCAL_DAY}.xlsx"


def test_a_list_with_a_count_column_exports_it_as_a_whole_number(
    login, province_supervisor, nanjing_department
):
    from ..builders.records import OfficialFactory

    OfficialFactory(department=nanjing_department)
    response = login(province_supervisor).get("/workspace/officials/?export=xlsx")
    assert filename(response) == f"公职人员-{LOCAL_DAY}.xlsx"
    sheet = workbook(response).active
    assert_header_frozen_and_filtered(sheet)
    count = columns(sheet)["问责记录"][0]
    assert count.data_type == "n" and count.value == 0 and count.number_format == "0"


def test_the_history_export_holds_when_as_a_date_and_time(
    writer, login, province_supervisor, regions
):
    make_profile(regions["320100"], year=2025, general_balance=Decimal("1234.56"))
    response = login(province_supervisor).get("/workspace/debt/profiles/?export=history-xlsx")
    assert response.status_code == 200
    assert filename(response) == f"债务概况-变更记录-{LOCAL_DAY}.xlsx"
    sheet = workbook(response).active
    assert_header_frozen_and_filtered(sheet)
    when = columns(sheet)["时间"][0]
    assert when.is_date and when.number_format == "yyyy-mm-dd hh:mm"


def test_a_background_export_is_the_same_workbook_with_the_same_name(
    login, province_supervisor, project, django_capture_on_commit_callbacks, monkeypatch
):
    from core import export_jobs

    monkeypatch.setattr(export_jobs, "_send", lambda job_id: True)
    client = login(province_supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/workspace/procurement/projects/?export=xlsx&background=1")
    job = ExportJob.objects.get()
    assert export_jobs.export_job_run(job.pk) == "done"
    job.refresh_from_db()
    assert job.filename == f"采购项目-{LOCAL_DAY}.xlsx"
    response = client.get(f"/workspace/exports/{job.pk}/download/")
    assert filename(response) == job.filename
    sheet = workbook(response).active
    assert_header_frozen_and_filtered(sheet)
    assert_amount(columns(sheet)["预算金额（元）"][0], Decimal("1234567.50"))
    assert_date(columns(sheet)["公告日期"][0], project.notice_date)


def admin_export(client, model, fields, file_format="xlsx"):
    model_admin = admin.site._registry[model]
    formats = [f().get_title() for f in model_admin.get_export_formats()]
    resource = model_admin.get_export_resource_classes(None)[0]
    data = {"format": str(formats.index(file_format)), "resource": "0"}
    data.update({f"{resource.__name__.lower()}_{field}": "on" for field in fields})
    opts = model._meta
    return client.post(f"/admin/{opts.app_label}/{opts.model_name}/export/", data)


def test_the_admin_export_is_named_and_typed_like_the_workspaces(
    writer, login, province_supervisor, regions
):
    make_profile(regions["320100"], year=2025, general_balance=Decimal("1234.5678"))
    response = admin_export(
        login(province_supervisor),
        DebtProfile,
        ["region", "year", "general_balance", "published"],
    )
    assert response.status_code == 200, response.content[:300]
    assert filename(response) == f"债务概况-{LOCAL_DAY}.xlsx"
    sheet = workbook(response).active
    assert_header_frozen_and_filtered(sheet)
    cells = columns(sheet)
    year = cells["年度"][0]
    assert year.data_type == "n" and year.value == 2025 and year.number_format == "0"
    balance = next(cells[h][0] for h in cells if h.startswith("一般债务余额"))
    assert balance.data_type == "n" and balance.value == pytest.approx(1234.5678)
    assert balance.number_format.startswith("#,##0.")
    region = cells["行政区划代码"][0]
    assert region.data_type == "s" and region.value == "320100"


def test_the_admin_export_of_departments_reads_yes_and_no(
    login, province_supervisor, nanjing_department
):
    response = admin_export(login(province_supervisor), Department, ["uscc", "name", "active"])
    assert filename(response) == f"部门-{LOCAL_DAY}.xlsx"
    sheet = workbook(response).active
    assert_header_frozen_and_filtered(sheet)
    assert [cell.value for cell in columns(sheet)["有效"]] == ["是"]


def test_the_admin_export_field_list_names_the_columns_only(login, province_supervisor, db):
    page = login(province_supervisor).get("/admin/core/department/export/").content.decode()
    assert "统一社会信用代码" in page
    assert "Uscc" not in page and "Head Email" not in page


def test_the_admin_csv_export_is_named_the_same_way(login, province_supervisor, db):
    response = admin_export(login(province_supervisor), Department, ["uscc", "name"], "csv")
    assert filename(response) == f"部门-{LOCAL_DAY}.csv"


def test_the_public_downloads_are_named_the_same_way(client, db):
    response = client.get("/public/records.csv")
    assert filename(response) == f"公示中的失信记录-{LOCAL_DAY}.csv"
    response = client.get("/public/records.json")
    assert filename(response) == f"公示中的失信记录-{LOCAL_DAY}.json"
    response = client.get("/public/debt/figures.csv")
    assert response.status_code == 200
    assert filename(response) == f"政府债务公开数据-{LOCAL_DAY}.csv"


def test_an_evaluation_workbook_is_named_after_the_round_with_a_filtered_header(login, regions, db):
    from ..builders.core import UserFactory
    from ..builders.evaluations import make_scored_round

    organiser = UserFactory(username="province", role="Supervisor", region=regions["320000"])
    evaluation_round = make_scored_round(regions, actor=organiser)
    response = login(organiser).get(
        f"/workspace/evaluations/rounds/{evaluation_round.pk}/export.xlsx"
    )
    assert response.status_code == 200
    assert filename(response) == f"{evaluation_round.name}结果-{LOCAL_DAY}.xlsx"
    book = workbook(response)
    results = book.worksheets[0]
    assert results.auto_filter.ref is not None
    weights = book.worksheets[1]
    assert weights.freeze_panes == "A2" and weights.auto_filter.ref.startswith("A1:")


def test_export_file_names_keep_to_the_local_date_and_drop_unsafe_characters():
    with translation.override("zh-hans"):
        assert (
            exports.export_filename("采购/项目:2026", "xlsx") == f"采购-项目-2026-{LOCAL_DAY}.xlsx"
        )
    header = exports.content_disposition("部门-2026-12-07.xlsx")
    assert header == "attachment; filename*=utf-8''%E9%83%A8%E9%97%A8-2026-12-07.xlsx"


def test_one_records_history_is_named_after_its_decision_number(
    login, province_supervisor, nanjing_department
):
    from ..builders.records import make_record

    record = make_record(nanjing_department, decision_number="宁财罚〔2026〕7号")
    response = login(province_supervisor).get(
        f"/workspace/records/{record.pk}/history/?format=xlsx"
    )
    assert filename(response) == f"宁财罚〔2026〕7号-变更记录-{LOCAL_DAY}.xlsx"
    sheet = workbook(response).active
    assert_header_frozen_and_filtered(sheet)
    assert columns(sheet)["时间"][0].is_date
