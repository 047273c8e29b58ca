"""Extra panels on a department's credit profile, contributed by the other apps.

An app registers a provider in its ``AppConfig.ready``::

    from core.profile import register_panel
    register_panel(purchaser_credit_panel)

A provider takes ``(department, user)`` and returns None (nothing to show) or a dict with
``template`` (rendered with ``panel`` in its context) and ``context``.
"""

from collections.abc import Callable

PANEL_PROVIDERS: list[Callable] = []


def register_panel(provider: Callable) -> None:
    if provider not in PANEL_PROVIDERS:
        PANEL_PROVIDERS.append(provider)


def panels_for(department, user) -> list[dict]:
    panels = []
    for provider in PANEL_PROVIDERS:
        panel = provider(department, user)
        if panel:
            panels.append(panel)
    return panels
