"""The workspace navigation, contributed by the apps.

A link is ``(label, URL name, permission needed)``; a menu is ``(label, [links])`` and shows
the links the user may open, as a drop-down (a <details> element: no JavaScript). A menu with
one permitted link is shown as that link. Each app registers its entry from its
``AppConfig.ready`` with an ``order`` (lower first)::

    from core.navigation import register_workspace
    register_workspace((_("Government debt"), [...]), order=40)
"""

from django.utils.translation import gettext_lazy as _

_ENTRIES: dict[str, tuple[int, tuple]] = {}


def register_workspace(entry: tuple, *, order: int) -> None:
    """Add (or replace, by its label) a top-level entry of the workspace navigation."""
    _ENTRIES[str(entry[0])] = (order, entry)


def workspace_navigation() -> list[tuple]:
    return [entry for _order, entry in sorted(_ENTRIES.values(), key=lambda item: item[0])]


register_workspace((_("Workspace"), "workspace:home", None), order=0)
register_workspace(
    (
        _("Mine"),
        [
            (_("My exports"), "workspace:export_list", None),
            (_("Watching and saved views"), "workspace:watch_list", None),
            (_("Two-factor sign-in"), "two_factor_setup", None),
            (_("API token"), "api_token", None),
            (_("My sessions"), "session_list", None),
        ],
    ),
    order=90,
)
