"""Authentication backend: Django's ``ModelBackend``, with each user's permissions kept in the
shared cache.

Every signed-in page and API call checks permissions, and ``ModelBackend`` reads them with two
queries a request (the user's own and their groups'), about a tenth of a list page's time
(docs/performance.md). Here the two sets are kept in the cache for
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


class CachedPermissionsBackend(ModelBackend):
    def _get_permissions(self, user_obj, obj, from_name):
        timeout = getattr(settings, "CHENGXIN_PERMISSION_CACHE_SECONDS", 0)
        attribute = f"_{from_name}_perm_cache"
        if (
            not timeout
            or obj is not None
            or not user_obj.is_active
            or user_obj.is_anonymous
            or hasattr(user_obj, attribute)
        ):
            return super()._get_permissions(user_obj, obj, from_name)
        # The pk and the sign-up time: a key never reaches another user's entry, even where a
        # database reuses a deleted row's id.
        joined = user_obj.date_joined.timestamp() if user_obj.date_joined else ""
        key = f"permissions:g{PERMISSIONS.current()}:{user_obj.pk}:{joined}:{from_name}"
        permissions = cache.get(key)
        if permissions is None:
            permissions = super()._get_permissions(user_obj, obj, from_name)
            cache.set(key, permissions, timeout)
        setattr(user_obj, attribute, permissions)
        return permissions


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
