from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The platform: accounts, organisations, scope and the machinery every app shares. It
    imports none of the domain apps; they plug in through its registries."""

    name = "core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from . import backends, checks, public_cache, sessions, tasks  # noqa: F401
        from .roles import sync_role_groups

        # Writes to what the public pages show make their cached copies stale; changes to who
        # has which permission, the users' cached permissions.
        public_cache.connect_signals()
        backends.connect_signals()
        # Sign-in and sign-out keep each user's list of sessions ("My sessions").
        sessions.connect_signals()

        # Every migrate (re)grants the role groups their permissions, so permissions added by
        # later apps and models reach the roles without a manual step.
        post_migrate.connect(sync_role_groups, dispatch_uid="chengxin_sync_role_groups")
        # ... and fills the working-day calendar from the State Council's holiday notices
        # (chinese-calendar), keeping the days administrators set.
        from .holidays import sync_after_migrate

        post_migrate.connect(sync_after_migrate, sender=self, dispatch_uid="chengxin_calendar")
