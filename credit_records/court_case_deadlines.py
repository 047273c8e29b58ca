"""Court cases on the deadline engine and the cockpit: reminders before a pre-listing
warning's last day to settle (a ``DeadlineSource`` of the portal's reminder scan), and the
open court cases among the overdue figures, whose aim is zero (动态清零). Registered in
``apps.py``."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.cockpit import Figure, list_url
from core.deadlines import DeadlineSource, DueItem, days_phrase, register
from core.scope import scope_queryset

from .models import OPEN_COURT_CASE_STATUSES, CourtCase, CourtCaseStatus
from .services.court_cases import court_case_url

SETTLEMENT_KIND = "court_case_settlement"
VIEW_COURT_CASES = "credit_records.view_courtcase"


def _settlement_items(start, end):
    cases = CourtCase.objects.filter(
        status=CourtCaseStatus.WARNING, settle_by__range=(start, end)
    ).select_related("department__region")
    for case in cases:

        def describe(days_left, case=case):
            return (
                _("Court case %(case)s must be settled %(when)s")
                % {"case": case.case_number, "when": days_phrase(days_left)},
                _("%(department)s is listed as a dishonest judgment debtor after %(date)s.")
                % {"department": case.department.name, "date": case.settle_by.isoformat()},
            )

        yield DueItem(
            object_id=case.pk,
            due_date=case.settle_by,
            department=case.department,
            region=case.department.region,
            describe=describe,
            url=court_case_url(case),
            target=case,
        )


def register_sources() -> None:
    register(
        DeadlineSource(
            SETTLEMENT_KIND,
            _settlement_items,
            label=gettext_lazy("Settling a court case before listing"),
        )
    )


def open_court_cases(user) -> list[Figure]:
    """Open court cases in the user's scope (aim: zero), linking to the page that lists them."""
    if not user.has_perm(VIEW_COURT_CASES):
        return []
    count = scope_queryset(
        user, CourtCase.objects.filter(status__in=OPEN_COURT_CASE_STATUSES)
    ).count()
    return [
        Figure(
            _("Open court enforcement cases (aim: zero)"),
            count,
            list_url("workspace:court_case_list", status="open"),
            alert=True,
        )
    ]
