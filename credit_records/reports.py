"""This app's sections of a department's credit report (``core.reports``): standing and
honours eligibility with their reasons, dishonesty records with their rectification outcome,
commendations, commitments.

Each section reads the selectors the department's profile page reads (official variant) or
the public department page reads (public variant: published records only, names masked), so
a report says what the page says on the day it is issued.

Repaired items (发改财金〔2025〕565号: a special credit report marks repaired dishonesty
information as such, rather than hiding it; 《信用修复管理办法》: a repair ends the
record's public disclosure early): in the official report a record whose credit repair was
approved stays in the list, marked 已修复 with the day. The public report shows only what the
public pages show, and a repaired record has left them.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.reports.sections import ReportRequest, Section, Table, register_section

from . import selectors
from .models import COUNTING_STATUSES, CommitmentStatus, RecordStatus
from .publication import public_commendation, public_record


def _grade_text(grade) -> str:
    return f"{grade.value}（{grade.label}）"


def standing_section(request: ReportRequest) -> Section:
    department, today = request.department, request.today
    if request.public:
        records = list(selectors.public_record_queryset(today).filter(department=department))
        standing = selectors.standing_from_records(records, today)
        eligible = not selectors.public_honours_cancelled(today).filter(pk=department.pk).exists()
        restored_on = None
    else:
        profile = selectors.department_credit_profile(department, today)
        standing = profile.standing
        eligible = profile.honours.eligible
        restored_on = profile.honours.restored_on
    if eligible:
        honours = _("Eligible for honours")
    elif restored_on:
        honours = _("Not eligible for honours until %(date)s") % {"date": restored_on.isoformat()}
    else:
        honours = _("Not eligible for honours while a dishonesty record is open")
    return Section(
        title=_("Credit standing and honours eligibility"),
        facts=[
            (_("Standing on the day of issue"), _grade_text(standing.grade)),
            (_("Honours (荣誉评选资格)"), honours),
        ],
        paragraphs=[_("Reasons:"), *[f"· {reason}" for reason in standing.reasons]],
    )


def _rectification_outcome(record, today) -> str:
    rectification = getattr(record, "rectification", None)
    if rectification is None:
        return _("No rectification required")
    if rectification.verified_at is not None:
        return _("Rectified, verified on %(date)s") % {
            "date": rectification.verified_at.date().isoformat()
        }
    if rectification.deadline and rectification.deadline < today:
        return _("Overdue since %(date)s") % {"date": rectification.deadline.isoformat()}
    return _("Due by %(date)s") % {"date": rectification.deadline.isoformat()}


RECORD_WIDTHS = [2.2, 1.4, 1, 1.3, 1.6, 2.2, 1.5]


def _record_headers() -> list[str]:
    return [
        _("Decision number"),
        _("Category"),
        _("Severity"),
        _("Decision date"),
        _("Status"),
        _("Rectification"),
        _("Credit repair"),
    ]


def records_section(request: ReportRequest) -> Section:
    department, today = request.department, request.today
    rows = []
    if request.public:
        published = selectors.public_record_queryset(today).filter(
            department=department,
            decision_date__range=(request.period_start, request.period_end),
        )
        for row in map(public_record, published):
            if row.rectification_verified_on:
                outcome = _("Rectified, verified on %(date)s") % {
                    "date": row.rectification_verified_on.isoformat()
                }
            elif row.rectification_overdue:
                outcome = _("Overdue")
            elif row.rectification_deadline:
                outcome = _("Due by %(date)s") % {"date": row.rectification_deadline.isoformat()}
            else:
                outcome = _("No rectification required")
            rows.append(
                [
                    row.decision_number,
                    row.category_label,
                    row.severity_label,
                    row.decision_date.isoformat(),
                    row.status_label,
                    outcome,
                    "—",
                ]
            )
    else:
        # Drafts, records withdrawn after an objection and records exempted after a
        # fault-tolerance review are not part of the credit file.
        records = (
            department.records.filter(
                status__in=COUNTING_STATUSES,
                decision_date__range=(request.period_start, request.period_end),
            )
            .select_related("rectification")
            .order_by("-decision_date", "-pk")
        )
        for record in records:
            repaired = record.disclosure_ended_early_on
            rows.append(
                [
                    record.decision_number,
                    record.get_category_display(),
                    record.get_severity_display(),
                    record.decision_date.isoformat(),
                    record.get_status_display(),
                    _rectification_outcome(record, today),
                    _("Repaired (已修复) on %(date)s") % {"date": repaired.isoformat()}
                    if repaired
                    else "—",
                ]
            )
    paragraphs = []
    if not rows:
        paragraphs.append(_("No dishonesty record was decided in the period."))
    elif not request.public:
        paragraphs.append(
            _(
                "Records whose credit repair was approved are listed and marked as repaired; "
                "they are no longer disclosed to the public."
            )
        )
    return Section(
        title=_("Dishonesty records and their rectification"),
        paragraphs=paragraphs,
        tables=[Table(_record_headers(), rows, RECORD_WIDTHS)] if rows else [],
    )


def commendations_section(request: ReportRequest) -> Section:
    department = request.department
    commendations = (
        department.commendations.select_related("official", "department")
        .filter(date__range=(request.period_start, request.period_end))
        .order_by("-date", "-pk")
    )
    rows = []
    for commendation in commendations:
        if request.public:
            shown = public_commendation(commendation)
            honoree = shown.honoree
            level = shown.level_label
        else:
            official = commendation.official
            honoree = official.name if official else department.name
            level = commendation.get_level_display()
        rows.append(
            [
                commendation.title,
                level,
                commendation.issuing_authority,
                commendation.date.isoformat(),
                honoree,
            ]
        )
    headers = [_("Title"), _("Level"), _("Issuing authority"), _("Date"), _("Honoree")]
    return Section(
        title=_("Commendations"),
        paragraphs=[] if rows else [_("No commendation in the period.")],
        tables=[Table(headers, rows, [2.4, 1, 2, 1.2, 1.4])] if rows else [],
    )


def commitments_section(request: ReportRequest) -> Section:
    commitments = (
        request.department.commitments.filter(
            promised_date__range=(request.period_start, request.period_end)
        )
        .select_related("resulting_record")
        .order_by("-promised_date", "-pk")
    )
    rows, kept, broken = [], 0, 0
    for commitment in commitments:
        kept += commitment.status == CommitmentStatus.FULFILLED
        broken += commitment.status == CommitmentStatus.BROKEN
        record = commitment.resulting_record
        rows.append(
            [
                commitment.content,
                commitment.promised_date.isoformat(),
                commitment.get_status_display(),
                record.decision_number
                if record is not None and record.status != RecordStatus.DRAFT
                else "—",
            ]
        )
    headers = [_("Commitment"), _("Promised by"), _("Status"), _("Resulting record")]
    return Section(
        title=_("Commitments kept and broken"),
        facts=[(_("Kept"), str(kept)), (_("Broken"), str(broken))] if rows else [],
        paragraphs=[] if rows else [_("No commitment fell due in the period.")],
        tables=[Table(headers, rows, [3.4, 1.2, 1, 1.6])] if rows else [],
    )


def register_report_sections() -> None:
    register_section(
        "standing", gettext_lazy("Standing and honours eligibility"), standing_section, order=10
    )
    register_section(
        "records", gettext_lazy("Dishonesty records and rectification"), records_section, order=20
    )
    register_section(
        "commendations", gettext_lazy("Commendations"), commendations_section, order=30
    )
    # No public page shows commitments: the public report leaves them out.
    register_section(
        "commitments",
        gettext_lazy("Commitments kept and broken"),
        commitments_section,
        order=40,
        official_only=True,
    )
