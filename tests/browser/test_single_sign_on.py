"""Single sign-on in real Chromium, against the OpenID Connect provider the test starts on
127.0.0.1 (tests/builders/oidc_provider.py): the sign-in page's button takes the browser to the
provider, which sends it back with a code; the portal exchanges it, checks the signed ID
token and opens the workspace. Someone the portal has no account for is told so."""

import pytest
from django.test import override_settings

from tests.builders.core import UserFactory
from tests.builders.oidc_provider import Provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def provider():
    with Provider() as running, override_settings(**running.settings()):
        yield running


def test_a_supervisor_signs_in_with_the_identity_platform_button(
    browser_page, live_server, regions, provider
):
    UserFactory(username="nanjing", role="Supervisor", region=regions["320100"])
    page = browser_page

    page.goto(f"{live_server.url}/workspace/records/")
    page.get_by_role("link", name="通过统一身份认证平台登录").click()

    page.wait_for_url(f"{live_server.url}/workspace/records/")
    assert "南京市" in page.locator(".user-box").inner_text()
    assert provider.tokens_issued == 1


def test_someone_without_an_account_is_told_so_in_chinese(
    browser_page, live_server, regions, provider
):
    provider.claims = {"sub": "3003", "preferred_username": "visitor"}
    page = browser_page

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="通过统一身份认证平台登录").click()

    assert page.get_by_role("heading", name="统一身份认证登录被拒绝").is_visible()
    assert page.get_by_text("没有与您的身份相符的账户").is_visible()
