"""The debt API (``/api/v1/debt/``): the credit-records API's conventions (scope, model
permissions, strict filters, the one exception handler), over the debt services."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from credit_records.api.serializers import RecordDetailSerializer
from credit_records.api.views import WORKFLOW_ERRORS, ScopedViewSetMixin

from .. import services
from ..filters import (
    BondIssueFilter,
    CreditRatingFilter,
    DebtAuditFilter,
    DebtProfileFilter,
    EmergencyEventFilter,
    RiskAssessmentFilter,
    RiskWarningFilter,
    TermAssessmentFilter,
)
from ..models import (
    BondIssue,
    CreditRating,
    DebtAudit,
    DebtProfile,
    EmergencyEvent,
    RiskAssessment,
    RiskWarning,
    TermAssessment,
)
from . import serializers as s


class WritableViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    pass


class DebtProfileViewSet(WritableViewSet):
    """Yearly debt profiles in your scope, amounts in 亿元, each with its risk assessment.
    Saving a profile recomputes its assessment."""

    queryset = DebtProfile.objects.select_related("region", "assessment")
    serializer_class = s.DebtProfileSerializer
    filterset_class = DebtProfileFilter
    ordering_fields = ["year", "region__code"]
    action_permissions = {
        "recompute": ["debt.change_debtprofile"],
        # As the workspace's "Record a debt default" page.
        "report_default": ["debt.change_debtprofile", "credit_records.add_dishonestyrecord"],
    }

    @extend_schema(request=None, responses={200: s.DebtProfileSerializer, **WORKFLOW_ERRORS})
    @action(detail=True, methods=["post"])
    def recompute(self, request, pk=None, format=None):
        profile = self.get_object()
        services.assessment_compute(profile=profile, actor=request.user)
        profile = self.get_queryset().get(pk=profile.pk)
        return Response(self.get_serializer(profile).data)

    @extend_schema(
        summary="Report the profile's overdue debt as a draft dishonesty record",
        request=s.DebtDefaultSerializer,
        responses={201: RecordDetailSerializer, **WORKFLOW_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="report-default")
    def report_default(self, request, pk=None, format=None):
        profile = self.get_object()
        serializer = s.DebtDefaultSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        link = services.debt_default_report(
            actor=request.user, profile=profile, **serializer.validated_data
        )
        data = RecordDetailSerializer(link.record, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


class RiskAssessmentViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Computed risk assessments in your scope, with the inputs and thresholds used."""

    queryset = RiskAssessment.objects.select_related("profile__region")
    serializer_class = s.RiskAssessmentSerializer
    filterset_class = RiskAssessmentFilter
    ordering_fields = ["debt_ratio", "computed_at"]


CHANGE_WARNING = ["debt.change_riskwarning"]


class RiskWarningViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Risk prompts and warnings in your scope; each lifecycle step is an action."""

    queryset = RiskWarning.objects.select_related("region")
    serializer_class = s.RiskWarningSerializer
    filterset_class = RiskWarningFilter
    ordering_fields = ["created_at", "response_deadline"]
    action_permissions = {
        "issue": CHANGE_WARNING,
        "respond": CHANGE_WARNING,
        "close": CHANGE_WARNING,
        "withdraw": CHANGE_WARNING,
    }

    def _run(self, request, serializer_class, service):
        warning = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        service(actor=request.user, warning=warning, **serializer.validated_data)
        warning = self.get_queryset().get(pk=warning.pk)
        return Response(self.get_serializer(warning).data)

    @extend_schema(request=s.IssueSerializer, responses={200: s.RiskWarningSerializer})
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None, format=None):
        return self._run(request, s.IssueSerializer, services.warning_issue)

    @extend_schema(request=s.RespondSerializer, responses={200: s.RiskWarningSerializer})
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None, format=None):
        return self._run(request, s.RespondSerializer, services.warning_respond)

    @extend_schema(request=s.NoteSerializer, responses={200: s.RiskWarningSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None, format=None):
        return self._run(request, s.NoteSerializer, services.warning_close)

    @extend_schema(request=s.NoteSerializer, responses={200: s.RiskWarningSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None, format=None):
        return self._run(request, s.NoteSerializer, services.warning_withdraw)


class EmergencyEventViewSet(WritableViewSet):
    """Debt-risk emergency events (levels I–IV) in your scope."""

    queryset = EmergencyEvent.objects.select_related("region")
    serializer_class = s.EmergencyEventSerializer
    filterset_class = EmergencyEventFilter
    ordering_fields = ["occurred_on"]


class DebtAuditViewSet(WritableViewSet):
    """Debt audits of leading officials in your scope."""

    queryset = DebtAudit.objects.select_related("region")
    serializer_class = s.DebtAuditSerializer
    filterset_class = DebtAuditFilter
    ordering_fields = ["report_date"]


class TermAssessmentViewSet(WritableViewSet):
    """Term assessments of governments' borrowing, use and management of debt."""

    queryset = TermAssessment.objects.select_related("region")
    serializer_class = s.TermAssessmentSerializer
    filterset_class = TermAssessmentFilter
    ordering_fields = ["period_end"]


class BondIssueViewSet(WritableViewSet):
    """Local government bond issues in your scope, amounts in 亿元."""

    queryset = BondIssue.objects.select_related("region")
    serializer_class = s.BondIssueSerializer
    filterset_class = BondIssueFilter
    ordering_fields = ["issue_date", "amount"]


class CreditRatingViewSet(WritableViewSet):
    """Credit ratings of regional government debt in your scope."""

    queryset = CreditRating.objects.select_related("region")
    serializer_class = s.CreditRatingSerializer
    filterset_class = CreditRatingFilter
    ordering_fields = ["rated_on"]
