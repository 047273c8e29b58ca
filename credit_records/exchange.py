"""What credit records tell other systems: the event types this app emits (registered with
``core.events`` from ``apps.py``), a record's facts in the 双公示 field layout, and
``publication_sync``, which works out whether a change made a record enter, change in or
leave public view and emits the publication event that says so.

Two families of events:

- ``record.*`` / ``objection.*``: workflow steps (a record confirmed, a repair or an exemption
  approved, an objection decided), for webhook subscribers, whatever the public sees;
- ``publication.*``: changes to what the public sees (entering view, a correction, leaving
  view by withdrawal, exemption, repair, suspension or the end of the period). These are the
  publication events of the transparency log (``core.transparency``) and the entries of the
  exchange feed (``/api/v1/exchange/records/``).

Whether a record is public is ``selectors.published_records`` (the one definition the public
pages use); whether it *was* public is its last publication event, so a record that never
was (a minor record not disclosed) produces no publication event when it is withdrawn.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core import events
from core.events import EventType

from .models import DishonestyRecord
from .publication import mask_name

RECORD_CONFIRMED = "record.confirmed"
REPAIR_APPROVED = "record.repair_approved"
EXEMPTION_APPROVED = "record.exemption_approved"
OBJECTION_DECIDED = "objection.decided"

PUBLISHED = "publication.published"
CORRECTED = "publication.corrected"
WITHDRAWN = "publication.withdrawn"
EXEMPTED = "publication.exempted"
REPAIRED = "publication.repaired"
ENDED = "publication.ended"
SUSPENDED = "publication.suspended"

# Publication event -> the feed's action (docs/exchange.md): what a receiving system does.
FEED_ACTIONS = {
    PUBLISHED: "published",
    CORRECTED: "corrected",
    WITHDRAWN: "withdrawn",
    EXEMPTED: "withdrawn",
    SUSPENDED: "withdrawn",
    REPAIRED: "repaired",
    ENDED: "ended",
}
# After these the record is in public view.
SHOWING = (PUBLISHED, CORRECTED)

# The cause a service passes -> the event of a record leaving view for it.
LEAVING = {
    "withdrawn": WITHDRAWN,
    "exempted": EXEMPTED,
    "repaired": REPAIRED,
    "ended": ENDED,
    "suspended": SUSPENDED,
}


def register_event_types() -> None:
    for name, label, public in (
        (RECORD_CONFIRMED, _("Record confirmed"), False),
        (REPAIR_APPROVED, _("Credit repair approved"), False),
        (EXEMPTION_APPROVED, _("Exemption approved"), False),
        (OBJECTION_DECIDED, _("Objection decided"), False),
        (PUBLISHED, _("Record published"), True),
        (CORRECTED, _("Published record corrected"), True),
        (WITHDRAWN, _("Record withdrawn after an objection"), True),
        (EXEMPTED, _("Record withdrawn by an exemption"), True),
        (REPAIRED, _("Disclosure ended by credit repair"), True),
        (ENDED, _("Disclosure period ended"), True),
        (SUSPENDED, _("Disclosure suspended pending an objection"), True),
    ):
        events.register(EventType(name, label, public=public))


def record_facts(record: DishonestyRecord) -> dict:
    """The record's published facts in the 双公示 layout (docs/exchange.md lists each key with
    its Chinese field name). Labels in the portal's default language: the same text whatever
    language the acting official reads."""
    department = record.department
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "record_id": record.pk,
            "subject_name": department.name,  # 行政相对人名称
            "subject_uscc": department.uscc,  # 统一社会信用代码
            "region_code": department.region.code,  # 行政区划代码
            "decision_number": record.decision_number,  # 决定文书号
            "category": record.category,
            "category_label": str(record.get_category_display()),  # 违法行为类型 / 失信行为
            "severity": record.severity,
            "severity_label": str(record.get_severity_display()),  # 失信程度
            "basis": getattr(record, "basis", "") or "",  # 依据
            "content": record.facts,  # 内容
            "decision_date": record.decision_date.isoformat(),  # 决定日期
            "disclosure_ends": record.disclosure_ends.isoformat(),  # 公示截止期
            "issuing_authority": record.issuing_authority,  # 决定机关
            "source_unit": settings.CHENGXIN_EXCHANGE_SOURCE_UNIT,  # 数据来源单位
            "responsible_officials": [mask_name(o.name) for o in record.officials.order_by("pk")],
        }


def last_publication_event(record: DishonestyRecord):
    return (
        events.events_of(record).filter(event_type__in=list(FEED_ACTIONS)).only("event_type").last()
    )


def was_public(record: DishonestyRecord) -> bool:
    last = last_publication_event(record)
    return last is not None and last.event_type in SHOWING


def is_public(record: DishonestyRecord) -> bool:
    from .selectors import published_records

    return published_records().filter(pk=record.pk).exists()


def publication_sync(record: DishonestyRecord, *, actor, cause: str = ""):
    """Emit the publication event a change caused, if any; call it inside the service's
    transaction, after the change. ``cause`` names the change: "corrected", or one of
    ``LEAVING``'s keys; entering view needs no cause. Returns the event or None.

    The payload is public (the transparency log, the feed): the record's published facts
    and the action, never the officials' reasons, which may cite internal matters."""
    before, now = was_public(record), is_public(record)
    if now and not before:
        event_type = PUBLISHED
    elif now and cause == "corrected":
        event_type = CORRECTED
    elif before and not now:
        event_type = LEAVING.get(cause, ENDED)
    else:
        return None
    payload = {"action": FEED_ACTIONS[event_type], "record": record_facts(record)}
    return events.emit(event_type, record, payload, actor=actor)


def workflow_event(event_type: str, record: DishonestyRecord, *, actor, obj=None, **data):
    """Emit a workflow event (``record.*``, ``objection.*``) about ``obj`` (default: the
    record), with the record's facts."""
    payload = {"record": record_facts(record), **data}
    return events.emit(event_type, obj if obj is not None else record, payload, actor=actor)
