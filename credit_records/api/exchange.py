"""The exchange feed (``/api/v1/exchange/records/``): what the provincial and national credit
platforms pull to keep their copy of our published records in step - new records,
corrections, withdrawals, repairs and ends of disclosure, in the 双公示 field layout.

The feed is the publication events of the transparency log, in the log's order: an append
holds the log's head row until its transaction commits, so sequence order is commit order
and a client following the cursor never skips an entry that commits late. Each entry carries
its log sequence number and hash, so a receiver can check it against the public log.

Platform accounts read it: users holding ``core.read_exchange_feed`` (administrators have it;
an administrator grants it to the account of each receiving platform). docs/exchange.md
documents every field with its Chinese name.
"""

import base64
import binascii

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from core.models import TransparencyEntry

from ..exchange import FEED_ACTIONS

FEED_PERMISSION = "core.read_exchange_feed"
MAX_LIMIT = 500
DEFAULT_LIMIT = 100


class ReadsExchangeFeed(BasePermission):
    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(FEED_PERMISSION))


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"x1:{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _sep, number = text.partition(":")
        if prefix != "x1" or not number.isdigit():
            raise ValueError(text)
        return int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValidationError({"cursor": [_("This cursor is not valid.")]}) from None


class ExchangeRecordSerializer(serializers.Serializer):
    """A record in the 双公示 layout."""

    record_id = serializers.IntegerField(help_text="记录编号")
    subject_name = serializers.CharField(help_text="行政相对人名称")
    subject_uscc = serializers.CharField(help_text="统一社会信用代码")
    region_code = serializers.CharField(help_text="行政区划代码")
    decision_number = serializers.CharField(help_text="决定文书号")
    category = serializers.CharField(help_text="失信行为类型（代码）")
    category_label = serializers.CharField(help_text="违法行为类型 / 失信行为")
    severity = serializers.CharField(help_text="失信程度（代码）")
    severity_label = serializers.CharField(help_text="失信程度")
    basis = serializers.CharField(help_text="依据", allow_blank=True)
    content = serializers.CharField(help_text="内容（失信事实）")
    decision_date = serializers.DateField(help_text="决定日期")
    disclosure_ends = serializers.DateField(help_text="公示截止期")
    issuing_authority = serializers.CharField(help_text="决定机关")
    source_unit = serializers.CharField(help_text="数据来源单位")
    responsible_officials = serializers.ListField(
        child=serializers.CharField(), help_text="责任人（姓名已脱敏）"
    )


class ExchangeEntrySerializer(serializers.Serializer):
    sequence = serializers.IntegerField(help_text="透明日志序号")
    cursor = serializers.CharField(help_text="从本条之后继续拉取的游标")
    action = serializers.ChoiceField(
        choices=sorted(set(FEED_ACTIONS.values())), help_text="变更动作"
    )
    event = serializers.CharField(help_text="事件类型")
    occurred_at = serializers.DateTimeField(help_text="发生时间")
    log_hash = serializers.CharField(help_text="透明日志条目哈希")
    record = ExchangeRecordSerializer()


class ExchangePageSerializer(serializers.Serializer):
    results = ExchangeEntrySerializer(many=True)
    next_cursor = serializers.CharField(help_text="下次拉取时传入的游标")
    has_more = serializers.BooleanField(help_text="是否还有更多条目")


def feed_entry(entry: TransparencyEntry) -> dict:
    facts = entry.facts or {}
    return {
        "sequence": entry.seq,
        "cursor": encode_cursor(entry.seq),
        "action": facts.get("action") or FEED_ACTIONS.get(entry.event_type, ""),
        "event": entry.event_type,
        "occurred_at": entry.recorded_at.isoformat(),
        "log_hash": entry.entry_hash,
        "record": facts.get("record", {}),
    }


class ExchangeRecordViewSet(viewsets.GenericViewSet):
    """The changes to published records since ``cursor`` (from the start without one),
    oldest first. Keep ``next_cursor`` and pass it next time."""

    permission_classes = [ReadsExchangeFeed]
    serializer_class = ExchangePageSerializer
    pagination_class = None
    schema_single_object = True

    def get_queryset(self):
        return TransparencyEntry.objects.filter(event_type__in=list(FEED_ACTIONS)).order_by("seq")

    @extend_schema(
        parameters=[
            OpenApiParameter("cursor", str, description="上次应答的 next_cursor；不传则从头开始"),
            OpenApiParameter(
                "limit", int, description=f"每次最多条数（1–{MAX_LIMIT}，默认 {DEFAULT_LIMIT}）"
            ),
        ],
        responses=ExchangePageSerializer,
    )
    def list(self, request, *args, **kwargs):
        after = 0
        cursor = request.query_params.get("cursor", "")
        if cursor:
            after = decode_cursor(cursor)
        limit = DEFAULT_LIMIT
        if "limit" in request.query_params:
            raw = request.query_params["limit"]
            if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
                raise ValidationError(
                    {"limit": [_("A whole number from 1 to %(max)d.") % {"max": MAX_LIMIT}]}
                )
            limit = int(raw)
        entries = list(self.get_queryset().filter(seq__gt=after)[: limit + 1])
        has_more = len(entries) > limit
        entries = entries[:limit]
        last = entries[-1].seq if entries else after
        return Response(
            {
                "results": [feed_entry(entry) for entry in entries],
                "next_cursor": encode_cursor(last),
                "has_more": has_more,
            }
        )
