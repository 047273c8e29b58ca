"""Password reset by email: the link in the email works once and only until
PASSWORD_RESET_TIMEOUT; requests are limited per client address and per email address; the
answer never says whether an account has the address."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from core.models import UserSession
from tests.builders.core import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

RESET = "/accounts/password/reset/"
NEW = "Yb4$kP9w!Lm2tQ"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def official(regions):
    return UserFactory(
        username="nanjing",
        first_name="小明",
        last_name="王",
        email="wang@nanjing.gov.cn",
        role="Supervisor",
        region=regions["320100"],
    )


def reset_link() -> str:
    (message,) = mail.outbox
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def choose(client, link, password=NEW):
    page = client.get(link, follow=True)
    if not page.context.get("validlink"):
        return page
    return client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link,
        {"new_password1": password, "new_password2": password},
        follow=True,
    )


def test_the_reset_journey_mails_a_link_that_sets_a_new_password(official, settings):
    settings.CHENGXIN_BASE_URL = "https://chengxin.example.gov.cn"
    client = Client()

    response = client.post(RESET, {"email": "Wang@Nanjing.gov.cn"})

    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    (message,) = mail.outbox
    assert message.to == ["wang@nanjing.gov.cn"]
    assert message.subject == "[诚信] 重置密码"
    assert "王小明" in message.body and "nanjing" in message.body
    assert "https://chengxin.example.gov.cn/accounts/password/reset/" in message.body
    assert "60 分钟" in message.body

    done = choose(client, reset_link())

    assert done.redirect_chain[-1][0] == "/accounts/password/reset/done/"
    assert "密码已修改" in done.content.decode()
    official.refresh_from_db()
    assert official.check_password(NEW)
    assert Client().login(username="nanjing", password=NEW)


def test_the_link_works_only_once(official):
    client = Client()
    client.post(RESET, {"email": official.email})
    link = reset_link()
    choose(client, link)

    again = choose(Client(), link, password="Zq8&vN3x!Rt5pW")

    assert again.context["validlink"] is False
    assert "链接已失效" in again.content.decode()
    official.refresh_from_db()
    assert official.check_password(NEW)


def test_an_expired_link_is_refused(official, settings):
    settings.PASSWORD_RESET_TIMEOUT = 60 * 60
    sent = timezone.now()
    with time_machine.travel(sent, tick=False):
        Client().post(RESET, {"email": official.email})
    link = reset_link()

    with time_machine.travel(sent + datetime.timedelta(minutes=61), tick=False):
        page = choose(Client(), link)

    assert page.context["validlink"] is False
    official.refresh_from_db()
    assert official.check_password(TEST_PASSWORD)


def test_a_link_still_within_its_time_works(official, settings):
    settings.PASSWORD_RESET_TIMEOUT = 60 * 60
    sent = timezone.now()
    with time_machine.travel(sent, tick=False):
        Client().post(RESET, {"email": official.email})
    link = reset_link()
    with time_machine.travel(sent + datetime.timedelta(minutes=59), tick=False):
        choose(Client(), link)
    official.refresh_from_db()
    assert official.check_password(NEW)


def test_an_unknown_address_gets_the_same_answer_and_no_email(official):
    known = Client().post(RESET, {"email": official.email})
    unknown = Client().post(RESET, {"email": "nobody@nanjing.gov.cn"})
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert len(mail.outbox) == 1


def test_a_reset_signs_out_every_browser_of_the_account(official):
    other = Client()
    other.force_login(official)
    assert UserSession.objects.filter(user=official).exists()
    client = Client()
    client.post(RESET, {"email": official.email})

    choose(client, reset_link())

    assert other.get("/workspace/").status_code == 302
    assert not UserSession.objects.filter(user=official).exists()


def test_requests_for_one_address_are_limited(official, settings):
    settings.CHENGXIN_PASSWORD_RESET_RATE_PER_EMAIL = "3/hour"
    for number in range(3):
        response = Client(REMOTE_ADDR=f"10.0.0.{number}").post(RESET, {"email": official.email})
        assert response.status_code == 302

    refused = Client(REMOTE_ADDR="10.0.0.9").post(RESET, {"email": official.email.upper()})

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "重置密码的请求过多" in refused.content.decode()
    assert len(mail.outbox) == 3


def test_requests_from_one_client_address_are_limited(official, settings):
    settings.CHENGXIN_PASSWORD_RESET_RATE_PER_IP = "2/hour"
    client = Client(REMOTE_ADDR="10.0.0.7")
    for number in range(2):
        assert client.post(RESET, {"email": f"probe{number}@example.cn"}).status_code == 302

    refused = client.post(RESET, {"email": official.email})

    assert refused.status_code == 429
    assert mail.outbox == []
    # Another address is not held up by this one.
    assert Client(REMOTE_ADDR="10.0.0.8").post(RESET, {"email": official.email}).status_code == 302


def test_the_limit_answers_alike_for_known_and_unknown_addresses(official, settings):
    settings.CHENGXIN_PASSWORD_RESET_RATE_PER_EMAIL = "1/hour"
    answers = []
    for email in (official.email, "nobody@nanjing.gov.cn"):
        Client(REMOTE_ADDR="10.0.1.1").post(RESET, {"email": email})
        answers.append(Client(REMOTE_ADDR="10.0.1.2").post(RESET, {"email": email}).status_code)
    assert answers == [429, 429]


def test_the_sign_in_page_offers_the_reset(db):
    html = Client().get("/accounts/login/").content.decode()
    assert f'href="{RESET}"' in html
    assert "忘记密码" in html
