from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DebtConfig(AppConfig):
    name = "debt"
    verbose_name = _("Local government debt")

    def ready(self) -> None:
        from core.cockpit import register_cockpit_panel, register_overdue
        from core.navigation import register_workspace
        from core.profile import register_panel
        from core.public import register_public_nav
        from core.public_cache import register_public_app
        from core.roles import register_grants

        from . import checks  # noqa: F401  (registers the system checks)
        from .cockpit import debt_overdue, debt_panel
        from .deadlines import register_sources
        from .grants import GRANTS
        from .selectors import department_debt_panel
        from .views import register_export_sources

        # Warning response deadlines get the portal's reminders.
        register_sources()
        # A government department's credit profile shows its debt-default records.
        register_panel(department_debt_panel)
        # The cockpit: the debt grades beside the credit standing (order 20), overdue
        # warning responses after the rectifications and procurement deadlines.
        register_cockpit_panel(debt_panel, order=30)
        register_overdue(debt_overdue, order=30)
        register_grants(self.label, GRANTS)
        from core.events import EventType
        from core.events import register as register_event

        from .services.risk_warnings import WARNING_ISSUED

        register_event(EventType(WARNING_ISSUED, _("Debt-risk warning issued")))
        register_public_app(self.label)
        register_public_nav(_("Government debt"), "public:debt", order=40)
        register_export_sources()
        from .reports import register_report_sections

        register_report_sections()
        register_workspace(
            (
                _("Government debt"),
                [
                    (_("Overview"), "debt:overview", "debt.view_debtprofile"),
                    (_("Debt warnings"), "debt:warning_list", "debt.view_riskwarning"),
                ],
            ),
            order=30,
        )
