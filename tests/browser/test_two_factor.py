"""Two-factor sign-in in real Chromium: a supervisor signs in with their password, is sent to
set up an authenticator, scans (reads) the QR code's key, confirms it with the code the app
would show, keeps the recovery codes, and on the next sign-in gives a code after the password.
No script, style or image is blocked by the Content-Security-Policy on the way (the QR code
is an SVG data: image)."""

import base64
import time

import pytest
from django.test import override_settings
from django_otp.oath import totp

from tests.builders.core import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


def code(secret: str, drift: int = 0) -> str:
    """What the authenticator app shows for this key (RFC 6238, 30 seconds, 6 digits)."""
    key = base64.b32decode(secret)
    return f"{totp(key, step=30, t0=0, digits=6, drift=drift):06d}"


def sign_in(page, url):
    page.get_by_label("用户名").fill("nanjing")
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()


@override_settings(CHENGXIN_TWO_FACTOR_ROLES=["Administrator", "Supervisor"])
def test_a_supervisor_sets_up_an_authenticator_and_signs_in_with_a_code(
    browser_page, live_server, regions
):
    UserFactory(username="nanjing", role="Supervisor", region=regions["320100"])
    page = browser_page
    page.add_init_script(LISTEN)
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    page.goto(f"{live_server.url}/workspace/records/")
    sign_in(page, live_server.url)

    # Sent to set up the second factor before any workspace page.
    page.wait_for_url(f"{live_server.url}/accounts/two-factor/?next=/workspace/records/")
    assert page.get_by_role("heading", name="双重认证登录").is_visible()
    qr = page.get_by_role("img", name="身份验证器应用的二维码")
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert qr.evaluate("image => image.complete && image.naturalWidth > 0")
    secret = page.locator(".totp-secret").inner_text().strip()

    page.get_by_label("验证码").fill(code(secret))
    page.get_by_role("button", name="确认并开启").click()

    assert page.get_by_role("heading", name="恢复码").is_visible()
    recovery = page.locator(".recovery-codes li").all_inner_texts()
    assert len(recovery) == 10
    page.get_by_role("link", name="已妥善保存，继续").click()
    page.wait_for_url(f"{live_server.url}/workspace/records/")

    page.get_by_role("button", name="退出登录").click()
    page.goto(f"{live_server.url}/workspace/")
    sign_in(page, live_server.url)
    page.wait_for_url(f"{live_server.url}/accounts/two-factor/verify/")
    # A wrong code first: refused, still on the code page.
    page.get_by_label("验证码").fill("000000" if code(secret, 1) != "000000" else "111111")
    page.get_by_role("button", name="验证").click()
    assert page.get_by_text("验证码不正确").is_visible()
    # django-otp makes the next try wait a second after a wrong code.
    time.sleep(1.2)
    # The code of the next 30 seconds: the one used to enrol cannot be used twice.
    page.get_by_label("验证码").fill(code(secret, drift=1))
    page.get_by_role("button", name="验证").click()

    page.wait_for_url(f"{live_server.url}/workspace/")
    assert page.get_by_role("heading", name="工作台").is_visible()
    assert page.evaluate("window.__cspViolations") == []
    assert problems == []
