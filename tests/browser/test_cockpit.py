"""The workspace home's cockpit on a 390 px phone: nothing wider than the screen, the charts'
labels at least 11 px, every tile map's 13 tiles drawn."""

import pytest

from core.charts import TILE_GRID
from tests.builders.core import DepartmentFactory, UserFactory
from tests.builders.debt import make_profile
from tests.builders.procurement import make_project
from tests.builders.records import make_record, make_rectifying_record

from .test_rectification import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The smallest rendered size of the cockpit's SVG text: its font size times the scale the
# SVG is drawn at (its width on screen over its view box's).
SMALLEST_LABEL = """() => {
  let smallest = Infinity;
  for (const text of document.querySelectorAll('svg.cockpit-chart text')) {
    if (!text.textContent.trim()) continue;
    const svg = text.ownerSVGElement;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    smallest = Math.min(smallest, parseFloat(getComputedStyle(text).fontSize) * scale);
  }
  return smallest;
}"""


@pytest.fixture
def cockpit_data(regions):
    import datetime

    from django.utils import timezone

    UserFactory(username="province", role="Supervisor", region=regions["320000"])
    UserFactory(username="nanjing", role="Supervisor", region=regions["320100"])
    today = timezone.localdate()
    for code in TILE_GRID:
        department = DepartmentFactory(name=f"{regions[code].name}财政局", region=regions[code])
        make_record(department)
        make_project(department)
        make_profile(regions[code], 2025, ratio=150)
    county = DepartmentFactory(name="江宁区住建局", region=regions["320115"])
    make_rectifying_record(county, deadline=today + datetime.timedelta(days=10))


@pytest.mark.parametrize("username", ["province", "nanjing"])
def test_the_cockpit_fits_a_390_px_phone_with_readable_charts(
    browser_page, live_server, cockpit_data, username
):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, username)
    page.goto(live_server.url + "/workspace/")
    assert page.locator("svg#cockpit-status").is_visible()
    assert page.locator("svg#cockpit-trend").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px screen"
    assert page.evaluate(SMALLEST_LABEL) >= 11
    if username == "province":
        assert page.locator("#cockpit-standing-map a.map-tile").count() == 13
        assert page.locator("#cockpit-debt-map a.map-tile").count() == 13
        # Every tile is on the screen, not cut off at its edge.
        for tile in page.locator("#cockpit-standing-map a.map-tile rect").all():
            box = tile.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390
