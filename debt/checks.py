"""System checks of the debt app: settings that would otherwise break every debt page."""

from django.core import checks


@checks.register()
def check_grade_thresholds(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from .indicators import threshold_errors

    return [
        checks.Error(
            message,
            hint="Set CHENGXIN_DEBT_YELLOW_FROM < CHENGXIN_DEBT_ORANGE_FROM < "
            "CHENGXIN_DEBT_RED_FROM as debt-ratio percentages (defaults 120, 200, 300).",
            id="debt.E001",
        )
        for message in threshold_errors()
    ]
