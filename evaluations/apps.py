from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("Integrity evaluations")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
