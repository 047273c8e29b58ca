"""``/api/v1/intake/``: pushes from other systems into the staging queue (归集).

``POST /api/v1/intake/penalties/`` (administrative penalties, 双公示), ``/court-cases/``
(court enforcement notices, 府院联动) and ``/trading/`` (public-resource trading credit
information) take ``{"source": "<code>", "items": [...]}`` from a platform account with the
intake role (its token). Each item is answered on its own, in the batch's order: ``staged``,
``accepted`` (its source accepts automatically), ``duplicate`` (sent before: nothing
written), ``unmatched`` (staged; no department has its credit code) or ``refused`` (invalid:
nothing written, the reasons by field). Field lists and examples: docs/exchange.md.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ..intake_formats import AMOUNT, CHOICE, DATE, FIELDS, MAX_BATCH
from ..models import IntakeKind, IntakeSource
from ..services import intake as services
from .views import WRITE_ERRORS

PUSH_PERMISSION = "credit_records.add_intakeitem"


def _item_serializer(kind: str, name: str) -> type[serializers.Serializer]:
    """A serializer describing ``kind``'s fields for the schema (the view checks each item
    itself, so that one bad item does not refuse the batch)."""
    declared = {}
    for field in FIELDS[kind]:
        options = {"required": field.required, "help_text": field.label}
        if field.type == DATE:
            declared[field.key] = serializers.DateField(**options)
        elif field.type == AMOUNT:
            declared[field.key] = serializers.DecimalField(
                max_digits=15, decimal_places=2, coerce_to_string=True, **options
            )
        elif field.type == CHOICE:
            declared[field.key] = serializers.ChoiceField(choices=field.choices, **options)
        else:
            declared[field.key] = serializers.CharField(max_length=field.max_length, **options)
    return type(name, (serializers.Serializer,), declared)


PenaltyItemSerializer = _item_serializer(IntakeKind.PENALTY, "PenaltyItemSerializer")
CourtCaseItemSerializer = _item_serializer(IntakeKind.COURT_CASE, "CourtCaseItemSerializer")
TradingItemSerializer = _item_serializer(IntakeKind.TRADING, "TradingItemSerializer")


def _batch_serializer(item_serializer, name: str):
    return type(
        name,
        (serializers.Serializer,),
        {
            "source": serializers.SlugField(help_text="The intake source's code."),
            "items": item_serializer(many=True, help_text=f"At most {MAX_BATCH} items."),
        },
    )


class ItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    outcome = serializers.ChoiceField(
        choices=["staged", "accepted", "duplicate", "unmatched", "refused"]
    )
    document_number = serializers.CharField(required=False)
    id = serializers.IntegerField(required=False, help_text="The staged item.")
    reason = serializers.CharField(required=False)
    errors = serializers.DictField(child=serializers.CharField(), required=False)


class BatchResultSerializer(serializers.Serializer):
    source = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField())
    items = ItemResultSerializer(many=True)


class PushPermission(IsAuthenticated):
    def has_permission(self, request, view):
        return super().has_permission(request, view) and request.user.has_perm(PUSH_PERMISSION)


class IntakeViewSet(viewsets.GenericViewSet):
    """Pushes into the intake queue; see the module's docstring."""

    permission_classes = [PushPermission]
    queryset = IntakeSource.objects.none()
    serializer_class = BatchResultSerializer

    def _push(self, request, kind: str) -> Response:
        data = request.data
        if not isinstance(data, dict):
            raise ValidationError({"items": [_("Send an object with a source and items.")]})
        items = data.get("items")
        if not isinstance(items, list) or not items:
            raise ValidationError({"items": [_("Send a non-empty list of items.")]})
        code = data.get("source")
        known = isinstance(code, str) and "\x00" not in code
        source = IntakeSource.objects.filter(code=code).first() if known else None
        if source is None:
            raise ValidationError({"source": [_("No intake source has this code.")]})
        services.ensure_may_push(request.user, source, kind)
        results = services.intake_receive(source=source, kind=kind, items=items, actor=request.user)
        counts: dict[str, int] = {}
        for result in results:
            counts[result.outcome] = counts.get(result.outcome, 0) + 1
        return Response(
            {
                "source": source.code,
                "counts": counts,
                "items": [result.as_dict() for result in results],
            },
            status=status.HTTP_200_OK,
        )

    @extend_schema(
        request=_batch_serializer(PenaltyItemSerializer, "PenaltyBatchSerializer"),
        responses={200: BatchResultSerializer, **WRITE_ERRORS},
    )
    @action(detail=False, methods=["post"])
    def penalties(self, request):
        """Administrative penalties in the 双公示 field list."""
        return self._push(request, IntakeKind.PENALTY)

    @extend_schema(
        request=_batch_serializer(CourtCaseItemSerializer, "CourtCaseBatchSerializer"),
        responses={200: BatchResultSerializer, **WRITE_ERRORS},
    )
    @action(detail=False, methods=["post"], url_path="court-cases", url_name="court-cases")
    def court_cases(self, request):
        """Court enforcement notices: about to be listed, listed, delisted."""
        return self._push(request, IntakeKind.COURT_CASE)

    @extend_schema(
        request=_batch_serializer(TradingItemSerializer, "TradingBatchSerializer"),
        responses={200: BatchResultSerializer, **WRITE_ERRORS},
    )
    @action(detail=False, methods=["post"])
    def trading(self, request):
        """Public-resource trading credit information about purchasers."""
        return self._push(request, IntakeKind.TRADING)
