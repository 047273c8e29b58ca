"""Representations for the API. Writes go through ``services``: a serializer checks the
shape of the input and resolves references inside the user's scope, and its ``create`` /
``update`` hand the object to the service that validates and saves it."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.plain import PlainRepresentationMixin
from core.models import Department, Region
from core.scope import scope_queryset
from core.services import department_save
from core.validators import normalize_uscc, validate_uscc

from .. import selectors, services
from ..models import (
    Attachment,
    Commendation,
    Commitment,
    CreditRepairApplication,
    DeadlineExtension,
    DishonestyRecord,
    FaultToleranceClaim,
    PublicOfficial,
    RecordEvent,
    RecordSource,
    Rectification,
    RectificationReport,
    Severity,
)


def _user(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


# --- fields ---------------------------------------------------------------------------------


class ScopedRelatedFieldMixin:
    """A reference the user may only point at inside their scope: anything else is reported
    as not existing, like a 404 on its own URL."""

    def get_queryset(self):
        return scope_queryset(_user(self), super().get_queryset())


class ScopedPrimaryKeyRelatedField(ScopedRelatedFieldMixin, serializers.PrimaryKeyRelatedField):
    pass


class SlugRelatedField(serializers.SlugRelatedField):
    """DRF's, answering "invalid" for a value with a NUL character instead of looking it up:
    PostgreSQL refuses such text in a query, which would be a 500."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class ScopedSlugRelatedField(ScopedRelatedFieldMixin, SlugRelatedField):
    pass


class UsccField(serializers.CharField):
    """A credit code as people type it (lower case, spaces), stored normalised."""

    def to_internal_value(self, data):
        return normalize_uscc(super().to_internal_value(data))


class DepartmentUsccField(ScopedSlugRelatedField):
    """A department in scope, referred to by its unified social credit code."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Department.objects.all())
        super().__init__(slug_field="uscc", **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = normalize_uscc(data)
            # A code that cannot exist says which rule of GB 32100 it breaks (length, alphabet,
            # table code, region digits, check characters), as a form or an import does; a
            # valid code not in scope is "not found".
            try:
                validate_uscc(data)
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.messages) from error
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.STR)
class ChoiceDisplayField(serializers.Field):
    """The translated label of a choice field, read with ``get_<field>_display()``. Not a
    ``CharField(source="get_<field>_display")``: DRF inspects a method source's signature on
    every row (a fifth of a 50-record list's time)."""

    def __init__(self, field: str, **kwargs):
        self.choice_field = field
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance) -> str:
        # The labels are kept per language by the models (credit_records/model_base.py).
        return str(getattr(instance, f"get_{self.choice_field}_display")())


def display(field: str) -> ChoiceDisplayField:
    """The translated label of a choice field (``status_display`` beside ``status``)."""
    return ChoiceDisplayField(field)


def uploaded_files() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.FileField(), required=False, default=list, write_only=True
    )


def optional_text() -> serializers.CharField:
    # Blank is let through on purpose: the service says what is missing, in its own words.
    return serializers.CharField(required=False, allow_blank=True, default="")


class ServiceSaveMixin:
    """``create``/``update`` build the instance and let ``save_service`` validate and save."""

    save_service = None  # e.g. services.official_save, called as (actor=, <model_name>=)
    save_argument = None

    def create(self, validated_data):
        return self._save(self.Meta.model(**validated_data))

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return self._save(instance)

    def _save(self, instance):
        return type(self).save_service(actor=_user(self), **{self.save_argument: instance})


# --- regions, departments, officials --------------------------------------------------------


class RegionSerializer(serializers.ModelSerializer):
    level_display = display("level")
    # A province has no parent region.
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "level_display", "parent"]


class DepartmentSerializer(ServiceSaveMixin, serializers.ModelSerializer):
    save_service = department_save
    save_argument = "department"

    # The model's own validator (every rule of GB 32100), on the normalised code; uniqueness,
    # and a kind that disagrees with the code, are reported by the model's full_clean in the
    # service.
    uscc = UsccField(max_length=18, validators=[validate_uscc])
    region = ScopedSlugRelatedField(slug_field="code", queryset=Region.objects.all())
    kind_display = display("kind")
    parent = DepartmentUsccField(required=False, allow_null=True)

    class Meta:
        model = Department
        fields = [
            "uscc",
            "name",
            "region",
            "kind",
            "kind_display",
            "parent",
            "active",
            "head_name",
            "head_email",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class OfficialSerializer(ServiceSaveMixin, serializers.ModelSerializer):
    """Only what identifies an official at work: never a national ID or personal data."""

    save_service = services.official_save
    save_argument = "official"

    department = DepartmentUsccField()

    class Meta:
        model = PublicOfficial
        fields = ["id", "name", "employee_number", "department", "position", "active"]
        # The (department, employee number) constraint is checked by the model in the service.
        validators = []


# --- records and rectification --------------------------------------------------------------


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "uploaded_at"]


class RectificationReportSerializer(serializers.ModelSerializer):
    decision_display = display("decision")
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = RectificationReport
        fields = [
            "id",
            "content",
            "submitted_at",
            "decision",
            "decision_display",
            "decision_reason",
            "decided_at",
            "attachments",
        ]


class DeadlineExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeadlineExtension
        fields = ["id", "previous_deadline", "new_deadline", "reason", "granted_at"]


class RectificationSerializer(serializers.ModelSerializer):
    record = serializers.PrimaryKeyRelatedField(read_only=True)
    department = serializers.CharField(source="record.department.uscc", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    reports = RectificationReportSerializer(many=True, read_only=True)
    extensions = DeadlineExtensionSerializer(many=True, read_only=True)

    class Meta:
        model = Rectification
        fields = [
            "id",
            "record",
            "department",
            "deadline",
            "is_overdue",
            "requirements",
            "explanation",
            "explanation_submitted_at",
            "verified_at",
            "verification_reason",
            "escalation_level",
            "created_at",
            "reports",
            "extensions",
        ]


class RecordEventSerializer(serializers.ModelSerializer):
    action_display = display("action")
    # None for a step the system took (a deadline passed, an escalation).
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    # A system step's reason in the language of the request, as on the record page.
    reason = serializers.CharField(source="display_reason", read_only=True)

    class Meta:
        model = RecordEvent
        fields = ["action", "action_display", "from_status", "to_status", "actor", "reason", "at"]


@extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
class OfficialIdsField(serializers.Field):
    """The ids of a record's responsible officials, in id order: the list's ``official_ids``
    (read in its query, ``selectors.with_official_ids``) where it has them, else the record's
    officials."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, record) -> list[int]:
        ids = getattr(record, "official_ids", None)
        if ids is None:
            ids = sorted(official.pk for official in record.officials.all())
        return list(ids)


class RecordSerializer(PlainRepresentationMixin, serializers.ModelSerializer):
    department = serializers.CharField(source="department.uscc", read_only=True)
    officials = OfficialIdsField()
    department_name = serializers.CharField(source="department.name", read_only=True)
    category_display = display("category")
    severity_display = display("severity")
    source_display = display("source")
    status_display = display("status")
    available_actions = serializers.SerializerMethodField()
    # Left out for a department's liaison (``to_representation``): optional in the schema.
    schema_optional_fields = ("internal_notes",)

    class Meta:
        model = DishonestyRecord
        fields = [
            "id",
            "department",
            "department_name",
            "officials",
            "category",
            "category_display",
            "severity",
            "severity_display",
            "decision_number",
            "issuing_authority",
            "decision_date",
            "facts",
            "internal_notes",
            "source",
            "source_display",
            "status",
            "status_display",
            "minimum_period_ends",
            "disclosure_ends",
            "disclosure_ended_early_on",
            "closed_on",
            "created_at",
            "updated_at",
            "available_actions",
        ]
        read_only_fields = fields

    def to_representation(self, record):
        data = super().to_representation(record)
        user = _user(self)
        if user is None or not selectors.may_read_internal_notes(user):
            # The supervising office's notes are not the department's to read.
            data.pop("internal_notes", None)
        return data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_actions(self, record) -> list[str]:
        # A list's records were read through the user's scope (ScopedViewSetMixin).
        view = self.context.get("view")
        in_scope = getattr(view, "action", None) == "list"
        return selectors.available_actions(record, _user(self), in_scope=in_scope)


class FaultToleranceClaimSerializer(serializers.ModelSerializer):
    status_display = display("status")
    attachments = AttachmentSerializer(many=True, read_only=True)
    # The API named these before claims shared core's Review fields; clients keep the names.
    reviewed_at = serializers.DateTimeField(source="decided_at", read_only=True, allow_null=True)
    review_reason = serializers.CharField(source="decision_reason", read_only=True)

    class Meta:
        model = FaultToleranceClaim
        fields = [
            "id",
            "record",
            "grounds",
            "status",
            "status_display",
            "filed_at",
            "reviewed_at",
            "review_reason",
            "attachments",
        ]
        read_only_fields = fields


class RecordDetailSerializer(RecordSerializer):
    """One record with what hangs from it: the answer to every record action."""

    rectification = RectificationSerializer(read_only=True, allow_null=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    fault_tolerance_claims = FaultToleranceClaimSerializer(many=True, read_only=True)
    timeline = RecordEventSerializer(source="events", many=True, read_only=True)

    class Meta(RecordSerializer.Meta):
        fields = [
            *RecordSerializer.Meta.fields,
            "rectification",
            "attachments",
            "fault_tolerance_claims",
            "timeline",
        ]
        read_only_fields = fields


class RecordCreateSerializer(serializers.ModelSerializer):
    """A new record from the provincial platform or another system: a draft, source ``api``."""

    department = DepartmentUsccField()
    officials = ScopedPrimaryKeyRelatedField(
        queryset=PublicOfficial.objects.all(), many=True, required=False
    )
    files = uploaded_files()

    class Meta:
        model = DishonestyRecord
        fields = [
            "department",
            "officials",
            "category",
            "severity",
            "decision_number",
            "issuing_authority",
            "decision_date",
            "facts",
            "internal_notes",
            "files",
        ]
        # Uniqueness of the decision number is the model's to report, through the service.
        validators = []

    def create(self, validated_data):
        return services.record_create(actor=_user(self), source=RecordSource.API, **validated_data)

    def to_representation(self, instance):
        return RecordDetailSerializer(instance, context=self.context).data


# --- inputs of the record actions -------------------------------------------------------------


class ReasonSerializer(serializers.Serializer):
    reason = optional_text()


class RequireRectificationSerializer(serializers.Serializer):
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    requirements = optional_text()
    reason = optional_text()


class ExplanationSerializer(serializers.Serializer):
    explanation = optional_text()


class ReportSerializer(serializers.Serializer):
    content = optional_text()
    files = uploaded_files()


class ExtendDeadlineSerializer(serializers.Serializer):
    new_deadline = serializers.DateField(required=False, allow_null=True, default=None)
    reason = optional_text()


class ClaimSerializer(serializers.Serializer):
    grounds = optional_text()
    files = uploaded_files()


class EvidenceSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False, write_only=True)


class DecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = optional_text()


# --- commendations, commitments, credit repair ------------------------------------------------


class CommendationSerializer(ServiceSaveMixin, serializers.ModelSerializer):
    save_service = services.commendation_save
    save_argument = "commendation"

    department = DepartmentUsccField()
    official = ScopedPrimaryKeyRelatedField(
        queryset=PublicOfficial.objects.all(), required=False, allow_null=True
    )
    level_display = display("level")

    class Meta:
        model = Commendation
        fields = [
            "id",
            "title",
            "level",
            "level_display",
            "issuing_authority",
            "date",
            "department",
            "official",
        ]


class CommitmentSerializer(ServiceSaveMixin, serializers.ModelSerializer):
    save_service = services.commitment_save
    save_argument = "commitment"

    department = DepartmentUsccField()
    status_display = display("status")
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Commitment
        fields = [
            "id",
            "department",
            "content",
            "promised_date",
            "status",
            "status_display",
            "evidence",
            "assessed_at",
            "resulting_record",
            "created_at",
            "attachments",
        ]
        read_only_fields = ["status", "evidence", "assessed_at", "resulting_record", "created_at"]


class CommitmentAssessSerializer(serializers.Serializer):
    fulfilled = serializers.BooleanField()
    evidence = optional_text()
    files = uploaded_files()


class CommitmentToRecordSerializer(serializers.Serializer):
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.GENERAL)
    issuing_authority = optional_text()


class CreditRepairSerializer(serializers.ModelSerializer):
    record = ScopedPrimaryKeyRelatedField(queryset=DishonestyRecord.objects.all())
    department = serializers.CharField(source="record.department.uscc", read_only=True)
    commitment_text = optional_text()
    statement = optional_text()
    status_display = display("status")

    class Meta:
        model = CreditRepairApplication
        fields = [
            "id",
            "record",
            "department",
            "commitment_text",
            "statement",
            "status",
            "status_display",
            "review_due",
            "filed_at",
            "decided_at",
            "decision_reason",
        ]
        read_only_fields = ["status", "review_due", "filed_at", "decided_at", "decision_reason"]
        validators = []

    def create(self, validated_data):
        return services.credit_repair_apply(actor=_user(self), **validated_data)
