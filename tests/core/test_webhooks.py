"""Webhooks against a real HTTP server on this machine: events written with the change (and
rolled back with it), deliveries signed and verifiable with the documented snippet, a 500
retried later with backoff, the order per object kept, nothing lost while the broker is down,
giving up after the configured time, resending from the admin, and the SSRF checks."""

import datetime
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import override_settings

from core import webhooks
from core.events import emit, validate_target_url
from core.models import (
    DeliveryStatus,
    OutboxEvent,
    TransparencyEntry,
    WebhookDelivery,
    WebhookSubscription,
)
from credit_records import exchange, services

from ..builders.records import make_objection, make_record
from ..builders.tasks import celery_broker

SECRET = "s3cret-for-tests"
LOCAL = override_settings(
    CHENGXIN_WEBHOOK_ALLOW_HTTP=True,
    CHENGXIN_WEBHOOK_NETWORKS=["127.0.0.0/8"],
    CHENGXIN_WEBHOOK_RETRY_BASE_SECONDS=60,
    CHENGXIN_WEBHOOK_RETRY_MAX_SECONDS=3600,
    CHENGXIN_WEBHOOK_RETRY_HOURS=24,
    CHENGXIN_WEBHOOK_TIMEOUT=5,
)


def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """The receiver's check, as docs/exchange.md gives it."""
    fields = dict(part.split("=", 1) for part in header.split(","))
    timestamp = int(fields["t"])
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), fields["v1"])


class Receiver:
    """An HTTP server in a thread that keeps what it was sent and answers with the next of
    ``statuses`` (200 once they run out)."""

    def __init__(self):
        self.requests = []
        self.statuses = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"server error")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def bodies(self):
        return [json.loads(body) for _headers, body in self.requests]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    with LOCAL:
        yield server
    server.close()


@pytest.fixture
def subscription(receiver, db):
    return WebhookSubscription.objects.create(
        name="省信用平台", target_url=receiver.url, secret=SECRET, event_types=[]
    )


def deliver_until_quiet():
    while webhooks.deliver_due():
        pass


@pytest.mark.django_db
def test_a_confirmed_record_reaches_the_subscriber_signed_in_order(
    subscription, receiver, nanjing_department
):
    record = make_record(nanjing_department, state="draft")
    services.record_confirm(record=record, actor=None)

    deliver_until_quiet()

    assert [body["type"] for body in receiver.bodies()] == [
        exchange.RECORD_CONFIRMED,
        exchange.PUBLISHED,
    ]
    for headers, body in receiver.requests:
        assert verify(SECRET, headers["X-Chengxin-Signature"], body)
        assert not verify("another secret", headers["X-Chengxin-Signature"], body)
    published = receiver.bodies()[1]
    assert published["object"] == {
        "type": "credit_records.dishonestyrecord",
        "id": record.pk,
        "repr": str(record),
    }
    assert published["data"]["action"] == "published"
    assert published["data"]["record"]["subject_uscc"] == nanjing_department.uscc
    assert published["data"]["record"]["decision_number"] == record.decision_number
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}


@pytest.mark.django_db
def test_a_tampered_body_fails_the_signature_check(subscription, receiver, nanjing_department):
    make_record(nanjing_department, state="confirmed")
    deliver_until_quiet()
    headers, body = receiver.requests[0]
    assert not verify(SECRET, headers["X-Chengxin-Signature"], body.replace(b"}", b" }", 1))


@pytest.mark.django_db
def test_a_subscriber_gets_only_the_events_it_chose(receiver, nanjing_department):
    WebhookSubscription.objects.create(
        name="只要公开", target_url=receiver.url, secret=SECRET, event_types=[exchange.PUBLISHED]
    )
    make_record(nanjing_department, state="confirmed")
    deliver_until_quiet()
    assert [body["type"] for body in receiver.bodies()] == [exchange.PUBLISHED]


@pytest.mark.django_db
def test_a_500_is_retried_later_with_the_attempt_logged(
    subscription, receiver, nanjing_department, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False)
    make_record(nanjing_department, state="draft")
    record = make_record(nanjing_department, state="draft")
    emit_one = services.record_confirm
    subscription.event_types = [exchange.RECORD_CONFIRMED]
    subscription.save()
    receiver.statuses = [500]
    emit_one(record=record, actor=None)

    assert webhooks.deliver_due() == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    attempt = delivery.attempt_log.get()
    assert attempt.status_code == 500
    assert attempt.response_excerpt == "server error"
    # The first retry waits CHENGXIN_WEBHOOK_RETRY_BASE_SECONDS (60 s).
    assert delivery.next_attempt_at == datetime.datetime(2026, 3, 2, 9, 1, tzinfo=datetime.UTC)
    assert webhooks.deliver_due() == 0

    time_machine.shift(datetime.timedelta(seconds=59))
    assert webhooks.deliver_due() == 0
    time_machine.shift(datetime.timedelta(seconds=1))
    assert webhooks.deliver_due() == 1

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert [a.status_code for a in delivery.attempt_log.order_by("attempted_at")] == [500, 200]
    assert len(receiver.requests) == 2


@pytest.mark.django_db
def test_the_backoff_doubles_up_to_its_maximum():
    with LOCAL:
        assert [webhooks.retry_delay(n).total_seconds() for n in (1, 2, 3, 6, 7, 20)] == [
            60,
            120,
            240,
            1920,
            3600,
            3600,
        ]


@pytest.mark.django_db
def test_a_later_event_of_the_same_record_waits_for_the_earlier_one(
    subscription, receiver, nanjing_department, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False)
    other = make_record(nanjing_department, state="draft")
    record = make_record(nanjing_department, state="draft")
    subscription.event_types = [exchange.RECORD_CONFIRMED, exchange.OBJECTION_DECIDED]
    subscription.save()
    services.record_confirm(record=record, actor=None)
    receiver.statuses = [500]
    webhooks.deliver_due()  # the confirmation fails once
    # A second event of the same record, and one of another record.
    objection = make_objection(record)
    services.objection_decide(objection=objection, actor=None, uphold=False, reason="理由不成立")
    services.record_confirm(record=other, actor=None)
    # objection.decided is about the objection, not the record: only the record's own
    # events are ordered among themselves.
    webhooks.deliver_due()
    sent = [(b["type"], b["object"]["id"]) for b in receiver.bodies()]
    assert sent[0] == (exchange.RECORD_CONFIRMED, record.pk)
    assert (exchange.RECORD_CONFIRMED, other.pk) in sent[1:]
    assert sent.count((exchange.RECORD_CONFIRMED, record.pk)) == 1  # not retried yet

    time_machine.shift(datetime.timedelta(minutes=2))
    deliver_until_quiet()
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}


@pytest.mark.django_db
def test_events_of_one_object_are_delivered_in_their_order(
    subscription, receiver, nanjing_department, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False)
    record = make_record(nanjing_department, state="draft")
    with transaction.atomic():
        for n in range(3):
            emit(exchange.RECORD_CONFIRMED, record, {"n": n})
    receiver.statuses = [500]
    webhooks.deliver_due()
    assert [b["data"]["n"] for b in receiver.bodies()] == [0]  # 1 and 2 wait behind 0
    time_machine.shift(datetime.timedelta(minutes=1))
    deliver_until_quiet()
    assert [b["data"]["n"] for b in receiver.bodies()] == [0, 0, 1, 2]


@pytest.mark.django_db
def test_with_the_broker_down_the_action_succeeds_and_the_scan_delivers_later(
    subscription, receiver, nanjing_department, django_capture_on_commit_callbacks
):
    record = make_record(nanjing_department, state="draft")
    with (
        celery_broker("redis://127.0.0.1:1/0"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.record_confirm(record=record, actor=None)
    assert OutboxEvent.objects.filter(event_type=exchange.RECORD_CONFIRMED).count() == 1
    assert receiver.requests == []

    deliver_until_quiet()  # beat's scan, once a worker runs again
    assert [b["type"] for b in receiver.bodies()] == [exchange.RECORD_CONFIRMED, exchange.PUBLISHED]


@pytest.mark.django_db
def test_a_change_that_rolls_back_leaves_no_event(subscription, nanjing_department):
    record = make_record(nanjing_department, state="draft")
    with pytest.raises(RuntimeError), transaction.atomic():
        services.record_confirm(record=record, actor=None)
        assert OutboxEvent.objects.count() == 2
        raise RuntimeError("the request failed after the service")
    assert OutboxEvent.objects.count() == 0
    assert TransparencyEntry.objects.count() == 0
    record.refresh_from_db()
    assert record.status == "draft"


@pytest.mark.django_db
def test_a_failing_delivery_is_given_up_after_the_configured_hours_and_can_be_resent(
    subscription, receiver, nanjing_department, time_machine, administrator, login
):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False)
    subscription.event_types = [exchange.RECORD_CONFIRMED]
    subscription.save()
    make_record(nanjing_department, state="confirmed")
    receiver.statuses = [500] * 100
    for _hour in range(25):
        webhooks.deliver_due()
        time_machine.shift(datetime.timedelta(hours=1))
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    tries = delivery.attempts
    assert tries == delivery.attempt_log.count() > 3

    receiver.statuses = []
    response = login(administrator).post(
        "/admin/core/webhookdelivery/",
        {"action": "resend", "_selected_action": [delivery.pk]},
    )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    webhooks.deliver_due()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempt_log.count() == tries + 1


@pytest.mark.django_db
def test_running_the_scan_twice_sends_each_delivery_once(
    subscription, receiver, nanjing_department
):
    make_record(nanjing_department, state="confirmed")
    webhooks.dispatch_pending()
    webhooks.dispatch_pending()
    assert WebhookDelivery.objects.count() == 2
    deliver_until_quiet()
    deliver_until_quiet()
    assert len(receiver.requests) == 2


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/hook",  # HTTP where only HTTPS is allowed
        "https://user:pw@example.org/hook",
        "https://127.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.1.2.3/hook",
        "https://[::1]/hook",
        "ftp://example.org/hook",
    ],
)
def test_targets_that_could_reach_inside_are_refused(url):
    with (
        override_settings(CHENGXIN_WEBHOOK_ALLOW_HTTP=False, CHENGXIN_WEBHOOK_NETWORKS=[]),
        pytest.raises(ValidationError),
    ):
        validate_target_url(url, resolve=False)


def test_an_intranet_target_is_allowed_once_its_network_is_listed():
    with override_settings(CHENGXIN_WEBHOOK_NETWORKS=["10.1.0.0/16"]):
        validate_target_url("https://10.1.2.3/hook")
        with pytest.raises(ValidationError):
            validate_target_url("https://10.2.0.1/hook")


@pytest.mark.django_db
def test_a_host_name_that_resolves_to_loopback_is_refused_at_delivery(nanjing_department, receiver):
    port = receiver.server.server_address[1]
    WebhookSubscription.objects.create(
        name="回环", target_url=f"http://localhost:{port}/hook", secret=SECRET
    )
    make_record(nanjing_department, state="confirmed")
    with override_settings(CHENGXIN_WEBHOOK_NETWORKS=[]):
        webhooks.deliver_due()
    assert receiver.requests == []
    attempt = WebhookDelivery.objects.order_by("event_id").first().attempt_log.get()
    assert attempt.status_code is None
    assert attempt.error
