"""The workspace home's cockpit: panels and overdue figures contributed by the apps.

Core knows no domain app, so each app registers its providers in ``AppConfig.ready``::

    from core.cockpit import register_cockpit_panel, register_overdue
    register_cockpit_panel(procurement_panel, order=50)
    register_overdue(procurement_overdue, order=20)

A panel provider takes the user and returns None (nothing to show them: no permission, no
data in scope) or a ``Panel``: a template, rendered with ``panel`` (its context) in its
context. An overdue provider takes the user and returns a list of ``Figure``: the home page
gathers them into one "what is overdue" panel across the apps.

Every figure links to the list that makes it up (a list URL with filter parameters, built
with ``list_url``); the list's total equals the figure (tests/core/test_cockpit.py follows
each link).

Over a province (a million records) the home's figures take seconds to count, so
``cached_figures`` keeps them for ``CHENGXIN_COCKPIT_CACHE_SECONDS`` under the viewer's scope
and permissions: every supervisor of a region shares them, the page says when they were
counted and offers to count again.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation


@dataclass
class Figure:
    """A count (or a rate, shown as ``display``) with the list behind it."""

    label: str
    value: int | None
    url: str = ""
    # A figure that asks for action when it is not zero (overdue items): drawn in red then.
    alert: bool = False
    display: str = ""
    note: str = ""
    css: str = ""  # a colour swatch beside the label (a grade's colour)

    @property
    def shown(self) -> str:
        if self.display:
            return self.display
        return "—" if self.value is None else f"{self.value:,}"

    @property
    def is_alert(self) -> bool:
        return self.alert and bool(self.value)


@dataclass
class Panel:
    template: str
    context: dict = field(default_factory=dict)
    # A wide panel takes the cockpit's whole width; the others share a row.
    wide: bool = False
    order: int = 0


_PANELS: dict[str, tuple[int, Callable]] = {}
_OVERDUE: dict[str, tuple[int, Callable]] = {}


def _key(provider: Callable) -> str:
    return f"{provider.__module__}.{provider.__qualname__}"


def register_cockpit_panel(provider: Callable, *, order: int) -> None:
    """Add (or replace, by its dotted name) a panel provider; lower ``order`` comes first."""
    _PANELS[_key(provider)] = (order, provider)


def register_overdue(provider: Callable, *, order: int) -> None:
    """Add (or replace) a provider of overdue figures; lower ``order`` comes first."""
    _OVERDUE[_key(provider)] = (order, provider)


def _in_order(registry: dict) -> list[tuple[int, Callable]]:
    return sorted(registry.values(), key=lambda item: item[0])


def cockpit_for(user) -> dict:
    """The panels and overdue figures ``user`` sees, in order."""
    panels = []
    for order, provider in _in_order(_PANELS):
        panel = provider(user)
        if panel is not None:
            panel.order = order
            panels.append(panel)
    overdue = []
    for _order, provider in _in_order(_OVERDUE):
        overdue.extend(provider(user) or [])
    return {"panels": panels, "overdue": overdue}


def list_url(name: str, *args, **params) -> str:
    """The URL of the list ``name`` filtered by ``params``; a list value repeats its key
    (``status=a&status=b``, as a multiple-choice filter reads it); None values are left out."""
    url = reverse(name, args=args)
    pairs = []
    for key, value in params.items():
        if value is None:
            continue
        for item in value if isinstance(value, list | tuple) else [value]:
            pairs.append((key, str(item)))
    return f"{url}?{urlencode(pairs)}" if pairs else url


def figures_key(user) -> str:
    """What the home's figures depend on: the viewer's scope (the whole province, a region's
    subtree or a department), their permissions (panels show only what they may open) and
    the language of the labels; never who they are."""
    scope = (
        bool(user.has_full_scope),
        user.region_id,
        user.department_id,
        user.is_superuser,
        tuple(sorted(user.get_all_permissions())),
        translation.get_language(),
    )
    return "cockpit:" + hashlib.sha256(repr(scope).encode()).hexdigest()


def cached_figures(user, compute: Callable[[], dict], *, fresh: bool = False) -> dict:
    """``compute()``'s figures with ``as_of``, when they were counted: kept for
    ``CHENGXIN_COCKPIT_CACHE_SECONDS`` (0: counted at every request, ``as_of`` None) for
    everyone with the same scope and permissions; ``fresh`` counts them again."""
    seconds = settings.CHENGXIN_COCKPIT_CACHE_SECONDS
    if seconds <= 0:
        return {**compute(), "as_of": None}
    key = figures_key(user)
    figures = None if fresh else cache.get(key)
    if figures is None:
        figures = {**compute(), "as_of": timezone.now()}
        cache.set(key, figures, seconds)
    return figures
