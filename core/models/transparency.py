"""The transparency log (透明日志): every publication event appended to a hash chain
(``TransparencyEntry``), the chain's head (``TransparencyHead``, the row every append locks,
so appends are serialised) and the daily checkpoints (``TransparencyCheckpoint``) anyone may
keep to check later that the published history only grew. Certificate Transparency is the
model; ``core.transparency`` holds the rules."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import BaseModel

GENESIS_HASH = "0" * 64


class TransparencyHead(BaseModel):
    """The one row (pk 1) that says how long the chain is and what its last hash is."""

    entry_count = models.PositiveBigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("transparency log head")
        verbose_name_plural = _("transparency log head")


class TransparencyEntry(BaseModel):
    """One publication event. ``entry_hash`` = SHA-256 of ``prev_hash`` followed by the
    entry's canonical JSON (``core.transparency.canonical_entry``)."""

    seq = models.PositiveBigIntegerField(_("sequence number"), unique=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    event_type = models.CharField(_("event type"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.PositiveBigIntegerField(_("object"))
    facts = models.JSONField(_("published facts"), default=dict)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    entry_hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("transparency log entry")
        verbose_name_plural = _("transparency log entries")
        ordering = ["seq"]

    def __str__(self) -> str:
        from core.events import EVENT_TYPES

        kind = EVENT_TYPES.get(self.event_type)
        return f"#{self.seq} {kind.label if kind else self.event_type}"


class TransparencyCheckpoint(BaseModel):
    """The log as it stood at the end of a day: how many entries, and the last one's hash."""

    date = models.DateField(_("date"), unique=True)
    entry_count = models.PositiveBigIntegerField(_("entries"))
    head_hash = models.CharField(_("head hash"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("transparency checkpoint")
        verbose_name_plural = _("transparency checkpoints")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date} {self.entry_count} {self.head_hash}"
