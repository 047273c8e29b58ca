"""Regional government-integrity evaluations: schemes of weighted indicators, rounds that
score a set of regions (or departments) over a period, the scores and results, and the
evaluated regions' feedback on their draft scores while a round is in review.

Scope: a round belongs to its organising region (``scope_region_lookup = "organiser"``) and
each of its subjects to the subject's region. While a round is unpublished, a region
supervisor sees the subjects (and their scores) inside their own subtree, so a city sees its
counties' results in draft; once published, every signed-in user may read the round
(``selectors.rounds`` and ``selectors.subjects``). Schemes are shared reference data.
"""

import uuid
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from core.models import BaseModel, Department, Region, Review, ReviewStatus, one_pending_per

POINTS = {"max_digits": 7, "decimal_places": 2}


class IndicatorKind(models.TextChoices):
    COMPUTED = "computed", _("Computed from the data")
    MANUAL = "manual", _("Scored by evaluators")
    BONUS = "bonus", _("Bonus item")
    DEDUCTION = "deduction", _("Deduction item")


# Kinds whose score (0–100) is weighted into the total; bonus and deduction items add or
# subtract their points directly.
WEIGHTED_KINDS = (IndicatorKind.COMPUTED, IndicatorKind.MANUAL)


class Scheme(BaseModel):
    """An evaluation scheme: dimensions of weighted indicators. Shared by every region."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_default = models.BooleanField(
        _("our default scheme"),
        default=False,
        help_text=_("The portal's default scheme; no official weights have been published."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    # Reference data, like the scoring rules: not scoped (see ``selectors.schemes``).
    scope_region_lookup = None
    scope_department_lookup = None

    class Meta:
        verbose_name = _("evaluation scheme")
        verbose_name_plural = _("evaluation schemes")
        ordering = ["-is_default", "name"]

    def __str__(self) -> str:
        return self.name


class Dimension(BaseModel):
    """A dimension of a scheme (for the default scheme: one of the five principles)."""

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="dimensions"
    )
    name = models.CharField(_("name"), max_length=100)
    weight = models.DecimalField(
        _("weight"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        **POINTS,
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    scope_region_lookup = None
    scope_department_lookup = None

    class Meta:
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        ordering = ["scheme", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "name"],
                name="evaluation_dimension_unique",
                violation_error_message=_("This scheme already has a dimension of this name."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0, weight__lte=100),
                name="evaluation_dimension_weight_range",
                violation_error_message=_("A weight must be between 0 and 100."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Indicator(BaseModel):
    """One indicator. Computed indicators name a formula of ``indicators.REGISTRY``; manual
    ones are scored 0–100 by evaluators with evidence; bonus and deduction items carry at
    most ``max_points`` points each, added to or taken from the total."""

    dimension = models.ForeignKey(
        Dimension,
        verbose_name=_("dimension"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=IndicatorKind.choices)
    formula_key = models.CharField(_("formula"), max_length=50, blank=True)
    formula_text = models.TextField(_("how it is scored"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        **POINTS,
    )
    max_points = models.DecimalField(
        _("maximum points"),
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("For bonus and deduction items."),
        **POINTS,
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    scope_region_lookup = None
    scope_department_lookup = None

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["dimension__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "name"],
                name="evaluation_indicator_unique",
                violation_error_message=_("This dimension already has an indicator of this name."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0, weight__lte=100),
                name="evaluation_indicator_weight_range",
                violation_error_message=_("A weight must be between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(max_points__gte=0),
                name="evaluation_indicator_points_not_negative",
                violation_error_message=_("The maximum points cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_weighted(self) -> bool:
        return self.kind in WEIGHTED_KINDS


class SubjectLevel(models.TextChoices):
    CITY = "city", _("Cities")
    COUNTY = "county", _("Counties")
    DEPARTMENT = "department", _("Departments")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCORING = "scoring", _("Scoring")
    REVIEW = "review", _("Under review")
    PUBLISHED = "published", _("Published")


class ComputationStatus(models.TextChoices):
    IDLE = "idle", _("Not computed")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Computing")
    DONE = "done", _("Computed")
    FAILED = "failed", _("Failed")


class Round(ConcurrentTransitionMixin, BaseModel):
    """An evaluation round: a scheme applied to subjects over a period, organised by a region.

    draft → scoring → review → published; the transitions are called only from
    ``services``. Publishing freezes the results: a published round is never recomputed.
    """

    name = models.CharField(_("name"), max_length=200)
    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="rounds"
    )
    organiser = models.ForeignKey(
        Region,
        verbose_name=_("organising region"),
        on_delete=models.PROTECT,
        related_name="evaluation_rounds",
    )
    level = models.CharField(_("subjects"), max_length=10, choices=SubjectLevel.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = FSMField(
        _("status"),
        max_length=10,
        choices=RoundStatus.choices,
        default=RoundStatus.DRAFT,
        protected=True,
    )
    computation_status = models.CharField(
        _("computation"),
        max_length=10,
        choices=ComputationStatus.choices,
        default=ComputationStatus.IDLE,
    )
    progress = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("progress (%)"),
        default=0,
        validators=[MaxValueValidator(100)],
    )
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    computation_error = models.TextField(_("computation error"), blank=True)
    # When the computation was last queued or moved on: a claim (queued or running) that has
    # not moved for CHENGXIN_COMPUTATION_STALE_MINUTES is taken as lost and may be asked again.
    computation_updated_at = models.DateTimeField(
        _("computation last moved at"), null=True, blank=True
    )
    # The grade cut-offs the results were graded with, frozen at publication.
    grade_cutoffs = models.JSONField(_("grade cut-offs"), default=list, blank=True)
    # The feedback step (初评—反馈—复评): the day the round entered review and the last day on
    # which the evaluated regions may file feedback on their draft scores (``services.feedback``).
    review_opened_on = models.DateField(_("review opened on"), null=True, blank=True)
    feedback_closes = models.DateField(
        _("feedback accepted until"),
        null=True,
        blank=True,
        help_text=_("The last day on which the evaluated regions may file feedback."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    scope_region_lookup = "organiser"
    scope_department_lookup = None

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["-period_end", "name"]
        permissions = [("export_round", _("Can export evaluation results"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="evaluation_round_period_order",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="evaluation_round_progress_range",
                violation_error_message=_("The progress is between 0 and 100."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_published(self) -> bool:
        return self.status == RoundStatus.PUBLISHED

    @property
    def is_computing(self) -> bool:
        return self.computation_status in (ComputationStatus.QUEUED, ComputationStatus.RUNNING)

    @transition(field=status, source=RoundStatus.DRAFT, target=RoundStatus.SCORING)
    def start_scoring(self) -> None:
        pass

    @transition(field=status, source=RoundStatus.SCORING, target=RoundStatus.REVIEW)
    def submit_for_review(self) -> None:
        pass

    @transition(field=status, source=RoundStatus.REVIEW, target=RoundStatus.SCORING)
    def return_to_scoring(self) -> None:
        pass

    @transition(field=status, source=RoundStatus.REVIEW, target=RoundStatus.PUBLISHED)
    def publish(self) -> None:
        pass


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class RoundSubject(BaseModel):
    """One evaluated region (or department) in a round, with its result: weighted base,
    bonus and deduction points, total, grade, rank and the change against the previous
    published round. Kept up to date while the round is open; frozen when published."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="subjects"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=200)
    dimension_scores = models.JSONField(_("dimension subtotals"), default=dict, blank=True)
    base = models.DecimalField(_("weighted score"), null=True, blank=True, **POINTS)
    bonus = models.DecimalField(_("bonus points"), default=Decimal(0), **POINTS)
    deduction = models.DecimalField(_("deduction points"), default=Decimal(0), **POINTS)
    total = models.DecimalField(_("total"), null=True, blank=True, **POINTS)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    previous_total = models.DecimalField(_("previous total"), null=True, blank=True, **POINTS)
    change = models.DecimalField(_("change"), null=True, blank=True, **POINTS)

    history = HistoricalRecords()

    scope_region_lookup = "region"
    scope_department_lookup = None

    class Meta:
        verbose_name = _("evaluated subject")
        verbose_name_plural = _("evaluated subjects")
        ordering = ["round", "rank", "region__code", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "region"],
                condition=Q(department__isnull=True),
                name="evaluation_subject_region_once",
                violation_error_message=_("This subject is already evaluated in this round."),
            ),
            models.UniqueConstraint(
                fields=["round", "department"],
                condition=Q(department__isnull=False),
                name="evaluation_subject_department_once",
                violation_error_message=_("This subject is already evaluated in this round."),
            ),
            models.CheckConstraint(
                condition=Q(bonus__gte=0, deduction__gte=0)
                & (Q(total__isnull=True) | Q(total__gte=0)),
                name="evaluation_subject_points_not_negative",
                violation_error_message=_(
                    "Bonus points, deduction points and the total cannot be negative."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ScoreSource(models.TextChoices):
    COMPUTED = "computed", _("Computed")
    MANUAL = "manual", _("Entered by an evaluator")


class Score(BaseModel):
    """One indicator's score for one subject: the value (0–100, or points for bonus and
    deduction items), the weight used, the weighted value and how it was obtained."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="scores"
    )
    subject = models.ForeignKey(
        RoundSubject, verbose_name=_("subject"), on_delete=models.CASCADE, related_name="scores"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="scores"
    )
    source = models.CharField(_("source"), max_length=10, choices=ScoreSource.choices)
    value = models.DecimalField(_("score"), null=True, blank=True, **POINTS)
    weight = models.DecimalField(_("weight"), default=Decimal(0), **POINTS)
    weighted_value = models.DecimalField(_("weighted score"), null=True, blank=True, **POINTS)
    explanation = models.JSONField(_("how it was obtained"), default=dict, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scored by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)

    history = HistoricalRecords()

    scope_region_lookup = "subject__region"
    scope_department_lookup = None

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["subject", "indicator__dimension__order", "indicator__order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "subject", "indicator"],
                name="evaluation_score_once",
                violation_error_message=_(
                    "This subject already has a score for this indicator in this round."
                ),
            ),
            models.CheckConstraint(
                condition=(Q(value__isnull=True) | Q(value__gte=0))
                & Q(weight__gte=0, weight__lte=100),
                name="evaluation_score_in_range",
                violation_error_message=_(
                    "A score cannot be negative, and its weight is between 0 and 100."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} · {self.indicator}"


class FeedbackStatus(models.TextChoices):
    """The stored values are the review pattern's (``core.models.ReviewStatus``)."""

    OPEN = ReviewStatus.PENDING.value, _("Awaiting an answer")
    ACCEPTED = ReviewStatus.APPROVED.value, pgettext_lazy("evaluation feedback", "Accepted")
    REJECTED = ReviewStatus.REJECTED.value, pgettext_lazy("evaluation feedback", "Rejected")


class ScoreFeedback(Review):
    """Feedback of an evaluated region on one of its draft scores (初评—反馈—复评): filed
    with an explanation and evidence while the round is in review, up to its
    ``feedback_closes``; answered by the organiser, accepted with the new score or rejected
    with reasons (``decision_reason``). A round is not published while any is open."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="feedback"
    )
    subject = models.ForeignKey(
        RoundSubject, verbose_name=_("subject"), on_delete=models.CASCADE, related_name="feedback"
    )
    score = models.ForeignKey(
        Score, verbose_name=_("score"), on_delete=models.CASCADE, related_name="feedback"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.OPEN
    )
    explanation = models.TextField(_("explanation"))
    score_at_filing = models.DecimalField(_("score when filed"), null=True, blank=True, **POINTS)
    proposed_value = models.DecimalField(_("score asked for"), null=True, blank=True, **POINTS)
    new_value = models.DecimalField(_("new score"), null=True, blank=True, **POINTS)

    history = HistoricalRecords()

    scope_region_lookup = "subject__region"
    scope_department_lookup = None

    already_decided_message = _("This feedback has already been answered.")

    class Meta:
        verbose_name = _("score feedback")
        verbose_name_plural = _("score feedback")
        ordering = ["round", "subject__region__code", "filed_at", "pk"]
        permissions = [("export_scorefeedback", _("Can export the feedback register"))]
        constraints = [
            one_pending_per(
                "score",
                name="evaluation_feedback_one_open_per_score",
                message=_("This score already has feedback awaiting an answer."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ReviewStatus.APPROVED.value) | Q(new_value__isnull=False),
                name="evaluation_feedback_accepted_has_new_score",
                violation_error_message=_("Accepted feedback carries the new score."),
            ),
        ]
        indexes = [models.Index(fields=["round", "status"], name="evaluation_feedback_open")]

    def __str__(self) -> str:
        return f"{self.subject} · {self.score.indicator}"

    @property
    def is_open(self) -> bool:
        return self.status == FeedbackStatus.OPEN


def feedback_upload_to(instance, filename: str) -> str:
    from django.utils import timezone

    suffix = Path(filename).suffix.lower()
    return f"evaluation-feedback/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class FeedbackAttachment(BaseModel):
    """An evidence file of a feedback item, checked by its content when uploaded and served
    only to signed-in users whose scope holds the feedback."""

    feedback = models.ForeignKey(
        ScoreFeedback,
        verbose_name=_("score feedback"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=feedback_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    scope_region_lookup = "feedback__subject__region"
    scope_department_lookup = None

    class Meta:
        verbose_name = _("feedback attachment")
        verbose_name_plural = _("feedback attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
