"""API representations of the debt app. Writes go through the services: a serializer checks
the input's shape and resolves regions inside the user's scope."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.models import Region
from credit_records.api.serializers import DepartmentUsccField, ScopedSlugRelatedField, display
from credit_records.models import Severity

from ..models import (
    BondIssue,
    CreditRating,
    DebtAudit,
    DebtProfile,
    EmergencyEvent,
    Grade,
    RiskAssessment,
    RiskWarning,
    TermAssessment,
)


class RegionCodeField(ScopedSlugRelatedField):
    """A region in scope by its GB/T 2260 code."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Region.objects.all())
        super().__init__(slug_field="code", **kwargs)


class RiskAssessmentSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="profile.region.code", read_only=True)
    year = serializers.IntegerField(source="profile.year", read_only=True)
    grade_display = display("grade")
    limit_breached = serializers.BooleanField(read_only=True)

    class Meta:
        model = RiskAssessment
        fields = [
            "id",
            "profile",
            "region",
            "year",
            "debt_ratio",
            "limit_utilisation",
            "debt_service_ratio",
            "overdue_ratio",
            "new_debt_ratio",
            "grade",
            "grade_display",
            "general_limit_breached",
            "special_limit_breached",
            "limit_breached",
            "total_balance",
            "total_limit",
            "financial_capacity",
            "debt_service",
            "overdue_amount",
            "new_debt",
            "previous_balance",
            "yellow_threshold",
            "orange_threshold",
            "red_threshold",
            "computed_at",
        ]
        read_only_fields = fields


class DebtProfileSerializer(serializers.ModelSerializer):
    region = RegionCodeField()
    region_name = serializers.CharField(source="region.name", read_only=True)
    assessment = RiskAssessmentSerializer(read_only=True)

    class Meta:
        model = DebtProfile
        fields = [
            "id",
            "region",
            "region_name",
            "year",
            "general_limit",
            "special_limit",
            "general_balance",
            "special_balance",
            "financial_capacity",
            "principal_due",
            "interest_due",
            "overdue_amount",
            "new_debt",
            "published",
            "notes",
            "assessment",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # One profile per region and year: checked by the service (model validation), so
        # the error reads the same everywhere.
        validators = []

    def _save(self, instance):
        from ..services import profile_save

        return profile_save(actor=self.context["request"].user, profile=instance)

    def create(self, validated_data):
        return self._save(DebtProfile(**validated_data))

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return self._save(instance)


class RiskWarningSerializer(serializers.ModelSerializer):
    region = RegionCodeField()
    status_display = display("status")
    kind_display = display("kind")
    ground_display = display("ground")
    is_overdue = serializers.BooleanField(read_only=True)
    # "" for a warning issued by hand rather than drafted by an assessment's grade.
    grade = serializers.ChoiceField(
        label=_("grade"), choices=Grade.choices, read_only=True, allow_blank=True
    )

    class Meta:
        model = RiskWarning
        fields = [
            "id",
            "region",
            "profile",
            "kind",
            "kind_display",
            "ground",
            "ground_display",
            "grade",
            "title",
            "reason",
            "required_response",
            "response_deadline",
            "status",
            "status_display",
            "is_overdue",
            "automatic",
            "issued_at",
            "response",
            "responded_at",
            "closing_note",
            "closed_at",
            "escalation_level",
            "created_at",
        ]
        read_only_fields = [
            "profile",
            "ground",
            "grade",
            "response_deadline",
            "status",
            "automatic",
            "issued_at",
            "response",
            "responded_at",
            "closing_note",
            "closed_at",
            "escalation_level",
            "created_at",
        ]

    def create(self, validated_data):
        from ..services import warning_create

        return warning_create(actor=self.context["request"].user, **validated_data)


class IssueSerializer(serializers.Serializer):
    required_response = serializers.CharField(required=False, allow_blank=True, default="")
    response_deadline = serializers.DateField(required=False, allow_null=True, default=None)


class RespondSerializer(serializers.Serializer):
    response = serializers.CharField()


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField()


class DebtDefaultSerializer(serializers.Serializer):
    """A profile's overdue debt reported as a draft dishonesty record; without a department
    the region's people's government is the subject."""

    department = DepartmentUsccField(required=False, allow_null=True, default=None)
    severity = serializers.ChoiceField(choices=Severity.choices)
    decision_number = serializers.CharField(max_length=100)
    issuing_authority = serializers.CharField(max_length=200)
    decision_date = serializers.DateField()
    facts = serializers.CharField()


class _RegionRecordSerializer(serializers.ModelSerializer):
    """Emergencies, audits, term assessments, bonds and ratings: saved by one service."""

    region = RegionCodeField()

    def _save(self, instance):
        from ..services import debt_record_save

        return debt_record_save(actor=self.context["request"].user, instance=instance)

    def create(self, validated_data):
        return self._save(self.Meta.model(**validated_data))

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return self._save(instance)


class EmergencyEventSerializer(_RegionRecordSerializer):
    level_display = display("level")
    status_display = display("status")

    class Meta:
        model = EmergencyEvent
        fields = [
            "id",
            "region",
            "title",
            "level",
            "level_display",
            "status",
            "status_display",
            "occurred_on",
            "description",
            "actions_taken",
            "amount_involved",
            "resolved_on",
        ]
        validators = []


class DebtAuditSerializer(_RegionRecordSerializer):
    class Meta:
        model = DebtAudit
        fields = [
            "id",
            "region",
            "leading_official",
            "position",
            "term_start",
            "term_end",
            "audit_authority",
            "report_number",
            "report_date",
            "findings",
            "irregular_amount",
            "accountability",
        ]
        validators = []


class TermAssessmentSerializer(_RegionRecordSerializer):
    total_score = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True)

    class Meta:
        model = TermAssessment
        fields = [
            "id",
            "region",
            "period_start",
            "period_end",
            "borrowing_score",
            "use_score",
            "management_score",
            "total_score",
            "conclusion",
            "comments",
            "assessed_on",
        ]
        validators = []


class BondIssueSerializer(_RegionRecordSerializer):
    class Meta:
        model = BondIssue
        fields = [
            "id",
            "region",
            "code",
            "name",
            "bond_type",
            "amount",
            "rate",
            "issue_date",
            "maturity_date",
            "purpose",
            "project",
        ]
        validators = []


class CreditRatingSerializer(_RegionRecordSerializer):
    class Meta:
        model = CreditRating
        fields = ["id", "region", "agency", "rating", "outlook", "rated_on", "notes"]
        validators = []
