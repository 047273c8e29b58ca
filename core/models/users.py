"""The people who sign in (``AUTH_USER_MODEL = "core.User"``), each with a role and a scope."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.roles import Role, role_of

from .organisations import Department, Region


class User(AbstractUser):
    """A person who signs in: an official, a liaison, an auditor or an administrator.

    The role is the user's group (see ``roles.Role``). A non-administrator's scope is either a
    region (that region and every region below it) or, for a department liaison, one
    department; never both.
    """

    region = models.ForeignKey(
        Region,
        verbose_name=_("region scope"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("The user sees this region and every region below it."),
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department scope"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liaisons",
        help_text=_("A department liaison sees only this department."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Language of the emails this user receives."),
    )

    break_glass = models.BooleanField(
        _("break-glass access"),
        default=False,
        help_text=_(
            "An administrator who may still sign in with a password when local passwords are "
            "switched off (single sign-on only), for when the identity platform is down."
        ),
    )

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    scope_region_lookup = None
    scope_department_lookup = None

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        permissions = [
            ("import_user", _("Can import users")),
            ("export_user", _("Can export users")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(region__isnull=True) | Q(department__isnull=True),
                name="user_has_one_scope",
                violation_error_message=_(
                    "A user is scoped to a region or to a department, not both."
                ),
            ),
        ]

    def __str__(self) -> str:
        # Wherever a person is shown (change history, timelines, exports, admin lists), they
        # are shown by name and office, never by their sign-in name alone.
        return self.display_name

    def get_full_name(self) -> str:
        """The name in the order its language writes it: 王明 (family name first, no space)
        for a Chinese name, "Ming Wang" otherwise."""
        first, last = self.first_name.strip(), self.last_name.strip()
        if any("\u4e00" <= char <= "\u9fff" for char in first + last):
            return f"{last}{first}"
        return f"{first} {last}".strip()

    @property
    def office_label(self) -> str:
        """The office the person works for: their department, else their region's office."""
        if self.department_id:
            return self.department.name
        if self.region_id:
            return self.region.name
        return ""

    @property
    def display_name(self) -> str:
        """Name and office, e.g. 王明（南京市财政局）; the sign-in name only where no name is
        recorded."""
        name = self.get_full_name() or self.get_username()
        office = self.office_label
        if not office:
            return name
        return _("%(name)s (%(office)s)") % {"name": name, "office": office}

    def get_short_name(self) -> str:
        """What the admin greets the user with ("欢迎，…"): their name, and the login name
        only for an account without one."""
        return self.get_full_name() or self.get_username()

    @cached_property
    def role(self):
        return role_of(self)

    @property
    def has_full_scope(self) -> bool:
        return self.is_superuser or self.role == Role.ADMINISTRATOR

    @property
    def scope_label(self) -> str:
        if self.has_full_scope:
            return str(_("Whole portal"))
        if self.department_id:
            return self.department.name
        if self.region_id:
            return self.region.name
        return str(_("No scope assigned"))
