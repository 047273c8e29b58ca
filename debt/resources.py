"""Spreadsheets of the debt app. Yearly debt statistics arrive as one row per region and
year, keyed by (region code, year): every row is validated, any bad row (unknown region,
a figure that is not a number or is negative, the same region and year twice) is reported
by row and column and nothing is saved. Each imported profile's assessment is recomputed.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, widgets

from core.imports.engine import ScopedResource
from core.imports.widgets import ChoiceLabelWidget, ScopedForeignKeyWidget, YesNoWidget
from core.models import Region

from .models import (
    BondIssue,
    BondType,
    CreditRating,
    DebtAudit,
    DebtProfile,
    EmergencyEvent,
    EmergencyLevel,
    EmergencyStatus,
    Grade,
    RatingOutlook,
    RiskAssessment,
    RiskWarning,
    TermAssessment,
    TermConclusion,
    WarningGround,
    WarningKind,
    WarningStatus,
)


class DecimalTextWidget(widgets.Widget):
    """A number as a spreadsheet holds it ("1,234.5", " 12 ", 12.5); anything else is a
    row error naming the value, not a crash."""

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        text = str(value).strip().replace(",", "").replace("，", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from None
        if not number.is_finite():
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value})
        return number

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):  # XLSX: the number itself
            return value
        return "" if value is None else str(value)


class YearWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a year.") % {"value": value}) from None
        if not number.is_finite() or number != number.to_integral_value():
            raise ValueError(_("“%(value)s” is not a year.") % {"value": value})
        return int(number)

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):  # XLSX: the number itself
            return value
        return "" if value is None else str(value)


def _region_field(attribute: str = "region") -> fields.Field:
    return fields.Field(
        attribute=attribute,
        column_name=gettext_lazy("region code"),
        widget=ScopedForeignKeyWidget(Region, "code"),
    )


def _region_name_field(attribute: str = "region__name") -> fields.Field:
    return fields.Field(attribute=attribute, column_name=gettext_lazy("region"), readonly=True)


def _field(model, name: str, widget=None, **kwargs) -> fields.Field:
    model_field = model._meta.get_field(name)
    if widget is None and isinstance(model_field, models.CharField | models.TextField):
        # An empty .xlsx cell reads as None, and text columns are NOT NULL: an empty
        # optional cell must become "" (a required one is then reported as blank).
        widget = widgets.CharWidget(allow_blank=True)
    return fields.Field(
        attribute=name,
        column_name=model_field.verbose_name,
        widget=widget,
        **kwargs,
    )


def _date(model, name: str) -> fields.Field:
    return _field(model, name, widgets.DateWidget(format="%Y-%m-%d"))


AMOUNTS = [
    "general_limit",
    "special_limit",
    "general_balance",
    "special_balance",
    "financial_capacity",
    "principal_due",
    "interest_due",
    "overdue_amount",
    "new_debt",
]


class DebtProfileResource(ScopedResource):
    region = _region_field()
    region_name = _region_name_field()
    year = _field(DebtProfile, "year", YearWidget())
    general_limit = _field(DebtProfile, "general_limit", DecimalTextWidget())
    special_limit = _field(DebtProfile, "special_limit", DecimalTextWidget())
    general_balance = _field(DebtProfile, "general_balance", DecimalTextWidget())
    special_balance = _field(DebtProfile, "special_balance", DecimalTextWidget())
    financial_capacity = _field(DebtProfile, "financial_capacity", DecimalTextWidget())
    principal_due = _field(DebtProfile, "principal_due", DecimalTextWidget())
    interest_due = _field(DebtProfile, "interest_due", DecimalTextWidget())
    overdue_amount = _field(DebtProfile, "overdue_amount", DecimalTextWidget())
    new_debt = _field(DebtProfile, "new_debt", DecimalTextWidget())
    published = _field(DebtProfile, "published", YesNoWidget())
    notes = _field(DebtProfile, "notes")

    class Meta:
        model = DebtProfile
        import_id_fields = ["region", "year"]
        fields = ["region", "region_name", "year", *AMOUNTS, "published", "notes"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return super().get_queryset().select_related("region")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._seen_keys: dict[tuple, int] = {}
        self._saved: list[int] = []

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for name in ("overdue_amount", "new_debt"):
            # Optional columns: an empty cell means none.
            if getattr(instance, name) is None and name not in errors:
                setattr(instance, name, Decimal("0"))
        if instance.published is None:
            instance.published = True
        if instance.region_id and instance.year:
            key = (instance.region_id, instance.year)
            number = kwargs.get("row_number")
            first = self._seen_keys.setdefault(key, number)
            if first != number:
                errors.setdefault(NON_FIELD_ERRORS, []).append(
                    _("%(region)s %(year)s appears twice in this file (first in row %(row)s).")
                    % {"region": instance.region.code, "year": instance.year, "row": first}
                )
        if errors:
            raise ValidationError(errors)

    def after_save_instance(self, instance, row, **kwargs):
        self._saved.append(instance.pk)

    def after_import(self, dataset, result, **kwargs):
        from .services import assessment_compute

        super().after_import(dataset, result, **kwargs)
        if result.has_errors() or result.has_validation_errors():
            return
        # Oldest first, so each year's new-debt ratio sees the previous year's balance.
        for profile in DebtProfile.objects.filter(pk__in=self._saved).order_by("year"):
            assessment_compute(profile=profile, actor=self.user)
            following = DebtProfile.objects.filter(
                region_id=profile.region_id, year=profile.year + 1
            ).first()
            if following is not None and following.pk not in self._saved:
                assessment_compute(profile=following, actor=self.user)


class RiskAssessmentResource(ScopedResource):
    """Export only: assessments are computed, never imported."""

    region = _region_field("profile__region")
    region_name = _region_name_field("profile__region__name")
    year = fields.Field(attribute="profile__year", column_name=gettext_lazy("year"))
    debt_ratio = _field(RiskAssessment, "debt_ratio")
    limit_utilisation = _field(RiskAssessment, "limit_utilisation")
    debt_service_ratio = _field(RiskAssessment, "debt_service_ratio")
    overdue_ratio = _field(RiskAssessment, "overdue_ratio")
    new_debt_ratio = _field(RiskAssessment, "new_debt_ratio")
    grade = _field(RiskAssessment, "grade", ChoiceLabelWidget(Grade.choices))
    general_limit_breached = _field(
        RiskAssessment, "general_limit_breached", widgets.BooleanWidget()
    )
    special_limit_breached = _field(
        RiskAssessment, "special_limit_breached", widgets.BooleanWidget()
    )
    computed_at = _field(RiskAssessment, "computed_at")

    class Meta:
        model = RiskAssessment
        fields = [
            "region",
            "region_name",
            "year",
            "debt_ratio",
            "limit_utilisation",
            "debt_service_ratio",
            "overdue_ratio",
            "new_debt_ratio",
            "grade",
            "general_limit_breached",
            "special_limit_breached",
            "computed_at",
        ]

    def get_queryset(self):
        return super().get_queryset().select_related("profile__region")


class RiskWarningResource(ScopedResource):
    """Export only: warnings move through their services, not spreadsheets."""

    region = _region_field()
    region_name = _region_name_field()
    title = _field(RiskWarning, "title")
    kind = _field(RiskWarning, "kind", ChoiceLabelWidget(WarningKind.choices))
    ground = _field(RiskWarning, "ground", ChoiceLabelWidget(WarningGround.choices))
    grade = _field(RiskWarning, "grade", ChoiceLabelWidget(Grade.choices))
    status = _field(RiskWarning, "status", ChoiceLabelWidget(WarningStatus.choices))
    response_deadline = _date(RiskWarning, "response_deadline")
    reason = _field(RiskWarning, "reason")
    response = _field(RiskWarning, "response")

    class Meta:
        model = RiskWarning
        fields = [
            "region",
            "region_name",
            "title",
            "kind",
            "ground",
            "grade",
            "status",
            "response_deadline",
            "reason",
            "response",
        ]

    def get_queryset(self):
        return super().get_queryset().select_related("region")


class EmergencyEventResource(ScopedResource):
    region = _region_field()
    title = _field(EmergencyEvent, "title")
    level = _field(EmergencyEvent, "level", ChoiceLabelWidget(EmergencyLevel.choices))
    status = _field(EmergencyEvent, "status", ChoiceLabelWidget(EmergencyStatus.choices))
    occurred_on = _date(EmergencyEvent, "occurred_on")
    description = _field(EmergencyEvent, "description")
    actions_taken = _field(EmergencyEvent, "actions_taken")
    amount_involved = _field(EmergencyEvent, "amount_involved", DecimalTextWidget())
    resolved_on = _date(EmergencyEvent, "resolved_on")

    class Meta:
        model = EmergencyEvent
        import_id_fields = ["region", "title", "occurred_on"]
        fields = [
            "region",
            "title",
            "level",
            "status",
            "occurred_on",
            "description",
            "actions_taken",
            "amount_involved",
            "resolved_on",
        ]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class DebtAuditResource(ScopedResource):
    region = _region_field()
    report_number = _field(DebtAudit, "report_number")
    leading_official = _field(DebtAudit, "leading_official")
    position = _field(DebtAudit, "position")
    term_start = _date(DebtAudit, "term_start")
    term_end = _date(DebtAudit, "term_end")
    audit_authority = _field(DebtAudit, "audit_authority")
    report_date = _date(DebtAudit, "report_date")
    findings = _field(DebtAudit, "findings")
    irregular_amount = _field(DebtAudit, "irregular_amount", DecimalTextWidget())
    accountability = _field(DebtAudit, "accountability")

    class Meta:
        model = DebtAudit
        import_id_fields = ["region", "report_number"]
        fields = [
            "region",
            "report_number",
            "leading_official",
            "position",
            "term_start",
            "term_end",
            "audit_authority",
            "report_date",
            "findings",
            "irregular_amount",
            "accountability",
        ]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class TermAssessmentResource(ScopedResource):
    region = _region_field()
    period_start = _field(TermAssessment, "period_start", YearWidget())
    period_end = _field(TermAssessment, "period_end", YearWidget())
    borrowing_score = _field(TermAssessment, "borrowing_score", DecimalTextWidget())
    use_score = _field(TermAssessment, "use_score", DecimalTextWidget())
    management_score = _field(TermAssessment, "management_score", DecimalTextWidget())
    conclusion = _field(TermAssessment, "conclusion", ChoiceLabelWidget(TermConclusion.choices))
    comments = _field(TermAssessment, "comments")
    assessed_on = _date(TermAssessment, "assessed_on")

    class Meta:
        model = TermAssessment
        import_id_fields = ["region", "period_start", "period_end"]
        fields = [
            "region",
            "period_start",
            "period_end",
            "borrowing_score",
            "use_score",
            "management_score",
            "conclusion",
            "comments",
            "assessed_on",
        ]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class BondIssueResource(ScopedResource):
    code = _field(BondIssue, "code")
    region = _region_field()
    name = _field(BondIssue, "name")
    bond_type = _field(BondIssue, "bond_type", ChoiceLabelWidget(BondType.choices))
    amount = _field(BondIssue, "amount", DecimalTextWidget())
    rate = _field(BondIssue, "rate", DecimalTextWidget())
    issue_date = _date(BondIssue, "issue_date")
    maturity_date = _date(BondIssue, "maturity_date")
    purpose = _field(BondIssue, "purpose")
    project = _field(BondIssue, "project")

    class Meta:
        model = BondIssue
        import_id_fields = ["code"]
        fields = [
            "code",
            "region",
            "name",
            "bond_type",
            "amount",
            "rate",
            "issue_date",
            "maturity_date",
            "purpose",
            "project",
        ]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class CreditRatingResource(ScopedResource):
    region = _region_field()
    agency = _field(CreditRating, "agency")
    rating = _field(CreditRating, "rating")
    outlook = _field(CreditRating, "outlook", ChoiceLabelWidget(RatingOutlook.choices))
    rated_on = _date(CreditRating, "rated_on")
    notes = _field(CreditRating, "notes")

    class Meta:
        model = CreditRating
        import_id_fields = ["region", "agency", "rated_on"]
        fields = ["region", "agency", "rating", "outlook", "rated_on", "notes"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
