"""The transparency log in the open-data API, for anyone, no sign-in: the daily checkpoints
(``/api/v1/public/transparency/checkpoints/``) and the entries
(``/api/v1/public/transparency/entries/?after=<seq>``), enough to recompute the chain and
check a kept checkpoint (docs/transparency.md shows how)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.models import TransparencyCheckpoint, TransparencyEntry

from .public import PublicRateThrottle

ENTRIES_PER_PAGE = 500


class CheckpointSerializer(serializers.ModelSerializer):
    class Meta:
        model = TransparencyCheckpoint
        fields = ["date", "entry_count", "head_hash"]


class EntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = TransparencyEntry
        fields = [
            "seq",
            "recorded_at",
            "event_type",
            "object_type",
            "object_id",
            "facts",
            "prev_hash",
            "entry_hash",
        ]


class EntryPageSerializer(serializers.Serializer):
    results = EntrySerializer(many=True)
    next_after = serializers.IntegerField(allow_null=True)


class PublicOpenDataMixin:
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicRateThrottle]
    renderer_classes = [JSONRenderer]
    pagination_class = None


class PublicCheckpointViewSet(PublicOpenDataMixin, viewsets.GenericViewSet):
    """The daily checkpoints of the transparency log, newest first."""

    serializer_class = CheckpointSerializer

    def get_queryset(self):
        return TransparencyCheckpoint.objects.order_by("-date")

    def list(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_queryset(), many=True).data)


class PublicEntryViewSet(PublicOpenDataMixin, viewsets.GenericViewSet):
    """The entries of the transparency log after ``after`` (a sequence number), oldest
    first, 500 at a time; ``next_after`` continues, null at the end."""

    serializer_class = EntryPageSerializer
    schema_single_object = True

    def get_queryset(self):
        return TransparencyEntry.objects.order_by("seq")

    @extend_schema(
        parameters=[OpenApiParameter("after", int, description="The last seq already read")],
        responses=EntryPageSerializer,
    )
    def list(self, request, *args, **kwargs):
        raw = request.query_params.get("after", "0") or "0"
        if not raw.isdigit():
            raise ValidationError({"after": [_("A whole number, 0 or more.")]})
        entries = list(self.get_queryset().filter(seq__gt=int(raw))[: ENTRIES_PER_PAGE + 1])
        more = len(entries) > ENTRIES_PER_PAGE
        entries = entries[:ENTRIES_PER_PAGE]
        return Response(
            {
                "results": EntrySerializer(entries, many=True).data,
                "next_after": entries[-1].seq if more else None,
            }
        )
