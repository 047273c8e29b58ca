"""The debt section of a credit report (``core.reports``): for a region's people's
government (人民政府), the region's debt-risk grade of the latest year in the period.

The public variant reads only published debt profiles (what the public debt page shows);
the official one what the requester may read in the workspace, else the published ones."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.reports.sections import ReportRequest, Section, register_section

from .selectors import profiles, published_profiles
from .services.base import region_government


def debt_section(request: ReportRequest) -> Section | None:
    department = request.department
    if region_government(department.region) != department:
        return None
    user = request.user
    if request.public or user is None or not user.has_perm("debt.view_debtprofile"):
        rows = published_profiles()
    else:
        rows = profiles(user)
    profile = (
        rows.filter(
            region=department.region,
            year__range=(request.period_start.year, request.period_end.year),
            assessment__isnull=False,
        )
        .select_related("assessment")
        .order_by("-year")
        .first()
    )
    title = _("Local government debt")
    if profile is None:
        return Section(title=title, paragraphs=[_("No debt assessment for the period.")])
    assessment = profile.assessment
    return Section(
        title=title,
        facts=[
            (_("Region"), department.region.name),
            (_("Year"), str(profile.year)),
            (_("Debt-risk grade"), assessment.get_grade_display()),
            (_("Debt ratio (%)"), str(assessment.debt_ratio)),
        ],
    )


def register_report_sections() -> None:
    register_section("debt", gettext_lazy("Debt-risk grade (governments)"), debt_section, order=70)
