"""Regions and departments: the tree of administrative divisions (GB/T 2260) and the
government departments and public institutions in it, keyed by their unified social credit
code (GB 32100-2015).

Every model a user can reach declares how it hangs in the region tree with two class
attributes read by ``core.scope.scope_queryset``:

* ``scope_region_lookup``: the ORM path from the model to its ``Region`` ("" for Region
  itself), so a region-scoped user sees the rows whose region lies in their subtree;
* ``scope_department_lookup``: the ORM path from the model to a ``Department`` id, so a
  liaison sees their own department's rows; ``None`` means liaisons see none of them.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.fields import UnifiedSocialCreditCodeField
from core.search import name_indexes
from core.validators import validate_region_code, validate_uscc

from .base import BaseModel


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


class Region(BaseModel):
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
        error = self._code_rule_error()
        if error:
            raise ValidationError({"code": error})

    def _code_rule_error(self) -> str | None:
        """GB/T 2260: the code says where the region sits. A province's code ends with 0000;
        a city's starts with its province's first two digits and ends with 00; a county's
        starts with its city's first four digits and does not end with 00. A county 110105
        under 南京市 would otherwise fall outside every prefix search by code."""
        code = self.code or ""
        if len(code) != 6 or not (code.isascii() and code.isdigit()):
            return None  # the field's own validator has said what is wrong
        if self.level == RegionLevel.PROVINCE:
            if not code.endswith("0000"):
                return _("A province's code ends with 0000 (GB/T 2260), for example 320000.")
        elif self.level == RegionLevel.CITY:
            prefix = self.parent.code[:2]
            if not code.startswith(prefix) or not code.endswith("00") or code.endswith("0000"):
                return _(
                    "A city's code starts with the first two digits of its province's code "
                    "(%(prefix)s) and ends with 00, but not 0000 (GB/T 2260), "
                    "for example %(example)s."
                ) % {"prefix": prefix, "example": f"{prefix}0100"}
        elif self.level == RegionLevel.COUNTY:
            prefix = self.parent.code[:4]
            if not code.startswith(prefix) or code.endswith("00"):
                return _(
                    "A county's code starts with the first four digits of its city's code "
                    "(%(prefix)s) and does not end with 00 (GB/T 2260), "
                    "for example %(example)s."
                ) % {"prefix": prefix, "example": f"{prefix}02"}
        return None

    def ancestors(self) -> list["Region"]:
        """From the root down to this region's parent."""
        codes = [code for code in self.path.split("/") if code][:-1]
        by_code = {region.code: region for region in Region.objects.filter(code__in=codes)}
        return [by_code[code] for code in codes if code in by_code]


class DepartmentKind(models.TextChoices):
    ORGAN = "organ", _("Government organ")
    PUBLIC_INSTITUTION = "institution", _("Public institution")
    OTHER = "other", _("Other")


# GB 32100-2015 table 1: registration authority 1 (机构编制) gives category 1 to government
# organs (机关) and 2 to public institutions (事业单位). Every other prefix is some other
# kind of body.
KIND_BY_USCC_PREFIX = {"11": DepartmentKind.ORGAN, "12": DepartmentKind.PUBLIC_INSTITUTION}


def kind_for_uscc(code: str) -> DepartmentKind:
    """The department kind a credit code's first two characters stand for."""
    return KIND_BY_USCC_PREFIX.get(code[:2], DepartmentKind.OTHER)


class Department(BaseModel):
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
    head_name = models.CharField(_("head of department"), max_length=50, blank=True)
    head_email = models.EmailField(
        _("head's email"),
        blank=True,
        help_text=_("Told by email when a rectification of this department becomes overdue."),
    )
    # When the present head took office. Its past values stay in the department's history,
    # so every change of head can be dated: procurement marks an agreement obligation that
    # falls overdue after one (新官不理旧账); nothing else reads it, and no change of head
    # alters what the department owes.
    head_since = models.DateField(_("head in office since"), null=True, blank=True)
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
        indexes = [
            models.Index(fields=["region", "active"], name="department_region_active"),
            # Search by any part of the name (core.search.name_contains), PostgreSQL only.
            *name_indexes("department_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.uscc,)

    def clean(self) -> None:
        self._clean_kind()
        self._clean_parent()

    def _clean_kind(self) -> None:
        """The kind must be the one the credit code says (GB 32100-2015: 11… a government
        organ, 12… a public institution, anything else neither)."""
        try:
            validate_uscc(self.uscc or "")
        except ValidationError:
            return  # the code's own validator has said what is wrong with it
        expected = kind_for_uscc(self.uscc)
        if self.kind == expected:
            return
        kind = DepartmentKind(self.kind).label if self.kind in DepartmentKind.values else self.kind
        raise ValidationError(
            {
                "kind": ValidationError(
                    _(
                        "The credit code begins with “%(prefix)s”, so the kind must be "
                        "“%(expected)s”, not “%(kind)s”: under GB 32100-2015 a code beginning "
                        "with 11 is a government organ's, one beginning with 12 a public "
                        "institution's, and any other code neither's."
                    ),
                    code="kind_disagrees_with_uscc",
                    params={"prefix": self.uscc[:2], "expected": expected.label, "kind": kind},
                )
            }
        )

    def _clean_parent(self) -> None:
        if self.parent_id is None:
            return
        seen = {self.pk} if self.pk else set()
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk in seen:
                raise ValidationError({"parent": _("A department cannot be placed below itself.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent
