"""An official records a government agreement and its obligation; time passes; the periodic
check flags the overdue obligation, the official confirms it as a violation, and the
department's credit profile shows the draft dishonesty record."""

import datetime

import pytest

from procurement import services
from procurement.models import Agreement, FlagRule, RedFlag
from tests.builders.agreements import enterprise_uscc
from tests.builders.core import TEST_PASSWORD, DepartmentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base_url}/workspace/")


def test_an_overdue_obligation_is_flagged_confirmed_and_shown_on_the_profile(
    browser_page, live_server, regions, time_machine
):
    time_machine.move_to("2026-03-02 09:00:00+08:00", tick=True)
    department = DepartmentFactory(name="南京市发展和改革委员会", region=regions["320100"])
    UserFactory(username="nanjing", role="Supervisor", region=regions["320100"])
    page = browser_page
    base = live_server.url

    sign_in(page, base, "nanjing")
    page.goto(f"{base}/workspace/procurement/agreements/")
    page.get_by_role("link", name="登记协议").click()
    page.select_option("[name=department]", str(department.pk))
    page.select_option("[name=kind]", "investment")
    page.fill("[name=number]", "NJFG-XY-2026-01")
    page.fill("[name=title]", "智能制造项目招商引资协议")
    page.fill("[name=counterparty_name]", "南京智造科技有限公司")
    page.fill("[name=counterparty_uscc]", enterprise_uscc(1))
    page.check("[name=counterparty_is_sme]")
    page.fill("[name=signed_date]", "2026-03-02")
    page.get_by_role("button", name="保存").click()
    assert page.get_by_role("heading", name="智能制造项目招商引资协议").is_visible()
    agreement = Agreement.objects.get(number="NJFG-XY-2026-01")

    page.get_by_role("link", name="添加义务").click()
    page.fill("[name=description]", "兑现设备购置补贴")
    page.fill("[name=amount]", "800000")
    page.fill("[name=agreed_due_date]", "2026-04-30")
    page.get_by_role("button", name="保存").click()
    assert page.get_by_text("尚未到期").is_visible()

    # Time passes: the subsidy is not paid by its due date; the nightly check runs.
    time_machine.move_to("2026-05-12 09:00:00+08:00", tick=True)
    services.obligations_scan()
    flag = RedFlag.objects.get(rule=FlagRule.OBLIGATION_OVERDUE, obligation__agreement=agreement)
    sign_in(page, base, "nanjing")  # weeks later: a new session
    page.goto(f"{base}/workspace/procurement/agreements/{agreement.pk}/")
    assert page.get_by_text("逾期 12 天").first.is_visible()
    page.get_by_role("link", name="认定为违规").click()
    page.select_option("[name=severity]", "serious")
    page.fill("[name=decision_number]", "宁信办〔2026〕21号")
    page.fill("[name=issuing_authority]", "南京市信用办")
    page.get_by_role("button", name="认定为违规").click()
    flag.refresh_from_db()
    assert flag.status == "confirmed"
    record = flag.violation.record

    page.goto(f"{base}/workspace/departments/{department.uscc}/")
    records = page.locator("#records-heading").locator("xpath=..")
    assert records.get_by_text("宁信办〔2026〕21号").is_visible()
    assert record.department == department
    assert record.decision_date == datetime.date(2026, 5, 12)
