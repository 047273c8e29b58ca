from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Government procurement")

    def ready(self) -> None:
        from core import deadlines
        from core.cockpit import register_cockpit_panel, register_overdue
        from core.navigation import register_workspace
        from core.profile import register_panel
        from core.public import register_public_nav
        from core.public_cache import register_public_app
        from core.roles import register_grants
        from credit_records.complaint_outcomes import register_outcome_handler
        from credit_records.models import ComplaintOutcome

        from .cockpit import procurement_overdue, procurement_panel
        from .deadlines import FILING_DEADLINES, PAYMENT_DEADLINES, SIGNING_DEADLINES
        from .grants import GRANTS
        from .profile import purchaser_credit_panel
        from .services.flags import flag_from_complaint
        from .views import register_export_sources

        # Payment due dates and the contract's signing and filing deadlines get the same
        # reminders as every other deadline, and purchasers' credit shows on the
        # department's credit profile.
        deadlines.register(PAYMENT_DEADLINES)
        deadlines.register(SIGNING_DEADLINES)
        deadlines.register(FILING_DEADLINES)
        register_panel(purchaser_credit_panel)
        register_cockpit_panel(procurement_panel, order=40)
        register_overdue(procurement_overdue, order=20)
        # A complaint closed with "a procurement red flag" raises it here.
        register_outcome_handler(ComplaintOutcome.RED_FLAG, flag_from_complaint)
        register_grants(self.label, GRANTS)
        register_public_app(self.label)
        register_public_nav(_("Government procurement"), "public:procurement", order=30)
        register_export_sources()
        from .reports import register_report_sections

        register_report_sections()
        # Payment due dates roll past holidays (Civil Code art. 203): when the working-day
        # calendar changes (a new year's notice, an administrator's local day), they are
        # worked out again.
        from core.holidays import calendar_changed

        calendar_changed.connect(
            _recompute_due_dates, dispatch_uid="procurement_due_dates_follow_calendar"
        )
        register_workspace(
            (
                _("Procurement"),
                [
                    (
                        _("Procurement projects"),
                        "procurement:project_list",
                        "procurement.view_procurementproject",
                    ),
                    (_("Red flags"), "procurement:flag_list", "procurement.view_redflag"),
                ],
            ),
            order=20,
        )


def _recompute_due_dates(sender, first, last, **kwargs) -> None:
    from django.db import DatabaseError

    from .services import payments_recompute_for_calendar

    try:
        payments_recompute_for_calendar(first=first, last=last)
    except DatabaseError:
        # The calendar is filled after ``migrate core`` alone too, before these tables exist;
        # with no payments there is nothing to recompute.
        import logging

        logging.getLogger(__name__).warning("Payment due dates not recomputed", exc_info=True)
