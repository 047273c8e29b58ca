"""Government agreements beyond procurement (招商引资协议, PPP / concession, purchased services,
construction, other): the government party, the enterprise on the other side, and the
government side's obligations, with what was done and paid against each.

An obligation falls due on an agreed date, or when a condition is met (an official records
the day it was met; the agreed number of days then runs from it). Its ``due_date`` is stored,
worked out by ``agreement_rules`` and written by the services only, so the periodic scan and
the reminders read an indexed column.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.fields import UnifiedSocialCreditCodeField
from core.models import BaseModel, Department

from .purchases import MONEY


class AgreementKind(models.TextChoices):
    INVESTMENT = "investment", _("Investment-promotion agreement (招商引资协议)")
    PPP = "ppp", _("PPP or concession (PPP / 特许经营)")
    SERVICES = "services", _("Government purchase of services (政府购买服务)")
    CONSTRUCTION = "construction", _("Construction project (工程建设)")
    OTHER = "other", _("Other")


class Agreement(BaseModel):
    """An agreement a department signed with an enterprise."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("government party"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AgreementKind)
    number = models.CharField(_("agreement number"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    counterparty_name = models.CharField(_("enterprise"), max_length=200)
    counterparty_uscc = UnifiedSocialCreditCodeField(verbose_name=_("enterprise credit code"))
    counterparty_is_sme = models.BooleanField(_("small or medium-sized enterprise"), default=False)
    # GB 32100-2015: a code beginning with 92 is an individual business's (个体工商户); the
    # services set this from the code. Its name is never published.
    counterparty_is_individual = models.BooleanField(_("individual business"), default=False)
    signed_date = models.DateField(_("signed on"), db_index=True)
    term_end = models.DateField(_("term ends on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    scope_region_lookup = "department__region"
    scope_department_lookup = "department"

    class Meta:
        verbose_name = _("government agreement")
        verbose_name_plural = _("government agreements")
        ordering = ["-signed_date", "-pk"]
        permissions = [
            ("import_agreement", _("Can import government agreements")),
            ("export_agreement", _("Can export government agreements")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "number"],
                name="agreement_unique_number",
                violation_error_message=_(
                    "This department already has an agreement with this number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=F("signed_date")),
                name="agreement_term_after_signing",
                violation_error_message=_("The term cannot end before the agreement is signed."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ObligationStatus(models.TextChoices):
    """Where an obligation stands on a day; derived (``agreement_rules.obligation_status``)."""

    AWAITING_CONDITION = "awaiting", _("Awaiting its condition")
    NOT_DUE = "not_due", _("Not yet due")
    OVERDUE = "overdue", _("Overdue")
    KEPT = "kept", _("Fulfilled on time")
    KEPT_LATE = "kept_late", _("Fulfilled late")


class Obligation(BaseModel):
    """What the government side promised: an amount to pay, or a thing to do (land, a
    permit, a refund), due on a date or once a condition is met."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="obligations",
    )
    description = models.CharField(_("obligation"), max_length=300)
    amount = models.DecimalField(
        _("amount (yuan)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for an obligation that is not a payment."),
        **MONEY,
    )
    agreed_due_date = models.DateField(_("agreed due date"), null=True, blank=True)
    condition = models.CharField(
        _("condition that makes it due"),
        max_length=300,
        blank=True,
        help_text=_("Instead of a date: for example, the enterprise starts production."),
    )
    days_after_condition = models.PositiveSmallIntegerField(
        _("days allowed after the condition is met"), default=0
    )
    condition_met_on = models.DateField(_("condition met on"), null=True, blank=True)
    # Worked out by the services: the agreed date, or the condition's day plus the days.
    due_date = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    fulfilled_on = models.DateField(_("fulfilled on"), null=True, blank=True)
    # 新官不理旧账: the day the department's head changed, when that change came after the
    # signing and no later than the first day the obligation was overdue. Set by the scan.
    head_changed_on = models.DateField(
        _("head changed before it fell overdue"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    scope_region_lookup = "agreement__department__region"
    scope_department_lookup = "agreement__department"

    class Meta:
        verbose_name = _("agreement obligation")
        verbose_name_plural = _("agreement obligations")
        ordering = ["agreement", "due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(agreed_due_date__isnull=True, condition=""),
                name="obligation_due_date_or_condition",
                violation_error_message=_("Give the due date or the condition that makes it due."),
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0),
                name="obligation_amount_positive",
                violation_error_message=_("The amount must be more than zero."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_date"],
                name="obligation_open_due",
                condition=Q(fulfilled_on__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def is_payment(self) -> bool:
        return self.amount is not None

    def paid_total(self) -> Decimal:
        return self.events.filter(amount__isnull=False).aggregate(total=models.Sum("amount"))[
            "total"
        ] or Decimal("0.00")


class ObligationEvent(BaseModel):
    """Something done or paid against an obligation. An event with an amount is a payment;
    one marked ``completes`` says the obligation is performed in full."""

    obligation = models.ForeignKey(
        Obligation, verbose_name=_("obligation"), on_delete=models.CASCADE, related_name="events"
    )
    date = models.DateField(_("date"))
    description = models.CharField(_("what was done"), max_length=300)
    amount = models.DecimalField(_("amount paid (yuan)"), null=True, blank=True, **MONEY)
    completes = models.BooleanField(_("performed in full"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    scope_region_lookup = "obligation__agreement__department__region"
    scope_department_lookup = "obligation__agreement__department"

    class Meta:
        verbose_name = _("performance event")
        verbose_name_plural = _("performance events")
        ordering = ["obligation", "date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0),
                name="obligation_event_amount_positive",
                violation_error_message=_("The amount must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(date)s: %(what)s") % {
            "date": self.date.isoformat() if self.date else "",
            "what": self.description,
        }
