"""Reads. ``scope_queryset`` is the one place that decides what a user may see: every
queryset a user can reach (pages, admin, API, exports, autocomplete) goes through it.
The workspace cockpit's aggregates are in ``selectors.cockpit``.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db import connections, models
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import Department, DepartmentKind, Region, RegionLevel
from core.scope import regions_in_scope, scope_queryset

from ..models import (
    COUNTING_STATUSES,
    OPEN_STATUSES,
    RECTIFYING_STATUSES,
    CreditRepairApplication,
    DishonestyRecord,
    FaultToleranceClaim,
    Objection,
    RecordEvent,
    RecordStatus,
    Rectification,
    Severity,
)
from ..rules import DISCLOSURE_PERIODS, honours_restricted_until, honours_restriction_months


def workspace_summary(user) -> dict[str, int]:
    """Headline counts for the workspace home, all within the user's scope."""
    departments = scope_queryset(user, Department.objects.all())
    records = scope_queryset(user, DishonestyRecord.objects.all())
    today = timezone.localdate()
    return {
        "regions": regions_in_scope(user).count(),
        "departments": departments.count(),
        "active_departments": departments.filter(active=True).count(),
        "organs": departments.filter(kind=DepartmentKind.ORGAN).count(),
        "institutions": departments.filter(kind=DepartmentKind.PUBLIC_INSTITUTION).count(),
        **records.aggregate(
            records_total=Count("pk", filter=~Q(status=RecordStatus.DRAFT)),
            drafts=Count("pk", filter=Q(status=RecordStatus.DRAFT)),
            rectifying=Count("pk", filter=Q(status__in=RECTIFYING_STATUSES)),
            overdue=Count(
                "pk",
                filter=Q(status__in=RECTIFYING_STATUSES, rectification__deadline__lt=today),
            ),
            awaiting_verification=Count("pk", filter=Q(status=RecordStatus.REPORT_SUBMITTED)),
            awaiting_explanation=Count("pk", filter=Q(status=RecordStatus.RECTIFICATION_REQUIRED)),
        ),
        "pending_claims": scope_queryset(
            user, FaultToleranceClaim.objects.filter(status="pending")
        ).count(),
        "pending_repairs": scope_queryset(
            user, CreditRepairApplication.objects.filter(status="pending")
        ).count(),
        "ineligible_departments": with_honours_eligibility(departments)
        .filter(honours_eligible=False)
        .count(),
    }


def department_counts_by_region(user) -> list[dict]:
    """Departments in scope per region one level below the user's own region."""
    regions = regions_in_scope(user)
    if user.has_full_scope or (user.region_id and user.region.level == RegionLevel.PROVINCE):
        rows = list(regions.filter(level=RegionLevel.CITY))
    elif user.region_id:
        rows = [user.region, *regions.filter(parent=user.region_id)]
    else:
        rows = list(regions)
    # One query for the paths, then bucket by prefix: at most a few thousand departments.
    paths = Counter(
        scope_queryset(user, Department.objects.all()).values_list("region__path", flat=True)
    )
    totals = []
    for region in sorted(rows, key=lambda r: r.code):
        if user.region_id == region.pk and region.level != RegionLevel.PROVINCE:
            # The user's own region counts only departments directly in it.
            count = paths.get(region.path, 0)
        else:
            count = sum(n for path, n in paths.items() if path.startswith(region.path))
        totals.append({"region": region, "departments": count})
    return totals


# --------------------------------------------------------------------------------------------
# Credit files
# --------------------------------------------------------------------------------------------


def records_in_scope(user) -> QuerySet[DishonestyRecord]:
    return scope_queryset(
        user,
        DishonestyRecord.objects.select_related(
            "department", "department__region", "rectification"
        ),
    )


def _last_closing_day_restored_by(
    severity: str, today: datetime.date, extended: bool = False
) -> datetime.date:
    """The latest closing day whose honours restriction has ended by ``today``.

    Not simply ``today`` minus the period: adding months clamps to the month's end, so a
    record closed on 29 or 30 November is restored on 28 February, like one closed on the
    28th. Start from the subtraction and step forward over the days that end together.
    """
    cutoff = today - relativedelta(months=honours_restriction_months(severity, extended))
    while (
        honours_restricted_until(severity, cutoff + datetime.timedelta(days=1), extended) <= today
    ):
        cutoff += datetime.timedelta(days=1)
    return cutoff


def honours_restriction_q(today: datetime.date | None = None) -> Q:
    """Records that cancel their department's eligibility for honours (荣誉评选资格) today:
    confirmed, not exempted and not closed, or closed less than the severity's minimum
    disclosure period ago."""
    today = today or timezone.localdate()
    still_restricting = Q(pk__in=[])
    for severity in DISCLOSURE_PERIODS:
        for extended in (False, True):
            # Restricted while today < honours_restricted_until(closed_on); the escalation
            # ladder's last step extends the period.
            cutoff = _last_closing_day_restored_by(severity, today, extended)
            still_restricting |= Q(
                severity=severity, honours_extended=extended, closed_on__gt=cutoff
            )
    recently_closed = Q(status=RecordStatus.CLOSED) & still_restricting
    return Q(status__in=OPEN_STATUSES) | recently_closed


def with_honours_eligibility(
    queryset: QuerySet[Department], today: datetime.date | None = None
) -> QuerySet[Department]:
    """Annotate ``honours_eligible`` on departments in one query (lists, exports)."""
    restricting = DishonestyRecord.objects.filter(
        honours_restriction_q(today), department=OuterRef("pk")
    )
    return queryset.annotate(honours_eligible=~Exists(restricting))


def with_standing_grade(
    queryset: QuerySet[Department], today: datetime.date | None = None
) -> QuerySet[Department]:
    """Annotate ``standing_grade`` ("A"–"D") on departments in one query, by the rule of
    ``standing_from_records`` (the same conditions the cockpit counts with)."""
    from .cockpit import grade_qs

    today = today or timezone.localdate()
    graded_d, graded_c = grade_qs(today)
    counting = DishonestyRecord.objects.filter(standing_q(today), department=OuterRef("pk"))
    return queryset.annotate(
        standing_grade=Case(
            When(Exists(counting.filter(graded_d)), then=Value("D")),
            When(Exists(counting.filter(graded_c)), then=Value("C")),
            When(Exists(counting), then=Value("B")),
            default=Value("A"),
            output_field=CharField(),
        )
    )


@dataclass
class HonoursStatus:
    eligible: bool
    restricting_records: list
    restored_on: datetime.date | None  # None while any restricting record is still open


def honours_status(department: Department, today: datetime.date | None = None) -> HonoursStatus:
    today = today or timezone.localdate()
    restricting = department.records.filter(honours_restriction_q(today)).order_by(
        "decision_date", "pk"
    )
    return honours_from_records(list(restricting))


def honours_from_records(restricting: list[DishonestyRecord]) -> HonoursStatus:
    """The honours status that these records (those of ``honours_restriction_q``, oldest
    first) give their department."""
    restored_on = None
    if restricting and all(r.status == RecordStatus.CLOSED for r in restricting):
        restored_on = max(
            honours_restricted_until(r.severity, r.closed_on, r.honours_extended)
            for r in restricting
        )
    return HonoursStatus(not restricting, restricting, restored_on)


class Grade(models.TextChoices):
    A = "A", gettext_lazy("Good")
    B = "B", gettext_lazy("Fair")
    C = "C", gettext_lazy("Watch")
    D = "D", gettext_lazy("Dishonest")


@dataclass
class Standing:
    grade: Grade
    reasons: list[str]


def standing_q(today: datetime.date | None = None) -> Q:
    """Records that count against their department's standing today: confirmed and the like
    (``COUNTING_STATUSES``), still inside their disclosure window."""
    today = today or timezone.localdate()
    return Q(
        status__in=COUNTING_STATUSES,
        disclosure_ended_early_on__isnull=True,
        disclosure_ends__gt=today,
    )


def department_standing(department: Department, today: datetime.date | None = None) -> Standing:
    """The department's current credit standing and the reasons behind it (see
    ``standing_from_records``)."""
    today = today or timezone.localdate()
    records = department.records.filter(standing_q(today)).select_related("rectification")
    return standing_from_records(list(records), today)


def standing_from_records(
    records: list[DishonestyRecord], today: datetime.date | None = None
) -> Standing:
    """The standing these records give their department (those of ``standing_q``, with their
    rectification; the public pages pass the published ones only, so that a record the
    public may not see neither changes the grade nor appears among the reasons).

    D: a serious record still open, or a rectification past its deadline; C: a general record
    still open; B: only closed or minor records still inside their disclosure window;
    A: nothing counting against it.
    """
    today = today or timezone.localdate()
    reasons: list[str] = []
    grade = Grade.A
    rank = {Grade.A: 0, Grade.B: 1, Grade.C: 2, Grade.D: 3}
    for record in records:
        label = f"{record.decision_number}（{record.get_severity_display()}）"
        deadline = _rectification_deadline(record)
        if record.status in RECTIFYING_STATUSES and deadline is not None and deadline < today:
            candidate = Grade.D
            reason = _("%(record)s: rectification overdue since %(date)s") % {
                "record": label,
                "date": deadline.isoformat(),
            }
        elif record.status in OPEN_STATUSES and record.severity == Severity.SERIOUS:
            candidate = Grade.D
            reason = _("%(record)s: serious record not yet closed") % {"record": label}
        elif record.status in OPEN_STATUSES and record.severity == Severity.GENERAL:
            candidate = Grade.C
            reason = _("%(record)s: general record not yet closed") % {"record": label}
        else:
            candidate = Grade.B
            reason = _("%(record)s: disclosed until %(date)s") % {
                "record": label,
                "date": record.disclosure_ends.isoformat(),
            }
        reasons.append(reason)
        if rank[candidate] > rank[grade]:
            grade = candidate
    if not reasons:
        reasons.append(_("No dishonesty record counts against this department."))
    return Standing(grade, reasons)


def _rectification_deadline(record: DishonestyRecord) -> datetime.date | None:
    """The record's rectification deadline: the ``deadline`` of the list annotations where
    the record has it, else from its rectification (None: no rectification)."""
    if "deadline" in vars(record):
        return record.deadline
    rectification = getattr(record, "rectification", None)
    return rectification.deadline if rectification is not None else None


PROFILE_RECORD_FIELDS = (
    "department_id",
    "decision_number",
    "category",
    "severity",
    "decision_date",
    "status",
    "closed_on",
    "honours_extended",
    "disclosure_ends",
)


@dataclass
class CreditProfile:
    records: list  # every record of the department, newest first (list annotations)
    standing: Standing
    honours: HonoursStatus


def department_credit_profile(
    department: Department, today: datetime.date | None = None
) -> CreditProfile:
    """A department's records with its standing and honours status, in one query: each
    record carries whether ``standing_q`` and ``honours_restriction_q`` select it, so the
    rules stay written once and the profile page does not read the records three times."""
    today = today or timezone.localdate()
    # Only what the profile shows and the two rules read: a tenth of the time goes to
    # loading the rest (tests/credit_records/test_workspace.py counts the queries).
    fields = PROFILE_RECORD_FIELDS
    records = list(
        with_record_list_annotations(department.records.only(*fields), honours=False).annotate(
            counts_toward_standing=ExpressionWrapper(
                standing_q(today), output_field=models.BooleanField()
            ),
            restricts_honours=ExpressionWrapper(
                honours_restriction_q(today), output_field=models.BooleanField()
            ),
        )
    )
    return CreditProfile(
        records=records,
        standing=standing_from_records([r for r in records if r.counts_toward_standing], today),
        # The records come newest first (Meta.ordering); the honours status lists oldest first.
        honours=honours_from_records([r for r in reversed(records) if r.restricts_honours]),
    )


def record_timeline(record: DishonestyRecord) -> QuerySet[RecordEvent]:
    return record.events.select_related("actor__department", "actor__region")


def with_official_ids(queryset: QuerySet[DishonestyRecord]) -> QuerySet:
    """Each record's responsible officials' ids as ``official_ids`` (in id order), in the
    list's own query on PostgreSQL (an array subquery: a tenth of a prefetch's time);
    elsewhere the officials are prefetched."""
    if connections[queryset.db].vendor != "postgresql":
        return queryset.prefetch_related("officials")
    from django.contrib.postgres.expressions import ArraySubquery

    links = DishonestyRecord.officials.through.objects.filter(dishonestyrecord=OuterRef("pk"))
    return queryset.prefetch_related(None).annotate(
        official_ids=ArraySubquery(links.order_by("publicofficial_id").values("publicofficial_id"))
    )


def with_pending_requests(queryset: QuerySet[DishonestyRecord]) -> QuerySet:
    """Whether each record has a pending fault-tolerance claim, credit-repair application or
    objection, in the list's query, for ``available_actions`` (else two queries a record)."""
    return queryset.annotate(
        has_pending_claim=Exists(
            FaultToleranceClaim.objects.filter(record=OuterRef("pk"), status="pending")
        ),
        has_pending_repair=Exists(
            CreditRepairApplication.objects.filter(record=OuterRef("pk"), status="pending")
        ),
        has_pending_objection=Exists(
            Objection.objects.filter(record=OuterRef("pk"), status="pending")
        ),
    )


def may_read_internal_notes(user) -> bool:
    """A record's internal notes are the supervising office's working notes: its
    supervisors, the auditors and administrators read them, the department's liaison does
    not (on the record page and in the API alike)."""
    from core.roles import Role

    return user.is_superuser or user.role in (Role.SUPERVISOR, Role.AUDITOR, Role.ADMINISTRATOR)


def _pending(record, annotation: str, related) -> bool:
    known = getattr(record, annotation, None)
    return related.filter(status="pending").exists() if known is None else known


def no_pending_claim(record: DishonestyRecord) -> bool:
    """A record takes one fault-tolerance claim at a time."""
    return not _pending(record, "has_pending_claim", record.fault_tolerance_claims)


def no_pending_objection(record: DishonestyRecord) -> bool:
    """A record takes one objection at a time."""
    return not _pending(record, "has_pending_objection", record.objections)


def credit_repair_open(record: DishonestyRecord) -> bool:
    """Credit repair may be applied for between the end of the minimum disclosure period and
    the end of disclosure, once, and not while an application is pending."""
    today = timezone.localdate()
    return (
        record.minimum_period_ends <= today < record.disclosure_ends
        and record.disclosure_ended_early_on is None
        and not _pending(record, "has_pending_repair", record.repair_applications)
    )


def available_actions(
    record: DishonestyRecord, user, *, in_scope: bool = False, unlisted: bool = False
) -> list[str]:
    """The record actions ``user`` may take now (their slugs, in ``RECORD_ACTIONS``' order),
    for pages and the API. ``in_scope``: the caller read the record through
    ``scope_queryset`` (a list) already. ``unlisted``: also the actions the API's list leaves
    out (adding evidence), which the record page offers."""
    # Imported here: the table names the API's serializers, which read this module.
    from ..actions import RECORD_ACTIONS

    if (
        not in_scope
        and not scope_queryset(user, DishonestyRecord.objects.filter(pk=record.pk)).exists()
    ):
        return []
    return [
        slug
        for slug, action in RECORD_ACTIONS.items()
        if (action.listed or unlisted) and action.allows(record, user)
    ]


def with_record_list_annotations(
    queryset: QuerySet[DishonestyRecord], *, honours: bool = True
) -> QuerySet:
    """What record lists and exports show beside each record, in the same query: the
    rectification deadline, whether it is overdue, and (``honours``) the department's honours
    eligibility. The pages leave the last out: PostgreSQL computes that subquery for every
    record in scope before it takes the page's 25 (0.3 s at 100,000 records)."""
    today = timezone.localdate()
    queryset = queryset.annotate(
        deadline=F("rectification__deadline"),
        overdue=Case(
            When(
                status__in=RECTIFYING_STATUSES,
                rectification__deadline__lt=today,
                then=Value(True),
            ),
            default=Value(False),
            output_field=models.BooleanField(),
        ),
    )
    if not honours:
        return queryset
    restricting = DishonestyRecord.objects.filter(
        honours_restriction_q(today), department=OuterRef("department")
    )
    return queryset.annotate(honours_eligible=~Exists(restricting))


def department_timeline(department: Department) -> QuerySet[RecordEvent]:
    """The latest steps across all of a department's records, each with its record's
    ``decision_number`` (read in the same query, without loading the records)."""
    return (
        RecordEvent.objects.filter(record__department=department)
        .select_related("actor__department", "actor__region")
        .annotate(decision_number=F("record__decision_number"))
        .order_by("-at", "-pk")
    )


def escalated_rectifications(user) -> QuerySet[Rectification]:
    """Overdue rectifications escalated to the user's own credit office (step 2 and up);
    administrators see every escalation."""
    queryset = Rectification.objects.filter(
        escalation_level__gte=2,
        record__status__in=[RecordStatus.RECTIFICATION_REQUIRED, RecordStatus.IN_PROGRESS],
    ).select_related("record", "record__department", "escalated_to")
    if user.has_full_scope:
        return queryset.order_by("deadline")
    if user.region_id is None:
        return queryset.none()
    return queryset.filter(escalated_to=user.region_id).order_by("deadline")


# --------------------------------------------------------------------------------------------
# Public disclosure (以公开为常态，不公开为例外)
#
# Everything the anonymous pages, their exports and the public API show about dishonesty
# records starts from ``published_records``; the rest is department and region data, which is
# public. ``publication.public_record`` then decides which fields of a record leave the
# portal, so no page or export reads a record's internal fields.
# --------------------------------------------------------------------------------------------


def published_records(today: datetime.date | None = None) -> QuerySet[DishonestyRecord]:
    """The dishonesty records the public may see today.

    Confirmed and not exempted (never a draft), marked for disclosure (minor records normally
    are not), decided on or before today and inside their disclosure window: the window ends
    on ``disclosure_ends`` (the severity's maximum period), or earlier on the day a credit
    repair was approved (``disclosure_ended_early_on``).

    The day-independent conditions are written exactly as the partial indexes of
    ``DishonestyRecord`` state them, so PostgreSQL can use those indexes. A record whose
    disclosure the credit office suspended while it decides an objection is left out until
    the decision (a withdrawn record is not among ``COUNTING_STATUSES`` at all).
    """
    today = today or timezone.localdate()
    return DishonestyRecord.objects.filter(
        ~Exists(
            Objection.objects.filter(
                record=OuterRef("pk"), status="pending", disclosure_suspended=True
            )
        ),
        status__in=COUNTING_STATUSES,
        disclose=True,
        disclosure_ended_early_on__isnull=True,
        decision_date__lte=today,
        disclosure_ends__gt=today,
    )


def with_objection_pending(queryset: QuerySet[DishonestyRecord]) -> QuerySet:
    """Whether each record has an objection under review (异议处理中), in the same query."""
    return queryset.annotate(
        objection_pending=Exists(Objection.objects.filter(record=OuterRef("pk"), status="pending"))
    )


def public_record_queryset(today: datetime.date | None = None) -> QuerySet[DishonestyRecord]:
    """Published records with what their public representation shows, newest decision first:
    department and region in the same query, the responsible officials (names only, masked
    later) in one more."""
    from ..models import PublicOfficial

    return (
        with_objection_pending(published_records(today))
        .select_related("department__region__parent", "rectification")
        .prefetch_related(
            models.Prefetch(
                "officials", queryset=PublicOfficial.objects.only("pk", "name").order_by("pk")
            )
        )
        .order_by("-decision_date", "-pk")
    )


def public_honours_cancelled(today: datetime.date | None = None) -> QuerySet[Department]:
    """Departments whose eligibility for honours a published record cancels today."""
    today = today or timezone.localdate()
    restricting = published_records(today).filter(
        honours_restriction_q(today), department=OuterRef("pk")
    )
    return Department.objects.filter(Exists(restricting))


def public_rectification_punctuality(today: datetime.date | None = None) -> dict[str, int]:
    """Rectification on-time figures over published records, in one query.

    ``due``: rectifications whose deadline (as extended, if it was) has passed, that is
    deadline < today, less those whose report was submitted by the deadline and still awaits
    verification (not decided yet); ``on_time``: those of them whose verified report was
    submitted on or before the deadline (``credit_records.punctuality``: the evaluation's
    rule, in the portal's time zone). Rectifications whose deadline is still ahead are not
    counted yet, whether or not they are verified.
    """
    from django.db.models.functions import Coalesce, TruncDate

    from ..punctuality import with_report_times

    today = today or timezone.localdate()
    rectifications = with_report_times(
        Rectification.objects.filter(record__in=published_records(today), deadline__lt=today)
    ).annotate(
        # The verified report's day; the verification's for one verified without a report.
        done_on=TruncDate(Coalesce("verified_report_submitted_at", "verified_at")),
        pending_on=TruncDate("pending_report_submitted_at"),
    )
    decided = (
        Q(done_on__isnull=False) | Q(pending_on__isnull=True) | Q(pending_on__gt=F("deadline"))
    )
    return rectifications.aggregate(
        due=Count("pk", filter=decided),
        on_time=Count("pk", filter=Q(done_on__lte=F("deadline"))),
    )


def public_headline_figures(today: datetime.date | None = None) -> dict:
    """The public home page's figures, as plain data (codes and numbers) that can be cached:
    published records in total, by city (a city's counties included; province-level
    departments apart), by category and by severity; departments with published records and
    with cancelled honours eligibility; rectification punctuality."""
    from django.db.models.functions import Substr

    today = today or timezone.localdate()
    published = published_records(today)
    totals = published.aggregate(
        records=Count("pk"), departments=Count("department", distinct=True)
    )
    # A region's path is its ancestors' codes and its own, "320000/320100/320115/": the
    # first two segments name the city (or just the province).
    by_prefix = {
        row["prefix"]: row["count"]
        for row in published.order_by()
        .values(prefix=Substr("department__region__path", 1, 14))
        .annotate(count=Count("pk"))
    }
    cities = []
    province_level = 0
    for prefix, count in by_prefix.items():
        segments = [code for code in prefix.split("/") if code]
        if len(segments) < 2:
            province_level += count
    for city in Region.objects.filter(level=RegionLevel.CITY).order_by("code"):
        cities.append(
            {"code": city.code, "name": city.name, "count": by_prefix.get(city.path[:14], 0)}
        )
    by_category = {
        row["category"]: row["count"]
        for row in published.order_by().values("category").annotate(count=Count("pk"))
    }
    by_severity = {
        row["severity"]: row["count"]
        for row in published.order_by().values("severity").annotate(count=Count("pk"))
    }
    return {
        "today": today,
        "records": totals["records"],
        "departments": totals["departments"],
        "province_level": province_level,
        "cities": cities,
        "by_category": by_category,
        "by_severity": by_severity,
        "honours_cancelled": public_honours_cancelled(today).count(),
        "rectification": public_rectification_punctuality(today),
    }
