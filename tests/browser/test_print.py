"""Record pages, department profiles and evaluation results print as A4 documents: the
letterhead and the content, without navigation, forms or buttons."""

import re

import pytest

from tests.builders.core import DepartmentFactory, UserFactory
from tests.builders.evaluations import make_scored_round
from tests.builders.records import make_record

from .test_rectification import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A4 in CSS pixels (96 per inch): 210 mm × 297 mm.
A4_WIDTH_PX = round(210 / 25.4 * 96)


def visible_in_print(page, selector: str) -> bool:
    return page.locator(selector).first.evaluate(
        "element => getComputedStyle(element).display !== 'none'"
    )


@pytest.fixture
def printable(regions):
    department = DepartmentFactory(name="南京市财政局", region=regions["320100"])
    supervisor = UserFactory(username="nanjing", role="Supervisor", region=regions["320100"])
    UserFactory(username="province", role="Supervisor", region=regions["320000"])
    record = make_record(department, actor=supervisor, state="rectification_required")
    evaluation_round = make_scored_round(regions)
    return {
        "record": f"/workspace/records/{record.pk}/",
        "department": f"/workspace/departments/{department.uscc}/",
        "round": f"/workspace/evaluations/rounds/{evaluation_round.pk}/",
        "heading": {"record": record.decision_number, "department": department.name},
    }


@pytest.mark.parametrize("page_name", ["record", "department", "round"])
def test_a_page_prints_without_navigation_or_controls(
    browser_page, live_server, printable, page_name
):
    page = browser_page
    sign_in(page, live_server.url, "province")
    page.goto(live_server.url + printable[page_name])
    assert page.locator("main h1").is_visible()
    # On screen, the navigation and the page's controls are there.
    assert visible_in_print(page, ".main-nav")

    page.emulate_media(media="print")

    for hidden in (".main-nav", ".tools", "main form", "main .button", ".site-footer"):
        if page.locator(hidden).count():
            assert not visible_in_print(page, hidden), f"{hidden} shows in print"
    assert visible_in_print(page, ".brand")
    assert visible_in_print(page, "main h1")
    heading = printable["heading"].get(page_name)
    if heading:
        assert heading in page.locator("main").inner_text()
    # The content fits the width of the paper: nothing runs off the right edge.
    page.set_viewport_size({"width": A4_WIDTH_PX, "height": 1123})
    assert page.evaluate("document.documentElement.scrollWidth") <= A4_WIDTH_PX


def test_the_print_is_an_a4_pdf(browser_page, live_server, printable, tmp_path):
    page = browser_page
    sign_in(page, live_server.url, "province")
    page.goto(live_server.url + printable["record"])

    pdf = page.pdf(prefer_css_page_size=True, path=str(tmp_path / "record.pdf"))

    assert pdf.startswith(b"%PDF")
    # The @page rule asks for A4: 210 × 297 mm is 595.3 × 841.9 points (72 to the inch).
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert boxes, "no page in the PDF"
    for width, height in boxes:
        assert abs(float(width) - 210 / 25.4 * 72) < 1
        assert abs(float(height) - 297 / 25.4 * 72) < 1
