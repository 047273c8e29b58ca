"""Sign-in throttling (django-axes): five wrong passwords for one username from one address
lock that combination out for thirty minutes, on the sign-in page (the admin's too), and wrong
current passwords on the change-password page count the same way."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client, override_settings
from django.utils import timezone

from credit_records.demo import DEMO_PASSWORD
from tests.builders.core import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("axes_on")]

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture
def axes_on():
    # The test settings switch axes off for client.login(); here it runs as in production.
    with override_settings(AXES_ENABLED=True):
        yield


@pytest.fixture
def official(regions):
    return UserFactory(username="nanjing", role="Supervisor", region=regions["320100"])


def attempt(client, password, username="nanjing", url=LOGIN, **headers):
    return client.post(url, {"username": username, "password": password}, **headers)


def fail(client, times, **kwargs):
    for number in range(1, times + 1):
        response = attempt(client, "wrong-password", **kwargs)
        # The form again with its error, until the fifth failure locks the account out.
        assert response.status_code == (429 if number >= 5 else 200)


def test_after_five_wrong_passwords_even_the_right_one_gets_the_chinese_lockout_page(official):
    client = Client()
    fail(client, 5)

    response = attempt(client, TEST_PASSWORD)

    assert response.status_code == 429
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录已锁定" in html
    assert "30" in html  # minutes
    assert "_auth_user_id" not in client.session
    assert "Content-Security-Policy" in response.headers


def test_four_wrong_passwords_still_let_the_right_one_in(official):
    client = Client()
    fail(client, 4)

    response = attempt(client, TEST_PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(official.pk)


def test_a_successful_sign_in_clears_the_count(official):
    client = Client()
    fail(client, 4)
    assert attempt(client, TEST_PASSWORD).status_code == 302
    client.post("/accounts/logout/")

    fail(client, 4)
    assert attempt(client, TEST_PASSWORD).status_code == 302


def test_the_lock_holds_only_for_that_username_and_that_address(official, regions):
    UserFactory(username="suzhou", role="Supervisor", region=regions["320500"])
    fail(Client(REMOTE_ADDR="10.0.0.1"), 5)

    assert attempt(Client(REMOTE_ADDR="10.0.0.1"), TEST_PASSWORD).status_code == 429
    # Another account from the same address, and the same account from elsewhere, sign in.
    assert (
        attempt(Client(REMOTE_ADDR="10.0.0.1"), TEST_PASSWORD, username="suzhou").status_code == 302
    )
    assert attempt(Client(REMOTE_ADDR="10.0.0.2"), TEST_PASSWORD).status_code == 302


def test_the_lock_ends_after_thirty_minutes(official):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(Client(), 5)
        assert attempt(Client(), TEST_PASSWORD).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
        assert attempt(Client(), TEST_PASSWORD).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=61), tick=False):
        assert attempt(Client(), TEST_PASSWORD).status_code == 302


def test_the_admin_signs_in_on_the_throttled_portal_page(regions):
    UserFactory(username="admin", is_staff=True, is_superuser=True)
    client = Client()
    # The admin's sign-in is the portal's (password, then the second factor: core/signin/).
    assert client.get(ADMIN_LOGIN)["Location"] == f"{LOGIN}?next=/admin/"
    fail(client, 5, username="admin")

    response = attempt(client, TEST_PASSWORD, username="admin")

    assert response.status_code == 429
    assert "登录已锁定" in response.content.decode()
    # A password posted to the admin's own address is not even checked.
    posted = attempt(Client(), TEST_PASSWORD, username="admin", url=ADMIN_LOGIN)
    assert posted.status_code == 302
    assert posted["Location"].startswith(LOGIN)


def test_a_header_made_up_by_the_client_does_not_dodge_the_lock(official):
    for number in range(5):
        attempt(Client(), "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")

    assert attempt(Client(), TEST_PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429


@override_settings(CHENGXIN_PROXY_COUNT=1)
@pytest.mark.parametrize(
    ("forwarded", "other"),
    [
        # The proxy replaces the header with the address it saw (deploy/nginx).
        ("198.51.100.7", "198.51.100.8"),
        # The proxy appends to what the client sent, which may be made up.
        ("10.9.9.9, 198.51.100.7", "10.9.9.9, 198.51.100.8"),
    ],
)
def test_behind_a_proxy_each_client_is_counted_by_its_forwarded_address(official, forwarded, other):
    proxy = {"REMOTE_ADDR": "10.0.0.254"}
    fail(Client(**proxy), 5, HTTP_X_FORWARDED_FOR=forwarded)

    locked = attempt(Client(**proxy), TEST_PASSWORD, HTTP_X_FORWARDED_FOR=forwarded)
    elsewhere = attempt(Client(**proxy), TEST_PASSWORD, HTTP_X_FORWARDED_FOR=other)

    assert locked.status_code == 429
    assert elsewhere.status_code == 302
    assert AccessAttempt.objects.get().ip_address == "198.51.100.7"


def test_the_demo_password_signs_in_with_throttling_on(regions):
    user = UserFactory(username="province", role="Supervisor", region=regions["320000"])
    user.set_password(DEMO_PASSWORD)
    user.save()

    assert attempt(Client(), DEMO_PASSWORD, username="province").status_code == 302


# --- The change-password page -----------------------------------------------------------------

PASSWORD_CHANGE = "/accounts/password/"
NEW_PASSWORD = "Xin-mi-ma-2026-strong"


def change_password(client, old_password):
    return client.post(
        PASSWORD_CHANGE,
        {
            "old_password": old_password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_guessing_the_current_password_locks_the_account_like_failed_sign_ins(official):
    client = signed_in(official)
    limit = 5  # AXES_FAILURE_LIMIT
    for _number in range(limit - 1):
        response = change_password(client, "wrong-guess")
        assert response.status_code == 200
        assert "old_password" in response.context["form"].errors

    locking = change_password(client, "wrong-guess")

    assert locking.status_code == 429
    assert "登录已锁定" in locking.content.decode()
    # The right password no longer helps, here or on the sign-in page.
    assert change_password(client, TEST_PASSWORD).status_code == 429
    assert attempt(Client(), TEST_PASSWORD).status_code == 429
    official.refresh_from_db()
    assert official.check_password(TEST_PASSWORD)
    assert not official.check_password(NEW_PASSWORD)


def test_wrong_sign_ins_and_wrong_current_passwords_count_towards_one_lock(official):
    fail(Client(), 3)
    client = signed_in(official)
    assert change_password(client, "wrong-guess").status_code == 200

    assert change_password(client, "wrong-guess").status_code == 429
    assert attempt(Client(), TEST_PASSWORD).status_code == 429


def test_the_right_current_password_after_a_few_wrong_ones_changes_it(official):
    client = signed_in(official)
    for _number in range(4):
        assert change_password(client, "wrong-guess").status_code == 200

    response = change_password(client, TEST_PASSWORD)

    assert response.status_code == 302
    official.refresh_from_db()
    assert official.check_password(NEW_PASSWORD)
