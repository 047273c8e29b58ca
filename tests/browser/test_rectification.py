"""A liaison explains and reports with evidence; the supervisor verifies; the timeline shows it."""

import datetime

import pytest

from credit_records import services
from credit_records.models import DishonestyRecord, RecordStatus
from tests.builders.core import TEST_PASSWORD, DepartmentFactory, UserFactory
from tests.builders.files import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base_url}/workspace/")


def sign_out(page):
    page.get_by_role("button", name="退出登录").click()


def test_a_liaison_reports_with_evidence_and_the_supervisor_verifies(
    browser_page, live_server, regions, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    department = DepartmentFactory(name="南京市财政局", region=regions["320100"])
    UserFactory(username="liaison", role="Department liaison", department=department)
    supervisor = UserFactory(username="nanjing", role="Supervisor", region=regions["320100"])
    record = services.record_create(
        actor=supervisor,
        department=department,
        category="sme_arrears",
        severity="general",
        decision_number="宁政督〔2026〕31号",
        issuing_authority="南京市人民政府督查室",
        decision_date=datetime.date.today() - datetime.timedelta(days=20),
        facts="拖欠中小企业账款。",
    )
    services.record_confirm(record=record, actor=supervisor)
    services.record_require_rectification(record=record, actor=supervisor)
    evidence = tmp_path / "整改证明.pdf"
    evidence.write_bytes(pdf_bytes())
    page = browser_page
    record_url = f"{live_server.url}/workspace/records/{record.pk}/"

    sign_in(page, live_server.url, "liaison")
    page.goto(record_url)
    page.get_by_label("书面说明原因").fill("付款审批流程过长，相关处室把关不严。")
    page.get_by_role("button", name="提交书面说明").click()
    assert page.get_by_text("已完成：提交书面说明").is_visible()

    page.get_by_label("整改情况").fill("已全额支付欠款并修订付款审批制度。")
    page.locator("input[type=file]").first.set_input_files(str(evidence))
    page.get_by_role("button", name="提交整改报告").click()
    assert page.get_by_text("已完成：提交整改报告").is_visible()
    assert page.get_by_role("link", name="整改证明.pdf").is_visible()
    sign_out(page)

    sign_in(page, live_server.url, "nanjing")
    page.goto(record_url)
    # The step that moves the record on is the open one.
    page.get_by_label("核验意见").fill("材料齐全，整改到位。")
    page.get_by_role("button", name="核验整改").click()
    assert page.get_by_text("已完成：核验整改").is_visible()

    timeline = page.locator(".timeline").inner_text()
    assert "已提交书面说明" in timeline
    assert "已提交整改报告" in timeline
    assert "整改已核验" in timeline
    record.refresh_from_db()
    assert record.status == RecordStatus.VERIFIED
    assert (
        DishonestyRecord.objects.get(pk=record.pk).rectification.reports.get().attachments.count()
        == 1
    )
