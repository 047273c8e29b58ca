"""Every page carries the security headers and the Content-Security-Policy; cookies are
HttpOnly and SameSite; an official's session ends with the browser and after eight hours."""

import pytest
from django.test import Client, override_settings

from tests.builders.core import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def csp_directives(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {
        name: value.strip()
        for name, _space, value in (part.strip().partition(" ") for part in header.split(";"))
        if name
    }


def assert_security_headers(response):
    assert csp_directives(response) == EXPECTED_CSP
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response.headers["Permissions-Policy"]
    assert "camera=()" in policy
    assert "geolocation=()" in policy
    assert "microphone=()" in policy


@pytest.mark.parametrize("path", ["/public/", "/public/records/", "/accounts/login/"])
def test_public_pages_send_the_security_headers(regions, path):
    response = Client().get(path)

    assert response.status_code == 200
    assert_security_headers(response)


def test_workspace_and_admin_pages_send_the_security_headers(regions):
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    for path in ["/workspace/", "/workspace/records/", "/admin/", "/api/docs/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_security_headers(response)


@override_settings(AXES_ENABLED=True)
def test_session_and_csrf_cookies_are_httponly_samesite_and_end_with_the_browser(regions):
    UserFactory(username="nanjing", role="Supervisor", region=regions["320100"])
    client = Client()
    login_page = client.get("/accounts/login/")
    csrf = login_page.cookies["csrftoken"]
    assert csrf["httponly"] is True
    assert csrf["samesite"] == "Lax"

    response = client.post("/accounts/login/", {"username": "nanjing", "password": TEST_PASSWORD})

    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert session["max-age"] == ""  # a browser-session cookie: gone when the browser closes
    assert client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() == 8 * 60 * 60
