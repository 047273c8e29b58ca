"""A script typed into any free-text field stays text on every page.

The demo data is loaded, then every free-text field (CharField / TextField without choices,
whose validators accept it) of every domain model gets an XSS payload. A crawler then follows
the links of the workspace, the admin and the browsable API as an administrator, and of the
public pages anonymously, one or two pages of each kind, and no page may contain the payload
unescaped. New models, fields and pages are covered without touching this test.
"""

import io
import re
from collections import Counter
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from core.models import User

from .poison import poison_text_fields

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

PAYLOAD = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>"
SHORT_PAYLOAD = "<script>alert(1)</script>"
RAW = ("<script>alert(1)</script>", "onerror=alert(1)>")
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
# Links never followed: downloads, state changes and pages that only repeat others.
SKIPPED_LINKS = re.compile(
    r"(/logout|/i18n/|/delete/|/export|\.csv|\.xlsx|\.json|/attachments/|/history/\d+/"
    r"|/jsi18n/|/static/|/media/|/api/schema)"
)
PAGES_PER_KIND = 2
MAX_PAGES = 600


def kind_of(path: str) -> str:
    """Pages of one kind differ only by ids (/workspace/records/12/ is like …/records/7/)."""
    return re.sub(r"/[^/]*\d[^/]*/", "/#/", path)


def crawl(client: Client, starts: list[str]) -> dict[str, str]:
    """HTML of every page reachable from ``starts``, up to PAGES_PER_KIND of each kind."""
    seen_kinds: Counter = Counter()
    queue, visited, pages = list(starts), set(), {}
    while queue and len(pages) < MAX_PAGES:
        path = queue.pop(0)
        if path in visited:
            continue
        visited.add(path)
        kind = kind_of(path)
        if seen_kinds[kind] >= PAGES_PER_KIND:
            continue
        seen_kinds[kind] += 1
        response = client.get(path, HTTP_ACCEPT="text/html")
        # 406: a JSON-only endpoint (the public API) asked for HTML.
        assert response.status_code in (200, 302, 403, 404, 406), f"{path}: {response.status_code}"
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[path] = html
        for href in re.findall(r'href="([^"#]+)"', html):
            target = urlsplit(urljoin(path, href.replace("&amp;", "&")))
            # The browsable API links with absolute URLs on the test server.
            if target.netloc not in ("", "testserver") or SKIPPED_LINKS.search(target.path):
                continue
            if target.path.startswith(tuple(starts)) and target.path not in visited:
                queue.append(target.path)
    return pages


def assert_inert(pages: dict[str, str]):
    unescaped = [path for path, html in pages.items() if any(raw in html for raw in RAW)]
    assert unescaped == [], f"raw payload on: {unescaped}"


@pytest.fixture
def poisoned(require_postgres):
    call_command("seed_demo", stdout=io.StringIO())
    return poison_text_fields([PAYLOAD, SHORT_PAYLOAD])


def test_every_signed_in_page_renders_the_payload_inert(poisoned):
    # The payload is where pages show it, and only where validators allow it.
    assert "facts" in poisoned["credit_records.DishonestyRecord"]
    assert "name" in poisoned["core.Department"]
    assert "title" in poisoned["procurement.ProcurementProject"]
    assert "uscc" not in poisoned["core.Department"]
    assert len(poisoned) >= 15
    client = Client()
    client.force_login(User.objects.get(username="admin"))

    pages = crawl(client, ["/workspace/", "/admin/", "/api/v1/"])

    assert len(pages) > 100
    assert_inert(pages)
    shown = [path for path, html in pages.items() if ESCAPED in html]
    assert any(re.fullmatch(r"/workspace/records/\d+/", path) for path in shown)
    assert any(path.startswith("/admin/credit_records/dishonestyrecord/") for path in shown)
    assert any(path.startswith("/workspace/procurement/") for path in shown)
    assert any(path.startswith("/api/v1/") for path in shown)
    # As JSON the payload is data, served so that no browser takes it for a page.
    response = client.get("/api/v1/records/", HTTP_ACCEPT="application/json")
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert SHORT_PAYLOAD in response.json()["results"][0]["facts"]


def test_every_public_page_renders_the_payload_inert(poisoned):
    pages = crawl(Client(), ["/public/"])

    assert len(pages) > 10
    assert_inert(pages)
    shown = [path for path, html in pages.items() if ESCAPED in html]
    assert any(re.fullmatch(r"/public/records/\d+/", path) for path in shown)
