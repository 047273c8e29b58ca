"""The officials' pages of government agreements under ``/workspace/procurement/agreements/``:
the list (filters, exports), an agreement's page with its obligations, what was done and paid
against each and the flags raised, and the forms that write through the services."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView

from core.exceptions import WorkflowConflict
from core.exports import Column, field_label
from core.scope import get_in_scope_or_404, scope_queryset
from core.views import HISTORY_USER, add_form_errors
from credit_records.models import Complaint

from . import agreement_rules as ar
from . import services
from .filters_agreements import AgreementFilter
from .forms_agreements import (
    AgreementForm,
    ComplaintLinkForm,
    ConditionMetForm,
    ObligationEventForm,
    ObligationForm,
)
from .models import Agreement, Obligation, ObligationEvent, ObligationStatus, RedFlag
from .views import ScopedListView


def obligation_rows(agreement, today):
    """The agreement's obligations with their status today and what was done against each."""
    rows = []
    for obligation in agreement.obligations.prefetch_related("events"):
        status = ar.obligation_status(
            due_date=obligation.due_date, fulfilled_on=obligation.fulfilled_on, as_of=today
        )
        obligation.status = status
        obligation.status_label = ObligationStatus(status).label
        obligation.days_overdue = (
            ar.days_overdue(obligation.due_date, today) if status == "overdue" else 0
        )
        rows.append(obligation)
    return rows


class AgreementListView(ScopedListView):
    permission_required = "procurement.view_agreement"
    export_source = "procurement:agreement_list"
    export_permission = "procurement.export_agreement"
    export_filename = gettext_lazy("government-agreements")
    model = Agreement
    queryset = (
        Agreement.objects.select_related("department", "department__region")
        .annotate(
            obligation_count=Count("obligations", distinct=True),
            open_obligations=Count(
                "obligations", filter=Q(obligations__fulfilled_on__isnull=True), distinct=True
            ),
        )
        .order_by("-signed_date", "-pk")
    )
    filterset_class = AgreementFilter
    template_name = "procurement/agreement_list.html"

    def export_columns(self):
        m = Agreement
        return [
            Column(field_label(m, "number"), lambda a: a.number),
            Column(field_label(m, "title"), lambda a: a.title),
            Column(field_label(m, "kind"), lambda a: a.get_kind_display()),
            Column(field_label(m, "department"), lambda a: a.department.name),
            Column(_("Department credit code"), lambda a: a.department.uscc),
            Column(_("Region"), lambda a: a.department.region.name),
            Column(field_label(m, "counterparty_name"), lambda a: a.counterparty_name),
            Column(field_label(m, "counterparty_uscc"), lambda a: a.counterparty_uscc),
            Column(field_label(m, "counterparty_is_sme"), lambda a: a.counterparty_is_sme),
            Column(field_label(m, "signed_date"), lambda a: a.signed_date),
            Column(field_label(m, "term_end"), lambda a: a.term_end),
            Column(_("Obligations"), lambda a: a.obligation_count),
            Column(_("Open obligations"), lambda a: a.open_obligations),
        ]


class AgreementDetailView(LoginRequiredMixin, PermissionRequiredMixin, DetailView):
    permission_required = "procurement.view_agreement"
    template_name = "procurement/agreement_detail.html"
    context_object_name = "agreement"

    def get_queryset(self):
        return scope_queryset(
            self.request.user, Agreement.objects.select_related("department__region")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        agreement = self.object
        context.update(
            obligations=obligation_rows(agreement, timezone.localdate()),
            flags=RedFlag.objects.filter(obligation__agreement=agreement).order_by("-raised_at"),
            links=agreement.complaint_links.select_related("complaint"),
            arrears=agreement.arrears.all(),
            can_change=user.has_perm("procurement.change_agreement"),
            can_add_obligation=user.has_perm("procurement.add_obligation"),
            can_change_obligation=user.has_perm("procurement.change_obligation"),
            can_add_event=user.has_perm("procurement.add_obligationevent"),
            can_link=user.has_perm("procurement.add_complaintlink"),
            can_decide=user.has_perm("procurement.change_redflag"),
            history=agreement.history.select_related(*HISTORY_USER)[:15],
        )
        return context


class ServiceFormView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """A form whose save goes through a service, about an object in the user's scope (looked
    up by ``pk`` when the URL has one); the service's errors go next to the fields, and a
    saved form leads to the object's page (``detail_url``)."""

    model = None
    context_name = "object"  # what the template calls the object
    detail_url = ""
    title = ""
    obj = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and "pk" in kwargs:
            self.obj = get_in_scope_or_404(
                request.user, self.model.objects.select_related("department"), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, **{self.context_name: self.obj}, **kwargs)

    def apply(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            target = self.apply(form)
        except ValidationError as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        except WorkflowConflict as conflict:
            form.add_error(None, conflict.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect(self.detail_url, pk=(target or self.obj).pk)


class _ServiceFormView(ServiceFormView):
    template_name = "procurement/agreement_form.html"
    model = Agreement
    context_name = "agreement"
    detail_url = "procurement:agreement_detail"

    @property
    def agreement(self):
        return self.obj


class AgreementCreateView(_ServiceFormView):
    permission_required = "procurement.add_agreement"
    form_class = AgreementForm
    title = gettext_lazy("New government agreement")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def apply(self, form):
        return services.agreement_save(actor=self.request.user, agreement=form.save(commit=False))


class AgreementUpdateView(AgreementCreateView):
    permission_required = "procurement.change_agreement"
    title = gettext_lazy("Edit the agreement")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.agreement}


class ObligationFormView(_ServiceFormView):
    form_class = ObligationForm
    title = gettext_lazy("Obligation of the government side")

    def dispatch(self, request, *args, **kwargs):
        self.obligation = None
        return super().dispatch(request, *args, **kwargs)

    def get_obligation(self):
        if "obligation" in self.kwargs:
            return get_in_scope_or_404(
                self.request.user, self.agreement.obligations.all(), pk=self.kwargs["obligation"]
            )
        return Obligation(agreement=self.agreement)

    def get_permission_required(self):
        action = "change" if "obligation" in self.kwargs else "add"
        return (f"procurement.{action}_obligation",)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": self.get_obligation(),
            "user": self.request.user,
        }

    def apply(self, form):
        services.obligation_save(actor=self.request.user, obligation=form.save(commit=False))


class ObligationEventView(_ServiceFormView):
    permission_required = "procurement.add_obligationevent"
    form_class = ObligationEventForm
    title = gettext_lazy("Performance or payment")

    def get_form_kwargs(self):
        obligation = get_in_scope_or_404(
            self.request.user, self.agreement.obligations.all(), pk=self.kwargs["obligation"]
        )
        return {
            **super().get_form_kwargs(),
            "instance": ObligationEvent(obligation=obligation),
            "user": self.request.user,
        }

    def get_initial(self):
        return {"date": timezone.localdate()}

    def apply(self, form):
        services.obligation_event_record(actor=self.request.user, event=form.save(commit=False))


class ConditionMetView(_ServiceFormView):
    permission_required = "procurement.change_obligation"
    form_class = ConditionMetForm
    title = gettext_lazy("Condition met")

    def apply(self, form):
        obligation = get_in_scope_or_404(
            self.request.user, self.agreement.obligations.all(), pk=self.kwargs["obligation"]
        )
        services.obligation_condition_met(
            actor=self.request.user, obligation=obligation, met_on=form.cleaned_data["met_on"]
        )


class ComplaintLinkMixin:
    """Link a complaint about arrears (by its tracking number, in the user's scope)."""

    permission_required = "procurement.add_complaintlink"
    form_class = ComplaintLinkForm
    title = gettext_lazy("Link a complaint")

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "complaints": scope_queryset(self.request.user, Complaint.objects.all()),
        }


class AgreementComplaintLinkView(ComplaintLinkMixin, _ServiceFormView):
    def apply(self, form):
        services.complaint_link(
            actor=self.request.user, complaint=form.complaint, agreement=self.agreement
        )
