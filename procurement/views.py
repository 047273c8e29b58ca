"""The officials' procurement pages under ``/workspace/procurement/``. Views read selectors
and call services; every object comes from the user's scope (else 404)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView

from core.exceptions import WorkflowConflict
from core.export_jobs import register_source
from core.exports import Column, field_label
from core.models import Department
from core.scope import get_in_scope_or_404, scope_queryset
from core.views import HISTORY_USER, ExportMixin, ScopedQuerysetMixin, add_form_errors

from . import selectors, services
from .filters import ContractFilter, PaymentFilter, ProjectFilter, RedFlagFilter, ViolationFilter
from .forms import (
    AcceptanceForm,
    ContractForm,
    FlagConfirmForm,
    FlagDismissForm,
    PaymentForm,
    ProjectForm,
    ViolationForm,
    ViolationWithdrawForm,
)
from .models import (
    Acceptance,
    Contract,
    FlagStatus,
    Payment,
    ProcurementProject,
    RedFlag,
    Violation,
)


def _money(value):
    return "" if value is None else f"{value:.2f}"


# An amount in yuan: two decimal places, a number in XLSX (#,##0.00), "1234.50" in CSV.
MONEY = 2


def _field(model, name: str, header=None, source: str | None = None, convert=None) -> Column:
    """A column read straight from ``values_list()`` (the fast export path)."""
    return Column(
        header or field_label(model, name),
        source=source or name,
        convert=convert,
        kind=MONEY if convert is _money else None,
    )


def _choice(model, name: str, header=None, source: str | None = None) -> Column:
    """A choice field shown as its label, read from ``values_list()``."""
    return Column.choice(
        header or field_label(model, name), source or name, model._meta.get_field(name).choices
    )


# --------------------------------------------------------------------------------------------
# Lists
# --------------------------------------------------------------------------------------------


class ScopedListView(
    LoginRequiredMixin, PermissionRequiredMixin, ScopedQuerysetMixin, ExportMixin, FilterView
):
    paginate_by = 25


class ProjectListView(ScopedListView):
    permission_required = "procurement.view_procurementproject"
    export_source = "procurement:project_list"
    export_permission = "procurement.export_procurementproject"
    export_filename = gettext_lazy("procurement-projects")
    model = ProcurementProject
    queryset = ProcurementProject.objects.select_related(
        "purchaser", "purchaser__region", "supplier", "contract", "contract__acceptance"
    ).annotate(open_flags=Count("flags", filter=Q(flags__status=FlagStatus.OPEN), distinct=True))
    # The stage reads the payments: one query for the page, not one per row.
    queryset = queryset.prefetch_related("contract__payments").order_by("-notice_date", "-pk")
    filterset_class = ProjectFilter
    template_name = "procurement/project_list.html"

    def export_columns(self):
        m = ProcurementProject
        return [
            Column(field_label(m, "code"), lambda p: p.code),
            Column(field_label(m, "title"), lambda p: p.title),
            Column(field_label(m, "purchaser"), lambda p: p.purchaser.name),
            Column(_("Purchaser credit code"), lambda p: p.purchaser.uscc),
            Column(_("Region"), lambda p: p.purchaser.region.name),
            Column(field_label(m, "method"), lambda p: p.get_method_display()),
            Column(field_label(m, "budget"), lambda p: _money(p.budget), kind=MONEY),
            Column(field_label(m, "notice_date"), lambda p: p.notice_date),
            Column(field_label(m, "award_date"), lambda p: p.award_date),
            Column(field_label(m, "supplier"), lambda p: p.supplier.name if p.supplier else ""),
            Column(field_label(m, "award_amount"), lambda p: _money(p.award_amount), kind=MONEY),
            Column(_("Stage"), lambda p: p.stage().label),
            Column(_("Open red flags"), lambda p: p.open_flags),
        ]


class ContractListView(ScopedListView):
    permission_required = "procurement.view_contract"
    export_source = "procurement:contract_list"
    export_permission = "procurement.export_contract"
    export_filename = gettext_lazy("procurement-contracts")
    model = Contract
    queryset = Contract.objects.select_related(
        "project", "project__purchaser", "project__supplier", "acceptance"
    )
    filterset_class = ContractFilter
    template_name = "procurement/contract_list.html"

    def export_columns(self):
        m = Contract
        return [
            Column.field(_("Project code"), "project__code"),
            Column.field(_("Project"), "project__title"),
            Column.field(_("Purchaser"), "project__purchaser__name"),
            Column.field(_("Supplier"), "project__supplier__name"),
            _field(m, "number"),
            _field(m, "signed_date"),
            _field(m, "amount", convert=_money),
            _field(m, "supplementary_amount", convert=_money),
            _field(m, "payment_term_days"),
            _field(m, "acceptance_period_days"),
            _field(m, "late_interest_rate"),
            _field(m, "payment_after_acceptance"),
            _field(m, "filed_date"),
            _choice(Acceptance, "result", _("Acceptance"), "acceptance__result"),
        ]


class PaymentListView(ScopedListView):
    permission_required = "procurement.view_payment"
    export_source = "procurement:payment_list"
    export_permission = "procurement.export_payment"
    export_filename = gettext_lazy("procurement-payments")
    model = Payment
    queryset = Payment.objects.select_related(
        "contract",
        "contract__project",
        "contract__project__purchaser",
        "contract__project__supplier",
    ).order_by("-due_date", "-pk")
    filterset_class = PaymentFilter
    template_name = "procurement/payment_list.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        context = super().get_context_data(today=today, **kwargs)
        for payment in context["object_list"]:
            selectors.with_lateness(payment, today)
        return context

    def export_columns(self):
        m = Payment
        today = timezone.localdate()
        return [
            Column.field(_("Project code"), "contract__project__code"),
            Column.field(_("Purchaser"), "contract__project__purchaser__name"),
            Column.field(_("Supplier"), "contract__project__supplier__name"),
            # No supplier reads as "not an SME", as on the page.
            Column.field(_("SME"), "contract__project__supplier__is_sme", convert=bool),
            _field(m, "sequence"),
            _field(m, "amount", convert=_money),
            _field(m, "disputed_amount", convert=_money),
            _field(m, "due_date"),
            _field(m, "paid_date"),
            # An unpaid instalment past its due date: days and interest so far (to today).
            Column.fields(
                field_label(m, "late_days"),
                selectors.LATENESS_FIELDS,
                lambda values: selectors.lateness(*values, today=today)[0],
            ),
            Column.fields(
                field_label(m, "late_interest"),
                selectors.LATENESS_FIELDS,
                lambda values: _money(selectors.lateness(*values, today=today)[1]),
                kind=MONEY,
            ),
        ]


class FlagListView(ScopedListView):
    permission_required = "procurement.view_redflag"
    export_source = "procurement:flag_list"
    export_permission = "procurement.export_redflag"
    export_filename = gettext_lazy("procurement-red-flags")
    model = RedFlag
    queryset = RedFlag.objects.select_related("purchaser", "project", "decided_by")
    filterset_class = RedFlagFilter
    template_name = "procurement/flag_list.html"

    def export_columns(self):
        m = RedFlag
        return [
            Column(field_label(m, "rule"), lambda f: f.get_rule_display()),
            Column(field_label(m, "purchaser"), lambda f: f.purchaser.name),
            Column(_("Project code"), lambda f: f.project.code if f.project else ""),
            Column(field_label(m, "evidence"), lambda f: f.describe()),
            Column(field_label(m, "status"), lambda f: f.get_status_display()),
            Column(field_label(m, "reason"), lambda f: f.reason),
            Column(field_label(m, "raised_at"), lambda f: f.raised_at),
            Column(field_label(m, "decided_at"), lambda f: f.decided_at),
        ]


class ViolationListView(ScopedListView):
    permission_required = "procurement.view_violation"
    export_source = "procurement:violation_list"
    export_permission = "procurement.export_violation"
    export_filename = gettext_lazy("procurement-violations")
    model = Violation
    queryset = Violation.objects.select_related("purchaser", "project", "record")
    filterset_class = ViolationFilter
    template_name = "procurement/violation_list.html"

    def export_columns(self):
        m = Violation
        return [
            _field(m, "decision_number"),
            _field(m, "purchaser", source="purchaser__name"),
            Column.field(_("Purchaser credit code"), "purchaser__uscc"),
            Column.field(_("Project code"), "project__code"),
            _choice(m, "kind"),
            _choice(m, "severity"),
            _field(m, "issuing_authority"),
            _field(m, "decided_on"),
            _field(m, "facts"),
            _field(m, "record", source="record__decision_number"),
        ]


# --------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------


class ProjectDetailView(
    LoginRequiredMixin, PermissionRequiredMixin, ScopedQuerysetMixin, DetailView
):
    """A project's whole life: notice → award → contract → acceptance → payments, with the
    deadlines the rules set and the flags raised on the way."""

    permission_required = "procurement.view_procurementproject"
    model = ProcurementProject
    queryset = ProcurementProject.objects.select_related(
        "purchaser", "purchaser__region", "supplier"
    )
    template_name = "procurement/project_detail.html"
    context_object_name = "project"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(selectors.project_life(self.object))
        context["can_change"] = user.has_perm("procurement.change_procurementproject")
        # Each form's link under the permission its page checks (``ServiceModelFormView``).
        context["can_edit_contract"] = user.has_perm(
            "procurement.change_contract" if context["contract"] else "procurement.add_contract"
        )
        context["can_edit_acceptance"] = user.has_perm(
            "procurement.change_acceptance"
            if context["acceptance"]
            else "procurement.add_acceptance"
        )
        context["can_add_payment"] = user.has_perm("procurement.add_payment")
        context["can_change_payment"] = user.has_perm("procurement.change_payment")
        context["can_decide"] = user.has_perm("procurement.change_redflag")
        context["history"] = self.object.history.select_related(*HISTORY_USER)[:15]
        return context


class PurchaserDetailView(LoginRequiredMixin, PermissionRequiredMixin, DetailView):
    """A purchaser's procurement credit: score and its reasons, projects, flags, violations."""

    permission_required = "procurement.view_procurementproject"
    model = Department
    slug_field = "uscc"
    slug_url_kwarg = "uscc"
    template_name = "procurement/purchaser_detail.html"
    context_object_name = "department"

    def get_queryset(self):
        return scope_queryset(self.request.user, Department.objects.select_related("region"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        department = self.object
        context.update(
            score=selectors.purchaser_score(department),
            summary=selectors.purchaser_summary(department),
            projects=department.procurement_projects.select_related(
                "supplier", "contract", "contract__acceptance"
            )[:50],
            flags=department.procurement_flags.select_related("project").filter(
                status=FlagStatus.OPEN
            ),
            violations=department.procurement_violations.select_related("project", "record"),
        )
        return context


class ViolationDetailView(
    LoginRequiredMixin, PermissionRequiredMixin, ScopedQuerysetMixin, DetailView
):
    permission_required = "procurement.view_violation"
    model = Violation
    queryset = Violation.objects.select_related("purchaser", "project", "flag", "record")
    template_name = "procurement/violation_detail.html"
    context_object_name = "violation"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_withdraw"] = not self.object.is_withdrawn and self.request.user.has_perm(
            "procurement.change_violation"
        )
        return context


class ViolationWithdrawView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """Withdraw a violation entered in error, with the reasons."""

    permission_required = "procurement.change_violation"
    form_class = ViolationWithdrawForm
    template_name = "procurement/violation_withdraw.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.violation = get_in_scope_or_404(
                request.user,
                Violation.objects.select_related("purchaser", "record"),
                pk=kwargs["pk"],
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(violation=self.violation, **kwargs)

    def form_valid(self, form):
        try:
            services.violation_withdraw(
                actor=self.request.user,
                violation=self.violation,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        except WorkflowConflict as conflict:
            form.add_error(None, conflict.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The violation was withdrawn."))
        return redirect("procurement:violation_detail", pk=self.violation.pk)


# --------------------------------------------------------------------------------------------
# Forms
# --------------------------------------------------------------------------------------------


class ServiceModelFormView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """A model form whose save goes through a service; its errors go next to the fields.

    Without a ``permission_required`` of its own, the page needs the form's model's add or
    change permission, by whether the object exists yet (the permission matrix's rule)."""

    template_name = "procurement/form.html"
    title = ""

    def get_instance(self):
        raise NotImplementedError

    def save(self, obj):
        raise NotImplementedError

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.instance, "user": self.request.user}

    def dispatch(self, request, *args, **kwargs):
        self.project = None
        if request.user.is_authenticated and "pk" in kwargs:
            self.project = get_in_scope_or_404(
                request.user,
                ProcurementProject.objects.select_related("purchaser", "supplier"),
                pk=kwargs["pk"],
            )
        if request.user.is_authenticated:
            self.instance = self.get_instance()
        return super().dispatch(request, *args, **kwargs)

    def get_permission_required(self):
        # A form that adds the object or edits it, by whether it exists yet: the permission
        # is the model's own (add_contract / change_contract, ...), not the project's.
        if self.permission_required is not None:
            return super().get_permission_required()
        model = self.form_class._meta.model._meta
        action = "change" if self.instance.pk else "add"
        return (f"{model.app_label}.{action}_{model.model_name}",)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, project=self.project, **kwargs)

    def form_valid(self, form):
        obj = form.save(commit=False)
        try:
            obj = self.save(obj)
        except ValidationError as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        except WorkflowConflict as conflict:
            form.add_error(None, conflict.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        project = self.project or obj
        return redirect("procurement:project_detail", pk=project.pk)


class ProjectCreateView(ServiceModelFormView):
    permission_required = "procurement.add_procurementproject"
    form_class = ProjectForm
    title = gettext_lazy("New procurement project")

    def get_instance(self):
        return ProcurementProject()

    def save(self, obj):
        return services.project_save(actor=self.request.user, project=obj)


class ProjectUpdateView(ServiceModelFormView):
    permission_required = "procurement.change_procurementproject"
    form_class = ProjectForm
    title = gettext_lazy("Notice and award")

    def get_instance(self):
        return self.project

    def save(self, obj):
        return services.project_save(actor=self.request.user, project=obj)


class ContractFormView(ServiceModelFormView):
    form_class = ContractForm
    title = gettext_lazy("Contract")

    def get_instance(self):
        return Contract.objects.filter(project=self.project).first() or Contract(
            project=self.project
        )

    def save(self, obj):
        return services.contract_save(actor=self.request.user, contract=obj)


class AcceptanceFormView(ServiceModelFormView):
    form_class = AcceptanceForm
    title = gettext_lazy("Delivery and acceptance")

    def get_instance(self):
        contract = get_in_scope_or_404(
            self.request.user, Contract.objects.all(), project=self.project
        )
        return Acceptance.objects.filter(contract=contract).first() or Acceptance(contract=contract)

    def save(self, obj):
        return services.acceptance_save(actor=self.request.user, acceptance=obj)


class PaymentFormView(ServiceModelFormView):
    form_class = PaymentForm
    title = gettext_lazy("Payment")

    def get_instance(self):
        contract = get_in_scope_or_404(
            self.request.user, Contract.objects.all(), project=self.project
        )
        if "payment" in self.kwargs:
            return get_in_scope_or_404(
                self.request.user, contract.payments.all(), pk=self.kwargs["payment"]
            )
        last = contract.payments.aggregate(last=Max("sequence"))["last"] or 0
        return Payment(contract=contract, sequence=last + 1)

    def get_initial(self):
        return {"sequence": self.instance.sequence}

    def save(self, obj):
        return services.payment_save(actor=self.request.user, payment=obj)


class ViolationCreateView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    permission_required = "procurement.add_violation"
    form_class = ViolationForm
    template_name = "procurement/form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        initial = super().get_initial()
        project_id = self.request.GET.get("project")
        if project_id and project_id.isdigit():
            project = scope_queryset(
                self.request.user, ProcurementProject.objects.filter(pk=project_id)
            ).first()
            if project is not None:
                initial.update(project=project, purchaser=project.purchaser)
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("New procurement violation"), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            violation = services.violation_create(actor=self.request.user, **data)
        except ValidationError as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The violation was recorded."))
        return redirect("procurement:violation_detail", pk=violation.pk)


class FlagActionView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Confirm a flag as a violation, or dismiss it with reasons."""

    permission_required = "procurement.change_redflag"
    template_name = "procurement/flag_action.html"
    forms = {"confirm": FlagConfirmForm, "dismiss": FlagDismissForm}

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.flag = get_in_scope_or_404(
                request.user,
                RedFlag.objects.select_related("purchaser", "project"),
                pk=kwargs["pk"],
            )
            self.action = kwargs["action"]
            if self.action not in self.forms:
                from django.http import Http404

                raise Http404(_("Unknown action."))
        return super().dispatch(request, *args, **kwargs)

    def make_form(self, data=None):
        if self.action == "confirm":
            return FlagConfirmForm(data, flag=self.flag)
        return FlagDismissForm(data)

    def render(self, form, status=200):
        title = _("Confirm as violation") if self.action == "confirm" else _("Dismiss the flag")
        return render(
            self.request,
            self.template_name,
            {"flag": self.flag, "form": form, "title": title},
            status=status,
        )

    def get(self, request, *args, **kwargs):
        return self.render(self.make_form())

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            if self.action == "confirm":
                violation = services.flag_confirm(
                    actor=request.user, flag=self.flag, **form.cleaned_data
                )
            else:
                services.flag_dismiss(
                    actor=request.user, flag=self.flag, reason=form.cleaned_data["reason"]
                )
        except ValidationError as error:
            add_form_errors(form, error)
            return self.render(form, status=400)
        except WorkflowConflict as conflict:
            messages.error(request, conflict.message)
            return self.render(form, status=409)
        if self.action == "confirm":
            messages.success(request, _("The flag was confirmed as a violation."))
            return redirect("procurement:violation_detail", pk=violation.pk)
        messages.success(request, _("The flag was dismissed."))
        if self.flag.project_id:
            return redirect("procurement:project_detail", pk=self.flag.project_id)
        return redirect("procurement:flag_list")


def register_export_sources() -> None:
    """The procurement lists' exports, for the download and the background worker alike."""
    for view in (
        ProjectListView,
        ContractListView,
        PaymentListView,
        FlagListView,
        ViolationListView,
    ):
        register_source(view.as_export_source())
