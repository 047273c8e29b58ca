"""Serializers of the evaluations API: read-only representations; writes go through the
round actions, which call the services."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Dimension, Grade, Indicator, Round, RoundSubject, Scheme, Score


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
