"""An anonymous visitor finds a department by its credit code, reads its record and downloads
the records as CSV, in real Chromium and without signing in."""

from pathlib import Path

import pytest
from django.utils.translation import gettext, override

from credit_records.demo import demo_uscc
from tests.builders.core import DepartmentFactory
from tests.builders.records import OfficialFactory, make_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def zh(message: str) -> str:
    """The page's text for ``message``, whether or not the catalogue translates it yet."""
    with override("zh-hans"):
        return gettext(message)


def test_an_anonymous_visitor_searches_by_credit_code_and_downloads_the_records(
    browser_page, live_server, regions
):
    department = DepartmentFactory(
        name="南京市财政局",
        region=regions["320100"],
        uscc=demo_uscc("南京市财政局", "320100", "organ"),
    )
    other = DepartmentFactory(name="苏州市财政局", region=regions["320500"])
    official = OfficialFactory(name="张晓明", employee_number="NJCZ-0102", department=department)
    make_record(
        department,
        decision_number="宁政督〔2026〕31号",
        category="sme_arrears",
        officials=[official],
        facts="拖欠中小企业货款超过合同约定期限60日以上。",
    )
    make_record(department, decision_number="宁财〔2026〕99号", state="draft")
    make_record(other, decision_number="苏财〔2026〕3号")
    page = browser_page
    assert any(ch.isalpha() for ch in department.uscc), "the search must show case does not matter"

    page.goto(f"{live_server.url}/public/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    navigation = page.get_by_role("navigation", name=zh("Disclosure sections"))
    navigation.get_by_role("link", name=zh("Dishonesty records")).click()
    page.wait_for_url(f"{live_server.url}/public/records/")

    page.get_by_label(zh("Department or credit code")).fill(department.uscc.lower())
    page.locator("main").get_by_role("button", name=zh("Search")).click()
    results = page.locator("main table tbody tr")
    assert results.count() == 1
    assert "宁政督〔2026〕31号" in results.inner_text()

    results.get_by_role("link", name="南京市财政局").click()
    page.wait_for_url(f"{live_server.url}/public/departments/{department.uscc}/")
    assert page.get_by_role("heading", level=1, name="南京市财政局").is_visible()
    assert "宁财〔2026〕99号" not in page.content()

    page.locator("main").get_by_role("link", name="宁政督〔2026〕31号").click()
    page.wait_for_url(f"{live_server.url}/public/records/*/")
    main = page.locator("main").inner_text()
    assert "拖欠中小企业货款超过合同约定期限60日以上。" in main
    assert "张*明" in main
    assert "张晓明" not in page.content()
    assert "NJCZ-0102" not in page.content()

    page.go_back()
    page.wait_for_url(f"{live_server.url}/public/departments/{department.uscc}/")
    with page.expect_download() as download_info:
        page.locator("main").get_by_role("link", name="CSV").click()
    content = Path(download_info.value.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    assert "宁政督〔2026〕31号" in text
    assert "张*明" in text
    assert "苏财〔2026〕3号" not in text
    assert "宁财〔2026〕99号" not in text
    assert "张晓明" not in text
