"""The public page of the transparency log (``/public/transparency/``): what the log is, for
citizens; its head (entries, last hash); the daily checkpoints; the latest entries; and how
anyone can check that the published history was never rewritten. Built from
``core.transparency`` only; mounted by ``credit_records.public_urls``."""

from django.utils.translation import gettext as _

from .events import EVENT_TYPES
from .models import GENESIS_HASH, TransparencyCheckpoint, TransparencyEntry, TransparencyHead
from .public import public_page, render_public

LATEST_ENTRIES = 20
CHECKPOINTS_SHOWN = 60


def event_label(event_type: str) -> str:
    kind = EVENT_TYPES.get(event_type)
    return str(kind.label) if kind else event_type


@public_page
def transparency_page(request):
    head = TransparencyHead.objects.filter(pk=1).first()
    latest = list(TransparencyEntry.objects.order_by("-seq")[:LATEST_ENTRIES])
    for entry in latest:
        entry.label = event_label(entry.event_type)
        record = (entry.facts or {}).get("record") or {}
        entry.subject = record.get("subject_name", "")
        entry.decision_number = record.get("decision_number", "")
    return render_public(
        request,
        "public/transparency.html",
        {
            "page_title": _("Transparency log"),
            "entry_count": head.entry_count if head else 0,
            "head_hash": head.head_hash if head else GENESIS_HASH,
            "checkpoints": TransparencyCheckpoint.objects.order_by("-date")[:CHECKPOINTS_SHOWN],
            "latest": latest,
        },
    )
