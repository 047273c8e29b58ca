"""Risk warnings: drafting one, its page, and the steps of its lifecycle."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView

from core.scope import get_in_scope_or_404, regions_in_scope
from core.views import HISTORY_USER, ScopedQuerysetMixin, add_form_errors

from .. import services
from ..forms import IssueForm, NoteForm, RespondForm, WarningForm
from ..models import (
    RiskWarning,
)
from .base import DebtPageMixin


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
            history=warning.history.select_related(*HISTORY_USER)[:30],
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
