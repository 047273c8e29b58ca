from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Government procurement")

    def ready(self) -> None:
        from core import deadlines
        from core.navigation import register_workspace
        from core.profile import register_panel
        from core.public import register_public_nav
        from core.public_cache import register_public_app
        from core.roles import register_grants
        from credit_records.complaint_outcomes import register_outcome_handler
        from credit_records.models import ComplaintOutcome

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
        # A complaint closed with "a procurement red flag" raises it here.
        register_outcome_handler(ComplaintOutcome.RED_FLAG, flag_from_complaint)
        register_grants(self.label, GRANTS)
        register_public_app(self.label)
        register_public_nav(_("Government procurement"), "public:procurement", order=30)
        register_export_sources()
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
