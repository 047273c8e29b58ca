from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditRecordsConfig(AppConfig):
    name = "credit_records"
    verbose_name = _("Credit records")

    def ready(self) -> None:
        from core.navigation import register_workspace
        from core.public import register_public_nav
        from core.public_cache import register_public_app
        from core.roles import register_grants

        from . import deadlines  # noqa: F401  (registers the record deadlines)
        from .complaint_deadlines import register_sources as register_complaint_deadlines
        from .grants import GRANTS
        from .views import register_export_sources

        register_grants(self.label, GRANTS)
        register_public_app(self.label)
        register_public_nav(_("Home"), "public:home", order=0, exact=True)
        register_public_nav(_("Dishonesty records"), "public:record_list", order=10)
        register_export_sources()
        register_complaint_deadlines()
        register_public_nav(_("Complaints"), "public:complaints", order=70)
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
                    (_("Regions"), "workspace:region_list", "core.view_region"),
                    (
                        _("Complaints"),
                        "workspace:complaint_list",
                        "credit_records.view_complaint",
                    ),
                ],
            ),
            order=10,
        )
