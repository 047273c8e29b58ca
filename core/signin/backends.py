"""The password backend: the portal's cached-permissions backend, which refuses every password
sign-in but a break-glass administrator's when a deployment switches local passwords off
(``CHENGXIN_LOCAL_PASSWORDS = False``: staff sign in through the unified identity platform).

Every password check goes through ``authenticate()`` and so through here: the sign-in page,
the admin's, and the change-password page's check of the current password (the API takes no
passwords: sessions and tokens only)."""

from django.conf import settings

from core.backends import CachedPermissionsBackend
from core.roles import Role, role_of


def may_use_password(user) -> bool:
    """Whether ``user`` may sign in with a password under the current settings."""
    if settings.CHENGXIN_LOCAL_PASSWORDS:
        return True
    return bool(user.break_glass) and role_of(user) == Role.ADMINISTRATOR


class PasswordBackend(CachedPermissionsBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        # Refused like a wrong password: the sign-in form says so and django-axes counts it.
        return user if user is not None and may_use_password(user) else None
