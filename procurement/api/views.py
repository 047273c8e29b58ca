"""The procurement API (``/api/v1/procurement/``): thin viewsets over the same scope,
FilterSets and services as the workspace. The exception handler, permission class and strict
filter backends are the credit-records API's."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.models import Department
from core.validators import normalize_uscc
from credit_records.api.views import WORKFLOW_ERRORS, WRITE_ERRORS, Pagination, ScopedViewSetMixin

from .. import selectors, services
from ..filters import (
    ContractFilter,
    PaymentFilter,
    ProjectFilter,
    RedFlagFilter,
    SupplierFilter,
    ViolationFilter,
)
from ..models import Acceptance, Contract, Payment, ProcurementProject, RedFlag, Violation
from . import serializers as s

WRITABLE = (
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
)


def _write_schema(serializer):
    return extend_schema_view(
        create=extend_schema(responses={201: serializer, **WRITE_ERRORS}),
        update=extend_schema(responses={200: serializer, **WRITE_ERRORS}),
        partial_update=extend_schema(responses={200: serializer, **WRITE_ERRORS}),
    )


@_write_schema(s.SupplierSerializer)
class SupplierViewSet(ScopedViewSetMixin, *WRITABLE):
    """The shared supplier register, by credit code."""

    serializer_class = s.SupplierSerializer
    filterset_class = SupplierFilter
    ordering_fields = ["name", "uscc"]

    def get_queryset(self):
        # Not region data: the register is shared (see ``Supplier``).
        return selectors.suppliers_for(self.request.user).order_by("name", "pk")


@_write_schema(s.ProjectSerializer)
class ProjectViewSet(ScopedViewSetMixin, *WRITABLE):
    """Procurement projects of the purchasers in your scope."""

    queryset = ProcurementProject.objects.select_related(
        "purchaser", "supplier", "contract__acceptance"
    ).prefetch_related("contract__payments")
    serializer_class = s.ProjectSerializer
    filterset_class = ProjectFilter
    ordering_fields = ["notice_date", "award_date", "budget", "code"]


@_write_schema(s.ContractSerializer)
class ContractViewSet(ScopedViewSetMixin, *WRITABLE):
    queryset = Contract.objects.select_related("project")
    serializer_class = s.ContractSerializer
    filterset_class = ContractFilter
    ordering_fields = ["signed_date", "amount"]


@_write_schema(s.AcceptanceSerializer)
class AcceptanceViewSet(ScopedViewSetMixin, *WRITABLE):
    queryset = Acceptance.objects.select_related("contract")
    serializer_class = s.AcceptanceSerializer
    ordering_fields = ["delivery_date", "acceptance_date"]


@_write_schema(s.PaymentSerializer)
class PaymentViewSet(ScopedViewSetMixin, *WRITABLE):
    """Payment instalments; due date and late interest are computed, never written. An
    unpaid instalment past its due date shows its days late and interest so far (to today)."""

    queryset = Payment.objects.select_related("contract")
    serializer_class = s.PaymentSerializer
    filterset_class = PaymentFilter
    ordering_fields = ["due_date", "paid_date", "amount"]


class RedFlagViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Red flags raised on purchases in your scope; confirm one as a violation or dismiss it."""

    queryset = RedFlag.objects.select_related("purchaser", "violation")
    serializer_class = s.RedFlagSerializer
    filterset_class = RedFlagFilter
    ordering_fields = ["raised_at", "rule", "status"]
    action_permissions = {
        "confirm": ["procurement.change_redflag", "procurement.add_violation"],
        "dismiss": ["procurement.change_redflag"],
    }

    @extend_schema(
        summary="Confirm the flag as a violation (and a draft dishonesty record)",
        request=s.ViolationFieldsSerializer,
        responses={201: s.ViolationSerializer, **WORKFLOW_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None, format=None):
        flag = self.get_object()
        serializer = s.ViolationFieldsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        violation = services.flag_confirm(
            actor=request.user, flag=flag, **serializer.validated_data
        )
        data = s.ViolationSerializer(violation, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Dismiss the flag, with the reasons",
        request=s.FlagDismissSerializer,
        responses={200: s.RedFlagSerializer, **WORKFLOW_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None, format=None):
        flag = self.get_object()
        serializer = s.FlagDismissSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.flag_dismiss(actor=request.user, flag=flag, **serializer.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=flag.pk)).data)


@extend_schema_view(create=extend_schema(responses={201: s.ViolationSerializer, **WRITE_ERRORS}))
class ViolationViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Purchasers' violations; creating one can also create its dishonesty record. One
    entered in error is withdrawn (never deleted) and stops counting in the score."""

    queryset = Violation.objects.select_related("purchaser", "project", "record")
    serializer_class = s.ViolationSerializer
    filterset_class = ViolationFilter
    ordering_fields = ["decided_on", "created_at"]
    action_permissions = {"withdraw": ["procurement.change_violation"]}

    @extend_schema(
        summary="Withdraw a violation entered in error, with the reasons",
        request=s.ViolationWithdrawSerializer,
        responses={200: s.ViolationSerializer, **WORKFLOW_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None, format=None):
        violation = self.get_object()
        serializer = s.ViolationWithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.violation_withdraw(
            actor=request.user, violation=violation, **serializer.validated_data
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=violation.pk)).data)


class PurchaserViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    """A purchaser's procurement credit score, with its reasons (departments in scope)."""

    queryset = Department.objects.all()
    serializer_class = s.PurchaserScoreSerializer
    pagination_class = Pagination
    lookup_field = "uscc"
    # Letters and digits only (any case): anything else, a NUL character included, which
    # PostgreSQL cannot compare, is a 404 from the URL itself.
    lookup_value_regex = r"[0-9A-Za-z]+"
    filter_backends = []

    def retrieve(self, request, uscc=None, format=None):
        if not request.user.has_perm("procurement.view_procurementproject"):
            raise PermissionDenied
        self.kwargs["uscc"] = normalize_uscc(uscc)
        department = self.get_object()
        score = selectors.purchaser_score(department)
        summary = selectors.purchaser_summary(department)
        data = {
            "uscc": department.uscc,
            "name": department.name,
            "score": score.score,
            "stars": score.stars,
            "reasons": score.reasons,
            "on_time_rate": summary["on_time_rate"],
        }
        return Response(s.PurchaserScoreSerializer(data).data)
