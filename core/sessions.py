"""Each user's signed-in sessions: listed on their "My sessions" page, ended by them.

Django's session store cannot be searched by user (the database engine keeps the user's id
inside the encoded data; a cache engine keeps no table at all), so a ``UserSession`` row sits
beside each signed-in session: written at sign-in, removed at sign-out, its last activity
moved by ``SessionActivityMiddleware`` at most every ``CHENGXIN_SESSION_TOUCH_MINUTES`` (a
marker in the cache says when it last did, so a request normally writes nothing).

Ending a session deletes it from whichever session engine is configured
(``SESSION_ENGINE``'s ``SessionStore(key).delete()``), so the browser holding it is signed
out on its next request, and removes its row. django-user-sessions does the same by replacing
the session engine with its own database one; the portal keeps the engine a deployment
chooses (database by default, cache or cached_db to spare the database) instead.
"""

import datetime
from importlib import import_module

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from core.models import UserSession
from core.network import client_ip

USER_AGENT_LENGTH = UserSession._meta.get_field("user_agent").max_length


def _store(session_key: str | None = None):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def _touch_marker(session_key: str) -> str:
    # A digest, not the key itself: the cache may be shared with other programs.
    return "chengxin:session-seen:" + salted_hmac("session-seen", session_key).hexdigest()[:32]


def _details(request) -> dict:
    return {
        "ip_address": client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH],
    }


def session_started(*, request, user) -> UserSession | None:
    """Keep a row for the session ``request`` has just signed ``user`` into."""
    session_key = request.session.session_key
    if not session_key:
        request.session.save()
        session_key = request.session.session_key
    now = timezone.now()
    row, _created = UserSession.objects.update_or_create(
        session_key=session_key,
        defaults={"user": user, "created_at": now, "last_seen_at": now, **_details(request)},
    )
    cache.set(_touch_marker(session_key), 1, _touch_seconds())
    return row


def session_ended(*, session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def _touch_seconds() -> int:
    return max(1, settings.CHENGXIN_SESSION_TOUCH_MINUTES * 60)


def session_touch(request) -> None:
    """Move the session's last activity (and address) to now, at most once per touch
    period; a signed-in session without a row (one from before this page existed, or a key
    renewed by a password change) gets one."""
    session_key = request.session.session_key
    if not session_key or not cache.add(_touch_marker(session_key), 1, _touch_seconds()):
        return
    details = _details(request)
    updated = UserSession.objects.filter(session_key=session_key, user_id=request.user.pk).update(
        last_seen_at=timezone.now(), **details
    )
    if not updated:
        UserSession.objects.filter(session_key=session_key).delete()
        UserSession.objects.create(session_key=session_key, user=request.user, **details)


def _still_signed_in(row: UserSession) -> bool:
    """Whether the session behind ``row`` would still sign its browser in: it exists, holds
    the same user, and its password hash still matches (a password change ends the others)."""
    store = _store(row.session_key)
    data = store.load()
    if str(data.get(SESSION_KEY, "")) != str(row.user_id):
        return False
    session_hash = data.get(HASH_SESSION_KEY) or ""
    return constant_time_compare(session_hash, row.user.get_session_auth_hash())


def active_sessions(user) -> list[UserSession]:
    """The user's sessions that still sign a browser in, most recently active first; rows
    of sessions that ended without a sign-out (expired, cleared) are removed."""
    rows = list(UserSession.objects.filter(user=user).select_related("user"))
    alive, dead = [], []
    for row in rows:
        (alive if _still_signed_in(row) else dead).append(row.pk)
    if dead:
        UserSession.objects.filter(pk__in=dead).delete()
    return [row for row in rows if row.pk in alive]


def sessions_end(*, user, keep: str | None = None) -> int:
    """Sign ``user`` out of every session but ``keep`` (a session key; None: all of them):
    each is deleted from the session engine, so its browser is signed out on its next
    request. The number ended."""
    rows = UserSession.objects.filter(user=user)
    if keep:
        rows = rows.exclude(session_key=keep)
    keys = list(rows.values_list("session_key", flat=True))
    for session_key in keys:
        _store(session_key).delete()
        cache.delete(_touch_marker(session_key))
    with transaction.atomic():
        UserSession.objects.filter(user=user, session_key__in=keys).delete()
    return len(keys)


def purge_stale(*, now: datetime.datetime | None = None) -> int:
    """Remove the rows of sessions idle longer than a session can live (expired ones)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return UserSession.objects.filter(last_seen_at__lt=cutoff).delete()[0]


class SessionActivityMiddleware:
    """After ``AuthenticationMiddleware``: keeps the signed-in session's row current."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            session_touch(request)
        return self.get_response(request)


def _on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_started(request=request, user=user)


def _on_logout(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_ended(session_key=request.session.session_key)


def connect_signals() -> None:
    user_logged_in.connect(_on_login, dispatch_uid="chengxin_session_started")
    user_logged_out.connect(_on_logout, dispatch_uid="chengxin_session_ended")


# Browser and system names as people know them, looked for in the User-Agent header in this
# order (Edge and most Chinese browsers also say "Chrome"; Chrome also says "Safari").
_BROWSERS = (
    ("Edg/", "Edge"),
    ("QQBrowser", "QQ"),
    ("360SE", "360"),
    ("MicroMessenger", "WeChat"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Windows", "Windows"),
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Mac OS X", "macOS"),
    ("UOS", "UOS"),
    ("Kylin", "Kylin"),
    ("Linux", "Linux"),
)


def describe_user_agent(user_agent: str) -> tuple[str, str]:
    """(browser, system) named from a User-Agent header; "" where it says neither."""
    browser = next((name for token, name in _BROWSERS if token in user_agent), "")
    system = next((name for token, name in _SYSTEMS if token in user_agent), "")
    return browser, system
