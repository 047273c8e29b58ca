from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditRecordsConfig(AppConfig):
    name = "credit_records"
    verbose_name = _("Credit records")

    def ready(self) -> None:
        from core.cockpit import register_cockpit_panel, register_overdue
        from core.navigation import register_workspace
        from core.public import register_public_nav
        from core.public_cache import register_public_app
        from core.roles import register_grants

        from . import checks, deadlines  # noqa: F401  (system checks, the record deadlines)
        from .cockpit import overdue_rectifications, records_panel, regions_panel
        from .complaint_deadlines import register_sources as register_complaint_deadlines
        from .court_case_deadlines import open_court_cases
        from .court_case_deadlines import register_sources as register_court_case_deadlines
        from .grants import GRANTS
        from .views import register_export_sources

        register_grants(self.label, GRANTS)
        from .exchange import register_event_types

        register_event_types()
        register_watching()
        register_public_app(self.label)
        register_public_nav(_("Home"), "public:home", order=0, exact=True)
        register_public_nav(_("Dishonesty records"), "public:record_list", order=10)
        register_export_sources()
        # Its sections of a department's credit report (core.reports).
        from .reports import register_report_sections

        register_report_sections()
        # The workspace home's cockpit: records first, the regions' standing beside the
        # debt grades (debt registers order 30), overdue rectifications first among overdue.
        register_cockpit_panel(records_panel, order=10)
        register_cockpit_panel(regions_panel, order=20)
        register_overdue(overdue_rectifications, order=10)
        register_complaint_deadlines()
        # Intake: the court cases' settlement deadlines, and the open court cases among the
        # overdue figures (aim: zero).
        register_court_case_deadlines()
        register_overdue(open_court_cases, order=15)
        register_public_nav(_("Complaints"), "public:complaints", order=70)
        register_public_nav(_("Verify a report"), "public:report_verify", order=80)
        register_public_nav(_("Transparency log"), "public:transparency", order=85)
        register_workspace(
            (
                _("Credit files"),
                [
                    (
                        _("Dishonesty records"),
                        "workspace:record_list",
                        "credit_records.view_dishonestyrecord",
                    ),
                    (_("Departments"), "workspace:department_list", "core.view_department"),
                    (
                        _("Officials"),
                        "workspace:official_list",
                        "credit_records.view_publicofficial",
                    ),
                    (
                        _("Commendations"),
                        "workspace:commendation_list",
                        "credit_records.view_commendation",
                    ),
                    (
                        _("Commitments"),
                        "workspace:commitment_list",
                        "credit_records.view_commitment",
                    ),
                    (
                        _("Objections"),
                        "workspace:objection_list",
                        "credit_records.view_objection",
                    ),
                    (_("Regions"), "workspace:region_list", "core.view_region"),
                    (
                        _("Issued credit reports"),
                        "workspace:report_list",
                        "core.view_issuedreport",
                    ),
                    (
                        _("Complaints"),
                        "workspace:complaint_list",
                        "credit_records.view_complaint",
                    ),
                    (
                        _("Intake queue"),
                        "workspace:intake_list",
                        "credit_records.view_intakeitem",
                    ),
                    (
                        _("Court enforcement cases"),
                        "workspace:court_case_list",
                        "credit_records.view_courtcase",
                    ),
                ],
            ),
            order=10,
        )


def register_watching() -> None:
    """Departments and records can be watched; a change to a record, its rectification or a
    request about it is news for the record and for its department."""
    from django.urls import reverse

    from core.models import Department
    from core.watching import register_watched

    from .models import (
        CreditRepairApplication,
        DishonestyRecord,
        FaultToleranceClaim,
        Rectification,
    )

    register_watched(
        Department, url=lambda d: reverse("workspace:department_detail", args=[d.uscc])
    )
    register_watched(
        DishonestyRecord,
        url=lambda r: reverse("workspace:record_detail", args=[r.pk]),
        concerns=lambda r: [r, r.department],
    )
    for model in (Rectification, FaultToleranceClaim, CreditRepairApplication):
        register_watched(model, concerns=lambda row: [row.record, row.record.department])
