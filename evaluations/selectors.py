"""Reads of the evaluations app, every one starting from ``scope_queryset``.

What a signed-in user may read of a round:

* a published round, whole: results are public once published;
* an unpublished round organised in their subtree, whole (they run it);
* an unpublished round with subjects in their subtree, but only those subjects: a city
  sees its own counties' (or itself's) results in a province round while it is in draft.

Feedback on draft scores stays with the round but is never public: the organiser reads all
of it, every other office only the feedback of the subjects in its own subtree (``feedback``).
An evaluated region is represented by its own credit office, the supervisors of exactly that
region (``represents``): its parent sees its scores but speaks for it no more than the
organiser does.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from core.models import User
from core.roles import Role
from core.scope import scope_queryset

from .models import (
    WEIGHTED_KINDS,
    FeedbackAttachment,
    Indicator,
    Round,
    RoundStatus,
    RoundSubject,
    Scheme,
    Score,
    ScoreFeedback,
)


def schemes(user) -> QuerySet[Scheme]:
    """Schemes are shared reference data: every signed-in user may read them."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scheme.objects.none()
    return Scheme.objects.prefetch_related("dimensions__indicators")


def rounds(user) -> QuerySet[Round]:
    if user is None or not user.is_authenticated or not user.is_active:
        return Round.objects.none()
    organised = scope_queryset(user, Round.objects.all()).values("pk")
    with_subjects = scope_queryset(user, RoundSubject.objects.all()).values("round_id")
    return (
        Round.objects.filter(
            Q(status=RoundStatus.PUBLISHED) | Q(pk__in=organised) | Q(pk__in=with_subjects)
        )
        .select_related("scheme", "organiser")
        .distinct()
    )


def round_for(user, pk) -> Round:
    try:
        return rounds(user).get(pk=pk)
    except (Round.DoesNotExist, ValueError):
        raise Http404(
            _("No %(name)s matches the given query.") % {"name": Round._meta.verbose_name}
        ) from None


def organises(user, evaluation_round: Round) -> bool:
    """Whether the user's scope holds the round's organising region (they may run it)."""
    return scope_queryset(user, Round.objects.filter(pk=evaluation_round.pk)).exists()


def subjects(user, evaluation_round: Round) -> QuerySet[RoundSubject]:
    """The round's subjects the user may see, best first."""
    queryset = RoundSubject.objects.filter(round=evaluation_round).select_related(
        "region", "department"
    )
    if not (evaluation_round.is_published or organises(user, evaluation_round)):
        queryset = scope_queryset(user, queryset)
    return queryset.order_by(F("rank").asc(nulls_last=True), "region__code", "name")


def results(user) -> QuerySet[RoundSubject]:
    """Every result row the user may see, across rounds (the same rule as ``subjects``)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return RoundSubject.objects.none()
    organised = scope_queryset(user, Round.objects.all()).values("pk")
    own = scope_queryset(user, RoundSubject.objects.all()).values("pk")
    return RoundSubject.objects.filter(
        Q(round__status=RoundStatus.PUBLISHED) | Q(round__in=organised) | Q(pk__in=own)
    ).select_related("region", "department")


def scores(user, evaluation_round: Round) -> QuerySet[Score]:
    return Score.objects.filter(subject__in=subjects(user, evaluation_round)).select_related(
        "indicator__dimension", "subject", "scored_by"
    )


def subject_for(user, evaluation_round: Round, pk) -> RoundSubject:
    try:
        return subjects(user, evaluation_round).get(pk=pk)
    except (RoundSubject.DoesNotExist, ValueError):
        raise Http404(
            _("No %(name)s matches the given query.") % {"name": RoundSubject._meta.verbose_name}
        ) from None


def published_rounds() -> QuerySet[Round]:
    """What the public results page may show."""
    return Round.objects.filter(status=RoundStatus.PUBLISHED).select_related("scheme", "organiser")


def dimension_names(evaluation_round: Round) -> list[str]:
    return list(
        evaluation_round.scheme.dimensions.order_by("order", "pk").values_list("name", flat=True)
    )


def weights_used(evaluation_round: Round) -> list[dict]:
    """The weights the round's results were computed with, per dimension and indicator.

    A computed round's scores record the weight each was weighted with (a published round
    keeps them whatever later becomes of the scheme); a round not yet computed uses the
    scheme's current weights. A dimension's weight is the total of its indicators'."""
    stored = dict(
        Score.objects.filter(round=evaluation_round, indicator__kind__in=WEIGHTED_KINDS)
        .values_list("indicator_id", "weight")
        .distinct()
    )
    rows = []
    for dimension in evaluation_round.scheme.dimensions.prefetch_related("indicators").order_by(
        "order", "pk"
    ):
        items = [
            {
                "name": indicator.name,
                "kind": indicator.get_kind_display(),
                "weight": stored.get(indicator.pk, indicator.weight)
                if indicator.is_weighted
                else None,
                "max_points": None if indicator.is_weighted else indicator.max_points,
            }
            for indicator in dimension.indicators.all()
        ]
        weighted = [item["weight"] for item in items if item["weight"] is not None]
        rows.append(
            {
                "dimension": dimension.name,
                "weight": sum(weighted, Decimal(0)) if weighted else dimension.weight,
                "indicators": items,
            }
        )
    return rows


@dataclass(frozen=True)
class Completeness:
    """How far a round's scoring has come: every subject needs a value for every indicator
    of the scheme (computed, entered by an evaluator, or a bonus or deduction item's points)."""

    expected: int
    missing: list[tuple[RoundSubject, Indicator]]

    @property
    def scored(self) -> int:
        return self.expected - len(self.missing)

    @property
    def percent(self) -> int:
        # Rounded down: a round one score short never shows 100%.
        return self.scored * 100 // self.expected if self.expected else 0

    @property
    def is_complete(self) -> bool:
        return self.expected > 0 and not self.missing


def round_completeness(evaluation_round: Round) -> Completeness:
    """The round's scores still missing, subject by subject, in the scheme's order: a
    computed indicator is missing until the round is computed, a manual one until an evaluator
    enters it."""
    indicators = list(
        Indicator.objects.filter(dimension__scheme_id=evaluation_round.scheme_id).order_by(
            "dimension__order", "order", "pk"
        )
    )
    round_subjects = list(evaluation_round.subjects.select_related("region", "department"))
    scored = set(
        Score.objects.filter(round=evaluation_round, value__isnull=False).values_list(
            "subject_id", "indicator_id"
        )
    )
    return Completeness(
        expected=len(round_subjects) * len(indicators),
        missing=[
            (subject, indicator)
            for subject in round_subjects
            for indicator in indicators
            if (subject.pk, indicator.pk) not in scored
        ],
    )


def latest_published_round(user) -> Round | None:
    """The most recently published round the user may read (the workspace cockpit's)."""
    return (
        rounds(user)
        .filter(status=RoundStatus.PUBLISHED)
        .order_by(F("published_at").desc(nulls_last=True), "-period_end", "-pk")
        .first()
    )


def results_in_scope(user, evaluation_round: Round) -> QuerySet[RoundSubject]:
    """The round's results for the subjects inside the user's scope, best first: all of a
    province round's cities for the province, a city's own row for the city."""
    return scope_queryset(
        user, RoundSubject.objects.filter(round=evaluation_round).select_related("region")
    ).order_by(F("rank").asc(nulls_last=True), "region__code", "name")


def represents(user, subject: RoundSubject) -> bool:
    """Whether ``user`` speaks for the evaluated ``subject``: a supervisor of exactly its
    region (its own credit office), unless that region organises the round (for a round over
    its own departments, the organiser does not answer its own feedback); or an
    administrator."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if subject.region_id == subject.round.organiser_id:
        return False
    if user.is_superuser or user.role == Role.ADMINISTRATOR:
        return True
    return user.role == Role.SUPERVISOR and user.region_id == subject.region_id


def representatives(subject: RoundSubject) -> list[User]:
    """The users who speak for ``subject`` (told when review opens and when an item of its
    feedback is answered)."""
    if subject.region_id == subject.round.organiser_id:
        return []
    return list(
        User.objects.filter(
            is_active=True, region_id=subject.region_id, groups__name=Role.SUPERVISOR.value
        ).distinct()
    )


def feedback(user, evaluation_round: Round | None = None) -> QuerySet[ScoreFeedback]:
    """The feedback the user may read: all of a round they organise, else that of the
    subjects in their subtree."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ScoreFeedback.objects.none()
    organised = scope_queryset(user, Round.objects.all()).values("pk")
    own = scope_queryset(user, ScoreFeedback.objects.all()).values("pk")
    queryset = ScoreFeedback.objects.filter(Q(round__in=organised) | Q(pk__in=own))
    if evaluation_round is not None:
        queryset = queryset.filter(round=evaluation_round)
    return queryset.select_related(
        "round", "subject__region", "score__indicator__dimension", "filed_by", "decided_by"
    ).prefetch_related("attachments")


def feedback_for(user, evaluation_round: Round, pk) -> ScoreFeedback:
    try:
        return feedback(user, evaluation_round).get(pk=pk)
    except (ScoreFeedback.DoesNotExist, ValueError):
        raise Http404(
            _("No %(name)s matches the given query.") % {"name": ScoreFeedback._meta.verbose_name}
        ) from None


def feedback_attachments(user) -> QuerySet[FeedbackAttachment]:
    return FeedbackAttachment.objects.filter(feedback__in=feedback(user).values("pk"))
