"""The evaluations section of a credit report (``core.reports``): the department's results
in published integrity evaluation rounds whose period ended in the report's period (a
region's people's government answers for its region's results). Only published rounds:
a result is final, and public, once its round is published."""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.reports.sections import ReportRequest, Section, Table, register_section
from debt.services.base import region_government

from .models import RoundStatus, RoundSubject


def evaluations_section(request: ReportRequest) -> Section | None:
    department = request.department
    subject = Q(department=department)
    if region_government(department.region) == department:
        subject |= Q(department__isnull=True, region=department.region)
    results = (
        RoundSubject.objects.filter(
            subject,
            round__status=RoundStatus.PUBLISHED,
            round__period_end__range=(request.period_start, request.period_end),
        )
        .select_related("round")
        .order_by("-round__period_end", "pk")
    )
    rows = [
        [
            result.round.name,
            f"{result.round.period_start.isoformat()} – {result.round.period_end.isoformat()}",
            str(result.total) if result.total is not None else "—",
            result.get_grade_display() or "—",
            str(result.rank) if result.rank else "—",
        ]
        for result in results
    ]
    headers = [_("Round"), _("Period"), _("Total"), _("Grade"), _("Rank")]
    return Section(
        title=_("Integrity evaluation results"),
        paragraphs=[] if rows else [_("No published evaluation result for the period.")],
        tables=[Table(headers, rows, [2.6, 2.2, 1, 1, 0.8])] if rows else [],
    )


def register_report_sections() -> None:
    register_section(
        "evaluations", gettext_lazy("Evaluation results"), evaluations_section, order=60
    )
