"""The debt lists with their filters and exports: profiles, assessments, warnings,
emergencies, audits, term assessments, bonds and ratings."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.views import FilterView

from core.export_jobs import register_source
from core.exports import Column
from core.views import ExportMixin, ScopedQuerysetMixin

from ..filters import (
    BondIssueFilter,
    CreditRatingFilter,
    DebtAuditFilter,
    DebtProfileFilter,
    EmergencyEventFilter,
    RiskAssessmentFilter,
    RiskWarningFilter,
    TermAssessmentFilter,
)
from ..models import (
    BondIssue,
    CreditRating,
    DebtAudit,
    DebtProfile,
    EmergencyEvent,
    RiskAssessment,
    RiskWarning,
    TermAssessment,
)
from .base import VIEW_DEBT, DebtPageMixin, _choice, _field


@dataclass
class Header:
    label: object
    sort: str = ""  # the ``o`` parameter that sorts by this column, if it sorts


@dataclass
class Cell:
    text: object
    url: str = ""


class DebtListView(DebtPageMixin, ScopedQuerysetMixin, ExportMixin, FilterView):
    """A filtered list whose table shows the same columns as its export."""

    template_name = "debt/object_list.html"
    paginate_by = 25
    # Every debt model keeps its history: the lists offer it for download, as records do.
    export_history = True
    title = ""
    lead = ""
    link_first_column = True

    def row_url(self, obj) -> str:
        return reverse("debt:region_detail", args=[self.region_of(obj).code])

    def region_of(self, obj):
        return obj.region

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        columns = self.export_columns()
        rows = []
        for obj in context["object_list"]:
            cells = [Cell(column.of(obj)) for column in columns]
            if self.link_first_column:
                cells[0].url = self.row_url(obj)
            rows.append(cells)
        # A heading sorts when the FilterSet's ``o`` offers its column (by its source).
        sortable = getattr(self.filterset.filters.get("o"), "param_map", {})
        headers = [Header(c.header, c.source if c.source in sortable else "") for c in columns]
        context.update(title=self.title, lead=self.lead, headers=headers, rows=rows)
        context["create_url"] = self.create_url()
        return context

    def create_url(self) -> str:
        return ""


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


class ProfileListView(DebtListView):
    permission_required = VIEW_DEBT
    export_source = "debt:profile_list"
    export_permission = "debt.export_debtprofile"
    export_filename = gettext_lazy("debt-profiles")
    export_history_label = ("region__name", "year")
    model = DebtProfile
    queryset = DebtProfile.objects.select_related("region", "assessment")
    filterset_class = DebtProfileFilter
    title = gettext_lazy("Debt profiles")
    lead = gettext_lazy("Limits, balances and financial capacity per region and year, in 亿元.")

    def row_url(self, obj):
        return reverse("debt:profile_update", args=[obj.pk])

    def create_url(self):
        if self.request.user.has_perm("debt.add_debtprofile"):
            return reverse("debt:profile_create")
        return ""

    def export_columns(self):
        m = DebtProfile
        return [
            Column.field(_("Region"), "region__name"),
            Column.field(_("Region code"), "region__code"),
            *(
                _field(m, name)
                for name in (
                    "year",
                    "general_limit",
                    "special_limit",
                    "general_balance",
                    "special_balance",
                    "financial_capacity",
                    "principal_due",
                    "interest_due",
                    "overdue_amount",
                    "new_debt",
                )
            ),
            _choice(RiskAssessment, "grade", _("Grade"), "assessment__grade"),
        ]


class AssessmentListView(DebtListView):
    permission_required = "debt.view_riskassessment"
    export_source = "debt:assessment_list"
    export_permission = "debt.export_riskassessment"
    export_filename = gettext_lazy("debt-risk-assessments")
    export_history_label = ("profile__region__name", "profile__year")
    model = RiskAssessment
    queryset = RiskAssessment.objects.select_related("profile__region")
    filterset_class = RiskAssessmentFilter
    title = gettext_lazy("Risk assessments")
    lead = gettext_lazy("Indicators computed from each debt profile, in percent.")

    def region_of(self, obj):
        return obj.profile.region

    @classmethod
    def prepare_rows(cls, queryset, *, exporting):
        # ``RiskAssessment.limit_breached`` in the query, for the fast export path.
        breached = Q(general_limit_breached=True) | Q(special_limit_breached=True)
        return queryset.annotate(
            any_limit_breached=ExpressionWrapper(breached, output_field=BooleanField())
        )

    def export_columns(self):
        m = RiskAssessment
        return [
            Column.field(_("Region"), "profile__region__name"),
            Column.field(_("Year"), "profile__year"),
            *(
                _field(m, name)
                for name in (
                    "debt_ratio",
                    "limit_utilisation",
                    "debt_service_ratio",
                    "overdue_ratio",
                    "new_debt_ratio",
                )
            ),
            _choice(m, "grade"),
            Column.field(_("Balance above limit"), "any_limit_breached", convert=_yes_no),
            _field(m, "computed_at"),
        ]


class WarningListView(DebtListView):
    permission_required = "debt.view_riskwarning"
    export_source = "debt:warning_list"
    export_permission = "debt.export_riskwarning"
    export_filename = gettext_lazy("debt-risk-warnings")
    export_history_label = "title"
    model = RiskWarning
    queryset = RiskWarning.objects.select_related("region")
    filterset_class = RiskWarningFilter
    title = gettext_lazy("Risk warnings")
    lead = gettext_lazy("Prompts and warnings to regions: draft, issued, responded, closed.")

    def row_url(self, obj):
        return reverse("debt:warning_detail", args=[obj.pk])

    def create_url(self):
        if self.request.user.has_perm("debt.add_riskwarning"):
            return reverse("debt:warning_create")
        return ""

    @classmethod
    def prepare_rows(cls, queryset, *, exporting):
        # ``RiskWarning.is_overdue`` in the query, for the fast export path.
        overdue = Q(status="issued", response_deadline__lt=timezone.localdate())
        return queryset.annotate(
            response_overdue=ExpressionWrapper(overdue, output_field=BooleanField())
        )

    def export_columns(self):
        m = RiskWarning
        return [
            _field(m, "title"),
            Column.field(_("Region"), "region__name"),
            _choice(m, "kind"),
            _choice(m, "ground"),
            _choice(m, "grade"),
            _choice(m, "status"),
            _field(m, "response_deadline"),
            Column.field(_("Response overdue"), "response_overdue", convert=_yes_no),
            _field(m, "issued_at"),
            _field(m, "responded_at"),
        ]


class EmergencyListView(DebtListView):
    permission_required = "debt.view_emergencyevent"
    export_source = "debt:emergency_list"
    export_permission = "debt.export_emergencyevent"
    export_filename = gettext_lazy("debt-emergencies")
    export_history_label = ("region__name", "title")
    model = EmergencyEvent
    queryset = EmergencyEvent.objects.select_related("region")
    filterset_class = EmergencyEventFilter
    title = gettext_lazy("Debt emergency events")
    lead = gettext_lazy("Debt-risk events by level (国办函〔2016〕88号) and the response to them.")

    def row_url(self, obj):
        return reverse("debt:emergency_detail", args=[obj.pk])

    def export_columns(self):
        m = EmergencyEvent
        return [
            Column.field(_("Region"), "region__name"),
            _field(m, "title"),
            _choice(m, "level"),
            _choice(m, "status"),
            _field(m, "occurred_on"),
            _field(m, "amount_involved"),
            _field(m, "actions_taken"),
            _field(m, "resolved_on"),
        ]


class AuditListView(DebtListView):
    permission_required = "debt.view_debtaudit"
    export_source = "debt:audit_list"
    export_permission = "debt.export_debtaudit"
    export_filename = gettext_lazy("debt-audits")
    export_history_label = ("report_number", "leading_official")
    model = DebtAudit
    queryset = DebtAudit.objects.select_related("region")
    filterset_class = DebtAuditFilter
    title = gettext_lazy("Debt audits")
    lead = gettext_lazy("Debt within the economic-responsibility audits of leading officials.")

    def row_url(self, obj):
        return reverse("debt:audit_detail", args=[obj.pk])

    def export_columns(self):
        m = DebtAudit
        return [
            Column.field(_("Region"), "region__name"),
            *(
                _field(m, name)
                for name in (
                    "report_number",
                    "leading_official",
                    "position",
                    "term_start",
                    "term_end",
                    "report_date",
                    "findings",
                    "accountability",
                )
            ),
        ]


class TermListView(DebtListView):
    permission_required = "debt.view_termassessment"
    export_source = "debt:term_list"
    export_permission = "debt.export_termassessment"
    export_filename = gettext_lazy("debt-term-assessments")
    export_history_label = ("region__name", "period_start", "period_end")
    model = TermAssessment
    queryset = TermAssessment.objects.select_related("region")
    filterset_class = TermAssessmentFilter
    title = gettext_lazy("Term assessments")
    lead = gettext_lazy("Each government's borrowing, use and management of debt over its term.")

    @classmethod
    def prepare_rows(cls, queryset, *, exporting):
        # The sum behind ``TermAssessment.total_score``, for the fast export path.
        return queryset.annotate(
            score_sum=F("borrowing_score") + F("use_score") + F("management_score")
        )

    def export_columns(self):
        m = TermAssessment
        return [
            Column.field(_("Region"), "region__name"),
            *(
                _field(m, name)
                for name in (
                    "period_start",
                    "period_end",
                    "borrowing_score",
                    "use_score",
                    "management_score",
                )
            ),
            # The same arithmetic as ``TermAssessment.total_score``.
            Column.field(
                _("Average score"),
                "score_sum",
                convert=lambda total: (total / 3).quantize(Decimal("0.01")),
            ),
            _choice(m, "conclusion"),
        ]


class BondListView(DebtListView):
    permission_required = "debt.view_bondissue"
    export_source = "debt:bond_list"
    export_permission = "debt.export_bondissue"
    export_filename = gettext_lazy("debt-bonds")
    export_history_label = ("code", "name")
    model = BondIssue
    queryset = BondIssue.objects.select_related("region")
    filterset_class = BondIssueFilter
    title = gettext_lazy("Bond issues")
    lead = gettext_lazy("Local government bonds, amounts in 亿元.")

    def export_columns(self):
        m = BondIssue
        return [
            Column.field(_("Region"), "region__name"),
            _field(m, "code"),
            _field(m, "name"),
            _choice(m, "bond_type"),
            *(_field(m, name) for name in ("amount", "rate", "issue_date", "maturity_date")),
            _field(m, "project"),
        ]


class RatingListView(DebtListView):
    permission_required = "debt.view_creditrating"
    export_source = "debt:rating_list"
    export_permission = "debt.export_creditrating"
    export_filename = gettext_lazy("debt-credit-ratings")
    export_history_label = ("region__name", "agency", "rated_on")
    model = CreditRating
    queryset = CreditRating.objects.select_related("region")
    filterset_class = CreditRatingFilter
    title = gettext_lazy("Credit ratings")
    lead = gettext_lazy("Ratings of regional government debt by rating agencies.")

    def export_columns(self):
        m = CreditRating
        return [
            Column.field(_("Region"), "region__name"),
            _field(m, "agency"),
            _field(m, "rating"),
            _choice(m, "outlook"),
            _field(m, "rated_on"),
        ]


def register_export_sources() -> None:
    """The debt lists' exports, for the download and the background worker alike."""
    for view in (
        ProfileListView,
        AssessmentListView,
        WarningListView,
        EmergencyListView,
        AuditListView,
        TermListView,
        BondListView,
        RatingListView,
    ):
        register_source(view.as_export_source())
