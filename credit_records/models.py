"""The core data: regions, departments and the users who work on them.

Every model a user can reach declares how it hangs in the region tree with two class
attributes read by ``selectors.scope_queryset``:

* ``scope_region_lookup``: the ORM path from the model to its ``Region`` ("" for Region
  itself), so a region-scoped user sees the rows whose region lies in their subtree;
* ``scope_department_lookup``: the ORM path from the model to a ``Department`` id, so a
  liaison sees their own department's rows; ``None`` means liaisons see none of them.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .validators import normalize_uscc, validate_region_code, validate_uscc


class UnifiedSocialCreditCodeField(models.CharField):
    """An 18-character unified social credit code, stored upper-case and validated."""

    default_validators = [validate_uscc]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        kwargs.setdefault("verbose_name", _("unified social credit code"))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_uscc(value) if value else value

    def formfield(self, **kwargs):
        from .forms import UnifiedSocialCreditCodeFormField

        return super().formfield(**{"form_class": UnifiedSocialCreditCodeFormField, **kwargs})


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")


# The level a region's parent must have.
PARENT_LEVEL = {
    RegionLevel.PROVINCE: None,
    RegionLevel.CITY: RegionLevel.PROVINCE,
    RegionLevel.COUNTY: RegionLevel.CITY,
}


class RegionQuerySet(models.QuerySet):
    def subtree(self, region: "Region") -> "RegionQuerySet":
        """The region and every region below it."""
        return self.filter(path__startswith=region.path)


class Region(models.Model):
    """An administrative division (GB/T 2260): the province, a city or a county."""

    code = models.CharField(
        _("region code"),
        max_length=6,
        unique=True,
        validators=[validate_region_code],
        help_text=_("Six-digit GB/T 2260 administrative division code."),
    )
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of codes from the root ("320000/320100/"), kept by save(): it turns
    # "this region and everything below it" into one indexed prefix match.
    path = models.CharField(_("path"), max_length=100, editable=False, db_index=True)

    history = HistoricalRecords()
    objects = RegionQuerySet.as_manager()

    scope_region_lookup = ""
    scope_department_lookup = "departments"

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        permissions = [
            ("import_region", _("Can import regions")),
            ("export_region", _("Can export regions")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(level=RegionLevel.PROVINCE, parent__isnull=True)
                | Q(~Q(level=RegionLevel.PROVINCE), parent__isnull=False),
                name="region_parent_matches_level",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        old_path = self.path
        self.path = (self.parent.path if self.parent_id else "") + f"{self.code}/"
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # The region moved or was recoded: carry its subtree along.
            for child in self.children.all():
                child.save()

    def natural_key(self) -> tuple[str]:
        return (self.code,)

    def clean(self) -> None:
        expected = PARENT_LEVEL.get(self.level)
        if expected is None and self.parent_id is not None:
            raise ValidationError({"parent": _("A province has no parent region.")})
        if expected is not None:
            if self.parent is None:
                raise ValidationError({"parent": _("This level needs a parent region.")})
            if self.parent.level != expected:
                raise ValidationError(
                    {
                        "parent": _("The parent of a %(level)s must be a %(parent)s.")
                        % {
                            "level": RegionLevel(self.level).label,
                            "parent": RegionLevel(expected).label,
                        }
                    }
                )

    def ancestors(self) -> list["Region"]:
        """From the root down to this region's parent."""
        codes = [code for code in self.path.split("/") if code][:-1]
        by_code = {region.code: region for region in Region.objects.filter(code__in=codes)}
        return [by_code[code] for code in codes if code in by_code]


class DepartmentKind(models.TextChoices):
    ORGAN = "organ", _("Government organ")
    PUBLIC_INSTITUTION = "institution", _("Public institution")
    OTHER = "other", _("Other")


class Department(models.Model):
    """A government department or public institution, keyed by its credit code."""

    name = models.CharField(_("name"), max_length=200)
    uscc = UnifiedSocialCreditCodeField(unique=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="departments",
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=DepartmentKind.choices, default=DepartmentKind.ORGAN
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subordinates",
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    scope_region_lookup = "region"
    scope_department_lookup = "pk"

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["region__code", "name"]
        permissions = [
            ("import_department", _("Can import departments")),
            ("export_department", _("Can export departments")),
        ]
        indexes = [models.Index(fields=["region", "active"], name="department_region_active")]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.uscc,)

    def clean(self) -> None:
        if self.parent_id is None:
            return
        seen = {self.pk} if self.pk else set()
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk in seen:
                raise ValidationError({"parent": _("A department cannot be placed below itself.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


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

    @cached_property
    def role(self):
        from .roles import role_of

        return role_of(self)

    @property
    def has_full_scope(self) -> bool:
        from .roles import Role

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
