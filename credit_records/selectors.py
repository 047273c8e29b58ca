"""Reads. ``scope_queryset`` is the one place that decides what a user may see: every
queryset a user can reach (pages, admin, API, exports, autocomplete) goes through it.
"""

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import TypeVar

from dateutil.relativedelta import relativedelta
from django.db import models
from django.db.models import Case, Count, Exists, F, Model, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import (
    COUNTING_STATUSES,
    OPEN_STATUSES,
    RECTIFYING_STATUSES,
    CreditRepairApplication,
    Department,
    DepartmentKind,
    DishonestyRecord,
    FaultToleranceClaim,
    RecordEvent,
    RecordStatus,
    Region,
    RegionLevel,
    Severity,
)
from .rules import DISCLOSURE_PERIODS, honours_restricted_until

M = TypeVar("M", bound=Model)


def scope_queryset(user, queryset: QuerySet[M]) -> QuerySet[M]:
    """Restrict ``queryset`` to the rows inside ``user``'s scope; fail closed.

    Administrators see everything; a region-scoped user sees their region's subtree; a
    department liaison sees their own department's rows; anyone else sees nothing.
    """
    model = queryset.model
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.has_full_scope:
        return queryset
    if user.department_id is not None:
        lookup = getattr(model, "scope_department_lookup", None)
        if lookup is None:
            return queryset.none()
        return queryset.filter(**{lookup: user.department_id})
    if user.region_id is not None:
        lookup = getattr(model, "scope_region_lookup", None)
        if lookup is None:
            return queryset.none()
        path_lookup = f"{lookup}__path__startswith" if lookup else "path__startswith"
        return queryset.filter(**{path_lookup: user.region.path})
    return queryset.none()


def get_in_scope_or_404(user, queryset: QuerySet[M], **lookup) -> M:
    """One object inside the user's scope; outside it, the object does not exist (404)."""
    try:
        return scope_queryset(user, queryset).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404(
            _("No %(name)s matches the given query.") % {"name": queryset.model._meta.verbose_name}
        ) from None


def regions_in_scope(user) -> QuerySet[Region]:
    return scope_queryset(user, Region.objects.all())


def departments_in_scope(user) -> QuerySet[Department]:
    return scope_queryset(user, Department.objects.select_related("region", "parent"))


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


def honours_restriction_q(today: datetime.date | None = None) -> Q:
    """Records that cancel their department's eligibility for honours (荣誉评选资格) today:
    confirmed, not exempted and not closed, or closed less than the severity's minimum
    disclosure period ago."""
    today = today or timezone.localdate()
    still_restricting = Q(pk__in=[])
    for severity, period in DISCLOSURE_PERIODS.items():
        # Restricted while today < closed_on + minimum period.
        cutoff = today - relativedelta(months=period.minimum_months)
        still_restricting |= Q(severity=severity, closed_on__gt=cutoff)
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


@dataclass
class HonoursStatus:
    eligible: bool
    restricting_records: list
    restored_on: datetime.date | None  # None while any restricting record is still open


def honours_status(department: Department, today: datetime.date | None = None) -> HonoursStatus:
    today = today or timezone.localdate()
    restricting = list(
        department.records.filter(honours_restriction_q(today)).order_by("decision_date")
    )
    restored_on = None
    if restricting and all(r.status == RecordStatus.CLOSED for r in restricting):
        restored_on = max(honours_restricted_until(r.severity, r.closed_on) for r in restricting)
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


def department_standing(department: Department, today: datetime.date | None = None) -> Standing:
    """The department's current credit standing and the reasons behind it.

    D: a serious record still open, or a rectification past its deadline; C: a general record
    still open; B: only closed or minor records still inside their disclosure window;
    A: nothing counting against it.
    """
    today = today or timezone.localdate()
    records = list(
        department.records.filter(status__in=COUNTING_STATUSES)
        .exclude(disclosure_ended_early_on__isnull=False)
        .filter(disclosure_ends__gt=today)
        .select_related("rectification")
    )
    reasons: list[str] = []
    grade = Grade.A
    rank = {Grade.A: 0, Grade.B: 1, Grade.C: 2, Grade.D: 3}

    def worse(candidate: Grade, reason: str) -> None:
        nonlocal grade
        reasons.append(reason)
        if rank[candidate] > rank[grade]:
            grade = candidate

    for record in records:
        label = f"{record.decision_number}（{record.get_severity_display()}）"
        rectification = getattr(record, "rectification", None)
        if (
            record.status in RECTIFYING_STATUSES
            and rectification is not None
            and rectification.deadline < today
        ):
            worse(
                Grade.D,
                _("%(record)s: rectification overdue since %(date)s")
                % {"record": label, "date": rectification.deadline.isoformat()},
            )
        elif record.status in OPEN_STATUSES and record.severity == Severity.SERIOUS:
            worse(Grade.D, _("%(record)s: serious record not yet closed") % {"record": label})
        elif record.status in OPEN_STATUSES and record.severity == Severity.GENERAL:
            worse(Grade.C, _("%(record)s: general record not yet closed") % {"record": label})
        else:
            worse(
                Grade.B,
                _("%(record)s: disclosed until %(date)s")
                % {"record": label, "date": record.disclosure_ends.isoformat()},
            )
    if not reasons:
        reasons.append(_("No dishonesty record counts against this department."))
    return Standing(grade, reasons)


def record_timeline(record: DishonestyRecord) -> QuerySet[RecordEvent]:
    return record.events.select_related("actor")


def available_actions(record: DishonestyRecord, user) -> list[str]:
    """The record actions ``user`` may take now (their slugs), for pages and the API."""
    from .roles import Role

    if scope_queryset(user, DishonestyRecord.objects.filter(pk=record.pk)).exists() is False:
        return []
    actions = [
        transition.custom["slug"]
        for transition in record.get_available_user_status_transitions(user)
        if transition.name != "exempt"  # only through an approved fault-tolerance claim
    ]
    role = user.role
    supervisor = user.is_superuser or role in (Role.SUPERVISOR, Role.ADMINISTRATOR)
    liaison = role == Role.LIAISON
    if supervisor and record.status in RECTIFYING_STATUSES:
        actions.append("extend-deadline")
    if (
        (supervisor or liaison)
        and record.status in (RecordStatus.CONFIRMED, RecordStatus.RECTIFICATION_REQUIRED)
        and not record.fault_tolerance_claims.filter(status="pending").exists()
    ):
        actions.append("claim-fault-tolerance")
    if (supervisor or liaison) and record.status in (RecordStatus.VERIFIED, RecordStatus.CLOSED):
        today = timezone.localdate()
        if (
            record.minimum_period_ends <= today < record.disclosure_ends
            and record.disclosure_ended_early_on is None
            and not record.repair_applications.filter(status="pending").exists()
        ):
            actions.append("apply-credit-repair")
    return actions


def with_record_list_annotations(queryset: QuerySet[DishonestyRecord]) -> QuerySet:
    """What record lists and exports show beside each record, in the same query: the
    rectification deadline, whether it is overdue, and the department's honours eligibility."""
    today = timezone.localdate()
    restricting = DishonestyRecord.objects.filter(
        honours_restriction_q(today), department=OuterRef("department")
    )
    return queryset.annotate(
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
        honours_eligible=~Exists(restricting),
    )


def department_timeline(department: Department) -> QuerySet[RecordEvent]:
    """The latest steps across all of a department's records."""
    return (
        RecordEvent.objects.filter(record__department=department)
        .select_related("record", "actor")
        .order_by("-at", "-pk")
    )
