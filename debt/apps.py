from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DebtConfig(AppConfig):
    name = "debt"
    verbose_name = _("Local government debt")

    def ready(self) -> None:
        from credit_records.profile import register_panel

        from . import checks  # noqa: F401  (registers the system checks)
        from .deadlines import register_sources
        from .selectors import department_debt_panel

        # Warning response deadlines get the portal's reminders.
        register_sources()
        # A government department's credit profile shows its debt-default records.
        register_panel(department_debt_panel)
