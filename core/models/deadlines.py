"""The deadline engine's ledger: which reminder stage was sent for which deadline."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import BaseModel


class ReminderLog(BaseModel):
    """One reminder stage sent for one deadline. The unique constraint is what makes each
    stage happen once, however often and however concurrently the scan runs; a moved
    deadline (an extension) gets its own stages."""

    kind = models.CharField(_("deadline kind"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("object id"))
    due_date = models.DateField(_("due date"))
    days_before = models.SmallIntegerField(_("days before"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "due_date", "days_before"],
                name="reminder_stage_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}#{self.object_id} {self.due_date} -{self.days_before}"
