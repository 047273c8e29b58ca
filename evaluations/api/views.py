"""The evaluations API (``/api/v1/evaluations/``): schemes, rounds and their results, read
by everyone with the view permission within what ``selectors`` lets them see; the round
actions call the services (409 when the round's state does not allow them)."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.filtering import StrictDjangoFilterBackend, StrictOrderingFilter
from core.api.permissions import ModelPermissions
from credit_records.api.views import WORKFLOW_ERRORS, Pagination

from .. import selectors, services
from ..filters import FeedbackFilter, RoundFilter, RoundSubjectFilter
from ..models import Indicator, Round, RoundSubject, Scheme, Score, ScoreFeedback
from . import serializers as s

CHANGE_ROUND = ["evaluations.change_round"]


class EvaluationViewSetMixin:
    permission_classes = [ModelPermissions]
    filter_backends = [StrictDjangoFilterBackend, StrictOrderingFilter]
    pagination_class = Pagination


class SchemeViewSet(EvaluationViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Evaluation schemes with their dimensions, indicators, weights and formulas."""

    queryset = Scheme.objects.all()
    serializer_class = s.SchemeSerializer

    def get_queryset(self):
        return selectors.schemes(self.request.user)


@extend_schema_view(
    destroy=extend_schema(
        description="Delete a draft round (409 once scoring has started).",
        responses={204: None, **WORKFLOW_ERRORS},
    )
)
class RoundViewSet(EvaluationViewSetMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """Evaluation rounds you may see: published ones, and unpublished ones organised in or
    evaluating a region of your scope. A draft round may be deleted by its organiser."""

    queryset = Round.objects.all()
    serializer_class = s.RoundSerializer
    filterset_class = RoundFilter
    ordering_fields = ["period_end", "name"]
    action_permissions = {
        name: CHANGE_ROUND for name in [*services.ROUND_ACTIONS, "compute", "score"]
    } | {"results": ["evaluations.view_round"], "scores": ["evaluations.view_score"]}

    def get_queryset(self):
        return selectors.rounds(self.request.user).order_by("-period_end", "name")

    def perform_destroy(self, instance):
        services.round_delete(actor=self.request.user, round=instance)

    # A round's results and scores are whole lists, not pages: a round has at most a few
    # hundred subjects, and clients read them at once. ``pagination_class=None`` says so in
    # the schema (``/api/v1/evaluations/results/`` pages through all rounds' results).
    @extend_schema(responses={200: s.ResultSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def results(self, request, pk=None, format=None):
        evaluation_round = self.get_object()
        rows = selectors.subjects(request.user, evaluation_round)
        return Response(s.ResultSerializer(rows, many=True).data)

    @extend_schema(responses={200: s.ScoreSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def scores(self, request, pk=None, format=None):
        evaluation_round = self.get_object()
        rows = selectors.scores(request.user, evaluation_round)
        return Response(s.ScoreSerializer(rows, many=True).data)

    def _act(self, request, service):
        evaluation_round = self.get_object()
        service(actor=request.user, round=evaluation_round)
        evaluation_round.refresh_from_db()
        return Response(s.RoundSerializer(evaluation_round).data)

    @extend_schema(request=None, responses={200: s.RoundSerializer, **WORKFLOW_ERRORS})
    @action(detail=True, methods=["post"])
    def compute(self, request, pk=None, format=None):
        """Queue the computation (a background task); poll the round for its progress."""
        return self._act(request, services.round_request_computation)

    @extend_schema(request=None, responses={200: s.RoundSerializer, **WORKFLOW_ERRORS})
    @action(detail=True, methods=["post"], url_path="start-scoring")
    def start_scoring(self, request, pk=None, format=None):
        return self._act(request, services.round_start_scoring)

    @extend_schema(request=None, responses={200: s.RoundSerializer, **WORKFLOW_ERRORS})
    @action(detail=True, methods=["post"], url_path="submit-for-review")
    def submit_for_review(self, request, pk=None, format=None):
        return self._act(request, services.round_submit_for_review)

    @extend_schema(request=None, responses={200: s.RoundSerializer, **WORKFLOW_ERRORS})
    @action(detail=True, methods=["post"], url_path="return-to-scoring")
    def return_to_scoring(self, request, pk=None, format=None):
        return self._act(request, services.round_return_to_scoring)

    @extend_schema(request=None, responses={200: s.RoundSerializer, **WORKFLOW_ERRORS})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None, format=None):
        return self._act(request, services.round_publish)

    @extend_schema(
        request=s.ScoreEntrySerializer, responses={200: s.ScoreSerializer, **WORKFLOW_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None, format=None):
        """Enter a manual score (or bonus/deduction points) with its evidence."""
        evaluation_round = self.get_object()
        entry = s.ScoreEntrySerializer(data=request.data)
        entry.is_valid(raise_exception=True)
        data = entry.validated_data
        subject = selectors.subject_for(request.user, evaluation_round, data["subject"])
        indicator = Indicator.objects.filter(
            pk=data["indicator"], dimension__scheme_id=evaluation_round.scheme_id
        ).first()
        if indicator is None:
            raise Http404
        score = services.score_enter(
            actor=request.user,
            round=evaluation_round,
            subject=subject,
            indicator=indicator,
            value=data["value"],
            evidence=data["evidence"],
        )
        return Response(s.ScoreSerializer(score).data)


class ResultViewSet(EvaluationViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Results (one row per evaluated subject) you may see, across rounds."""

    queryset = RoundSubject.objects.all()
    serializer_class = s.ResultSerializer
    filterset_class = RoundSubjectFilter
    ordering_fields = ["rank", "total"]

    def get_queryset(self):
        return selectors.results(self.request.user).order_by("round", "rank", "pk")


@extend_schema_view(
    create=extend_schema(
        request={
            "application/json": s.FeedbackCreateSerializer,
            "multipart/form-data": s.FeedbackCreateSerializer,
        },
        responses={201: s.FeedbackSerializer, **WORKFLOW_ERRORS},
    ),
)
class FeedbackViewSet(
    EvaluationViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Feedback of the evaluated regions on their draft scores (初评—反馈—复评): a round's
    organiser reads all of it, every other office the feedback of the subjects in its scope.
    A region's own office files feedback while the round is under review, until its last
    day of feedback (409 after); the organiser answers each item."""

    queryset = ScoreFeedback.objects.all()
    serializer_class = s.FeedbackSerializer
    filterset_class = FeedbackFilter
    ordering_fields = ["filed_at", "decided_at"]
    action_permissions = {"answer": ["evaluations.change_scorefeedback"]}

    def get_queryset(self):
        return selectors.feedback(self.request.user).order_by("round", "filed_at", "pk")

    def create(self, request, *args, **kwargs):
        entry = s.FeedbackCreateSerializer(data=request.data)
        entry.is_valid(raise_exception=True)
        data = entry.validated_data
        score = Score.objects.filter(pk=data["score"]).select_related("subject__round").first()
        if (
            score is None
            or not selectors.scores(request.user, score.round).filter(pk=score.pk).exists()
        ):
            raise Http404
        feedback = services.feedback_file(
            actor=request.user,
            score=score,
            explanation=data["explanation"],
            proposed_value=data["proposed_value"],
            files=data["files"],
        )
        feedback = self.get_queryset().get(pk=feedback.pk)
        return Response(
            s.FeedbackSerializer(feedback, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=s.FeedbackAnswerSerializer, responses={200: s.FeedbackSerializer, **WORKFLOW_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None, format=None):
        """Answer an item: accepted with the new score (the round's results are recomputed)
        or rejected, with the reasons either way. Only the round's organiser may."""
        feedback = self.get_object()
        entry = s.FeedbackAnswerSerializer(data=request.data)
        entry.is_valid(raise_exception=True)
        data = entry.validated_data
        services.feedback_answer(
            actor=request.user,
            feedback=feedback,
            accept=data["accept"],
            value=data["value"],
            reason=data["reason"],
        )
        feedback = self.get_queryset().get(pk=feedback.pk)
        return Response(s.FeedbackSerializer(feedback, context=self.get_serializer_context()).data)
