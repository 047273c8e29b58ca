"""Risk warnings (风险预警) and their lifecycle: drafted, issued, responded to, closed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from core.models import BaseModel, Region

from .base import Grade
from .profiles import DebtProfile


class WarningKind(models.TextChoices):
    PROMPT = "prompt", _("Risk prompt (提示)")
    WARNING = "warning", _("Risk warning (预警)")


class WarningStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    RESPONDED = "responded", _("Responded")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class WarningGround(models.TextChoices):
    """Why a warning was drafted. The assessment drafts on two grounds, each on its own: a
    debt ratio in a warning grade, and a balance above its approved limit (地方政府债务余额不得
    突破批准的限额, 预算法 art. 35 and 财预〔2015〕225号), which is a breach whatever the
    grade. Warnings written by hand give their grounds in words."""

    RISK_GRADE = "grade", _("Debt ratio in a risk grade")
    LIMIT_EXCEEDED = "limit", _("Debt balance above the approved limit")
    OTHER = "other", _("Other grounds")


OPEN_WARNING_STATUSES = [WarningStatus.DRAFT, WarningStatus.ISSUED, WarningStatus.RESPONDED]


class RiskWarning(ConcurrentTransitionMixin, BaseModel):
    """A risk prompt or warning to a region's government: drafted (by hand, or when an
    assessment crosses a grade threshold), issued with a required response and a deadline,
    answered, and closed. Transitions are called only from ``services``."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="debt_warnings"
    )
    profile = models.ForeignKey(
        DebtProfile,
        verbose_name=_("debt profile"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="warnings",
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=WarningKind.choices, default=WarningKind.WARNING
    )
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, blank=True)
    ground = models.CharField(
        _("ground"), max_length=10, choices=WarningGround.choices, default=WarningGround.OTHER
    )
    title = models.CharField(_("title"), max_length=200)
    reason = models.TextField(_("grounds of the warning"))
    required_response = models.TextField(_("required response"), blank=True)
    response_deadline = models.DateField(_("response deadline"), null=True, blank=True)
    automatic = models.BooleanField(_("drafted automatically"), default=False, editable=False)
    status = FSMField(
        _("status"),
        max_length=12,
        choices=WarningStatus.choices,
        default=WarningStatus.DRAFT,
        protected=True,
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    response = models.TextField(_("response"), blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("response recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closing_note = models.TextField(_("closing note"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # 0 = on time, 1 = overdue notice sent, 2 = escalated to the parent region's office.
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_to = models.ForeignKey(
        Region,
        verbose_name=_("escalated to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
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

    scope_region_lookup = "region"
    scope_department_lookup = None

    class Meta:
        verbose_name = _("risk warning")
        verbose_name_plural = _("risk warnings")
        ordering = ["-created_at", "-pk"]
        permissions = [("export_riskwarning", _("Can export risk warnings"))]
        constraints = [
            # An assessment crossing into a grade drafts one warning, and a balance above its
            # limit one more, however often it is recomputed.
            models.UniqueConstraint(
                fields=["profile", "grade"],
                condition=Q(automatic=True, ground="grade"),
                name="debt_warning_once_per_profile_grade",
                violation_error_message=_(
                    "A warning of this grade was already drafted for this debt profile."
                ),
            ),
            models.UniqueConstraint(
                fields=["profile"],
                condition=Q(automatic=True, ground="limit"),
                name="debt_warning_once_per_profile_limit",
                violation_error_message=_(
                    "A warning on the debt limit was already drafted for this debt profile."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="issued") | Q(response_deadline__isnull=False),
                name="debt_warning_issued_has_deadline",
                violation_error_message=_("An issued warning needs a response deadline."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "response_deadline"], name="debt_warning_due"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return (
            self.status == WarningStatus.ISSUED
            and self.response_deadline is not None
            and self.response_deadline < timezone.localdate()
        )

    # --- transitions: called only from services ---------------------------------------------

    @transition(field=status, source=WarningStatus.DRAFT, target=WarningStatus.ISSUED)
    def issue(self):
        pass

    @transition(field=status, source=WarningStatus.ISSUED, target=WarningStatus.RESPONDED)
    def respond(self):
        pass

    @transition(
        field=status,
        source=[WarningStatus.ISSUED, WarningStatus.RESPONDED],
        target=WarningStatus.CLOSED,
    )
    def close(self):
        pass

    @transition(field=status, source=WarningStatus.DRAFT, target=WarningStatus.WITHDRAWN)
    def withdraw(self):
        pass
