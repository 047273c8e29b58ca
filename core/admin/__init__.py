"""The Django admin for supervisors and administrators, scoped like every other page: the
bases every app's admin builds on (``core.admin.base``), the platform's own models and the
access log (``core.admin.access``)."""

from . import (  # noqa: F401  (register the admins)
    access,
    accounts,
    platform,
    signin,
    webhooks,
)
