from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Government procurement")

    def ready(self) -> None:
        from credit_records import deadlines
        from credit_records.profile import register_panel

        from .deadlines import FILING_DEADLINES, PAYMENT_DEADLINES, SIGNING_DEADLINES
        from .profile import purchaser_credit_panel

        # Payment due dates and the contract's signing and filing deadlines get the same
        # reminders as every other deadline, and purchasers' credit shows on the
        # department's credit profile.
        deadlines.register(PAYMENT_DEADLINES)
        deadlines.register(SIGNING_DEADLINES)
        deadlines.register(FILING_DEADLINES)
        register_panel(purchaser_credit_panel)
