"""The transparency log (透明日志): appending publication events to a hash chain, the daily
checkpoints, and verifying the chain and a kept checkpoint.

Each entry's hash is ``SHA-256(prev_hash + canonical JSON of the entry)``, the first entry's
``prev_hash`` being 64 zeros. Changing any past entry changes its hash and breaks every link
after it; deleting one breaks the sequence. A checkpoint (date, entry count, head hash) is a
promise about the whole history up to it: whoever kept one can check later that the current
log still starts with exactly that history (``verify_checkpoint``), so the log may grow but
never be rewritten - the national rules forbid paid deletion of credit records
(国办发〔2025〕22号), and only a history that cannot be silently rewritten can prove that.
Certificate Transparency (RFC 6962) is the model, with a linear chain instead of a Merkle tree:
the log is small enough that anyone can recompute it whole.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .models import (
    GENESIS_HASH,
    OutboxEvent,
    TransparencyCheckpoint,
    TransparencyEntry,
    TransparencyHead,
)


def canonical_entry(
    *,
    seq: int,
    recorded_at: datetime.datetime,
    event_type: str,
    object_type: str,
    object_id: int,
    facts: dict,
) -> str:
    """The canonical JSON of an entry: keys sorted, no spaces, UTF-8 text as is, the time in
    UTC with microseconds. docs/transparency.md gives the same rule for outside verifiers."""
    document = {
        "seq": seq,
        "recorded_at": recorded_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "event_type": event_type,
        "object_type": object_type,
        "object_id": object_id,
        "facts": facts,
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def entry_hash(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def _canonical_of(entry: TransparencyEntry) -> str:
    return canonical_entry(
        seq=entry.seq,
        recorded_at=entry.recorded_at,
        event_type=entry.event_type,
        object_type=entry.object_type,
        object_id=entry.object_id,
        facts=entry.facts,
    )


def _json_safe(facts: dict) -> dict:
    # The facts as the database gives them back (dates as text): what is hashed is what is
    # read back when verifying.
    from django.core.serializers.json import DjangoJSONEncoder

    return json.loads(json.dumps(facts, cls=DjangoJSONEncoder, ensure_ascii=False))


@transaction.atomic
def append(event: OutboxEvent) -> TransparencyEntry:
    """Append ``event`` to the chain. The head row is locked until the transaction ends, so
    concurrent appends are serialised: each one extends the head the previous one wrote."""
    TransparencyHead.objects.get_or_create(pk=1)
    head = TransparencyHead.objects.select_for_update().get(pk=1)
    seq = head.entry_count + 1
    # Taken under the lock, so the times follow the sequence (the daily checkpoint counts by
    # time).
    recorded_at = timezone.now()
    ct = event.content_type
    fields = {
        "seq": seq,
        "recorded_at": recorded_at,
        "event_type": event.event_type,
        "object_type": f"{ct.app_label}.{ct.model}",
        "object_id": event.object_id,
        "facts": _json_safe(event.payload),
    }
    digest = entry_hash(head.head_hash, canonical_entry(**fields))
    entry = TransparencyEntry.objects.create(prev_hash=head.head_hash, entry_hash=digest, **fields)
    head.entry_count = seq
    head.head_hash = digest
    head.save(update_fields=["entry_count", "head_hash"])
    return entry


@dataclass
class Problem:
    """The first place where the log does not match."""

    seq: int
    message: str


def verify_chain(*, upto: int | None = None) -> tuple[int, str, Problem | None]:
    """Recompute the chain from the first entry (up to ``upto`` entries); returns the count
    checked, the head hash recomputed, and the first problem (or None)."""
    expected_prev = GENESIS_HASH
    count = 0
    entries = TransparencyEntry.objects.order_by("seq")
    if upto is not None:
        entries = entries.filter(seq__lte=upto)
    for entry in entries.iterator(chunk_size=2000):
        count += 1
        if entry.seq != count:
            return count, expected_prev, Problem(count, f"entry {count} is missing")
        if entry.prev_hash != expected_prev:
            return count, expected_prev, Problem(entry.seq, "previous hash does not match")
        recomputed = entry_hash(expected_prev, _canonical_of(entry))
        if recomputed != entry.entry_hash:
            return count, expected_prev, Problem(entry.seq, "content does not match its hash")
        expected_prev = recomputed
    if upto is None:
        head = TransparencyHead.objects.filter(pk=1).first()
        if head is not None and (head.entry_count, head.head_hash) != (count, expected_prev):
            return count, expected_prev, Problem(count + 1, "entries after this one are missing")
    return count, expected_prev, None


def verify_checkpoint(entry_count: int, head_hash: str) -> Problem | None:
    """Whether the history a checkpoint describes is still the start of the current log
    (consistency: the log only grew). None when it is."""
    count, recomputed, problem = verify_chain(upto=entry_count)
    if problem is not None:
        return problem
    if count < entry_count:
        return Problem(count + 1, f"the log has only {count} entries, the checkpoint {entry_count}")
    if recomputed != head_hash:
        return Problem(entry_count, "the head hash differs from the checkpoint's")
    return None


def checkpoint_create(day: datetime.date | None = None) -> TransparencyCheckpoint:
    """The checkpoint of the end of ``day`` (default: yesterday, on the Shanghai clock): the
    entries recorded up to that day's end. Made once per day, however often beat runs it."""
    day = day or timezone.localdate() - datetime.timedelta(days=1)
    existing = TransparencyCheckpoint.objects.filter(date=day).first()
    if existing is not None:
        return existing
    end = timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    )
    last = TransparencyEntry.objects.filter(recorded_at__lt=end).order_by("-seq").first()
    checkpoint, _created = TransparencyCheckpoint.objects.get_or_create(
        date=day,
        defaults={
            "entry_count": last.seq if last else 0,
            "head_hash": last.entry_hash if last else GENESIS_HASH,
        },
    )
    return checkpoint
