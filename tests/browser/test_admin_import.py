"""The admin import pages in a real Chromium: a file with errors and the preview of a good
file keep to the Content-Security-Policy (no inline style or script is blocked), and the
errors are visible without hovering, next to the column's name."""

import io
import os

import openpyxl
import pytest
from django.core.management import call_command

from core.models import Department
from credit_records.demo import DEMO_PASSWORD
from tests.browser.test_csp import LISTEN

from ..builders.core import valid_uscc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADERS = ["统一社会信用代码", "名称", "行政区划代码", "类型", "上级部门统一社会信用代码", "有效"]
# Where screenshots go when CHENGXIN_SCREENSHOTS names a folder (to look at them).
SCREENSHOTS = os.environ.get("CHENGXIN_SCREENSHOTS", "")


def workbook(path, rows):
    book = openpyxl.Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return str(path)


def sign_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{base}/workspace/")


def upload(page, base, path):
    page.goto(f"{base}/admin/core/department/import/")
    page.locator("select[name=format]").select_option(label="XLSX")
    page.locator("input[name=import_file]").set_input_files(path)
    page.locator("input[type=submit]").click()
    page.wait_for_load_state("load")
    page.wait_for_timeout(100)  # violation events are dispatched asynchronously


def test_the_import_pages_keep_to_the_csp_and_show_their_errors(
    browser_page, live_server, tmp_path
):
    call_command("seed_demo", stdout=io.StringIO())
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    page.context.add_init_script(LISTEN)
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    base = live_server.url
    sign_in(page, base, "nanjing")
    existing = Department.objects.filter(region__code="320100").order_by("pk").first()

    bad = workbook(
        tmp_path / "bad.xlsx",
        [
            [valid_uscc(701, "320100"), "南京市审计局", "320100", "机关", None, True],
            [valid_uscc(702, "320100"), "南京市水务局", "329999", "机关", None, True],
        ],
    )
    upload(page, base, bad)
    assert page.evaluate("window.__cspViolations") == []
    heading = page.locator("#import-problems-title")
    assert heading.is_visible()
    assert heading.inner_text() == "未导入任何数据：文件有错误"
    reason = page.locator(".import-problem-list td.import-reason").first
    assert reason.is_visible()  # shown, not behind a hover
    assert "329999" in reason.inner_text()
    assert page.locator(".import-problem-list td.import-column").first.inner_text() == (
        "行政区划代码"
    )
    assert page.locator(".import-problem-list td.import-row-number").first.inner_text() == "3"
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/admin-import-errors.png", full_page=True)

    good = workbook(
        tmp_path / "good.xlsx",
        [
            [existing.uscc, existing.name + "（更名）", "320100", "机关", None, True],
            [valid_uscc(703, "320100"), "南京市水务局", "320100", "机关", None, False],
        ],
    )
    upload(page, base, good)
    assert page.locator("input[name=confirm]").is_visible()
    assert page.locator("table.import-preview ins.import-new").count() >= 1
    assert page.evaluate("window.__cspViolations") == []
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/admin-import-preview.png", full_page=True)
    assert console == []
