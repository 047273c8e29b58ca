"""The API of government agreements (``/api/v1/procurement/agreements/``) and of the arrears
ledger (``/api/v1/procurement/arrears/``): the same scope, FilterSets and services as the
workspace. An agreement shows its obligations with their status today; an arrears item its
instalments, what is repaid and outstanding, and its days overdue."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.validators import validate_uscc
from credit_records.api.serializers import DepartmentUsccField, ServiceSaveMixin, UsccField
from credit_records.api.views import ScopedViewSetMixin

from .. import agreement_rules as ar
from .. import services
from ..filters_agreements import AgreementFilter, ArrearsItemFilter
from ..models import Agreement, ArrearsItem, Instalment, Obligation
from .views import WRITABLE, _write_schema


class ObligationSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()

    class Meta:
        model = Obligation
        fields = [
            "id",
            "description",
            "amount",
            "agreed_due_date",
            "condition",
            "days_after_condition",
            "condition_met_on",
            "due_date",
            "fulfilled_on",
            "head_changed_on",
            "status",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ChoiceField(choices=["awaiting", "not_due", "overdue", "kept", "kept_late"])
    )
    def get_status(self, obligation) -> str:
        return ar.obligation_status(
            due_date=obligation.due_date,
            fulfilled_on=obligation.fulfilled_on,
            as_of=timezone.localdate(),
        )


class AgreementSerializer(ServiceSaveMixin, serializers.ModelSerializer):
    save_service = services.agreement_save
    save_argument = "agreement"

    department = DepartmentUsccField()
    counterparty_uscc = UsccField(max_length=18, validators=[validate_uscc])
    obligations = ObligationSerializer(many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "department",
            "kind",
            "number",
            "title",
            "counterparty_name",
            "counterparty_uscc",
            "counterparty_is_sme",
            "counterparty_is_individual",
            "signed_date",
            "term_end",
            "obligations",
        ]
        read_only_fields = ["counterparty_is_individual"]


class InstalmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Instalment
        fields = ["sequence", "due_date", "amount", "paid_on"]
        read_only_fields = fields


class ArrearsItemSerializer(ServiceSaveMixin, serializers.ModelSerializer):
    save_service = services.arrears_item_save
    save_argument = "item"

    department = DepartmentUsccField()
    creditor_uscc = UsccField(max_length=18, validators=[validate_uscc])
    instalments = InstalmentSerializer(many=True, read_only=True)
    repaid = serializers.SerializerMethodField()
    outstanding = serializers.SerializerMethodField()
    days_overdue = serializers.SerializerMethodField()

    class Meta:
        model = ArrearsItem
        fields = [
            "id",
            "department",
            "reference",
            "kind",
            "description",
            "creditor_name",
            "creditor_uscc",
            "creditor_is_sme",
            "creditor_is_individual",
            "amount",
            "due_date",
            "plan_agreed_on",
            "instalments",
            "repaid",
            "outstanding",
            "days_overdue",
        ]
        read_only_fields = ["creditor_is_individual", "plan_agreed_on"]

    def _repaid(self, item):
        return sum((i.amount for i in item.instalments.all() if i.paid_on), 0)

    @extend_schema_field(serializers.DecimalField(max_digits=15, decimal_places=2))
    def get_repaid(self, item):
        return f"{self._repaid(item):.2f}"

    @extend_schema_field(serializers.DecimalField(max_digits=15, decimal_places=2))
    def get_outstanding(self, item):
        return f"{item.amount - self._repaid(item):.2f}"

    def get_days_overdue(self, item) -> int:
        if item.amount - self._repaid(item) <= 0:
            return 0
        return ar.days_overdue(item.due_date, timezone.localdate())


@_write_schema(AgreementSerializer)
class AgreementViewSet(ScopedViewSetMixin, *WRITABLE):
    """Government agreements of the departments in your scope, with their obligations."""

    queryset = Agreement.objects.select_related("department").prefetch_related("obligations")
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilter
    ordering_fields = ["signed_date", "number"]


@_write_schema(ArrearsItemSerializer)
class ArrearsViewSet(ScopedViewSetMixin, *WRITABLE):
    """What the departments in your scope owe enterprises, with repayment plans."""

    queryset = ArrearsItem.objects.select_related("department").prefetch_related("instalments")
    serializer_class = ArrearsItemSerializer
    filterset_class = ArrearsItemFilter
    ordering_fields = ["due_date", "amount"]
