"""The admin's import page as a Chinese-speaking official reads it: a heading that makes
sense and says nothing was imported, every error shown in full next to the column's name
(never a raw field key, never only on hover), cells as typed (an empty cell empty, a yes/no
cell 是/否), and the same spreadsheet row numbers as the downloadable error report."""

import csv
import io
import re

import openpyxl
import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.html import strip_tags

from core.models import Department

from ..builders.core import DepartmentFactory, valid_uscc

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/core/department/import/"
HEADERS = ["统一社会信用代码", "名称", "行政区划代码", "类型", "上级部门统一社会信用代码", "有效"]


def format_index(title: str) -> str:
    formats = admin.site._registry[Department].get_import_formats()
    return str([file_format().get_title() for file_format in formats].index(title))


def xlsx_file(rows) -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "部门"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        "departments.xlsx",
        buffer.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def upload(client, rows):
    return client.post(
        IMPORT_URL,
        {"resource": "0", "format": format_index("xlsx"), "import_file": xlsx_file(rows)},
    )


def visible_text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(strip_tags(html).split())


def failing_rows():
    """Row 2 is fine, row 3 names a region that does not exist (its parent cell is empty and
    its yes/no cell a real spreadsheet boolean), row 4 has a code whose checksum fails."""
    good = valid_uscc(600, "320100")
    bad_code = good[:17] + ("0" if good[17] != "0" else "1")
    return [
        [valid_uscc(601, "320100"), "南京市审计局", "320100", "机关", None, True],
        [valid_uscc(602, "320100"), "南京市水务局", "329999", "机关", None, True],
        [bad_code, "南京市统计局", "320100", "机关", None, False],
    ]


@pytest.fixture
def client(login, nanjing_supervisor):
    return login(nanjing_supervisor)


def test_our_catalogue_fixes_import_exports_garbled_heading():
    with translation.override("zh-hans"):
        heading = translation.gettext("Some rows failed to validate")
    assert heading != "某些行验数据证失败"
    assert "校验" in heading


def test_the_page_says_plainly_that_nothing_was_imported(client, regions):
    before = Department.objects.count()
    response = upload(client, failing_rows())
    text = visible_text(response)
    assert "未导入任何数据：文件有错误" in text
    assert "某些行验数据证失败" not in text
    assert "部分行无法导入" not in text
    assert "重新上传整个文件" in text
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "未导入任何数据" in message and "2 行有错误" in message
    assert Department.objects.count() == before


def test_each_error_is_shown_in_full_next_to_the_columns_name(client, regions):
    response = upload(client, failing_rows())
    html = response.content.decode()
    problems = re.findall(
        r'<td class="import-row-number">(.*?)</td>\s*<td class="import-column">(.*?)</td>\s*'
        r'<td class="import-reason">(.*?)</td>',
        html,
        flags=re.S,
    )
    by_row = {(row, column): reason for row, column, reason in problems}
    assert ("3", "行政区划代码") in by_row
    assert "329999" in by_row[("3", "行政区划代码")]
    assert ("4", "统一社会信用代码") in by_row
    # No raw field key (region, uscc) stands for a column anywhere on the page, and no error
    # hides in import_export's hover-only box.
    text = visible_text(response)
    assert not re.search(r"\b(region|uscc)\b", text)
    assert "validation-error-container" not in html


def test_the_failing_rows_show_cells_as_typed_not_none_or_true(client, regions):
    response = upload(client, failing_rows())
    html = response.content.decode()
    table = html[html.index("import-failed-rows") :]
    table = table[: table.index("</table>")]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", table, flags=re.S)
    assert "None" not in cells and "True" not in cells and "False" not in cells
    assert "是" in cells and "否" in cells
    assert "" in cells  # the empty parent cell
    # The cell of the failing column is marked.
    assert '<td class="import-cell-error">329999</td>' in table


def test_the_page_and_the_downloaded_report_number_the_rows_alike(client, regions):
    response = upload(client, failing_rows())
    html = response.content.decode()
    page_rows = re.findall(r'<td class="import-row-number">(.*?)</td>', html)
    failed_rows = re.findall(r'<th scope="row" class="import-row-number">(.*?)</th>', html)
    report = client.get("/admin/core/department/import-errors/")
    assert report.status_code == 200
    _header, *lines = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    report_rows = [line[1] for line in lines]
    # The header is row 1: the file's second and third data rows are rows 3 and 4.
    assert sorted(page_rows) == sorted(report_rows) == ["3", "4"]
    assert failed_rows == ["3", "4"]
    assert "表格行号" in visible_text(response)
    assert "表头为第 1 行" in visible_text(response)
    # The report's file name is the list's name in Chinese and today's date.
    assert "filename*=utf-8''" in report["Content-Disposition"]
    assert "%E9%83%A8%E9%97%A8" in report["Content-Disposition"]  # 部门


def test_the_preview_of_a_good_file_has_no_inline_style_and_shows_yes_no(client, regions):
    department = DepartmentFactory(name="南京市审计局", region=regions["320100"])
    rows = [
        [department.uscc, "南京市审计局（更名）", "320100", "机关", None, True],
        [valid_uscc(610, "320100"), "南京市水务局", "320100", "机关", None, False],
    ]
    response = upload(client, rows)
    assert response.context.get("confirm_form") is not None
    html = response.content.decode()
    preview = html[html.index('class="import-preview"') :]
    preview = preview[: preview.index("</table>")]
    assert "style=" not in preview
    assert '<del class="import-old">南京市审计局</del>' in preview
    assert '<ins class="import-new">南京市审计局（更名）</ins>' in preview
    cells = re.findall(r"<td>(.*?)</td>", preview, flags=re.S)
    assert "None" not in cells and "True" not in cells
    assert "是" in cells and "否" in cells
