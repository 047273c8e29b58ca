"""Each notification's email goes out once: a worker claims it, sends it, then marks it sent.
A worker that dies between the claim and the send leaves a claim that runs out
(CHENGXIN_EMAIL_CLAIM_SECONDS), after which the pending-email scan sends the email again."""

import datetime

import pytest
from django.core import mail
from django.test import override_settings

from core import notifications
from core.models import NotificationKind

from ..builders.clock import at
from ..builders.core import UserFactory

pytestmark = pytest.mark.django_db

NOON = at(datetime.date(2026, 3, 2), 12)


@pytest.fixture
def notification(time_machine, nanjing_department):
    time_machine.move_to(NOON, tick=False)
    liaison = UserFactory(
        username="liaison",
        role="Department liaison",
        department=nanjing_department,
        email="liaison@czj.nanjing.gov.cn",
    )
    [created] = notifications.notify(
        [liaison], kind=NotificationKind.REMINDER, title="整改期限提醒", url="/workspace/"
    )
    mail.outbox.clear()
    return created


def moment(minutes):
    return NOON + datetime.timedelta(minutes=minutes)


def worker_dies_after_claiming(notification_id, monkeypatch):
    """The worker claims the email and is killed before its message leaves (a hard time
    limit, an OOM kill): nothing after the claim runs."""

    class Killed(BaseException):
        pass

    def killed(*args, **kwargs):
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(notifications, "send_mail", killed)
        with pytest.raises(Killed):
            notifications.send_notification_email(notification_id)


def test_an_email_is_sent_once_and_marked_sent_after_it_left(notification):
    assert notifications.send_notification_email(notification.pk) is True
    assert notifications.send_notification_email(notification.pk) is False

    notification.refresh_from_db()
    assert notification.email_claimed_at is not None
    assert notification.email_sent_at is not None
    assert [message.to for message in mail.outbox] == [["liaison@czj.nanjing.gov.cn"]]


def test_an_email_whose_worker_died_after_claiming_it_is_sent_once_the_claim_runs_out(
    time_machine, notification, monkeypatch
):
    worker_dies_after_claiming(notification.pk, monkeypatch)
    notification.refresh_from_db()
    assert notification.email_claimed_at is not None
    assert notification.email_sent_at is None

    # Within the lease the claim may still be alive (a slow mail server): nobody sends.
    time_machine.move_to(moment(9), tick=False)
    assert notifications.send_pending_emails() == 0
    assert notifications.send_notification_email(notification.pk) is False
    assert mail.outbox == []

    time_machine.move_to(moment(11), tick=False)
    assert notifications.send_pending_emails() == 1
    assert notifications.send_pending_emails() == 0
    assert [message.to for message in mail.outbox] == [["liaison@czj.nanjing.gov.cn"]]
    notification.refresh_from_db()
    assert notification.email_sent_at is not None


@override_settings(CHENGXIN_EMAIL_CLAIM_SECONDS=60)
def test_the_claims_lease_is_configurable(time_machine, notification, monkeypatch):
    worker_dies_after_claiming(notification.pk, monkeypatch)

    time_machine.move_to(moment(2), tick=False)

    assert notifications.send_pending_emails() == 1


def test_a_failed_send_gives_the_claim_back_for_the_next_scan(
    time_machine, notification, monkeypatch
):
    def refused(*args, **kwargs):
        raise ConnectionRefusedError("SMTP server down")

    with monkeypatch.context() as patch:
        patch.setattr(notifications, "send_mail", refused)
        assert notifications.send_pending_emails(older_than_seconds=0) == 0
    notification.refresh_from_db()
    assert (notification.email_claimed_at, notification.email_sent_at) == (None, None)

    time_machine.move_to(moment(1), tick=False)
    assert notifications.send_pending_emails() == 1
    assert len(mail.outbox) == 1
