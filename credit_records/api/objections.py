"""``/api/v1/objections/``: objections to records (异议申诉), scoped like every endpoint. The
department's liaison, or the provincial platform's account on its behalf, files one
(``POST``); the credit office acknowledges, suspends disclosure and decides through the
detail actions. Writes go through ``services.objections``."""

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import services
from ..filters import ObjectionFilter
from ..models import (
    DishonestyRecord,
    Objection,
    ObjectionOutcome,
    RecordCategory,
    Severity,
)
from .serializers import (
    AttachmentSerializer,
    ScopedPrimaryKeyRelatedField,
    _user,
    display,
    optional_text,
    uploaded_files,
)
from .views import WORKFLOW_ERRORS, ScopedViewSetMixin


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {
            "type": "array",
            "items": {"type": "string"},
            "minItems": 2,
            "maxItems": 2,
        },
        "description": "An upheld correction, field by field: {field: [before, after]}.",
    }
)
class CorrectionsField(serializers.JSONField):
    pass


class ObjectionSerializer(serializers.ModelSerializer):
    record = ScopedPrimaryKeyRelatedField(queryset=DishonestyRecord.objects.all())
    department = serializers.CharField(source="record.department.uscc", read_only=True)
    grounds_display = display("grounds")
    explanation = optional_text()
    files = uploaded_files()
    filed_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    status_display = display("status")
    # Empty until the objection is upheld.
    outcome = serializers.ChoiceField(
        choices=ObjectionOutcome.choices, allow_blank=True, read_only=True
    )
    outcome_display = display("outcome")
    corrections = CorrectionsField(read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Objection
        fields = [
            "id",
            "record",
            "department",
            "grounds",
            "grounds_display",
            "explanation",
            "files",
            "filed_by",
            "filed_on_behalf",
            "filed_at",
            "acknowledge_due",
            "acknowledged_at",
            "decide_due",
            "disclosure_suspended",
            "status",
            "status_display",
            "outcome",
            "outcome_display",
            "decided_at",
            "decision_reason",
            "corrections",
            "escalation_level",
            "attachments",
        ]
        read_only_fields = [
            "filed_on_behalf",
            "filed_at",
            "acknowledge_due",
            "acknowledged_at",
            "decide_due",
            "disclosure_suspended",
            "status",
            "outcome",
            "decided_at",
            "decision_reason",
            "escalation_level",
        ]
        # The one-pending-per-record constraint is the service's to report (409).
        validators = []

    def create(self, validated_data):
        return services.objection_file(actor=_user(self), **validated_data)


class ObjectionAcknowledgeSerializer(serializers.Serializer):
    suspend_disclosure = serializers.BooleanField(required=False, default=False)
    note = optional_text()


class ObjectionSuspendSerializer(serializers.Serializer):
    reason = optional_text()


class ObjectionCorrectionsSerializer(serializers.Serializer):
    """The fields an upheld objection corrects; those left out stay as they are."""

    category = serializers.ChoiceField(choices=RecordCategory.choices, required=False)
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    decision_number = serializers.CharField(required=False, max_length=100)
    issuing_authority = serializers.CharField(required=False, max_length=200)
    decision_date = serializers.DateField(required=False)
    facts = serializers.CharField(required=False)
    disclose = serializers.BooleanField(required=False)


class ObjectionDecisionSerializer(serializers.Serializer):
    uphold = serializers.BooleanField()
    reason = optional_text()
    outcome = serializers.ChoiceField(
        choices=ObjectionOutcome.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="When upheld: correct the record (with ``corrections``) or withdraw it.",
    )
    corrections = ObjectionCorrectionsSerializer(required=False)

    def validate(self, data):
        data = dict(data)
        data["corrections"] = dict(data.get("corrections") or {})
        return data


# Each step answers with the objection as it is afterwards.
def _step(serializer_class, summary: str):
    return extend_schema(
        summary=summary,
        request=serializer_class,
        responses={200: ObjectionSerializer, **WORKFLOW_ERRORS},
    )


@extend_schema_view(
    create=extend_schema(
        summary="File an objection (异议申诉) to a confirmed or published record",
        request={
            "application/json": ObjectionSerializer,
            "multipart/form-data": ObjectionSerializer,
        },
        responses={201: ObjectionSerializer, **WORKFLOW_ERRORS},
    ),
)
class ObjectionViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Objections to records in your scope. A department's liaison (or the provincial
    platform's account on its behalf) files one; the credit office that confirmed the record
    acknowledges it, may suspend the record's disclosure, and decides it within the time
    limits (``acknowledge_due``, ``decide_due``)."""

    queryset = Objection.objects.select_related("record__department", "filed_by").prefetch_related(
        "attachments"
    )
    serializer_class = ObjectionSerializer
    filterset_class = ObjectionFilter
    ordering_fields = ["filed_at", "decide_due"]
    action_permissions = {
        "acknowledge": ["credit_records.change_objection"],
        "suspend": ["credit_records.change_objection"],
        "decide": ["credit_records.change_objection"],
    }

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        objection = serializer.save()
        objection = self.get_queryset().get(pk=objection.pk)
        return Response(self.get_serializer(objection).data, status=status.HTTP_201_CREATED)

    def _run(self, request, serializer_class, service):
        objection = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        service(objection=objection, actor=request.user, **serializer.validated_data)
        objection = self.get_queryset().get(pk=objection.pk)
        return Response(self.get_serializer(objection).data)

    @_step(
        ObjectionAcknowledgeSerializer,
        "Acknowledge an objection (optionally suspending disclosure)",
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None, format=None):
        return self._run(request, ObjectionAcknowledgeSerializer, services.objection_acknowledge)

    @_step(ObjectionSuspendSerializer, "Suspend the record's disclosure until the decision")
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None, format=None):
        return self._run(request, ObjectionSuspendSerializer, services.objection_suspend_disclosure)

    @_step(
        ObjectionDecisionSerializer,
        "Decide: uphold (correct or withdraw the record) or reject, with reasons",
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None, format=None):
        return self._run(request, ObjectionDecisionSerializer, services.objection_decide)
