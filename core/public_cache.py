"""Server-side cache of the anonymous public pages, and its invalidation.

Rendering a public page costs tens of milliseconds of template work; the pages are the same
for every anonymous visitor, so the rendered answer is kept in Django's cache
(``CACHES["default"]``; Redis when several processes serve, ``CACHE_URL``) and served from
there until what it shows changes. The key is the scheme, host, path, sorted query string,
language, today's date (disclosure windows end by date: a record whose window ended
yesterday is not on today's pages) and the **publication generation**.

The generation is one number in the cache. Any write to a model of the apps that feed the
public pages bumps it (``post_save``, ``post_delete``, ``m2m_changed``), which makes every
cached page unreachable at once: there is no per-page bookkeeping to get wrong. Models that
no public page reads, written often (notifications, reminder logs, users' last login,
history rows), are listed in ``PRIVATE_MODELS`` and do not bump it. A new model in those apps
invalidates the pages by default: forgetting to register it costs cache hits, never
correctness. Writes that send no signals (``QuerySet.update()``, ``bulk_create``) are caught
by the pages' time to live, ``CHENGXIN_PUBLIC_PAGE_CACHE_SECONDS``; a service whose such write
changes a public page calls ``invalidate_public_pages()``.

Only the answers every visitor would get are kept: GET requests without a session or messages
cookie (a signed-in official is never served, nor stores, a cached page), status 200, not
streamed (the exports), no cookie set and no CSRF token used in rendering.
"""

import hashlib
import time
from functools import cached_property, wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.query import ModelIterable, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone, translation

GENERATION_KEY = "public:generation"
# The apps whose models feed the public pages: core's organisations, and every app that calls
# ``register_public_app`` from its ``AppConfig.ready``.
PUBLIC_APPS = {"core"}
# "app_label.model_name" of models no public page reads.
PRIVATE_MODELS = frozenset(
    {
        "core.user",
        "core.notification",
        "core.reminderlog",
        "core.calendarday",
        "core.exportjob",
        # The outbox and webhook deliveries: written on every delivery attempt, never shown.
        "core.outboxevent",
        "core.webhooksubscription",
        "core.webhookdelivery",
        "core.webhookattempt",
    }
)


def register_public_app(app_label: str) -> None:
    """Writes to this app's models make the cached public pages stale."""
    PUBLIC_APPS.add(app_label)


# --- Generations -------------------------------------------------------------------------------


class Generation:
    """A number in the cache that cached entries carry in their keys: bumping it makes every
    entry kept under the old number unreachable at once (they expire on their own)."""

    def __init__(self, key: str):
        self.key = key

    def current(self) -> int:
        value = cache.get(self.key)
        if value is None:
            # Missing (first use, or evicted): start from the clock in milliseconds, so that a
            # restarted count can never meet entries kept under an earlier generation.
            cache.add(self.key, time.time_ns() // 1_000_000, timeout=None)
            value = cache.get(self.key, 0)
        return value

    def bump(self) -> None:
        """Atomic on Redis (INCR) and on the in-process cache."""
        try:
            cache.incr(self.key)
        except ValueError:  # not there: any fresh value is a new generation
            self.current()

    def invalidate(self, using: str = DEFAULT_DB_ALIAS) -> None:
        """Call after a change that cached entries show. Bumps now, so that later reads in the
        same transaction (and tests, which never commit) see the change, and again after
        commit, because another process may have cached the old data under the new generation
        in between. Repeated changes in one transaction queue one bump."""
        self.bump()
        connection = transaction.get_connection(using)
        if not connection.in_atomic_block:
            return
        pending = getattr(connection, "run_on_commit", [])
        if any(entry[1] == self.bump for entry in pending):
            return
        transaction.on_commit(self.bump, using=using)


PUBLICATION = Generation(GENERATION_KEY)


def generation() -> int:
    """The current publication generation."""
    return PUBLICATION.current()


def bump_generation() -> None:
    """Make every cached public page (and count and figures) unreachable."""
    PUBLICATION.bump()


def invalidate_public_pages(using: str = DEFAULT_DB_ALIAS) -> None:
    """Call after a change the public pages show (see ``Generation.invalidate``)."""
    PUBLICATION.invalidate(using)


def is_public_model(model) -> bool:
    meta = model._meta
    return (
        meta.app_label in PUBLIC_APPS
        and f"{meta.app_label}.{meta.model_name}" not in PRIVATE_MODELS
        # django-simple-history's rows are written beside the model they record.
        and not meta.model_name.startswith("historical")
    )


def _changed(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    if is_public_model(sender):
        invalidate_public_pages(using)


def _m2m_changed(sender, instance, action, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear") and is_public_model(type(instance)):
        invalidate_public_pages(using)


def connect_signals() -> None:
    """Called once from ``CreditRecordsConfig.ready``."""
    post_save.connect(_changed, dispatch_uid="chengxin_public_cache_save")
    post_delete.connect(_changed, dispatch_uid="chengxin_public_cache_delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="chengxin_public_cache_m2m")


# --- Keys --------------------------------------------------------------------------------------


def versioned_key(key: str) -> str:
    """``key`` in the current generation: for the counts and figures the pages keep."""
    return f"public:g{generation()}:{key}"


def page_key(request) -> str:
    query = urlencode(sorted((k, v) for k, values in request.GET.lists() for v in values))
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    language = translation.get_language() or settings.LANGUAGE_CODE
    return versioned_key(f"page:{timezone.localdate().isoformat()}:{language}:{digest}")


# --- The decorator -----------------------------------------------------------------------------


def _cacheable_request(request) -> bool:
    return (
        settings.CHENGXIN_PUBLIC_PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _cacheable_response(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Set-Cookie")
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(getattr(request, "session", None), "modified", False)
        and not getattr(getattr(request, "_messages", None), "_queued_messages", None)
    )


def _store(key: str, response) -> None:
    headers = [(name, value) for name, value in response.headers.items()]
    cache.set(
        key,
        (response.status_code, headers, response.content),
        settings.CHENGXIN_PUBLIC_PAGE_CACHE_SECONDS,
    )


def cache_public_page(view):
    """Serve ``view``'s anonymous answers from the cache (see the module's docstring)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = page_key(request)
        kept = cache.get(key)
        if kept is not None:
            status, headers, content = kept
            return HttpResponse(content, status=status, headers=dict(headers))
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            # A TemplateResponse (the sitemap) renders later: keep it once rendered.
            def keep(rendered):
                if _cacheable_response(request, rendered):
                    _store(key, rendered)

            response.add_post_render_callback(keep)
        elif _cacheable_response(request, response):
            _store(key, response)
        return response

    return wrapper


# --- Counts of the workspace lists --------------------------------------------------------------


def cached_query_count(queryset, timeout: int | None = None) -> int:
    """``queryset.count()``, kept in the cache under the generation: any write to the apps'
    models gives it a new key, so it is never older than the last change that sent a signal
    (and never older than ``timeout``, by default ``CHENGXIN_PUBLIC_CACHE_SECONDS``). The
    key is the query itself, so each scope and filter has its own."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return 0
    key = versioned_key("count:" + hashlib.sha256(repr((sql, params)).encode()).hexdigest())
    count = cache.get(key)
    if count is None:
        count = queryset.count()
        cache.set(
            key, count, settings.CHENGXIN_PUBLIC_CACHE_SECONDS if timeout is None else timeout
        )
    return count


class CachedCountPaginator(Paginator):
    """A paginator that counts with ``cached_query_count``: counting 100,000 records in scope
    costs more than reading the page, and the count only changes when the data does."""

    @cached_property
    def count(self) -> int:
        if hasattr(self.object_list, "query"):
            return cached_query_count(self.object_list)
        return super().count

    def page(self, number):
        """The page's rows found by their ids first, then read by id ("late row lookup").

        Ordering a region's records and keeping the first 25 then needs only the columns of
        an index (the scope's department, the date, the id): PostgreSQL reads them from the
        index alone instead of fetching thousands of whole rows, with their annotations and
        departments, to sort them (a county's API page over a million records: 23 → 4 ms).
        The rows of the page are then read by primary key, as before, and put in the ids'
        order."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self._rows(bottom, top), number, self)

    def _rows(self, bottom: int, top: int):
        rows = self.object_list
        if not isinstance(rows, QuerySet) or rows._iterable_class is not ModelIterable:
            return rows[bottom:top]
        if rows.query.distinct or rows.query.combinator:
            return rows[bottom:top]
        ids = list(rows.values_list("pk", flat=True)[bottom:top])
        found = {row.pk: row for row in rows.filter(pk__in=ids).order_by()}
        return [found[pk] for pk in ids if pk in found]
