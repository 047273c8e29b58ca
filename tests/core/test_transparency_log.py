"""The transparency log: publication events chained by SHA-256, verified by
``manage.py verify_transparency_log``; a changed or deleted past entry is named; a kept
checkpoint stays a prefix of the history as the log grows; concurrent appends keep the chain;
the daily checkpoint is made once and published on the public page and in the open data."""

import datetime
import hashlib
import json
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from core import transparency
from core.events import emit
from core.models import GENESIS_HASH, TransparencyCheckpoint, TransparencyEntry, TransparencyHead
from credit_records import exchange, services

from ..builders.records import make_objection, make_record
from .test_api_schema_truth import conforms


def verify(*args) -> str:
    out = StringIO()
    call_command("verify_transparency_log", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def three_entries(nanjing_department):
    """Two records published, one withdrawn after an objection: three entries."""
    first = make_record(nanjing_department, state="confirmed")
    make_record(nanjing_department, state="confirmed")
    services.objection_decide(
        objection=make_objection(first),
        actor=None,
        uphold=True,
        outcome="withdrawn",
        reason="事实不清",
    )
    assert TransparencyEntry.objects.count() == 3
    return first


@pytest.mark.django_db
def test_each_entry_hashes_the_previous_hash_and_its_canonical_json(three_entries):
    entries = list(TransparencyEntry.objects.order_by("seq"))
    assert [e.event_type for e in entries] == [
        exchange.PUBLISHED,
        exchange.PUBLISHED,
        exchange.WITHDRAWN,
    ]
    assert entries[0].prev_hash == GENESIS_HASH
    for before, entry in zip([None, *entries], entries, strict=False):
        canonical = json.dumps(
            {
                "seq": entry.seq,
                "recorded_at": entry.recorded_at.astimezone(datetime.UTC).strftime(
                    "%Y-%m-%dT%H:%M:%S.%fZ"
                ),
                "event_type": entry.event_type,
                "object_type": entry.object_type,
                "object_id": entry.object_id,
                "facts": entry.facts,
            },
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )
        prev = before.entry_hash if before else GENESIS_HASH
        assert entry.prev_hash == prev
        assert entry.entry_hash == hashlib.sha256((prev + canonical).encode()).hexdigest()
    head = TransparencyHead.objects.get()
    assert (head.entry_count, head.head_hash) == (3, entries[-1].entry_hash)
    assert "3" in verify()


@pytest.mark.django_db
def test_a_changed_past_entry_is_named_by_the_command(three_entries):
    entry = TransparencyEntry.objects.get(seq=2)
    facts = entry.facts
    facts["record"]["subject_name"] = "别的单位"
    TransparencyEntry.objects.filter(pk=entry.pk).update(facts=facts)
    with pytest.raises(CommandError, match="entry 2"):
        verify()


@pytest.mark.django_db
def test_a_rehashed_past_entry_breaks_the_next_link(three_entries):
    """Whoever changes an entry and recomputes its hash still breaks the entry after it."""
    entry = TransparencyEntry.objects.get(seq=1)
    entry.facts["record"]["decision_number"] = "改过的文号"
    entry.entry_hash = transparency.entry_hash(entry.prev_hash, transparency._canonical_of(entry))
    entry.save()
    with pytest.raises(CommandError, match="entry 2"):
        verify()


@pytest.mark.django_db
def test_a_deleted_past_entry_is_caught(three_entries):
    TransparencyEntry.objects.filter(seq=2).delete()
    with pytest.raises(CommandError, match="entry 2"):
        verify()


@pytest.mark.django_db
def test_a_deleted_last_entry_is_caught_by_the_head(three_entries):
    TransparencyEntry.objects.filter(seq=3).delete()
    with pytest.raises(CommandError, match="entry 3"):
        verify()


@pytest.mark.django_db
def test_a_kept_checkpoint_stays_a_prefix_while_the_log_grows(three_entries, nanjing_department):
    head = TransparencyHead.objects.get()
    kept = (head.entry_count, head.head_hash)
    make_record(nanjing_department, state="confirmed")
    make_record(nanjing_department, state="confirmed")
    assert TransparencyEntry.objects.count() == 5
    assert transparency.verify_checkpoint(*kept) is None
    assert "consistent" in verify("--checkpoint", f"{kept[0]}:{kept[1]}")
    # A rewritten history before the checkpoint is not its extension.
    TransparencyEntry.objects.filter(seq=2).update(object_id=999999)
    with pytest.raises(CommandError, match="entry 2"):
        verify("--checkpoint", f"{kept[0]}:{kept[1]}")


@pytest.mark.django_db
def test_a_checkpoint_longer_than_the_log_or_with_another_hash_fails(three_entries):
    with pytest.raises(CommandError):
        verify("--checkpoint", f"4:{'a' * 64}")
    with pytest.raises(CommandError):
        verify("--checkpoint", f"3:{'a' * 64}")


@pytest.mark.django_db
def test_the_daily_checkpoint_counts_the_days_entries_once(nanjing_department, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 3, 0, tzinfo=datetime.UTC), tick=False)
    make_record(nanjing_department, state="confirmed")
    make_record(nanjing_department, state="confirmed")
    time_machine.move_to(datetime.datetime(2026, 3, 3, 2, 0, tzinfo=datetime.UTC), tick=False)
    make_record(nanjing_department, state="confirmed")  # 10:00 on 3 March in Shanghai

    checkpoint = transparency.checkpoint_create()  # yesterday, 2 March
    assert checkpoint.date == datetime.date(2026, 3, 2)
    assert checkpoint.entry_count == 2
    assert checkpoint.head_hash == TransparencyEntry.objects.get(seq=2).entry_hash
    assert transparency.checkpoint_create() == checkpoint
    assert TransparencyCheckpoint.objects.count() == 1
    assert "consistent" in verify("--checkpoints")


@pytest.mark.django_db
def test_the_public_page_and_the_open_data_show_the_checkpoints(client, three_entries):
    TransparencyCheckpoint.objects.create(
        date=datetime.date(2026, 3, 1), entry_count=3, head_hash="f" * 64
    )
    page = client.get("/public/transparency/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "透明日志" in text
    assert "f" * 64 in text
    assert TransparencyHead.objects.get().head_hash in text

    api = client.get("/api/v1/public/transparency/checkpoints/")
    assert api.json() == [{"date": "2026-03-01", "entry_count": 3, "head_hash": "f" * 64}]
    entries = client.get("/api/v1/public/transparency/entries/", {"after": 1}).json()
    assert [e["seq"] for e in entries["results"]] == [2, 3]
    assert entries["next_after"] is None
    assert client.get("/api/v1/public/transparency/entries/", {"after": "x"}).status_code == 400


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_chain(require_postgres, regions, nanjing_department):
    records = [make_record(nanjing_department, state="draft") for _ in range(6)]
    barrier = threading.Barrier(len(records))
    errors = []

    def publish(record):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                emit(exchange.PUBLISHED, record, {"n": record.pk})
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(r,)) for r in records]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(TransparencyEntry.objects.values_list("seq", flat=True)) == [1, 2, 3, 4, 5, 6]
    count, _head, problem = transparency.verify_chain()
    assert (count, problem) == (6, None)


@pytest.mark.django_db
def test_the_open_data_answers_what_the_openapi_schema_documents(client, three_entries):
    transparency.checkpoint_create(datetime.date.today())
    conforms(
        client.get("/api/v1/public/transparency/entries/"), "/api/v1/public/transparency/entries/"
    )
    conforms(
        client.get("/api/v1/public/transparency/checkpoints/"),
        "/api/v1/public/transparency/checkpoints/",
    )
