"""My sessions: each user sees the browsers signed in to their account (this one marked) and
signs out of the others, or of all of them, for real: the other browser's next request is
signed out, whatever session engine is configured."""

import datetime

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.utils import timezone

from core import sessions
from core.models import UserSession
from tests.builders.core import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


@pytest.fixture
def official(regions):
    return UserFactory(username="nanjing", role="Supervisor", region=regions["320100"])


def sign_in(user, **headers) -> Client:
    """A browser that signs in through the sign-in page."""
    client = Client(**headers)
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302, response.content[:300]
    return client


def signed_in(client) -> bool:
    return client.get("/workspace/").status_code == 200


def test_signing_in_twice_lists_two_sessions_with_this_one_marked(official):
    office = sign_in(official, HTTP_USER_AGENT=CHROME, REMOTE_ADDR="10.0.0.5")
    sign_in(official, HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="10.0.0.6")

    response = office.get("/accounts/sessions/")

    assert response.status_code == 200
    rows = response.context["sessions"]
    assert {(row.ip_address, row.browser, row.system) for row in rows} == {
        ("10.0.0.5", "Chrome", "Windows"),
        ("10.0.0.6", "Firefox", "Linux"),
    }
    current = [row for row in rows if row.current]
    assert [row.ip_address for row in current] == ["10.0.0.5"]
    html = response.content.decode()
    assert "本浏览器" in html and "退出其他所有登录" in html


def test_signing_out_everywhere_else_signs_the_other_browser_out(official):
    office = sign_in(official)
    home = sign_in(official)
    assert signed_in(home)

    response = office.post("/accounts/sessions/end/", {"scope": "others"}, follow=True)

    assert response.status_code == 200
    assert "已退出其他 1 处登录" in response.content.decode()
    assert not signed_in(home)
    assert signed_in(office)
    assert [row.session_key for row in UserSession.objects.all()] == [office.session.session_key]


def test_signing_out_everywhere_signs_out_this_browser_too(official):
    office = sign_in(official)
    home = sign_in(official)

    response = office.post("/accounts/sessions/end/", {"scope": "all"})

    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert not signed_in(office)
    assert not signed_in(home)
    assert not UserSession.objects.exists()
    assert not Session.objects.exists()


def test_another_users_sessions_are_left_alone(official, regions):
    colleague = UserFactory(role="Supervisor", region=regions["320100"])
    theirs = sign_in(colleague)
    office = sign_in(official)

    office.post("/accounts/sessions/end/", {"scope": "all"})

    assert signed_in(theirs)


@override_settings(SESSION_ENGINE="django.contrib.sessions.backends.cache")
def test_signing_out_everywhere_works_with_the_cache_session_engine(official):
    office = sign_in(official)
    home = sign_in(official)
    assert signed_in(home)

    office.post("/accounts/sessions/end/", {"scope": "others"})

    assert not signed_in(home)
    assert signed_in(office)


@override_settings(SESSION_ENGINE="django.contrib.sessions.backends.cached_db")
def test_signing_out_everywhere_works_with_the_cached_db_session_engine(official):
    # The default with a shared cache (config/settings/base.py): sessions read from the cache.
    office = sign_in(official)
    home = sign_in(official)
    assert signed_in(home)

    office.post("/accounts/sessions/end/", {"scope": "others"})

    assert not signed_in(home)
    assert signed_in(office)


def test_signing_out_removes_the_session_from_the_list(official):
    office = sign_in(official)
    home = sign_in(official)
    home.post("/accounts/logout/")

    rows = office.get("/accounts/sessions/").context["sessions"]

    assert len(rows) == 1 and rows[0].current


def test_last_activity_is_written_at_most_once_per_touch_period(official, settings):
    settings.CHENGXIN_SESSION_TOUCH_MINUTES = 5
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        office = sign_in(official)
    row = UserSession.objects.get()
    assert row.last_seen_at == start

    with time_machine.travel(start + datetime.timedelta(minutes=2), tick=False):
        assert signed_in(office)
    row.refresh_from_db()
    assert row.last_seen_at == start

    with time_machine.travel(start + datetime.timedelta(minutes=6), tick=False):
        # The cache's marker expires on the cache's clock: clear it as time would.
        from django.core.cache import cache

        cache.clear()
        assert signed_in(office)
    row.refresh_from_db()
    assert row.last_seen_at == start + datetime.timedelta(minutes=6)


def test_a_session_from_before_the_list_existed_gets_its_row_on_its_next_request(official):
    office = sign_in(official)
    UserSession.objects.all().delete()
    from django.core.cache import cache

    cache.clear()

    assert signed_in(office)

    assert UserSession.objects.get().session_key == office.session.session_key


def test_a_password_change_drops_the_other_sessions_from_the_list(official):
    office = sign_in(official)
    sign_in(official)
    new = "Kx7#pL2v!Qw9zR"
    response = office.post(
        "/accounts/password/",
        {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302

    rows = office.get("/accounts/sessions/").context["sessions"]

    assert [row.current for row in rows] == [True]


def test_stale_session_rows_are_purged(official, settings):
    sign_in(official)
    later = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    assert sessions.purge_stale(now=later) == 1
    assert not UserSession.objects.exists()


def test_my_sessions_is_in_the_mine_menu(official):
    html = sign_in(official).get("/workspace/").content.decode()
    assert 'href="/accounts/sessions/"' in html


def test_the_sessions_pages_need_a_sign_in(db):
    client = Client()
    assert client.get("/accounts/sessions/")["Location"].startswith("/accounts/login/")
    response = client.post("/accounts/sessions/end/", {"scope": "all"})
    assert response["Location"].startswith("/accounts/login/")
