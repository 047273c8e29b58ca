"""API tokens expire CHENGXIN_API_TOKEN_DAYS after they are issued; their owner sees only
their first characters, rotates them (the new key shown once) and revokes them. An expired or
revoked token is refused with 401 and a Chinese reason."""

import datetime

import pytest
import time_machine
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests.builders.core import UserFactory

pytestmark = [pytest.mark.django_db]

PAGE = "/accounts/api-token/"
API = "/api/v1/regions/"


@pytest.fixture
def supervisor(regions):
    return UserFactory(username="nanjing", role="Supervisor", region=regions["320100"])


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def api(key):
    return Client(HTTP_AUTHORIZATION=f"Token {key}").get(API)


def test_a_token_works_until_its_ninetieth_day_and_is_refused_from_then_on(supervisor):
    issued = timezone.now()
    with time_machine.travel(issued, tick=False):
        key = Token.objects.create(user=supervisor).key
    with time_machine.travel(issued + datetime.timedelta(days=90, seconds=-1), tick=False):
        assert api(key).status_code == 200
    with time_machine.travel(issued + datetime.timedelta(days=90), tick=False):
        refused = api(key)

    assert refused.status_code == 401
    assert "已于" in refused.json()["detail"] and "过期" in refused.json()["detail"]


@override_settings(CHENGXIN_API_TOKEN_DAYS=7)
def test_the_lifetime_is_a_setting(supervisor):
    issued = timezone.now()
    with time_machine.travel(issued, tick=False):
        key = Token.objects.create(user=supervisor).key
    with time_machine.travel(issued + datetime.timedelta(days=7), tick=False):
        assert api(key).status_code == 401


def test_the_owner_issues_a_token_and_sees_it_only_once(supervisor):
    client = signed_in(supervisor)

    issued = client.post(f"{PAGE}rotate/")

    assert issued.status_code == 200
    key = Token.objects.get(user=supervisor).key
    assert key in issued.content.decode()
    assert issued["Cache-Control"].startswith("no-store")
    assert api(key).status_code == 200
    page = client.get(PAGE).content.decode()
    assert key not in page
    assert key[:6] in page


def test_rotating_stops_the_old_key_at_once_and_starts_a_new_lifetime(supervisor):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        old = Token.objects.create(user=supervisor).key
    with time_machine.travel(start + datetime.timedelta(days=80), tick=False):
        response = signed_in(supervisor).post(f"{PAGE}rotate/")
        new = Token.objects.get(user=supervisor).key
        assert new != old and new in response.content.decode()
        assert api(old).status_code == 401
        assert api(new).status_code == 200
    with time_machine.travel(start + datetime.timedelta(days=100), tick=False):
        # The old key's lifetime would be over; the new one's is not.
        assert api(new).status_code == 200


def test_a_revoked_token_is_refused_with_a_chinese_reason(supervisor):
    key = Token.objects.create(user=supervisor).key
    client = signed_in(supervisor)

    response = client.post(f"{PAGE}revoke/")

    assert response.status_code == 302
    assert not Token.objects.filter(user=supervisor).exists()
    refused = api(key)
    assert refused.status_code == 401
    assert "吊销" in refused.json()["detail"]
    assert "您还没有 API 令牌" in client.get(PAGE).content.decode()


def test_the_page_shows_an_expired_token_as_expired(supervisor):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=91), tick=False):
        Token.objects.create(user=supervisor)

    html = signed_in(supervisor).get(PAGE).content.decode()

    assert "已过期" in html


def test_nobody_rotates_or_revokes_another_users_token(supervisor, regions):
    other = UserFactory(username="suzhou", role="Supervisor", region=regions["320500"])
    theirs = Token.objects.create(user=other).key

    signed_in(supervisor).post(f"{PAGE}revoke/")
    signed_in(supervisor).post(f"{PAGE}rotate/")

    assert Token.objects.get(user=other).key == theirs
    assert api(theirs).status_code == 200


def test_the_token_pages_need_a_signed_in_user():
    assert Client().get(PAGE)["Location"].startswith("/accounts/login/")
    assert Client().post(f"{PAGE}rotate/")["Location"].startswith("/accounts/login/")
