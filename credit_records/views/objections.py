"""Objections (异议申诉) in the workspace: the register (filtered, exported) and the credit
office's steps on one objection (acknowledge, suspend disclosure, decide), posted from the
record's page. Filing is a record action (``actions.RECORD_ACTIONS["object"]``). Views only
read selectors and call services."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_filters.views import FilterView

from core.exceptions import WorkflowConflict
from core.exports import Column, field_label
from core.scope import get_in_scope_or_404
from core.views import ExportMixin, ScopedQuerysetMixin
from credit_records import services
from credit_records.filters import ObjectionFilter
from credit_records.models import Objection
from credit_records.objection_forms import (
    ObjectionAcknowledgeForm,
    ObjectionDecisionForm,
    ObjectionSuspendForm,
)


class ObjectionListView(
    LoginRequiredMixin, PermissionRequiredMixin, ScopedQuerysetMixin, ExportMixin, FilterView
):
    permission_required = "credit_records.view_objection"
    export_source = "workspace:objection_list"
    export_permission = "credit_records.export_objection"
    export_filename = gettext_lazy("objections")
    export_history = True
    export_history_label = "record__decision_number"
    model = Objection
    queryset = Objection.objects.select_related(
        "record", "record__department", "record__department__region", "filed_by", "decided_by"
    )
    filterset_class = ObjectionFilter
    template_name = "credit_records/objection_list.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=timezone.localdate(), **kwargs)

    def export_columns(self):
        m = Objection
        return [
            Column(_("Decision number"), lambda o: o.record.decision_number),
            Column(_("Department"), lambda o: o.record.department.name),
            Column(_("Unified social credit code"), lambda o: o.record.department.uscc),
            Column(_("Region"), lambda o: o.record.department.region.name),
            Column(field_label(m, "grounds"), lambda o: o.get_grounds_display()),
            Column(field_label(m, "explanation"), lambda o: o.explanation),
            Column(field_label(m, "filed_on_behalf"), lambda o: o.filed_on_behalf),
            Column(field_label(m, "filed_at"), lambda o: timezone.localtime(o.filed_at)),
            Column(field_label(m, "acknowledge_due"), lambda o: o.acknowledge_due),
            Column(
                field_label(m, "acknowledged_at"),
                lambda o: timezone.localtime(o.acknowledged_at) if o.acknowledged_at else None,
            ),
            Column(field_label(m, "decide_due"), lambda o: o.decide_due),
            Column(field_label(m, "disclosure_suspended"), lambda o: o.disclosure_suspended),
            Column(field_label(m, "status"), lambda o: o.get_status_display()),
            Column(field_label(m, "outcome"), lambda o: o.get_outcome_display()),
            Column(
                field_label(m, "decided_at"),
                lambda o: timezone.localtime(o.decided_at) if o.decided_at else None,
            ),
            Column(field_label(m, "decision_reason"), lambda o: o.decision_reason),
            Column(
                field_label(m, "corrections"),
                lambda o: "；".join(
                    f"{name}：{before} → {after}" for name, before, after in o.corrections_shown
                ),
            ),
            Column(field_label(m, "escalation_level"), lambda o: o.escalation_level),
        ]


def objection_forms(objection: Objection) -> dict:
    """The credit office's forms for one pending objection, each with its own element ids
    (several share the record's page)."""
    prefix = f"objection{objection.pk}"
    return {
        "acknowledge": ObjectionAcknowledgeForm(auto_id=f"{prefix}-ack-%s"),
        "suspend": ObjectionSuspendForm(auto_id=f"{prefix}-suspend-%s"),
        "decide": ObjectionDecisionForm(instance=objection.record, auto_id=f"{prefix}-decide-%s"),
    }


class ObjectionStepView(LoginRequiredMixin, View):
    """One of the credit office's steps on an objection (POST), back to the record's page."""

    steps = {
        "acknowledge": (
            ObjectionAcknowledgeForm,
            lambda objection, user, form: services.objection_acknowledge(
                objection=objection, actor=user, **form.cleaned_data
            ),
        ),
        "suspend": (
            ObjectionSuspendForm,
            lambda objection, user, form: services.objection_suspend_disclosure(
                objection=objection, actor=user, **form.cleaned_data
            ),
        ),
        "decide": (
            ObjectionDecisionForm,
            lambda objection, user, form: services.objection_decide(
                objection=objection, actor=user, **form.service_arguments()
            ),
        ),
    }

    def post(self, request, pk, action):
        if action not in self.steps:
            raise Http404(_("Unknown action."))
        objection = get_in_scope_or_404(
            request.user, Objection.objects.select_related("record"), pk=pk
        )
        if not request.user.has_perm("credit_records.change_objection"):
            raise PermissionDenied(_("Your role does not allow this action."))
        form_class, run = self.steps[action]
        kwargs = {"instance": objection.record} if form_class is ObjectionDecisionForm else {}
        form = form_class(request.POST, **kwargs)
        back = redirect("workspace:record_detail", pk=objection.record_id)
        if not form.is_valid():
            for name, errors in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                messages.error(
                    request, f"{label}：{' '.join(errors)}" if label else " ".join(errors)
                )
            return back
        try:
            run(objection, request.user, form)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except WorkflowConflict as conflict:
            messages.error(request, conflict.message)
        else:
            messages.success(request, _("The objection was updated."))
        return back
