"""A liaison objects to a published record; the public record says 异议处理中; the credit
office upholds the objection by withdrawing the record, which leaves the public list."""

import datetime

import pytest

from credit_records import services
from credit_records.models import Objection, ObjectionOutcome, RecordStatus
from tests.builders.core import TEST_PASSWORD, DepartmentFactory, UserFactory
from tests.builders.files import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NUMBER = "宁政督〔2026〕47号"


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base_url}/workspace/")


def sign_out(page):
    page.get_by_role("button", name="退出登录").click()


def test_a_liaison_objects_and_the_office_withdraws_the_record_from_the_public_list(
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
        decision_number=NUMBER,
        issuing_authority="南京市人民政府督查室",
        decision_date=datetime.date.today() - datetime.timedelta(days=20),
        facts="拖欠中小企业账款。",
    )
    services.record_confirm(record=record, actor=supervisor)
    evidence = tmp_path / "付款回单.pdf"
    evidence.write_bytes(pdf_bytes(title="银行回单"))
    page = browser_page
    base = live_server.url

    page.goto(f"{base}/public/records/")
    assert NUMBER in page.locator("main table").inner_text()

    sign_in(page, base, "liaison")
    page.goto(f"{base}/workspace/records/{record.pk}/")
    page.locator("summary", has_text="提出异议申诉").click()
    page.get_by_label("异议理由").select_option("facts_wrong")
    page.get_by_label("异议说明").fill("欠款已于合同约定期限内支付，附银行回单。")
    form = page.locator("form", has=page.get_by_label("异议说明"))
    form.locator("input[type=file]").set_input_files(str(evidence))
    form.get_by_role("button", name="提出异议申诉").click()
    assert page.get_by_text("已完成：提出异议申诉").is_visible()
    objections = page.locator("section", has=page.get_by_role("heading", name="异议申诉"))
    assert "异议处理中" in objections.inner_text()
    assert objections.get_by_role("link", name="付款回单.pdf").is_visible()
    sign_out(page)

    page.goto(f"{base}/public/records/{record.pk}/")
    assert "异议处理中" in page.locator("main").inner_text()
    page.goto(f"{base}/public/records/")
    row = page.locator("main table tbody tr", has_text=NUMBER)
    assert "异议处理中" in row.inner_text()

    sign_in(page, base, "nanjing")
    page.goto(f"{base}/workspace/records/{record.pk}/")
    page.locator("summary", has_text="对异议作出决定").click()
    page.get_by_label("异议成立：撤销记录").check()
    objection = Objection.objects.get()
    page.locator(f"#objection{objection.pk}-decide-reason").fill(
        "经核实，欠款已按期支付，记录认定错误。"
    )
    page.get_by_role("button", name="记录决定").click()
    assert page.get_by_text("异议已更新").is_visible()
    timeline = page.locator(".timeline").inner_text()
    assert "已提出异议" in timeline
    assert "异议成立：记录已撤销" in timeline
    sign_out(page)

    page.goto(f"{base}/public/records/")
    assert NUMBER not in page.locator("main").inner_text()
    response = page.goto(f"{base}/public/records/{record.pk}/")
    assert response.status == 404
    record.refresh_from_db()
    assert record.status == RecordStatus.WITHDRAWN
    objection.refresh_from_db()
    assert objection.outcome == ObjectionOutcome.WITHDRAWN
