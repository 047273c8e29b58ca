"""Debt profiles: their form, recomputation, and entering a debt default."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from core.money import format_money
from core.scope import get_in_scope_or_404
from core.views import add_form_errors

from .. import selectors, services
from ..forms import DebtDefaultForm, DebtProfileForm
from ..models import (
    DebtProfile,
)
from .base import DebtPageMixin


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
            % {"amount": format_money(self.profile.overdue_amount), "year": self.profile.year},
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
