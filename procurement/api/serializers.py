"""Representations for the procurement API. References resolve inside the user's scope;
writes hand the object to the service that validates and saves it."""

from rest_framework import serializers

from core.validators import validate_uscc
from credit_records.api.serializers import (
    DepartmentUsccField,
    ScopedPrimaryKeyRelatedField,
    ServiceSaveMixin,
    SlugRelatedField,
    UsccField,
    display,
    optional_text,
)

from .. import selectors, services
from ..models import (
    Acceptance,
    Contract,
    Payment,
    ProcurementProject,
    RedFlag,
    Supplier,
    Violation,
    ViolationKind,
    ViolationSeverity,
)


class SupplierUsccField(SlugRelatedField):
    """A supplier of the shared register, by credit code."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Supplier.objects.all())
        super().__init__(slug_field="uscc", **kwargs)

    def to_internal_value(self, data):
        from core.validators import normalize_uscc

        return super().to_internal_value(normalize_uscc(data) if isinstance(data, str) else data)


class ParentFixedOnUpdateMixin:
    """The parent (``parent_field``: a contract's project, a payment's contract) is chosen
    when the object is created and read-only afterwards (the service refuses a move too)."""

    parent_field = ""

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields[self.parent_field] = serializers.PrimaryKeyRelatedField(read_only=True)
        return fields


class SupplierSerializer(ServiceSaveMixin, serializers.ModelSerializer):
    save_service = services.supplier_save
    save_argument = "supplier"

    uscc = UsccField(max_length=18, validators=[validate_uscc])

    class Meta:
        model = Supplier
        fields = ["id", "uscc", "name", "is_sme"]


class ProjectSerializer(ServiceSaveMixin, serializers.ModelSerializer):
    save_service = services.project_save
    save_argument = "project"

    purchaser = DepartmentUsccField()
    supplier = SupplierUsccField(required=False, allow_null=True)
    method_display = display("method")
    stage = serializers.SerializerMethodField()

    class Meta:
        model = ProcurementProject
        fields = [
            "id",
            "purchaser",
            "code",
            "title",
            "method",
            "method_display",
            "budget",
            "notice_date",
            "award_date",
            "supplier",
            "award_amount",
            "stage",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # The (purchaser, code) constraint is checked by the model in the service.
        validators = []

    def get_stage(self, project) -> str:
        return project.stage().value


class ContractSerializer(ParentFixedOnUpdateMixin, ServiceSaveMixin, serializers.ModelSerializer):
    parent_field = "project"
    save_service = services.contract_save
    save_argument = "contract"

    project = ScopedPrimaryKeyRelatedField(queryset=ProcurementProject.objects.all())

    class Meta:
        model = Contract
        fields = [
            "id",
            "project",
            "number",
            "signed_date",
            "amount",
            "supplementary_amount",
            "payment_term_days",
            "payment_after_acceptance",
            "acceptance_period_days",
            "late_interest_rate",
            "filed_date",
        ]
        validators = []


class AcceptanceSerializer(ParentFixedOnUpdateMixin, ServiceSaveMixin, serializers.ModelSerializer):
    parent_field = "contract"
    save_service = services.acceptance_save
    save_argument = "acceptance"

    contract = ScopedPrimaryKeyRelatedField(queryset=Contract.objects.all())
    result_display = display("result")

    class Meta:
        model = Acceptance
        fields = [
            "id",
            "contract",
            "delivery_date",
            "acceptance_date",
            "result",
            "result_display",
            "notes",
        ]
        validators = []


class PaymentSerializer(ParentFixedOnUpdateMixin, ServiceSaveMixin, serializers.ModelSerializer):
    parent_field = "contract"
    save_service = services.payment_save
    save_argument = "payment"

    contract = ScopedPrimaryKeyRelatedField(queryset=Contract.objects.all())

    class Meta:
        model = Payment
        fields = [
            "id",
            "contract",
            "sequence",
            "amount",
            "disputed_amount",
            "due_date",
            "paid_date",
            "late_days",
            "late_interest",
        ]
        read_only_fields = ["due_date", "late_days", "late_interest"]
        validators = []

    def to_representation(self, payment):
        data = super().to_representation(payment)
        days, interest = selectors.lateness(*selectors.lateness_values(payment))
        data["late_days"] = days
        data["late_interest"] = self.fields["late_interest"].to_representation(interest)
        return data


class RedFlagSerializer(serializers.ModelSerializer):
    purchaser = serializers.CharField(source="purchaser.uscc", read_only=True)
    rule_display = display("rule")
    status_display = display("status")
    description = serializers.CharField(source="describe", read_only=True)
    violation = serializers.SerializerMethodField()

    class Meta:
        model = RedFlag
        fields = [
            "id",
            "rule",
            "rule_display",
            "purchaser",
            "project",
            "payment",
            "evidence",
            "description",
            "status",
            "status_display",
            "reason",
            "raised_at",
            "decided_at",
            "violation",
        ]

    def get_violation(self, flag) -> int | None:
        violation = getattr(flag, "violation", None)
        return violation.pk if violation else None


class FlagDismissSerializer(serializers.Serializer):
    reason = optional_text()


class ViolationWithdrawSerializer(serializers.Serializer):
    reason = optional_text()


class ViolationFieldsSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ViolationKind.choices, required=False)
    severity = serializers.ChoiceField(choices=ViolationSeverity.choices)
    decision_number = serializers.CharField(max_length=100)
    issuing_authority = serializers.CharField(max_length=200)
    decided_on = serializers.DateField(required=False)
    facts = optional_text()
    create_record = serializers.BooleanField(required=False, default=True)


class ViolationSerializer(serializers.ModelSerializer):
    purchaser = DepartmentUsccField()
    project = ScopedPrimaryKeyRelatedField(
        queryset=ProcurementProject.objects.all(), required=False, allow_null=True
    )
    kind_display = display("kind")
    severity_display = display("severity")
    create_record = serializers.BooleanField(write_only=True, required=False, default=True)

    class Meta:
        model = Violation
        fields = [
            "id",
            "purchaser",
            "project",
            "flag",
            "kind",
            "kind_display",
            "severity",
            "severity_display",
            "decision_number",
            "issuing_authority",
            "decided_on",
            "facts",
            "record",
            "created_at",
            "withdrawn_at",
            "withdrawal_reason",
            "create_record",
        ]
        read_only_fields = ["flag", "record", "created_at", "withdrawn_at", "withdrawal_reason"]
        validators = []

    def create(self, validated_data):
        request = self.context.get("request")
        return services.violation_create(actor=getattr(request, "user", None), **validated_data)


class PurchaserScoreSerializer(serializers.Serializer):
    uscc = serializers.CharField()
    name = serializers.CharField()
    score = serializers.IntegerField()
    stars = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())
    on_time_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
