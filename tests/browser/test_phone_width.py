"""No page scrolls sideways on a 390 px phone. A real Chromium, in Chinese, signs in as each
demo user and opens every page of that user's navigation, a record, a department profile and
the public pages at 390×844; the document must be no wider than the screen (wide tables
scroll inside their own box, the filter form folds away) and every chart label must be at
least 11 px on screen.

With ``CHENGXIN_SCREENSHOTS=<folder>`` it also saves each page at 390 px (and a few at
1366 px) to look at."""

import io
import os
import re

import pytest
from django.core.management import call_command

from credit_records.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("CHENGXIN_SCREENSHOTS", "")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
DESKTOP_PAGES = [
    "/workspace/",
    "/workspace/records/",
    "/workspace/departments/",
    "/workspace/debt/",
    "/workspace/procurement/projects/",
    "/workspace/evaluations/",
]
ROLES = os.environ.get(
    "CHENGXIN_PHONE_ROLES", "admin,province,nanjing,suzhou,nanjing_liaison,auditor"
).split(",")

# The page's width, and the elements that stick out past the screen's right edge (what to fix
# when it fails), ignoring those inside a box that scrolls on its own.
MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const scrollsItself = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
    }
    return false;
  };
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    const folded = el.closest('details:not([open])');
    if (folded && !el.closest('summary')) continue;  // inside a closed <details>: not drawn
    if (box.width && box.right > width + 1 && !scrollsItself(el)) {
      const parent = el.parentElement;
      wide.push((parent ? parent.tagName.toLowerCase() + '.' + parent.className + ' > ' : '') +
        el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (typeof el.className === 'string' && el.className.trim()
          ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
        ' ' + Math.round(box.right));
    }
  }
  wide.sort((a, b) => parseInt(b.split(' ').pop()) - parseInt(a.split(' ').pop()));
  return {scroll: document.documentElement.scrollWidth, wide: wide.slice(0, 6)};
}"""

# The smallest rendered size of any chart's text: its font size times the scale the SVG is
# drawn at (its width on screen over its view box's).
SMALLEST_CHART_LABEL = """() => {
  let smallest = Infinity;
  for (const text of document.querySelectorAll('svg text')) {
    if (!text.textContent.trim()) continue;
    const svg = text.ownerSVGElement;
    const rect = svg.getBoundingClientRect();
    if (!rect.width) continue;
    const view = svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width;
    const scale = view ? rect.width / view : 1;
    smallest = Math.min(smallest, parseFloat(getComputedStyle(text).fontSize) * scale);
  }
  return smallest;
}"""


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())


def sign_in(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{base}/workspace/")


def navigation_urls(page) -> list[str]:
    """Every link of the signed-in user's navigation, menus included (read from the page, as
    ``core.navigation`` rendered it for this user)."""
    hrefs = page.eval_on_selector_all(
        "header nav.main-nav a[href]", "links => links.map(a => a.getAttribute('href'))"
    )
    return list(dict.fromkeys(hrefs))


def screenshot_name(username: str, url: str, size: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "home"
    return f"{SCREENSHOTS}/{size}-{username}-{slug}.png"


def check(page, base, url, username, problems):
    response = page.goto(base + url)
    assert response is not None, url
    if response.status >= 400:
        problems.append(f"{username} {url}: HTTP {response.status}")
        return
    measured = page.evaluate(MEASURE)
    if measured["scroll"] > PHONE["width"] + 1:
        problems.append(f"{username} {url}: {measured['scroll']} px wide: {measured['wide']}")
    smallest = page.evaluate(SMALLEST_CHART_LABEL)
    if smallest < 11:
        problems.append(f"{username} {url}: a chart label is {smallest:.1f} px")
    if SCREENSHOTS:
        page.screenshot(path=screenshot_name(username, url, "390"), full_page=True)


def test_no_page_scrolls_sideways_on_a_390_px_phone(browser_page, live_server, demo):
    page = browser_page
    base = live_server.url
    problems: list[str] = []
    visited = 0
    page.set_viewport_size(PHONE)
    for username in ROLES:
        sign_in(page, base, username)
        urls = navigation_urls(page)
        assert len(urls) >= 3, (username, urls)
        # A record and a department profile in this user's scope, as their lists link to them.
        for listed, pattern in (
            ("/workspace/records/", r"^/workspace/records/\d+/$"),
            ("/workspace/departments/", r"^/workspace/departments/[0-9A-Z]{18}/$"),
        ):
            page.goto(base + listed)
            links = page.eval_on_selector_all(
                "main a[href]", "a => a.map(x => x.getAttribute('href'))"
            )
            urls += [link for link in links if re.match(pattern, link)][:1]
        for url in urls:
            check(page, base, url, username, problems)
            visited += 1
    page.context.clear_cookies()
    public = ["/public/", "/public/records/"]
    for url in public:
        check(page, base, url, "public", problems)
    # A published record and its department, as the public list links to them.
    for pattern in (r"^/public/records/\d+/$", r"^/public/departments/[^/]+/$"):
        links = page.eval_on_selector_all("main a[href]", "a => a.map(x => x.getAttribute('href'))")
        found = next(link for link in links if re.match(pattern, link))
        public.append(found)
        check(page, base, found, "public", problems)
        page.goto(base + "/public/records/")
    for url in ["/public/procurement/", "/public/debt/", "/public/evaluations/"]:
        public.append(url)
        check(page, base, url, "public", problems)
    visited += len(public)
    if SCREENSHOTS:
        page.set_viewport_size(DESKTOP)
        sign_in(page, base, "province")
        for url in DESKTOP_PAGES:
            page.goto(base + url)
            page.screenshot(path=screenshot_name("province", url, "1366"), full_page=True)
    assert visited >= 10 * len(ROLES)
    assert problems == [], "\n".join(problems)
