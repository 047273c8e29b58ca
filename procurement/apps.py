from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Government procurement")

    def ready(self) -> None:
        from credit_records import deadlines
        from credit_records.profile import register_panel

        from .deadlines import PAYMENT_DEADLINES
        from .profile import purchaser_credit_panel

        # Payment due dates get the same reminders as every other deadline, and purchasers'
        # credit shows on the department's credit profile.
        deadlines.register(PAYMENT_DEADLINES)
        register_panel(purchaser_credit_panel)
