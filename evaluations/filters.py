"""FilterSets of the evaluations app, shared by the workspace list and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.filters import FilterSet, ordering

from .models import (
    FeedbackStatus,
    Round,
    RoundStatus,
    RoundSubject,
    Scheme,
    Score,
    ScoreFeedback,
    SubjectLevel,
)


class YearFilter(django_filters.NumberFilter):
    """A calendar year: a whole number a date can have (1-9999). Anything else is a 400, not
    a date Python cannot build (``?year=0`` was a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


class RoundFilter(FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=RoundStatus.choices)
    level = django_filters.ChoiceFilter(label=_("subjects"), choices=SubjectLevel.choices)
    scheme = django_filters.ModelChoiceFilter(label=_("scheme"), queryset=Scheme.objects.all())
    year = YearFilter(label=_("year"), field_name="period_end__year")
    o = ordering(
        ("name", "name", _("Name")),
        ("organiser__code", "organiser", _("Organising region")),
        ("level", "level", _("Subjects")),
        ("period_start", "period", _("Period")),
        ("status", "status", _("Status")),
        choice_order={"level": SubjectLevel.choices, "status": RoundStatus.choices},
    )

    class Meta:
        model = Round
        fields = ["status", "level", "scheme", "year"]


class RoundSubjectFilter(FilterSet):
    round = django_filters.NumberFilter(label=_("round"), field_name="round_id")
    grade = django_filters.CharFilter(label=_("grade"))

    class Meta:
        model = RoundSubject
        fields = ["round", "grade"]


class ScoreFilter(FilterSet):
    round = django_filters.NumberFilter(label=_("round"), field_name="round_id")
    subject = django_filters.NumberFilter(label=_("subject"), field_name="subject_id")

    class Meta:
        model = Score
        fields = ["round", "subject"]


class FeedbackFilter(FilterSet):
    round = django_filters.NumberFilter(label=_("round"), field_name="round_id")
    subject = django_filters.NumberFilter(label=_("subject"), field_name="subject_id")
    status = django_filters.ChoiceFilter(label=_("status"), choices=FeedbackStatus.choices)

    class Meta:
        model = ScoreFeedback
        fields = ["round", "subject", "status"]
