"""The one review pattern: a request is filed, then a supervisor decides it (who, when, why),
and a subject has at most one request pending at a time.

Apps subclass ``Review`` for their requests (fault-tolerance claims, credit repair) and decide
them with ``core.services.review_decide``."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import BaseModel


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Review(BaseModel):
    """Filed → decided. Subclasses add the subject (a foreign key), what was asked for, and
    ``already_decided_message``: the conflict a second decision meets."""

    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("decision reasons"), blank=True)

    # Each subclass names the conflict in its own words ("This claim has already been
    # decided."); review_decide raises it.
    already_decided_message: str

    class Meta(BaseModel.Meta):
        abstract = True


def one_pending_per(subject: str, *, name: str, message) -> models.UniqueConstraint:
    """The constraint behind "one pending request per subject": a partial unique index on the
    subject's column, so two officials filing at once cannot both succeed."""
    return models.UniqueConstraint(
        fields=[subject],
        condition=Q(status=ReviewStatus.PENDING.value),
        name=name,
        violation_error_message=message,
    )
