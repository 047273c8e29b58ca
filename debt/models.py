"""Local government debt oversight (地方政府债务): yearly debt profiles of each region, the
risk assessment computed from them, risk warnings and their lifecycle, debt-risk emergencies,
debt audits of leading officials, term assessments, bond issues and credit ratings.

Every amount is a Decimal in 亿元 (100 million yuan), the unit of the provincial budget
reports; every ratio is a Decimal percentage with two decimals. Region users see their
subtree (``scope_region_lookup``); department liaisons see nothing of debt.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from core.models import BaseModel, Region
from credit_records.models import DishonestyRecord

ZERO = Decimal("0")


def amount_field(verbose_name, **kwargs):
    """A non-negative amount in 亿元, to 1万元 (four decimals), up to 99,999,999,999.9999 亿元:
    15 significant digits, all that SQLite keeps exactly."""
    kwargs.setdefault("validators", [MinValueValidator(ZERO)])
    return models.DecimalField(verbose_name, max_digits=15, decimal_places=4, **kwargs)


def ratio_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name, max_digits=12, decimal_places=2, null=True, blank=True, **kwargs
    )


class Grade(models.TextChoices):
    """Debt-risk grade by debt ratio; the thresholds are settings (``CHENGXIN_DEBT_*``)."""

    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    ORANGE = "orange", _("Orange")
    RED = "red", _("Red")


GRADE_ORDER = {Grade.GREEN: 0, Grade.YELLOW: 1, Grade.ORANGE: 2, Grade.RED: 3}


class DebtProfile(BaseModel):
    """One region's debt statistics for one year (债务限额、余额、综合财力 …), in 亿元."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="debt_profiles"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    general_limit = amount_field(_("general debt limit (100 million yuan)"))
    special_limit = amount_field(_("special debt limit (100 million yuan)"))
    general_balance = amount_field(_("general debt balance (100 million yuan)"))
    special_balance = amount_field(_("special debt balance (100 million yuan)"))
    financial_capacity = amount_field(
        _("comprehensive financial capacity (100 million yuan)"),
        validators=[MinValueValidator(Decimal("0.0001"))],
        help_text=_("综合财力: the denominator of the debt ratio; must be above zero."),
    )
    principal_due = amount_field(_("principal due in the year (100 million yuan)"))
    interest_due = amount_field(_("interest due in the year (100 million yuan)"))
    overdue_amount = amount_field(
        _("overdue debt (100 million yuan)"), default=ZERO, help_text=_("逾期债务 at year end.")
    )
    new_debt = amount_field(_("new debt in the year (100 million yuan)"), default=ZERO)
    published = models.BooleanField(
        _("publish on the disclosure pages"),
        default=True,
        help_text=_("Limits, balances and ratios are public unless withheld."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    scope_region_lookup = "region"
    scope_department_lookup = None

    class Meta:
        verbose_name = _("debt profile")
        verbose_name_plural = _("debt profiles")
        ordering = ["region__code", "-year"]
        permissions = [
            ("import_debtprofile", _("Can import debt profiles")),
            ("export_debtprofile", _("Can export debt profiles")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year"],
                name="debt_profile_one_per_region_year",
                violation_error_message=_("This region already has a debt profile for this year."),
            ),
            models.CheckConstraint(
                condition=Q(general_limit__gte=0)
                & Q(special_limit__gte=0)
                & Q(general_balance__gte=0)
                & Q(special_balance__gte=0)
                & Q(principal_due__gte=0)
                & Q(interest_due__gte=0)
                & Q(overdue_amount__gte=0)
                & Q(new_debt__gte=0),
                name="debt_profile_amounts_non_negative",
                violation_error_message=_(
                    "Limits, balances and the other amounts cannot be negative."
                ),
            ),
            models.CheckConstraint(
                condition=Q(financial_capacity__gt=0),
                name="debt_profile_capacity_positive",
                violation_error_message=_(
                    "The comprehensive financial capacity must be greater than zero."
                ),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="debt_profile_year_in_range",
                violation_error_message=_("The year must be between 2000 and 2100."),
            ),
        ]
        indexes = [models.Index(fields=["year", "region"], name="debt_profile_year_region")]

    def __str__(self) -> str:
        return f"{self.region.name} {self.year}" if self.region_id else str(self.year)

    @property
    def total_limit(self) -> Decimal:
        return (self.general_limit or ZERO) + (self.special_limit or ZERO)

    @property
    def total_balance(self) -> Decimal:
        return (self.general_balance or ZERO) + (self.special_balance or ZERO)


class RiskAssessment(BaseModel):
    """The risk indicators computed from one debt profile, with the inputs and thresholds
    they were computed from, so a grade can be explained after the settings change."""

    profile = models.OneToOneField(
        DebtProfile,
        verbose_name=_("debt profile"),
        on_delete=models.CASCADE,
        related_name="assessment",
    )
    # Inputs used (亿元).
    total_balance = amount_field(_("debt balance used (100 million yuan)"))
    total_limit = amount_field(_("debt limit used (100 million yuan)"))
    financial_capacity = amount_field(_("financial capacity used (100 million yuan)"))
    debt_service = amount_field(_("principal and interest due used (100 million yuan)"))
    overdue_amount = amount_field(_("overdue debt used (100 million yuan)"))
    new_debt = amount_field(_("new debt used (100 million yuan)"))
    previous_balance = amount_field(
        _("previous year-end balance used (100 million yuan)"), null=True, blank=True
    )
    # Thresholds used (percent).
    yellow_threshold = models.DecimalField(_("yellow from (%)"), max_digits=7, decimal_places=2)
    orange_threshold = models.DecimalField(_("orange from (%)"), max_digits=7, decimal_places=2)
    red_threshold = models.DecimalField(_("red from (%)"), max_digits=7, decimal_places=2)
    # Indicators (percent).
    debt_ratio = ratio_field(_("debt ratio (%)"))
    limit_utilisation = ratio_field(_("limit utilisation (%)"))
    debt_service_ratio = ratio_field(_("debt-service ratio (%)"))
    overdue_ratio = ratio_field(_("overdue ratio (%)"))
    new_debt_ratio = ratio_field(_("new-debt ratio (%)"))
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices)
    general_limit_breached = models.BooleanField(_("general balance above its limit"))
    special_limit_breached = models.BooleanField(_("special balance above its limit"))
    computed_at = models.DateTimeField(_("computed at"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("computed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    scope_region_lookup = "profile__region"
    scope_department_lookup = None

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["profile__region__code", "-profile__year"]
        permissions = [("export_riskassessment", _("Can export risk assessments"))]
        indexes = [models.Index(fields=["grade"], name="debt_assessment_grade")]

    def __str__(self) -> str:
        return f"{self.profile} · {self.get_grade_display()}" if self.profile_id else ""

    @property
    def limit_breached(self) -> bool:
        return self.general_limit_breached or self.special_limit_breached


class WarningKind(models.TextChoices):
    PROMPT = "prompt", _("Risk prompt (提示)")
    WARNING = "warning", _("Risk warning (预警)")


class WarningStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    RESPONDED = "responded", _("Responded")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


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
            # An assessment crossing into a grade drafts one warning, however often it is
            # recomputed.
            models.UniqueConstraint(
                fields=["profile", "grade"],
                condition=Q(automatic=True),
                name="debt_warning_once_per_profile_grade",
                violation_error_message=_(
                    "A warning of this grade was already drafted for this debt profile."
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


class EmergencyLevel(models.TextChoices):
    """Debt-risk event levels of 国办函〔2016〕88号."""

    I = "I", _("Level I (especially major, 特大)")  # noqa: E741
    II = "II", _("Level II (major, 重大)")
    III = "III", _("Level III (large, 较大)")
    IV = "IV", _("Level IV (general, 一般)")


class EmergencyStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    RESPONDING = "responding", _("Emergency response under way")
    RESTRUCTURING = "restructuring", _("Fiscal restructuring (财政重整)")
    RESOLVED = "resolved", _("Resolved")


class EmergencyEvent(BaseModel):
    """A local government debt-risk event and the emergency response to it."""

    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="debt_emergencies",
    )
    title = models.CharField(_("title"), max_length=200)
    level = models.CharField(_("level"), max_length=4, choices=EmergencyLevel.choices)
    status = models.CharField(
        _("status"),
        max_length=15,
        choices=EmergencyStatus.choices,
        default=EmergencyStatus.REPORTED,
    )
    occurred_on = models.DateField(_("occurred on"))
    description = models.TextField(_("description"))
    actions_taken = models.TextField(_("actions taken"), blank=True)
    amount_involved = amount_field(_("amount involved (100 million yuan)"), null=True, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    scope_region_lookup = "region"
    scope_department_lookup = None

    class Meta:
        verbose_name = _("debt emergency event")
        verbose_name_plural = _("debt emergency events")
        ordering = ["-occurred_on", "-pk"]
        permissions = [
            ("import_emergencyevent", _("Can import debt emergency events")),
            ("export_emergencyevent", _("Can export debt emergency events")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("occurred_on")),
                name="debt_emergency_resolved_after_occurred",
                violation_error_message=_("An event cannot be resolved before it occurred."),
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(resolved_on__isnull=False),
                name="debt_emergency_resolved_has_date",
                violation_error_message=_("A resolved event needs the date it was resolved."),
            ),
            models.CheckConstraint(
                condition=Q(amount_involved__isnull=True) | Q(amount_involved__gte=0),
                name="debt_emergency_amount_not_negative",
                violation_error_message=_("The amount involved cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DebtAudit(BaseModel):
    """A debt audit within the economic-responsibility audit of a leading official."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="debt_audits"
    )
    leading_official = models.CharField(_("leading official"), max_length=50)
    position = models.CharField(_("position"), max_length=100)
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"), null=True, blank=True)
    audit_authority = models.CharField(_("audit authority"), max_length=200)
    report_number = models.CharField(_("audit report number"), max_length=100)
    report_date = models.DateField(_("report date"))
    findings = models.TextField(_("findings"))
    irregular_amount = amount_field(
        _("amount with irregularities (100 million yuan)"), null=True, blank=True
    )
    accountability = models.TextField(
        _("accountability"), blank=True, help_text=_("Who was held accountable, and how.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    scope_region_lookup = "region"
    scope_department_lookup = None

    class Meta:
        verbose_name = _("debt audit")
        verbose_name_plural = _("debt audits")
        ordering = ["-report_date", "-pk"]
        permissions = [
            ("import_debtaudit", _("Can import debt audits")),
            ("export_debtaudit", _("Can export debt audits")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "report_number"],
                name="debt_audit_unique_report",
                violation_error_message=_("This region already has an audit with this number."),
            ),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=F("term_start")),
                name="debt_audit_term_ordered",
                violation_error_message=_("The term cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_number} · {self.leading_official}"


class TermConclusion(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


def score_field(verbose_name):
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
    )


class TermAssessment(BaseModel):
    """The assessment of a government's borrowing, use and management of debt over its
    term (debt as a performance indicator)."""

    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="debt_term_assessments",
    )
    period_start = models.PositiveSmallIntegerField(_("first year"))
    period_end = models.PositiveSmallIntegerField(_("last year"))
    borrowing_score = score_field(_("borrowing score"))
    use_score = score_field(_("use score"))
    management_score = score_field(_("management score"))
    conclusion = models.CharField(_("conclusion"), max_length=10, choices=TermConclusion.choices)
    comments = models.TextField(_("comments"), blank=True)
    assessed_on = models.DateField(_("assessed on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    scope_region_lookup = "region"
    scope_department_lookup = None

    class Meta:
        verbose_name = _("term assessment")
        verbose_name_plural = _("term assessments")
        ordering = ["region__code", "-period_end"]
        permissions = [
            ("import_termassessment", _("Can import term assessments")),
            ("export_termassessment", _("Can export term assessments")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "period_start", "period_end"],
                name="debt_term_assessment_unique_period",
                violation_error_message=_("This region already has an assessment of this term."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="debt_term_assessment_period_ordered",
                violation_error_message=_("The last year cannot come before the first."),
            ),
            models.CheckConstraint(
                condition=Q(borrowing_score__gte=0, borrowing_score__lte=100)
                & Q(use_score__gte=0, use_score__lte=100)
                & Q(management_score__gte=0, management_score__lte=100),
                name="debt_term_assessment_scores_in_range",
                violation_error_message=_("Scores must be between 0 and 100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region.name} {self.period_start}–{self.period_end}" if self.region_id else ""

    @property
    def total_score(self) -> Decimal:
        total = self.borrowing_score + self.use_score + self.management_score
        return (total / 3).quantize(Decimal("0.01"))


class BondType(models.TextChoices):
    GENERAL = "general", _("General bond")
    SPECIAL = "special", _("Special bond")


class BondIssue(BaseModel):
    """A local government bond issue."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="debt_bonds"
    )
    code = models.CharField(_("bond code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    bond_type = models.CharField(_("type"), max_length=10, choices=BondType.choices)
    amount = amount_field(
        _("amount (100 million yuan)"), validators=[MinValueValidator(Decimal("0.0001"))]
    )
    rate = models.DecimalField(
        _("coupon rate (%)"),
        max_digits=6,
        decimal_places=3,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
    )
    issue_date = models.DateField(_("issue date"))
    maturity_date = models.DateField(_("maturity date"))
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    project = models.CharField(_("project"), max_length=200, blank=True)

    history = HistoricalRecords()

    scope_region_lookup = "region"
    scope_department_lookup = None

    class Meta:
        verbose_name = _("bond issue")
        verbose_name_plural = _("bond issues")
        ordering = ["-issue_date", "code"]
        permissions = [
            ("import_bondissue", _("Can import bond issues")),
            ("export_bondissue", _("Can export bond issues")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="debt_bond_amount_positive",
                violation_error_message=_("The amount issued must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lte=100),
                name="debt_bond_rate_in_range",
                violation_error_message=_("The interest rate must be between 0 and 100%."),
            ),
            models.CheckConstraint(
                condition=Q(maturity_date__gt=F("issue_date")),
                name="debt_bond_matures_after_issue",
                violation_error_message=_("A bond matures after it is issued."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RatingOutlook(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    STABLE = "stable", _("Stable")
    NEGATIVE = "negative", _("Negative")
    DEVELOPING = "developing", _("Developing")


class CreditRating(BaseModel):
    """A credit rating of a region's government debt by a rating agency."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="debt_ratings"
    )
    agency = models.CharField(_("rating agency"), max_length=100)
    rating = models.CharField(_("rating"), max_length=10)
    outlook = models.CharField(
        _("outlook"), max_length=12, choices=RatingOutlook.choices, default=RatingOutlook.STABLE
    )
    rated_on = models.DateField(_("rated on"))
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    scope_region_lookup = "region"
    scope_department_lookup = None

    class Meta:
        verbose_name = _("credit rating")
        verbose_name_plural = _("credit ratings")
        ordering = ["-rated_on", "agency"]
        permissions = [
            ("import_creditrating", _("Can import credit ratings")),
            ("export_creditrating", _("Can export credit ratings")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "agency", "rated_on"],
                name="debt_rating_unique_per_day",
                violation_error_message=_("This agency already rated this region on that day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.rating}"


class DebtDefault(BaseModel):
    """The link between a debt profile's overdue or defaulted payment and the dishonesty
    record (category debt default) it led to: ``profile.defaults`` one way,
    ``record.debt_default`` the other."""

    profile = models.ForeignKey(
        DebtProfile,
        verbose_name=_("debt profile"),
        on_delete=models.PROTECT,
        related_name="defaults",
    )
    record = models.OneToOneField(
        DishonestyRecord,
        verbose_name=_("dishonesty record"),
        on_delete=models.CASCADE,
        related_name="debt_default",
    )
    overdue_amount = amount_field(_("overdue amount at the time (100 million yuan)"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    scope_region_lookup = "profile__region"
    scope_department_lookup = None

    class Meta:
        verbose_name = _("debt default")
        verbose_name_plural = _("debt defaults")
        ordering = ["-created_at"]
        constraints = [
            # One profile's overdue debt is one dishonesty record, however often it is
            # reported (the service says which record; this is the backstop).
            models.UniqueConstraint(
                fields=["profile"],
                name="debt_default_once_per_profile",
                violation_error_message=_(
                    "This debt profile's overdue debt was already reported as a dishonesty record."
                ),
            ),
            models.CheckConstraint(
                condition=Q(overdue_amount__gt=0),
                name="debt_default_amount_positive",
                violation_error_message=_("The overdue amount must be greater than zero."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.record)
