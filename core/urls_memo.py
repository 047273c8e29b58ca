"""URLs that every page reverses, reversed once per process instead of once per link.

``reverse()`` walks the URL resolver's tables each time (20–40 µs): a list page reversed a
record's URL for each of its 25 rows and the navigation's two dozen links on every request.
The answer only depends on the URL name, its arguments and the script prefix (set per request
from ``SCRIPT_NAME``; one value in a deployment, kept apart here all the same), so:

- ``memo_reverse(name)``: a URL without arguments, kept per name and prefix;
- ``pk_url(name)``: a function of a primary key giving ``reverse(name, args=[pk])``, built by
  reversing once with a placeholder number and splitting around it.
"""

from collections.abc import Callable

from django.urls import get_script_prefix, get_urlconf, reverse

_PLACEHOLDER = 987654321
_REVERSED: dict[tuple, str] = {}
_PK_URLS: dict[tuple, tuple[str, str]] = {}


def memo_reverse(name: str) -> str:
    key = (name, get_script_prefix(), get_urlconf())
    url = _REVERSED.get(key)
    if url is None:
        url = _REVERSED[key] = reverse(name)
    return url


def pk_url(name: str) -> Callable[[int], str]:
    """``pk_url("workspace:record_detail")(7) == reverse("workspace:record_detail", args=[7])``
    for an integer primary key (an ``<int:pk>`` URL)."""
    key = (name, get_script_prefix(), get_urlconf())
    parts = _PK_URLS.get(key)
    if parts is None:
        before, placeholder, after = reverse(name, args=[_PLACEHOLDER]).rpartition(
            str(_PLACEHOLDER)
        )
        if not placeholder:  # the number does not appear as given: reverse each time
            return lambda pk: reverse(name, args=[pk])
        parts = _PK_URLS[key] = (before, after)
    before, after = parts
    return lambda pk: f"{before}{int(pk)}{after}"
