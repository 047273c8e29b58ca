"""Intake in the workspace: the staging queue (filters; accept, reject, match an unmatched
item to a department) and the court enforcement cases with the open ones per city (aim: zero)
and the settlement of a case. Views read selectors and call services."""

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django_filters.views import FilterView

from core.exceptions import WorkflowConflict
from core.models import Department
from core.scope import get_in_scope_or_404, scope_queryset
from core.uscc import normalize_uscc
from core.views import ScopedQuerysetMixin

from ..intake_filters import CourtCaseFilter, IntakeItemFilter
from ..models import CourtCase, IntakeItem
from ..selectors.intake import open_court_cases_by_city, queue_counts
from ..services import court_cases as court_services
from ..services import intake as services

INTAKE_ACTIONS = ("accept", "reject", "match")
REFUSALS = (WorkflowConflict, PermissionDenied, ValidationError, Http404)


def _refusal(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


class IntakeQueueView(LoginRequiredMixin, PermissionRequiredMixin, ScopedQuerysetMixin, FilterView):
    permission_required = "credit_records.view_intakeitem"
    model = IntakeItem
    queryset = IntakeItem.objects.select_related("source", "department", "region", "record")
    filterset_class = IntakeItemFilter
    template_name = "credit_records/intake_list.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        return super().get_context_data(counts=queue_counts(self.request.user), **kwargs)


class IntakeActionView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "credit_records.change_intakeitem"

    def post(self, request, pk, action):
        if action not in INTAKE_ACTIONS:
            raise Http404
        item = get_in_scope_or_404(request.user, IntakeItem.objects.all(), pk=pk)
        try:
            if action == "accept":
                services.intake_item_accept(item=item, actor=request.user)
                messages.success(request, _("Item %(n)s accepted.") % {"n": item.document_number})
            elif action == "reject":
                services.intake_item_reject(
                    item=item, actor=request.user, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("Item %(n)s rejected.") % {"n": item.document_number})
            else:
                code = normalize_uscc(request.POST.get("uscc", ""))
                department = scope_queryset(
                    request.user, Department.objects.filter(uscc=code)
                ).first()
                if department is None:
                    raise ValidationError(_("No department in your scope has this credit code."))
                services.intake_item_match(item=item, actor=request.user, department=department)
                messages.success(request, _("Item %(n)s matched.") % {"n": item.document_number})
        except REFUSALS as error:
            messages.error(request, _refusal(error))
        return redirect(request.POST.get("next") or "workspace:intake_list")


class CourtCaseListView(
    LoginRequiredMixin, PermissionRequiredMixin, ScopedQuerysetMixin, FilterView
):
    permission_required = "credit_records.view_courtcase"
    model = CourtCase
    queryset = CourtCase.objects.select_related("department", "department__region", "record")
    filterset_class = CourtCaseFilter
    template_name = "credit_records/court_case_list.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        by_city = open_court_cases_by_city(self.request.user)
        return super().get_context_data(
            by_city=by_city, open_total=sum(row["open"] for row in by_city), **kwargs
        )


class CourtCaseSettleView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "credit_records.change_courtcase"

    def post(self, request, pk):
        case = get_in_scope_or_404(request.user, CourtCase.objects.all(), pk=pk)
        try:
            settled_on = datetime.date.fromisoformat(request.POST.get("settled_on", ""))
        except ValueError:
            settled_on = None
        try:
            court_services.court_case_settle(
                case=case,
                actor=request.user,
                settled_on=settled_on,
                evidence=request.POST.get("evidence", ""),
            )
        except REFUSALS as error:
            messages.error(request, _refusal(error))
        else:
            messages.success(request, _("Court case %(n)s settled.") % {"n": case.case_number})
        return redirect("workspace:court_case_list")
