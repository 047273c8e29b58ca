"""``/api/v1/complaints/``: the complaint register, scoped like every endpoint, with the handling
office's steps (``accept``, ``reject``, ``assign``, ``close``) from the table the workspace
reads (``complaint_actions``).

The complainant's identity and contact details are given to the handling office only
(``selectors.complaints.complainant_for``); everyone else gets them masked (``***``, with
``masked: true``). The description is for the officials who can see the complaint, as on the
workspace page; the evidence files are not in the API.
"""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.filtering import StrictDjangoFilterBackend, StrictOrderingFilter
from core.api.permissions import ModelPermissions
from core.models import User

from ..complaint_actions import COMPLAINT_ACTIONS, available_complaint_actions
from ..complaint_filters import ComplaintFilter
from ..models import (
    Complaint,
    ComplaintCategory,
    ComplaintEvent,
    ComplaintOutcome,
    ComplaintStatus,
    RecordCategory,
    Severity,
)
from ..selectors import complaints as selectors
from .views import WORKFLOW_ERRORS, Pagination

MASK = "***"
CONTACT_FIELDS = ("name", "organisation", "phone", "email")


class ComplainantSerializer(serializers.Serializer):
    masked = serializers.BooleanField(
        help_text="True unless you are the handling office: every given detail reads ***."
    )
    name = serializers.CharField()
    organisation = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()


class ComplaintEventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ComplaintEvent
        fields = ["action", "at", "actor", "from_status", "to_status", "note"]


class ComplaintSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="uscc", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    handling_region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    escalated_to = serializers.SlugRelatedField(slug_field="code", read_only=True)
    assigned_to = serializers.SlugRelatedField(slug_field="username", read_only=True)
    resulting_record = serializers.PrimaryKeyRelatedField(read_only=True)
    category = serializers.ChoiceField(choices=ComplaintCategory.choices, read_only=True)
    status = serializers.ChoiceField(choices=ComplaintStatus.choices, read_only=True)
    outcome = serializers.ChoiceField(choices=[("", ""), *ComplaintOutcome.choices], read_only=True)
    complainant = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()
    events = ComplaintEventSerializer(many=True, read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "tracking_number",
            "department",
            "department_name",
            "handling_region",
            "category",
            "description",
            "contract_reference",
            "amount_owed",
            "payment_due_date",
            "anonymous",
            "status",
            "filed_at",
            "received_on",
            "decision_due",
            "decided_on",
            "decision_reason",
            "handling_due",
            "assigned_to",
            "closed_on",
            "outcome",
            "outcome_reason",
            "referred_to",
            "resulting_record",
            "outcome_reference",
            "handled_on_time",
            "escalation_level",
            "escalated_to",
            "complainant",
            "available_actions",
            "events",
        ]
        read_only_fields = fields

    @extend_schema_field(ComplainantSerializer(allow_null=True))
    def get_complainant(self, complaint):
        """``null`` for an anonymous complaint; the details for the handling office; masked
        for everyone else."""
        if complaint.anonymous:
            return None
        user = self.context["request"].user
        contact = selectors.complainant_for(user, complaint)
        if contact is not None:
            return {"masked": False, **{name: getattr(contact, name) for name in CONTACT_FIELDS}}
        # Which details were given is not told either: every field reads the same.
        return {"masked": True, **dict.fromkeys(CONTACT_FIELDS, MASK)}

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_actions(self, complaint):
        user = self.context["request"].user
        return [a.slug for a in available_complaint_actions(complaint, user)]


class ComplaintAcceptSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ComplaintRejectSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ComplaintAssignSerializer(serializers.Serializer):
    assignee = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        help_text="Username of a supervisor of the handling office.",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ComplaintCloseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ComplaintOutcome.choices)
    reason = serializers.CharField()
    referred_to = serializers.CharField(required=False, allow_blank=True, default="")
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    record_category = serializers.ChoiceField(choices=RecordCategory.choices, required=False)
    decision_number = serializers.CharField(required=False)
    issuing_authority = serializers.CharField(required=False)
    decision_date = serializers.DateField(required=False)
    facts = serializers.CharField(required=False)


ACTION_SERIALIZERS = {
    "accept": (ComplaintAcceptSerializer, "Accept the complaint (the handling period starts)"),
    "reject": (ComplaintRejectSerializer, "Do not accept the complaint, with reasons"),
    "assign": (ComplaintAssignSerializer, "Assign the complaint for investigation"),
    "close": (ComplaintCloseSerializer, "Close the complaint with an outcome and its reasons"),
}


class ComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Complaints and tips from the public about departments in your scope (liaisons see
    none). ``available_actions`` lists the steps you may take now; only the handling office
    takes them, and only it reads the complainant's details unmasked."""

    permission_classes = [ModelPermissions]
    filter_backends = [StrictDjangoFilterBackend, StrictOrderingFilter]
    pagination_class = Pagination
    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilter
    queryset = Complaint.objects.all()
    ordering_fields = ["filed_at", "decision_due", "handling_due", "status"]
    action_permissions = {slug: ["credit_records.change_complaint"] for slug in COMPLAINT_ACTIONS}

    def get_queryset(self):
        return selectors.complaints_in_scope(self.request.user).prefetch_related("events__actor")

    def _take(self, request, slug):
        complaint = self.get_object()
        serializer_class, _summary = ACTION_SERIALIZERS[slug]
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        COMPLAINT_ACTIONS[slug].take(complaint, request.user, serializer.validated_data)
        complaint = self.get_queryset().get(pk=complaint.pk)
        return Response(self.get_serializer(complaint).data)


def _endpoint(slug):
    serializer_class, summary = ACTION_SERIALIZERS[slug]

    def endpoint(self, request, pk=None, format=None):
        return self._take(request, slug)

    endpoint.__name__ = endpoint.__qualname__ = slug
    endpoint = action(detail=True, methods=["post"], url_path=slug)(endpoint)
    return extend_schema(
        summary=summary,
        request=serializer_class,
        responses={200: ComplaintSerializer, **WORKFLOW_ERRORS},
    )(endpoint)


for _slug in ACTION_SERIALIZERS:
    setattr(ComplaintViewSet, _slug, _endpoint(_slug))
