"""A city's credit reports as one background export: a ZIP with each department's official
report (``core.export_jobs``, format ZIP). Each report is issued and registered like one
asked for on its own, for the job's requester, with the purpose and period of the request."""

from django.http import QueryDict
from django.utils.translation import gettext as _

from core.models import ReportVariant

from .forms import OfficialReportForm
from .sections import section_choices
from .services import report_issue

# The export source's key (registered by the app that owns the department list).
DEPARTMENT_REPORTS_SOURCE = "workspace:department_reports"


def department_reports_archive(params: QueryDict, user):
    """Check the job's purpose, period and sections (``ExportRefused`` when wrong) and return
    ``entry(department) -> (file name, PDF bytes)``."""
    from core.export_jobs import ExportRefused

    data = params.copy()
    if not data.getlist("sections"):
        data.setlist("sections", [key for key, _label in section_choices(public=False)])
    form = OfficialReportForm(data)
    if not form.is_valid():
        messages = [m for errors in form.errors.values() for m in errors]
        raise ExportRefused(
            _("The reports cannot be issued: %(errors)s") % {"errors": " ".join(messages)}
        )
    chosen = form.cleaned_data

    def entry(department) -> tuple[str, bytes]:
        issued = report_issue(
            department=department,
            variant=ReportVariant.OFFICIAL,
            period_start=chosen["period_start"],
            period_end=chosen["period_end"],
            sections=chosen["sections"],
            purpose=chosen["purpose"],
            purpose_note=chosen["purpose_note"],
            actor=user,
        )
        return f"{department.uscc}-{department.name}.pdf", issued.content

    return entry
