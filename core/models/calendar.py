"""The working-day calendar: the days whose working status is not the default, with where
each day's status comes from (the State Council's notice through the chinese-calendar
library, the weekend default, or an administrator)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import BaseModel


class CalendarSource(models.TextChoices):
    # Filled by ``core.holidays.sync_calendar`` from the chinese-calendar package, which
    # follows the State Council's yearly notice (public holidays and 调休 working weekends).
    LIBRARY = "library", _("State Council notice (chinese-calendar)")
    # A Saturday or Sunday of a year the library does not know yet: a rest day by default.
    WEEKEND = "weekend", _("Weekend (no notice for the year yet)")
    # Set by an administrator in the admin: an override a re-sync never touches (a local
    # day off, a correction, next year's notice entered before the library has it).
    MANUAL = "manual", _("Set by an administrator")


class CalendarDay(BaseModel):
    """A day whose working status is not the default: weekends, public holidays, and the
    weekend days worked instead (调休). A day without a row is a working day Monday to
    Friday and a rest day at the weekend."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"), default=False)
    note = models.CharField(_("note"), max_length=100, blank=True)
    source = models.CharField(
        _("source"),
        max_length=10,
        choices=CalendarSource,
        default=CalendarSource.MANUAL,
        help_text=_(
            "Days set by an administrator are kept when the calendar is filled again from "
            "the State Council's notice."
        ),
    )

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.note}".strip()
