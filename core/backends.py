"""Authentication backend: Django's ``ModelBackend``, with each user's permissions kept in the
shared cache.

Every signed-in page and API call checks permissions, and ``ModelBackend`` reads them with two
queries a request (the user's own and their groups'), about a tenth of a list page's time
(docs/performance.md). Here their union is kept in the cache for
``CHENGXIN_PERMISSION_CACHE_SECONDS`` under a *permissions generation*, which any change to who
has which permission bumps: a user's groups or own permissions (``m2m_changed``), a group's
permissions, a group or permission saved or deleted. A role taken away therefore takes effect
on the next request, in every process, as long as the cache is shared (``CACHE_URL``); the
setting defaults to 0 (off) with the per-process memory cache. ``is_active`` and
``is_superuser`` are read from the user row on each request, as before.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import m2m_changed, post_delete, post_save

from .public_cache import Generation

PERMISSIONS = Generation("permissions:generation")


def _timeout() -> int:
    return getattr(settings, "CHENGXIN_PERMISSION_CACHE_SECONDS", 0)


def _key(user, kind: str) -> str:
    # The generation is read once a request (kept on the user object, which lives as long).
    # The pk and the sign-up time: a key never reaches another user's entry, even where a
    # database reuses a deleted row's id.
    if not hasattr(user, "_permissions_generation"):
        user._permissions_generation = PERMISSIONS.current()
    joined = user.date_joined.timestamp() if user.date_joined else ""
    return f"{kind}:g{user._permissions_generation}:{user.pk}:{joined}"


class CachedPermissionsBackend(ModelBackend):
    def get_user(self, user_id):
        # With the region and department that scope every page (one query instead of three).
        User = get_user_model()
        user = (
            User._default_manager.select_related("region", "department").filter(pk=user_id).first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if (
            not _timeout()
            or obj is not None
            or not user_obj.is_active
            or user_obj.is_anonymous
            or hasattr(user_obj, "_perm_cache")
        ):
            return super().get_all_permissions(user_obj, obj)
        key = _key(user_obj, "permissions")
        permissions = cache.get(key)
        if permissions is None:
            permissions = super().get_all_permissions(user_obj, obj)
            cache.set(key, permissions, _timeout())
        # Where ModelBackend keeps them for the rest of the request.
        user_obj._perm_cache = permissions
        return permissions


def group_names(user) -> frozenset[str]:
    """The names of the user's groups (their role, credit_records/roles.py), kept in the cache
    like the permissions and under the same generation."""
    if not _timeout():
        return frozenset(user.groups.values_list("name", flat=True))
    key = _key(user, "groups")
    names = cache.get(key)
    if names is None:
        names = frozenset(user.groups.values_list("name", flat=True))
        cache.set(key, names, _timeout())
    return names


def _changed(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    PERMISSIONS.invalidate(using)


def _m2m_changed(sender, action, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        PERMISSIONS.invalidate(using)


def connect_signals() -> None:
    """Called once from ``CreditRecordsConfig.ready``."""
    User = get_user_model()
    for through in (
        User.groups.through,
        User.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"chengxin_perms_{through}")
    for model in (Group, Permission):
        post_save.connect(_changed, sender=model, dispatch_uid=f"chengxin_perms_save_{model}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"chengxin_perms_delete_{model}")
