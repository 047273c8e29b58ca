"""The working-day calendar: the days whose working status is not the default."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import BaseModel


class CalendarDay(BaseModel):
    """A day whose working status is not the default: weekends, public holidays, and the
    weekend days worked instead (调休). A day without a row is a working day Monday to
    Friday and a rest day at the weekend."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"), default=False)
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.note}".strip()
