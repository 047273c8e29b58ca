"""Public officials (公职人员) whose credit files the portal keeps."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import BaseModel, Department
from core.validators import validate_not_resident_id


class PublicOfficial(BaseModel):
    """A civil servant (公职人员) whose credit file the portal keeps.

    Identified by the employee number their department assigns, never by a national ID.
    """

    name = models.CharField(_("name"), max_length=50)
    employee_number = models.CharField(
        _("employee number"),
        max_length=32,
        help_text=_("The department's staff number. Never enter a national ID number."),
        validators=[validate_not_resident_id],
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="officials",
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    scope_region_lookup = "department__region"
    scope_department_lookup = "department"

    class Meta:
        verbose_name = _("public official")
        verbose_name_plural = _("public officials")
        ordering = ["department__name", "name"]
        permissions = [
            ("import_publicofficial", _("Can import public officials")),
            ("export_publicofficial", _("Can export public officials")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "employee_number"],
                name="official_unique_employee_number",
                violation_error_message=_("This department already has this employee number."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.department.name}）" if self.department_id else self.name
