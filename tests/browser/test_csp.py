"""The pages really satisfy the Content-Security-Policy: signed in as each role, a real
Chromium visits the public, workspace, admin and API-docs pages and no script, style or image
is blocked (no ``securitypolicyviolation`` event, no CSP console error)."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from credit_records.demo import DEMO_PASSWORD
from credit_records.models import DishonestyRecord
from credit_records.selectors import published_records
from evaluations.models import Round, ScoreFeedback
from procurement.models import ProcurementProject

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Recorded in the page before any of its own scripts run.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI} at ${event.sourceFile}:` +
    `${event.lineNumber} ${event.sample}`
  );
});
"""


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())
    record = published_records().order_by("pk").first()
    return {
        "record": DishonestyRecord.objects.filter(department__region__code__startswith="3201")
        .order_by("pk")
        .first(),
        "published": record,
        "project": ProcurementProject.objects.order_by("pk").first(),
        "round": Round.objects.order_by("pk").first(),
        # 南京市's feedback on a draft score of the round under review.
        "feedback": ScoreFeedback.objects.filter(subject__region__code="320100").first(),
    }


def public_pages(demo):
    published = demo["published"]
    return [
        "/public/",
        "/public/records/",
        f"/public/records/{published.pk}/",
        f"/public/departments/{published.department.uscc}/",
        "/public/procurement/",
        "/public/debt/",
        "/public/evaluations/",
        "/accounts/login/",
    ]


def workspace_pages(demo):
    return [
        "/workspace/",
        "/workspace/records/",
        f"/workspace/records/{demo['record'].pk}/",
        "/workspace/departments/",
        "/workspace/commitments/",
        "/workspace/procurement/projects/",
        f"/workspace/procurement/projects/{demo['project'].pk}/",
        "/workspace/procurement/flags/",
        "/workspace/debt/",
        "/workspace/debt/profiles/",
        "/workspace/evaluations/",
        f"/workspace/evaluations/rounds/{demo['round'].pk}/",
        f"/workspace/evaluations/rounds/{demo['feedback'].round_id}/",
        f"/workspace/evaluations/rounds/{demo['feedback'].round_id}/subjects/"
        f"{demo['feedback'].subject_id}/",
        f"/workspace/evaluations/rounds/{demo['feedback'].round_id}/feedback/"
        f"{demo['feedback'].pk}/",
        "/accounts/password/",
    ]


def admin_pages(demo, *, imports=True):
    record = demo["record"].pk
    pages = [
        "/admin/",
        "/admin/credit_records/dishonestyrecord/",
        f"/admin/credit_records/dishonestyrecord/{record}/change/",
        f"/admin/credit_records/dishonestyrecord/{record}/history/",
        "/admin/credit_records/dishonestyrecord/import/",
        "/admin/credit_records/dishonestyrecord/export/",
        "/admin/debt/debtprofile/",
    ]
    return pages if imports else [url for url in pages if not url.endswith("/import/")]


PAGES_BY_ROLE = {
    # username: which groups of pages that role visits (an auditor may not import)
    "admin": ("workspace", "admin", "import", "api"),
    "nanjing": ("workspace", "admin", "import"),
    "auditor": ("workspace", "admin"),
}


def visit(page, url, problems):
    response = page.goto(url)
    assert response is not None and response.ok, f"{url}: {response and response.status}"
    assert "default-src 'self'" in response.headers.get("content-security-policy", ""), url
    page.wait_for_load_state("load")
    page.wait_for_timeout(50)  # violation events are dispatched asynchronously
    problems.extend(f"{url}: {v}" for v in page.evaluate("window.__cspViolations"))


@override_settings(AXES_ENABLED=True)
def test_no_page_breaks_the_content_security_policy_for_any_role(browser_page, live_server, demo):
    page = browser_page
    page.context.add_init_script(LISTEN)
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    base = live_server.url

    # The listener works: markup with an inline style and a foreign image is reported.
    page.goto(f"{base}/public/")
    page.evaluate(
        """document.body.insertAdjacentHTML(
            "beforeend", '<p style="color: red">x</p><img src="http://example.invalid/x.png">'
        )"""
    )
    page.wait_for_timeout(200)
    caught = " ".join(page.evaluate("window.__cspViolations"))
    assert "style-src" in caught
    assert "img-src" in caught
    problems.clear()

    for url in public_pages(demo):
        visit(page, base + url, problems)

    for username, groups in PAGES_BY_ROLE.items():
        page.context.clear_cookies()
        page.goto(f"{base}/accounts/login/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(DEMO_PASSWORD)
        page.locator("main button[type=submit]").click()
        page.wait_for_url(f"{base}/workspace/")
        urls = []
        if "workspace" in groups:
            urls += workspace_pages(demo)
        if "admin" in groups:
            urls += admin_pages(demo, imports="import" in groups)
        for url in urls:
            visit(page, base + url, problems)
        if "api" in groups:
            # The browsable API (templates/rest_framework/ override its inline styles).
            for url in ["/api/v1/", "/api/v1/records/", f"/api/v1/records/{demo['record'].pk}/"]:
                visit(page, base + url, problems)
            visit(page, f"{base}/api/docs/", problems)
            # Swagger UI builds the page from the schema with its script: wait for it.
            page.locator(".swagger-ui .opblock").first.wait_for()
            page.locator(".swagger-ui .opblock-summary").first.click()
            page.wait_for_timeout(200)
            problems.extend(f"api docs: {v}" for v in page.evaluate("window.__cspViolations"))

    assert problems == [], "\n".join(problems)
