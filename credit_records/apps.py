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

        from . import checks, deadlines  # noqa: F401  (system checks, the record deadlines)
        from .grants import GRANTS
        from .views import register_export_sources

        register_grants(self.label, GRANTS)
        register_public_app(self.label)
        register_public_nav(_("Home"), "public:home", order=0, exact=True)
        register_public_nav(_("Dishonesty records"), "public:record_list", order=10)
        register_export_sources()
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
                ],
            ),
            order=10,
        )
