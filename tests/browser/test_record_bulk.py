"""A supervisor ticks two drafts on the record list, confirms them in one go and is told
which; the list's "select all" box (static/js/bulk-select.js) ticks the page's rows, and no
script is blocked by the Content-Security-Policy. A heading sorts the list."""

import datetime

import pytest

from credit_records import services
from credit_records.models import DishonestyRecord, RecordStatus
from tests.builders.core import TEST_PASSWORD, DepartmentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base_url}/workspace/")


def test_a_supervisor_ticks_two_drafts_and_confirms_them(browser_page, live_server, regions):
    department = DepartmentFactory(name="南京市财政局", region=regions["320100"])
    supervisor = UserFactory(username="nanjing", role="Supervisor", region=regions["320100"])
    drafts = [
        services.record_create(
            actor=supervisor,
            department=department,
            category="sme_arrears",
            severity="general",
            decision_number=f"宁政督〔2026〕{n}号",
            issuing_authority="南京市人民政府督查室",
            decision_date=datetime.date.today() - datetime.timedelta(days=n),
            facts="拖欠中小企业账款。",
        )
        for n in (31, 32, 33)
    ]
    page = browser_page
    page.add_init_script(LISTEN)

    sign_in(page, live_server.url, "nanjing")
    page.goto(f"{live_server.url}/workspace/records/")
    page.get_by_label("选择 宁政督〔2026〕31号").check()
    page.get_by_label("选择 宁政督〔2026〕32号").check()
    assert page.locator("[data-bulk-count]").inner_text() == "已勾选 2 条"
    page.get_by_role("button", name="认定所选草稿").click()

    message = page.locator(".messages, [role=status], .message").first
    message.wait_for()
    assert "已认定 2 条记录：宁政督〔2026〕31号、宁政督〔2026〕32号。" in page.content()
    statuses = dict(DishonestyRecord.objects.values_list("decision_number", "status"))
    assert statuses == {
        "宁政督〔2026〕31号": RecordStatus.CONFIRMED,
        "宁政督〔2026〕32号": RecordStatus.CONFIRMED,
        "宁政督〔2026〕33号": RecordStatus.DRAFT,
    }
    assert len(drafts) == 3

    # "Select all" ticks the page's rows (the script is served from static/, CSP-clean).
    select_all = page.get_by_label("全选本页记录")
    select_all.check()
    assert page.locator('input[name="record"]:checked').count() == 3
    assert page.locator("[data-bulk-count]").inner_text() == "已勾选 3 条"

    # A heading sorts: the decision number, then the other way round.
    page.get_by_role("link", name="决定文书号", exact=False).first.click()
    page.wait_for_url("**o=number**")
    first_cells = page.locator("tbody tr td:nth-child(2) a")
    assert first_cells.first.inner_text() == "宁政督〔2026〕31号"
    page.get_by_role("link", name="决定文书号", exact=False).first.click()
    page.wait_for_url("**o=-number**")
    assert first_cells.first.inner_text() == "宁政督〔2026〕33号"

    assert page.evaluate("window.__cspViolations") == []
