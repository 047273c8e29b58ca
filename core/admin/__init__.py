"""The Django admin for supervisors and administrators, scoped like every other page: the
bases every app's admin builds on (``core.admin.base``) and the platform's own models."""

from . import accounts, platform, webhooks  # noqa: F401  (register the admins)
