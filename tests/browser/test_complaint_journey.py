"""An anonymous visitor files a complaint, the handling office accepts, assigns and closes it,
and the visitor reads the outcome on the status page — in real Chromium."""

import pytest
from django.core.cache import cache

from credit_records.models import Complaint, ComplaintStatus
from tests.builders.core import DepartmentFactory, UserFactory
from tests.builders.files import pdf_bytes

from .test_rectification import sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_files_a_complaint_and_reads_its_outcome(
    browser_page, live_server, regions, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    department = DepartmentFactory(name="南京市财政局", region=regions["320100"])
    UserFactory(username="nanjing", role="Supervisor", region=regions["320100"])
    evidence = tmp_path / "采购合同.pdf"
    evidence.write_bytes(pdf_bytes(title="合同"))
    page = browser_page

    # The visitor, not signed in, finds the form from the public pages.
    page.goto(f"{live_server.url}/public/")
    page.get_by_role("link", name="投诉举报").first.click()
    page.get_by_role("link", name="我要投诉").click()
    page.get_by_label("被投诉部门").fill(department.uscc)
    page.get_by_label("类别").select_option(label="拖欠中小企业账款")
    page.get_by_label("投诉事项").fill(
        "办公设备已于去年九月验收合格，合同约定三十日内付款，至今未付。"
    )
    page.get_by_label("合同名称或编号").fill("NJ-2025-118 办公设备采购合同")
    page.get_by_label("所欠金额（元）").fill("125000")
    page.locator("input[type=file]").set_input_files(str(evidence))
    page.get_by_label("您的企业或单位").fill("南京明远科技有限公司")
    page.get_by_label("联系电话").fill("13800001234")
    page.get_by_role("button", name="提交投诉").click()
    page.get_by_role("heading", name="投诉已收到").wait_for()
    number = page.locator("#tracking-number").inner_text().strip()
    code = page.locator("#query-code").inner_text().strip()
    assert Complaint.objects.get().tracking_number == number

    # The handling office deals with it in the workspace.
    sign_in(page, live_server.url, "nanjing")
    page.goto(f"{live_server.url}/workspace/complaints/")
    page.get_by_role("link", name=number).click()
    assert page.locator("#complainant").inner_text().count("13800001234") == 1
    page.locator("form[action$='/accept/'] button").click()
    assert page.get_by_text("已完成：受理").is_visible()
    # The step now open is the assignment.
    page.get_by_label("承办人").select_option(label="nanjing（南京市）")
    page.locator("form[action$='/assign/'] button").click()
    assert page.get_by_text("已完成：交办调查").is_visible()
    page.locator("summary", has_text="办结").click()
    page.locator("#close-outcome").select_option(label="查无实据")
    page.get_by_label("处理结果的理由（投诉人可见）").fill("经核实，欠款已于本月全额支付。")
    page.locator("form[action$='/close/'] button").click()
    assert page.get_by_text("已完成：办结").is_visible()
    assert Complaint.objects.get().status == ComplaintStatus.CLOSED
    sign_out(page)

    # The visitor reads the outcome, and nothing personal.
    page.goto(f"{live_server.url}/public/complaints/status/")
    page.get_by_label("受理编号").fill(number)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    assert page.locator(".cx-status").inner_text() == "已办结"
    assert page.locator("#complaint-outcome").inner_text() == "查无实据"
    body = page.locator("main").inner_text()
    assert "经核实，欠款已于本月全额支付。" in body
    assert "13800001234" not in body and "南京明远科技有限公司" not in body
