"""Single sign-on with OpenID Connect, end to end against a provider the test starts on
127.0.0.1 (tests/builders/oidc_provider.py): the portal sends the browser there, the provider
sends it back with a code, the portal exchanges the code for tokens over HTTP and checks the
ID token's RS256 signature against the provider's JWKS, its issuer, audience and nonce. A
person is matched to an existing account by a configured claim and never created. With local
passwords off, only break-glass administrators sign in with a password."""

from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.test import Client, override_settings

from core.models import User
from tests.builders.core import TEST_PASSWORD, UserFactory
from tests.builders.oidc_provider import Provider

pytestmark = [pytest.mark.django_db]

CALLBACK = "/accounts/sso/callback/"


@pytest.fixture
def provider():
    with Provider() as running, override_settings(**running.settings()):
        yield running


@pytest.fixture
def supervisor(regions):
    return UserFactory(
        username="nanjing", email="wm@nj.gov.cn", role="Supervisor", region=regions["320100"]
    )


def sso(client: Client, next_url: str = ""):
    """The journey: the portal's button, the provider's sign-in, back to the portal."""
    start = client.get("/accounts/sso/start/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302
    authorize = start["Location"]
    asked = {k: v[0] for k, v in parse_qs(urlparse(authorize).query).items()}
    assert asked["client_id"] == "chengxin-portal"
    assert asked["nonce"] and asked["state"] and asked["code_challenge"]
    back = requests.get(authorize, allow_redirects=False, timeout=10)
    assert back.status_code == 302
    returned = urlparse(back.headers["Location"])
    assert returned.path == CALLBACK
    return client.get(f"{returned.path}?{returned.query}")


def test_a_supervisor_signs_in_through_the_identity_platform(provider, supervisor):
    client = Client()

    response = sso(client, "/workspace/records/")

    assert response.status_code == 302
    assert response["Location"] == "/workspace/records/"
    assert client.session["_auth_user_id"] == str(supervisor.pk)
    assert client.get("/workspace/").status_code == 200
    assert provider.tokens_issued == 1


def test_the_sign_in_page_shows_the_button_only_when_single_sign_on_is_configured(
    provider, supervisor
):
    html = Client().get("/accounts/login/").content.decode()
    assert "通过统一身份认证平台登录" in html
    assert 'href="/accounts/sso/start/' in html
    with override_settings(CHENGXIN_OIDC_ENABLED=False):
        assert "统一身份认证" not in Client().get("/accounts/login/").content.decode()
        assert Client().get("/accounts/sso/start/").status_code == 404


def test_an_identity_that_matches_no_account_is_refused_and_nothing_is_created(
    provider, supervisor
):
    provider.claims = {"sub": "2002", "preferred_username": "stranger", "email": "x@example.cn"}
    users_before = User.objects.count()
    client = Client()

    response = sso(client)

    assert response.status_code == 403
    html = response.content.decode()
    assert "没有与您的身份相符的账户" in html
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == users_before


def test_a_token_whose_signature_does_not_match_is_refused(provider, supervisor):
    UserFactory(username="admin", is_superuser=True, is_staff=True)
    provider.tamper = True
    client = Client()

    response = sso(client)

    assert response.status_code == 403
    assert "无法验证" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "change",
    [
        {"nonce": "a-nonce-from-another-sign-in"},
        {"audience": "another-application"},
        {"issuer": "http://127.0.0.1:1/someone-else"},
    ],
    ids=["wrong nonce", "wrong audience", "wrong issuer"],
)
def test_a_token_made_for_another_sign_in_or_application_is_refused(provider, supervisor, change):
    for name, value in change.items():
        setattr(provider, name, value)
    client = Client()

    response = sso(client)

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_code_cannot_be_replayed(provider, supervisor):
    client = Client()
    start = client.get("/accounts/sso/start/")
    back = requests.get(start["Location"], allow_redirects=False, timeout=10)
    returned = urlparse(back.headers["Location"])
    assert client.get(f"{returned.path}?{returned.query}").status_code == 302

    again = Client().get(f"{returned.path}?{returned.query}")

    assert again.status_code == 403


@override_settings(CHENGXIN_OIDC_MATCH_CLAIM="email", CHENGXIN_OIDC_MATCH_FIELD="email")
def test_the_matching_claim_and_field_are_settings(provider, supervisor):
    provider.claims = {"sub": "1001", "preferred_username": "someone-else", "email": "WM@nj.gov.cn"}
    client = Client()

    assert sso(client).status_code == 302
    assert client.session["_auth_user_id"] == str(supervisor.pk)


def test_single_sign_on_leaves_the_role_and_scope_as_the_administrator_set_them(
    provider, supervisor
):
    provider.claims = {**provider.claims, "email": "new@example.cn", "name": "Someone"}
    sso(Client())

    supervisor.refresh_from_db()
    assert supervisor.email == "wm@nj.gov.cn"
    assert supervisor.role.value == "Supervisor"
    assert supervisor.region.code == "320100"


@override_settings(CHENGXIN_TWO_FACTOR_ROLES=["Supervisor"])
def test_a_supervisor_signed_in_through_the_platform_still_gives_the_second_factor(
    provider, supervisor
):
    client = Client()
    sso(client)

    assert client.get("/workspace/")["Location"].startswith("/accounts/two-factor/")


# --- Local passwords off ----------------------------------------------------------------------


@pytest.fixture
def passwords_off(provider):
    with override_settings(CHENGXIN_LOCAL_PASSWORDS=False):
        yield


def password_sign_in(username, url="/accounts/login/"):
    client = Client()
    client.post(url, {"username": username, "password": TEST_PASSWORD})
    return client.session.get("_auth_user_id")


@pytest.mark.usefixtures("passwords_off")
def test_with_local_passwords_off_the_sign_in_page_offers_only_single_sign_on(supervisor):
    html = Client().get("/accounts/login/").content.decode()

    assert "通过统一身份认证平台登录" in html
    assert 'name="password"' not in html
    assert "break-glass" in html
    assert 'name="password"' in Client().get("/accounts/login/?break-glass=1").content.decode()


@pytest.mark.usefixtures("passwords_off")
def test_with_local_passwords_off_a_password_signs_in_only_a_break_glass_administrator(
    supervisor,
):
    plain_admin = UserFactory(username="admin1", role="Administrator")
    break_glass = UserFactory(username="admin2", role="Administrator", break_glass=True)
    # The flag alone is not enough: only administrators break the glass.
    UserFactory(username="nanjing2", role="Supervisor", region=supervisor.region, break_glass=True)

    assert password_sign_in("nanjing") is None
    assert password_sign_in("nanjing2") is None
    assert password_sign_in("admin1") is None
    assert password_sign_in("admin2") == str(break_glass.pk)
    assert plain_admin.check_password(TEST_PASSWORD)


@pytest.mark.usefixtures("passwords_off")
def test_with_local_passwords_off_the_admin_and_the_api_take_no_password(supervisor):
    UserFactory(username="admin1", role="Administrator")
    client = Client()
    client.post("/admin/login/", {"username": "admin1", "password": TEST_PASSWORD})
    assert "_auth_user_id" not in client.session
    # The API authenticates sessions and tokens only: a password in Basic auth is no use.
    import base64

    basic = base64.b64encode(f"nanjing:{TEST_PASSWORD}".encode()).decode()
    assert Client(HTTP_AUTHORIZATION=f"Basic {basic}").get("/api/v1/regions/").status_code in (
        401,
        403,
    )


@pytest.mark.usefixtures("passwords_off")
def test_with_local_passwords_off_single_sign_on_still_signs_in(provider, supervisor):
    client = Client()
    assert sso(client).status_code == 302
    assert client.session["_auth_user_id"] == str(supervisor.pk)
