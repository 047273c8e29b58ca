"""The shell of the anonymous disclosure pages under ``/public/``: the navigation the apps
fill, the ``public_page`` decorator (cache headers, the server-side page cache, conditional
GET), ``render_public`` and the language switch. The pages themselves are the apps'
(``credit_records.public``, ``procurement.public``, ``debt.public``, ``evaluations.public``).

No sign-in, no JavaScript, no cookies set: every page may be kept by browsers and shared
caches for a few minutes (``CHENGXIN_PUBLIC_MAX_AGE``). The language switch is the only
form; it posts to ``set_language`` without a CSRF token (see ``language``), so that pages
need no CSRF cookie, which would stop shared caches from keeping them.

Each app adds its item to the navigation from its ``AppConfig.ready``, with an ``order``
(lower first)::

    from core.public import register_public_nav
    register_public_nav(_("Government debt"), "public:debt", order=50)
"""

from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from django.middleware.http import ConditionalGetMiddleware
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.decorators import decorator_from_middleware
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django.views.i18n import set_language

from .public_cache import cache_public_page, cached_query_count

conditional_get = decorator_from_middleware(ConditionalGetMiddleware)


# --- Navigation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicNavItem:
    label: str
    url_name: str
    order: int = 0
    # Current only on the URL itself, not below it (the home page is above every page).
    exact: bool = False


_NAVIGATION: dict[str, PublicNavItem] = {}


def register_public_nav(label, url_name: str, *, order: int, exact: bool = False) -> None:
    """Add (or replace, by its URL name) an item of the public navigation. An item whose URL
    does not exist (yet) is shown as "coming soon" instead of a link."""
    _NAVIGATION[url_name] = PublicNavItem(label, url_name, order, exact)


def public_nav_items() -> list[PublicNavItem]:
    return sorted(_NAVIGATION.values(), key=lambda item: item.order)


def public_navigation(request) -> list[dict]:
    items = []
    for item in public_nav_items():
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            url = None
        if url is None:
            current = False
        elif item.exact:
            current = request.path == url
        else:
            current = request.path.startswith(url)
        items.append({"label": item.label, "url": url, "current": current})
    return items


# --- Caching ---------------------------------------------------------------------------------


def public_page(view):
    """Anonymous, user-independent answers: cacheable by browsers and shared caches for
    ``CHENGXIN_PUBLIC_MAX_AGE`` seconds. They vary by the language cookie only (the portal
    ignores Accept-Language: Chinese unless the visitor chose otherwise). The server keeps
    the rendered anonymous answers too, until the data they show changes (``public_cache``)."""

    cached = cache_public_page(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = cached(request, *args, **kwargs)
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=settings.CHENGXIN_PUBLIC_MAX_AGE)
        patch_vary_headers(response, ["Cookie"])
        return response

    # An ETag from the content (served from the page cache or not), so a browser or proxy
    # revalidating a page it keeps gets "304 Not Modified" instead of the page again.
    # Streamed exports get none (their content is not known in advance).
    return require_safe(conditional_get(wrapper))


def cached_count(queryset) -> int:
    """``queryset.count()``, kept for ``CHENGXIN_PUBLIC_CACHE_SECONDS``: counting 100,000
    rows on every page view is the one cost that grows with the data. The key is the query
    itself, whose parameters include today's date, in the publication generation (a change
    to the published data gives it a new key)."""
    return cached_query_count(queryset)


def render_public(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    context = {"public_nav": public_navigation(request), **context}
    return render(request, template, context, status=status)


# --- Language --------------------------------------------------------------------------------

# The language switch of the public pages. Exempt from CSRF, which would need a CSRF cookie
# on every page (and pages with cookies are not kept by shared caches); the worst a forged
# request can do is switch a visitor's language.
language = csrf_exempt(set_language)
