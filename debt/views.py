"""The debt workspace pages (``/workspace/debt/``). Views read selectors and call services;
every queryset starts from the user's scope, so another region's debt is a 404."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView

from core.export_jobs import register_source
from core.exports import Column, field_label
from core.scope import get_in_scope_or_404, regions_in_scope
from core.views import ExportMixin, ScopedQuerysetMixin, add_form_errors

from . import charts, selectors, services
from .filters import (
    BondIssueFilter,
    CreditRatingFilter,
    DebtAuditFilter,
    DebtProfileFilter,
    EmergencyEventFilter,
    RiskAssessmentFilter,
    RiskWarningFilter,
    TermAssessmentFilter,
)
from .forms import DebtDefaultForm, DebtProfileForm, IssueForm, NoteForm, RespondForm, WarningForm
from .indicators import Thresholds
from .models import (
    BondIssue,
    CreditRating,
    DebtAudit,
    DebtProfile,
    EmergencyEvent,
    RiskAssessment,
    RiskWarning,
    TermAssessment,
)

VIEW_DEBT = "debt.view_debtprofile"


def _field(model, name: str, header=None, source: str | None = None) -> Column:
    """A column read straight from ``values_list()`` (the fast export path)."""
    return Column.field(header or field_label(model, name), source or name)


def _choice(model, name: str, header=None, source: str | None = None) -> Column:
    """A choice field shown as its label, read from ``values_list()``."""
    return Column.choice(
        header or field_label(model, name), source or name, model._meta.get_field(name).choices
    )


class DebtPageMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = VIEW_DEBT

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["debt_tabs"] = debt_tabs(self.request)
        return context


def debt_tabs(request) -> list[dict]:
    """The debt section's own navigation, limited to what the user may see."""
    tabs = [
        (_("Overview"), "debt:overview", VIEW_DEBT),
        (_("Debt profiles"), "debt:profile_list", VIEW_DEBT),
        (_("Risk assessments"), "debt:assessment_list", "debt.view_riskassessment"),
        (_("Risk warnings"), "debt:warning_list", "debt.view_riskwarning"),
        (_("Emergencies"), "debt:emergency_list", "debt.view_emergencyevent"),
        (_("Audits"), "debt:audit_list", "debt.view_debtaudit"),
        (_("Term assessments"), "debt:term_list", "debt.view_termassessment"),
        (_("Bonds"), "debt:bond_list", "debt.view_bondissue"),
        (_("Credit ratings"), "debt:rating_list", "debt.view_creditrating"),
    ]
    items = []
    for label, name, permission in tabs:
        if request.user.has_perm(permission):
            url = reverse(name)
            items.append({"label": label, "url": url, "active": request.path == url})
    return items


# --- overview and a region's page -----------------------------------------------------------


class OverviewView(DebtPageMixin, TemplateView):
    """The regions in scope side by side for one year: table, grade counts and chart."""

    template_name = "debt/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        years = selectors.profile_years(user)
        try:
            year = int(self.request.GET.get("year") or (years[0] if years else 0))
        except ValueError:
            year = years[0] if years else 0
        rows = selectors.overview(user, year) if years else []
        compared = selectors.compared_rows(rows)
        context.update(
            years=years,
            year=year,
            rows=rows,
            totals=[row for row in rows if row not in compared],
            compared_count=len(compared),
            grades=selectors.grade_counts(rows),
            chart=charts.regions_by_grade_chart(compared, year) if compared else "",
            thresholds=Thresholds.from_settings(),
            open_warnings=selectors.warnings(user)
            .filter(status__in=["draft", "issued", "responded"])
            .order_by(F("response_deadline").asc(nulls_last=True), "-created_at")[:10],
        )
        return context


class RegionDebtView(DebtPageMixin, TemplateView):
    """A region's debt over the years: indicators, charts, warnings, events, audits."""

    template_name = "debt/region_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        region = selectors.region_for(user, kwargs["code"])
        page = selectors.region_page(user, region)
        context.update(page)
        context.update(
            region=region,
            charts=charts.region_charts(region, page["series"]) if page["series"] else {},
            latest=page["series"][-1] if page["series"] else None,
            thresholds=Thresholds.from_settings(),
            can_change=user.has_perm("debt.change_debtprofile"),
        )
        return context


# --- lists with filters and exports ---------------------------------------------------------


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
        context.update(
            title=self.title, lead=self.lead, headers=[c.header for c in columns], rows=rows
        )
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


# --- detail pages of the region-scoped records ----------------------------------------------


@dataclass
class Fact:
    label: str
    value: object
    prose: bool = False


class DebtRecordDetailView(DebtPageMixin, ScopedQuerysetMixin, DetailView):
    """One emergency event or audit in full (the lists cut long texts), with its history."""

    template_name = "debt/record_detail.html"
    context_object_name = "item"
    list_url_name = ""
    list_title = ""
    fields: tuple[str, ...] = ()

    def facts(self) -> list[Fact]:
        facts = []
        for name in self.fields:
            field = self.model._meta.get_field(name)
            value = getattr(self.object, name)
            if field.choices:
                value = getattr(self.object, f"get_{name}_display")()
            facts.append(
                Fact(str(field.verbose_name), value, prose=field.get_internal_type() == "TextField")
            )
        return facts

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            facts=self.facts(),
            list_url=reverse(self.list_url_name),
            list_title=self.list_title,
            history=self.object.history.select_related("history_user")[:30],
            **kwargs,
        )


class EmergencyDetailView(DebtRecordDetailView):
    permission_required = "debt.view_emergencyevent"
    model = EmergencyEvent
    queryset = EmergencyEvent.objects.select_related("region")
    list_url_name = "debt:emergency_list"
    list_title = gettext_lazy("Debt emergency events")
    fields = (
        "level",
        "status",
        "occurred_on",
        "amount_involved",
        "description",
        "actions_taken",
        "resolved_on",
    )


class AuditDetailView(DebtRecordDetailView):
    permission_required = "debt.view_debtaudit"
    model = DebtAudit
    queryset = DebtAudit.objects.select_related("region")
    list_url_name = "debt:audit_list"
    list_title = gettext_lazy("Debt audits")
    fields = (
        "report_number",
        "audit_authority",
        "report_date",
        "leading_official",
        "position",
        "term_start",
        "term_end",
        "irregular_amount",
        "findings",
        "accountability",
    )


# --- debt profiles: forms, recomputation, debt default --------------------------------------


class ProfileFormView(DebtPageMixin, FormView):
    form_class = DebtProfileForm
    template_name = "debt/form.html"

    def dispatch(self, request, *args, **kwargs):
        self.profile = None
        if request.user.is_authenticated and "pk" in kwargs:
            self.profile = get_in_scope_or_404(
                request.user, DebtProfile.objects.select_related("region"), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_permission_required(self):
        return ["debt.change_debtprofile" if self.profile else "debt.add_debtprofile"]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.profile}

    def get_context_data(self, **kwargs):
        title = (
            _("Edit the debt profile %(profile)s") % {"profile": self.profile}
            if self.profile
            else _("New debt profile")
        )
        return super().get_context_data(title=title, profile=self.profile, **kwargs)

    def form_valid(self, form):
        try:
            profile = services.profile_save(actor=self.request.user, profile=form.instance)
        except ValidationError as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The debt profile was saved and assessed."))
        return redirect("debt:region_detail", code=profile.region.code)


class ProfileRecomputeView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "debt.change_debtprofile"

    def post(self, request, pk):
        profile = get_in_scope_or_404(
            request.user, DebtProfile.objects.select_related("region"), pk=pk
        )
        services.assessment_compute(profile=profile, actor=request.user)
        messages.success(request, _("The risk assessment was recomputed."))
        return redirect("debt:region_detail", code=profile.region.code)


class DebtDefaultView(DebtPageMixin, FormView):
    """Turn a profile's overdue debt into a draft dishonesty record of the government."""

    permission_required = ["debt.change_debtprofile", "credit_records.add_dishonestyrecord"]
    form_class = DebtDefaultForm
    template_name = "debt/form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.profile = get_in_scope_or_404(
                request.user, DebtProfile.objects.select_related("region"), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "profile": self.profile}

    def get_initial(self):
        government = services.region_government(self.profile.region)
        return {
            "department": government,
            "facts": _(
                "Overdue government debt of %(amount)s (100 million yuan) at the end of %(year)s."
            )
            % {"amount": self.profile.overdue_amount, "year": self.profile.year},
        }

    def get_context_data(self, **kwargs):
        # Already reported: the page points to that record instead of offering a second.
        return super().get_context_data(
            title=_("Record a debt default of %(region)s") % {"region": self.profile.region},
            profile=self.profile,
            existing_default=selectors.debt_default_of(self.profile),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            link = services.debt_default_report(
                actor=self.request.user, profile=self.profile, **form.cleaned_data
            )
        except ValidationError as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        except services.WorkflowConflict as conflict:
            form.add_error(None, conflict.message)
            response = self.form_invalid(form)
            response.status_code = 409
            return response
        messages.success(self.request, _("A draft dishonesty record was created."))
        return redirect("workspace:record_detail", pk=link.record_id)


# --- risk warnings and their lifecycle ------------------------------------------------------


class WarningCreateView(DebtPageMixin, FormView):
    permission_required = "debt.add_riskwarning"
    form_class = WarningForm
    template_name = "debt/form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        code = self.request.GET.get("region")
        if code:
            region = regions_in_scope(self.request.user).filter(code=code).first()
            return {"region": region}
        return {}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("New risk warning"), **kwargs)

    def form_valid(self, form):
        try:
            warning = services.warning_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The warning was saved as a draft."))
        return redirect("debt:warning_detail", pk=warning.pk)


@dataclass(frozen=True)
class WarningAction:
    label: str
    form_class: type
    run: object
    statuses: tuple
    style: str = "primary"


WARNING_ACTIONS = {
    "issue": WarningAction(
        gettext_lazy("Issue"),
        IssueForm,
        lambda w, u, d: services.warning_issue(actor=u, warning=w, **d),
        ("draft",),
    ),
    "respond": WarningAction(
        gettext_lazy("Record the response"),
        RespondForm,
        lambda w, u, d: services.warning_respond(actor=u, warning=w, **d),
        ("issued",),
    ),
    "close": WarningAction(
        gettext_lazy("Close"),
        NoteForm,
        lambda w, u, d: services.warning_close(actor=u, warning=w, **d),
        ("issued", "responded"),
        "secondary",
    ),
    "withdraw": WarningAction(
        gettext_lazy("Withdraw"),
        NoteForm,
        lambda w, u, d: services.warning_withdraw(actor=u, warning=w, **d),
        ("draft",),
        "secondary",
    ),
}


class WarningDetailView(DebtPageMixin, ScopedQuerysetMixin, DetailView):
    permission_required = "debt.view_riskwarning"
    model = RiskWarning
    queryset = RiskWarning.objects.select_related(
        "region", "profile", "profile__assessment", "issued_by", "responded_by", "closed_by"
    )
    template_name = "debt/warning_detail.html"
    context_object_name = "warning"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        warning = self.object
        can_act = self.request.user.has_perm("debt.change_riskwarning")
        context.update(
            actions=[
                {
                    "slug": slug,
                    "action": action,
                    "form": action.form_class(auto_id=f"{slug}-%s"),
                }
                for slug, action in WARNING_ACTIONS.items()
                if can_act
                and warning.status in action.statuses
                and services.warning_step_allowed(self.request.user, warning, slug)
            ],
            history=warning.history.select_related("history_user")[:30],
            today=timezone.localdate(),
        )
        return context


class WarningActionView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "debt.change_riskwarning"
    template_name = "debt/warning_action.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.action = WARNING_ACTIONS.get(kwargs["action"])
        if self.action is None:
            raise Http404(_("Unknown action."))
        self.warning = get_in_scope_or_404(
            request.user, RiskWarning.objects.select_related("region"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def render(self, form, status=200):
        context = {"warning": self.warning, "action": self.action, "form": form}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        return self.render(self.action.form_class())

    def post(self, request, *args, **kwargs):
        form = self.action.form_class(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            self.action.run(self.warning, request.user, form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
            return self.render(form, status=400)
        except services.WorkflowConflict as conflict:
            messages.error(request, conflict.message)
            return self.render(form, status=409)
        messages.success(request, _("Done: %(action)s.") % {"action": self.action.label})
        return redirect("debt:warning_detail", pk=self.warning.pk)


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
