"""The REST API (``/api/v1/``): thin viewsets over the same selectors, services and FilterSets
as the workspace pages.

Every queryset starts from ``scope_queryset``, so an object outside the user's scope is a
404. Writes call the services; their exceptions become HTTP answers in one place
(``exceptions.exception_handler``).
"""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.access_log import AccessLoggedViewSetMixin
from core.api.filtering import StrictDjangoFilterBackend, StrictOrderingFilter
from core.api.parsers import JSONParser
from core.api.permissions import ModelPermissions
from core.filters import DepartmentFilter, RegionFilter
from core.models import Department, Region, ReportVariant
from core.public_cache import CachedCountPaginator
from core.reports.serializers import IssuedReportSerializer, ReportRequestSerializer
from core.reports.services import report_issue
from core.scope import scope_queryset
from core.validators import normalize_uscc

from .. import selectors, services
from ..actions import RECORD_ACTIONS, RecordAction
from ..filters import (
    CommendationFilter,
    CommitmentFilter,
    CreditRepairFilter,
    DishonestyRecordFilter,
    FaultToleranceClaimFilter,
    PublicOfficialFilter,
    RectificationFilter,
)
from ..models import (
    Commendation,
    Commitment,
    CreditRepairApplication,
    DishonestyRecord,
    FaultToleranceClaim,
    PublicOfficial,
    RecordEvent,
    Rectification,
    RectificationReport,
)
from . import serializers as s

# The region filters take a region id; spectacular cannot tell from a filter method.
extend_schema_field(OpenApiTypes.INT)(DishonestyRecordFilter.in_region)


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200
    # Counting 100,000 records in scope costs more than the page: kept until the data changes.
    django_paginator_class = CachedCountPaginator


class ScopedViewSetMixin:
    """Scope, permissions, strict filtering and pagination, the same for every endpoint."""

    permission_classes = [ModelPermissions]
    filter_backends = [StrictDjangoFilterBackend, StrictOrderingFilter]
    pagination_class = Pagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return scope_queryset(self.request.user, super().get_queryset())


# The record actions with an endpoint of their own under /api/v1/records/<pk>/.
API_RECORD_ACTIONS = [a for a in RECORD_ACTIONS.values() if a.serializer_class is not None]


# The HTTP answers every write may give besides its success.
WRITE_ERRORS = {
    400: OpenApiResponse(description="Invalid input; the body lists the errors by field."),
    403: OpenApiResponse(description="Your role does not allow this."),
    404: OpenApiResponse(description="Not found, or outside your scope."),
}
WORKFLOW_ERRORS = {
    **WRITE_ERRORS,
    409: OpenApiResponse(description="Not possible in the object's current state."),
}


# --- regions, departments, officials --------------------------------------------------------


class RegionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Administrative divisions in your scope, by their GB/T 2260 code."""

    queryset = Region.objects.select_related("parent")
    serializer_class = s.RegionSerializer
    filterset_class = RegionFilter
    lookup_field = "code"
    lookup_value_regex = r"\d{6}"
    ordering_fields = ["code", "name"]


@extend_schema_view(
    create=extend_schema(responses={201: s.DepartmentSerializer, **WRITE_ERRORS}),
    update=extend_schema(responses={200: s.DepartmentSerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(responses={200: s.DepartmentSerializer, **WRITE_ERRORS}),
)
class DepartmentViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Departments in your scope, by unified social credit code."""

    queryset = Department.objects.select_related("region", "parent")
    serializer_class = s.DepartmentSerializer
    filterset_class = DepartmentFilter
    lookup_field = "uscc"
    # Letters and digits only (any case): anything else, a NUL character included, which
    # PostgreSQL cannot compare, is a 404 from the URL itself.
    lookup_value_regex = r"[0-9A-Za-z]+"
    ordering_fields = ["name", "uscc", "region__code"]
    action_permissions = {"report": ["core.view_department", "core.add_issuedreport"]}

    def get_object(self):
        # A code in the URL may be typed in lower case, like anywhere else.
        self.kwargs[self.lookup_field] = normalize_uscc(self.kwargs[self.lookup_field])
        return super().get_object()

    @extend_schema(
        summary="Issue the department's official credit report (政务信用报告)",
        request=ReportRequestSerializer,
        responses={201: IssuedReportSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def report(self, request, uscc=None, format=None):
        """Render the report as a PDF, enter it in the register and return its verification
        code, number, validity and the file itself (base64)."""
        department = self.get_object()
        serializer = ReportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issued = report_issue(
            department=department,
            variant=ReportVariant.OFFICIAL,
            actor=request.user,
            **serializer.validated_data,
        )
        data = IssuedReportSerializer(issued.report, context={"issued": issued}).data
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    create=extend_schema(responses={201: s.OfficialSerializer, **WRITE_ERRORS}),
    update=extend_schema(responses={200: s.OfficialSerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(responses={200: s.OfficialSerializer, **WRITE_ERRORS}),
)
class OfficialViewSet(
    AccessLoggedViewSetMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Public officials of the departments in your scope. An official who leaves is set
    inactive, not deleted: their file stays."""

    queryset = PublicOfficial.objects.select_related("department")
    serializer_class = s.OfficialSerializer
    filterset_class = PublicOfficialFilter
    ordering_fields = ["name", "employee_number"]


# --- dishonesty records and their workflow --------------------------------------------------


def _record_action(serializer_class, summary: str, *, status_code=200):
    """The schema of a record action: its input, and the record as it is afterwards."""
    return extend_schema(
        summary=summary,
        request={
            "application/json": serializer_class,
            "multipart/form-data": serializer_class,
        },
        responses={status_code: s.RecordDetailSerializer, **WORKFLOW_ERRORS},
    )


@extend_schema_view(
    create=extend_schema(
        request={
            "application/json": s.RecordCreateSerializer,
            "multipart/form-data": s.RecordCreateSerializer,
        },
        responses={201: s.RecordDetailSerializer, **WRITE_ERRORS},
    ),
)
class RecordViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Government dishonesty records in your scope, and the steps of their workflow.

    Each record lists in ``available_actions`` the steps you may take on it now; every step
    answers with the record as it is afterwards.
    """

    queryset = DishonestyRecord.objects.select_related(
        "department", "department__region"
    ).prefetch_related("officials")
    filterset_class = DishonestyRecordFilter
    ordering_fields = ["decision_date", "created_at", "updated_at", "severity", "status"]
    # What each record action needs, from the table the pages read too (credit_records.actions).
    action_permissions = {action.api_name: [action.permission] for action in API_RECORD_ACTIONS}

    def get_queryset(self):
        # The model permission check reads the queryset's model before the list reads the
        # queryset: built once a request (scope, annotations), each use clones it.
        built = self.__dict__.get("_built_queryset")
        if built is None:
            built = self._built_queryset = self._build_queryset()
        return built.all()

    def _build_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            # A list row names its department, not the region (50 instances fewer a page),
            # and its officials' ids, read in the same query where the database can.
            queryset = queryset.select_related(None).select_related("department")
            return selectors.with_official_ids(selectors.with_pending_requests(queryset))
        return queryset.select_related("rectification").prefetch_related(
            "attachments",
            "fault_tolerance_claims__attachments",
            Prefetch("events", queryset=RecordEvent.objects.select_related("actor")),
            Prefetch(
                "rectification__reports",
                queryset=RectificationReport.objects.prefetch_related("attachments"),
            ),
            "rectification__extensions",
        )

    def get_serializer_class(self):
        if self.action == "create":
            return s.RecordCreateSerializer
        if self.action == "list":
            return s.RecordSerializer
        return s.RecordDetailSerializer

    def _run(self, request, serializer_class, service):
        record = self.get_object()
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        service(record=record, actor=request.user, **serializer.validated_data)
        # Read it again, as everyone else will now see it.
        record = self.get_queryset().get(pk=record.pk)
        context = self.get_serializer_context()
        return Response(s.RecordDetailSerializer(record, context=context).data)


def _record_action_endpoint(record_action: RecordAction):
    """The viewset action of one row of the table: ``POST /api/v1/records/<pk>/<slug>/``."""

    def endpoint(self, request, pk=None, format=None):
        return self._run(request, record_action.serializer_class, record_action.service)

    # DRF names the action (``self.action``, the route ``record-<slug>``) after the function.
    endpoint.__name__ = endpoint.__qualname__ = record_action.api_name
    endpoint = action(detail=True, methods=["post"], url_path=record_action.slug)(endpoint)
    return _record_action(record_action.serializer_class, record_action.api_summary)(endpoint)


# DRF finds a viewset's actions when the router lists its routes (in urls.py), after this.
for _action in API_RECORD_ACTIONS:
    setattr(RecordViewSet, _action.api_name, _record_action_endpoint(_action))


class RectificationViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Rectifications in your scope, with their reports and deadline extensions."""

    queryset = Rectification.objects.select_related("record__department").prefetch_related(
        Prefetch("reports", queryset=RectificationReport.objects.prefetch_related("attachments")),
        "extensions",
    )
    serializer_class = s.RectificationSerializer
    filterset_class = RectificationFilter
    ordering_fields = ["deadline", "created_at"]


class FaultToleranceClaimViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Fault-tolerance claims in your scope; a supervisor reviews them."""

    queryset = FaultToleranceClaim.objects.select_related("record").prefetch_related("attachments")
    serializer_class = s.FaultToleranceClaimSerializer
    filterset_class = FaultToleranceClaimFilter
    ordering_fields = ["filed_at"]
    action_permissions = {"review": ["credit_records.change_faulttoleranceclaim"]}

    @extend_schema(
        summary="Approve (exempts the record) or reject a fault-tolerance claim",
        request=s.DecisionSerializer,
        responses={200: s.FaultToleranceClaimSerializer, **WORKFLOW_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None, format=None):
        claim = self.get_object()
        serializer = s.DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        claim = services.fault_tolerance_claim_review(
            claim=claim, actor=request.user, **serializer.validated_data
        )
        claim = self.get_queryset().get(pk=claim.pk)
        return Response(self.get_serializer(claim).data)


# --- commendations, commitments, credit repair ------------------------------------------------


@extend_schema_view(
    create=extend_schema(responses={201: s.CommendationSerializer, **WRITE_ERRORS}),
    update=extend_schema(responses={200: s.CommendationSerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(responses={200: s.CommendationSerializer, **WRITE_ERRORS}),
)
class CommendationViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Commendations (表彰) of departments and officials in your scope."""

    queryset = Commendation.objects.select_related("department", "official")
    serializer_class = s.CommendationSerializer
    filterset_class = CommendationFilter
    ordering_fields = ["date", "title"]


@extend_schema_view(
    create=extend_schema(responses={201: s.CommitmentSerializer, **WRITE_ERRORS}),
    update=extend_schema(responses={200: s.CommitmentSerializer, **WORKFLOW_ERRORS}),
    partial_update=extend_schema(responses={200: s.CommitmentSerializer, **WORKFLOW_ERRORS}),
)
class CommitmentViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Public commitments (承诺事项) of departments in your scope and whether they were kept.
    A pending commitment can be edited; an assessed one cannot."""

    queryset = Commitment.objects.select_related("department").prefetch_related("attachments")
    serializer_class = s.CommitmentSerializer
    filterset_class = CommitmentFilter
    ordering_fields = ["promised_date", "created_at"]
    action_permissions = {
        "assess": ["credit_records.change_commitment"],
        "to_record": ["credit_records.add_dishonestyrecord"],
    }

    @extend_schema(
        summary="Record whether the commitment was kept",
        request={
            "application/json": s.CommitmentAssessSerializer,
            "multipart/form-data": s.CommitmentAssessSerializer,
        },
        responses={200: s.CommitmentSerializer, **WORKFLOW_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def assess(self, request, pk=None, format=None):
        commitment = self.get_object()
        serializer = s.CommitmentAssessSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        commitment = services.commitment_assess(
            commitment=commitment, actor=request.user, **serializer.validated_data
        )
        commitment = self.get_queryset().get(pk=commitment.pk)
        return Response(self.get_serializer(commitment).data)

    @extend_schema(
        summary="Turn a broken commitment into a draft dishonesty record",
        request=s.CommitmentToRecordSerializer,
        responses={201: s.RecordDetailSerializer, **WORKFLOW_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="to-record")
    def to_record(self, request, pk=None, format=None):
        commitment = self.get_object()
        serializer = s.CommitmentToRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = services.commitment_to_record(
            commitment=commitment, actor=request.user, **serializer.validated_data
        )
        data = s.RecordDetailSerializer(record, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    create=extend_schema(
        summary="Apply for credit repair (信用修复) of a rectified record",
        responses={201: s.CreditRepairSerializer, **WORKFLOW_ERRORS},
    ),
)
class CreditRepairViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Credit-repair applications in your scope; a supervisor decides them."""

    queryset = CreditRepairApplication.objects.select_related("record__department")
    serializer_class = s.CreditRepairSerializer
    filterset_class = CreditRepairFilter
    ordering_fields = ["filed_at", "review_due"]
    action_permissions = {"decide": ["credit_records.change_creditrepairapplication"]}

    @extend_schema(
        summary="Approve (ends public disclosure today) or reject an application",
        request=s.DecisionSerializer,
        responses={200: s.CreditRepairSerializer, **WORKFLOW_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None, format=None):
        application = self.get_object()
        serializer = s.DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = services.credit_repair_decide(
            application=application, actor=request.user, **serializer.validated_data
        )
        application = self.get_queryset().get(pk=application.pk)
        return Response(self.get_serializer(application).data)
