"""Serializers of the evaluations API: read-only representations; writes go through the
round actions and the feedback endpoints, which call the services."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from credit_records.api.serializers import uploaded_files

from ..models import (
    Dimension,
    FeedbackAttachment,
    Grade,
    Indicator,
    Round,
    RoundSubject,
    Scheme,
    Score,
    ScoreFeedback,
)


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "name", "kind", "formula_key", "formula_text", "weight", "max_points"]


class DimensionSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Dimension
        fields = ["id", "name", "weight", "order", "indicators"]


class SchemeSerializer(serializers.ModelSerializer):
    dimensions = DimensionSerializer(many=True, read_only=True)

    class Meta:
        model = Scheme
        fields = ["id", "name", "description", "is_default", "dimensions"]


class RoundSerializer(serializers.ModelSerializer):
    organiser = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Round
        fields = [
            "id",
            "name",
            "scheme",
            "organiser",
            "level",
            "period_start",
            "period_end",
            "status",
            "computation_status",
            "progress",
            "computed_at",
            "grade_cutoffs",
            "published_at",
        ]
        read_only_fields = fields


class ResultSerializer(serializers.ModelSerializer):
    # A subject is a region or a department: the other one is None.
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    department = serializers.SlugRelatedField(slug_field="uscc", read_only=True, allow_null=True)
    # "" until the round's results are graded (a subject without a total).
    grade = serializers.ChoiceField(
        label=_("grade"), choices=Grade.choices, read_only=True, allow_blank=True
    )

    class Meta:
        model = RoundSubject
        fields = [
            "id",
            "round",
            "region",
            "department",
            "name",
            "dimension_scores",
            "base",
            "bonus",
            "deduction",
            "total",
            "grade",
            "rank",
            "previous_total",
            "change",
        ]
        read_only_fields = fields


class ScoreSerializer(serializers.ModelSerializer):
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)

    class Meta:
        model = Score
        fields = [
            "id",
            "round",
            "subject",
            "indicator",
            "indicator_name",
            "source",
            "value",
            "weight",
            "weighted_value",
            "explanation",
            "evidence",
            "scored_at",
        ]
        read_only_fields = fields


class ScoreEntrySerializer(serializers.Serializer):
    subject = serializers.IntegerField()
    indicator = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=7, decimal_places=2)
    evidence = serializers.CharField(allow_blank=True)


class FeedbackAttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = FeedbackAttachment
        fields = ["id", "original_name", "content_type", "size", "uploaded_at", "url"]
        read_only_fields = fields

    def get_url(self, attachment) -> str:
        path = reverse("evaluations:feedback_attachment", args=[attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class FeedbackSerializer(serializers.ModelSerializer):
    """One feedback item of an evaluated region on a draft score, with its answer."""

    region = serializers.SlugRelatedField(
        source="subject.region", slug_field="code", read_only=True
    )
    subject_name = serializers.CharField(source="subject.name", read_only=True)
    indicator = serializers.IntegerField(source="score.indicator_id", read_only=True)
    indicator_name = serializers.CharField(source="score.indicator.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    filed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    attachments = FeedbackAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = ScoreFeedback
        fields = [
            "id",
            "round",
            "subject",
            "region",
            "subject_name",
            "score",
            "indicator",
            "indicator_name",
            "status",
            "status_display",
            "explanation",
            "score_at_filing",
            "proposed_value",
            "filed_by",
            "filed_at",
            "new_value",
            "decision_reason",
            "decided_by",
            "decided_at",
            "attachments",
        ]
        read_only_fields = fields


class FeedbackCreateSerializer(serializers.Serializer):
    """Feedback on one of your region's draft scores (``score`` is the score's id), with
    evidence files when sent as multipart/form-data."""

    score = serializers.IntegerField()
    # Blank is let through on purpose: the service says what is missing, in its own words.
    explanation = serializers.CharField(required=False, allow_blank=True, default="")
    proposed_value = serializers.DecimalField(
        max_digits=7, decimal_places=2, required=False, allow_null=True, default=None
    )
    files = uploaded_files()


class FeedbackAnswerSerializer(serializers.Serializer):
    """The organiser's answer: ``accept`` with the new score ``value``, or not, and the
    reasons either way."""

    accept = serializers.BooleanField()
    value = serializers.DecimalField(
        max_digits=7, decimal_places=2, required=False, allow_null=True, default=None
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")
