from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("Integrity evaluations")

    def ready(self):
        from core.cockpit import register_cockpit_panel
        from core.navigation import register_workspace
        from core.public import register_public_nav
        from core.public_cache import register_public_app
        from core.roles import register_grants

        from . import checks  # noqa: F401  (registers the system checks)
        from .cockpit import evaluations_panel
        from .deadlines import register_sources
        from .grants import GRANTS

        register_grants(self.label, GRANTS)
        from core.events import EventType
        from core.events import register as register_event

        from .services.rounds import ROUND_PUBLISHED

        register_event(EventType(ROUND_PUBLISHED, _("Evaluation results published")))
        register_cockpit_panel(evaluations_panel, order=50)
        # The last day of feedback of a round in review gets the portal's reminders.
        register_sources()
        from .reports import register_report_sections

        register_report_sections()
        register_public_app(self.label)
        register_public_nav(_("Evaluation results"), "public:evaluations", order=20)
        register_workspace(
            (_("Integrity evaluations"), "evaluations:round_list", "evaluations.view_round"),
            order=40,
        )
