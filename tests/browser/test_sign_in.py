import pytest

from tests.builders.core import TEST_PASSWORD, DepartmentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_nanjing_supervisor_signs_in_to_a_chinese_workspace_scoped_to_nanjing(
    browser_page, live_server, regions
):
    DepartmentFactory(name="南京市财政局", region=regions["320100"])
    DepartmentFactory(name="南京市江宁区住房和城乡建设局", region=regions["320115"])
    DepartmentFactory(name="苏州市财政局", region=regions["320500"])
    UserFactory(username="nanjing", role="Supervisor", region=regions["320100"])
    page = browser_page

    page.goto(f"{live_server.url}/workspace/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_role("heading", name="登录").is_visible()

    page.get_by_label("用户名").fill("nanjing")
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()

    page.wait_for_url(f"{live_server.url}/workspace/")
    assert page.get_by_role("heading", name="工作台").is_visible()
    assert "南京市" in page.locator(".user-box").inner_text()

    navigation = page.get_by_role("navigation", name="工作台")
    # The departments page is in the credit files menu, closed until it is opened.
    assert not navigation.get_by_role("link", name="部门").is_visible()
    navigation.locator("summary", has_text="信用档案").click()
    navigation.get_by_role("link", name="部门").click()
    # Read the list once it is there, not the page the click left (the home page has tables).
    page.wait_for_url("**/workspace/departments/**")
    page.locator("table tbody tr").first.wait_for()
    names = page.locator("table tbody tr td:first-child").all_inner_texts()
    assert sorted(names) == ["南京市江宁区住房和城乡建设局", "南京市财政局"]

    page.get_by_label("语言").select_option("en")
    page.get_by_role("button", name="切换").click()
    assert page.get_by_role("heading", name="Departments").is_visible()
