"""The complaint register in the workspace: the list (filtered, exported), a complaint's page
with its timeline and the handling office's steps, and its evidence files.

The complainant's identity, contact details and evidence are shown to the handling office
only (``selectors.complaints.complainant_for`` / ``attachments_for``); every other official
who can see the complaint reads "shown only to the handling office". The export has no
column of personal data at all: it leaves the office as a file.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_filters.views import FilterView

from core import access_log
from core.exceptions import WorkflowConflict
from core.exports import Column, field_label
from core.scope import get_in_scope_or_404
from core.views import ExportMixin, ScopedQuerysetMixin, add_form_errors
from credit_records.complaint_actions import COMPLAINT_ACTIONS, available_complaint_actions
from credit_records.complaint_filters import ComplaintFilter
from credit_records.models import Complaint, ComplaintAttachment
from credit_records.selectors import complaints as selectors


class ComplaintListView(
    LoginRequiredMixin, PermissionRequiredMixin, ScopedQuerysetMixin, ExportMixin, FilterView
):
    permission_required = "credit_records.view_complaint"
    export_source = "workspace:complaint_list"
    export_permission = "credit_records.export_complaint"
    export_filename = gettext_lazy("complaints")
    export_history = True
    export_history_label = "tracking_number"
    model = Complaint
    queryset = Complaint.objects.select_related(
        "department", "department__region", "handling_region", "assigned_to", "resulting_record"
    )
    filterset_class = ComplaintFilter
    template_name = "credit_records/complaints/complaint_list.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context

    def export_columns(self):
        m = Complaint
        return [
            Column.field(field_label(m, "tracking_number"), "tracking_number"),
            Column(field_label(m, "department"), lambda c: c.department.name),
            Column(_("Credit code"), lambda c: c.department.uscc),
            Column(field_label(m, "handling_region"), lambda c: c.handling_region.name),
            Column(field_label(m, "category"), lambda c: c.get_category_display()),
            Column(field_label(m, "status"), lambda c: c.get_status_display()),
            Column(field_label(m, "received_on"), lambda c: c.received_on),
            Column(field_label(m, "decision_due"), lambda c: c.decision_due),
            Column(field_label(m, "decided_on"), lambda c: c.decided_on),
            Column(field_label(m, "handling_due"), lambda c: c.handling_due),
            Column(field_label(m, "closed_on"), lambda c: c.closed_on),
            Column(field_label(m, "outcome"), lambda c: c.get_outcome_display()),
            Column(field_label(m, "outcome_reference"), lambda c: c.outcome_reference),
            Column(field_label(m, "contract_reference"), lambda c: c.contract_reference),
            Column(field_label(m, "amount_owed"), lambda c: c.amount_owed),
            Column(
                field_label(m, "handled_on_time"),
                lambda c: (
                    ""
                    if c.handled_on_time is None
                    else (_("Yes") if c.handled_on_time else _("No"))
                ),
            ),
            Column(field_label(m, "anonymous"), lambda c: _("Yes") if c.anonymous else _("No")),
            Column(field_label(m, "escalation_level"), lambda c: c.escalation_level),
        ]


def _complaint(user, pk) -> Complaint:
    return get_in_scope_or_404(user, selectors.complaints_in_scope(user), pk=pk)


class ComplaintDetailView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "credit_records.view_complaint"
    template_name = "credit_records/complaints/complaint_detail.html"

    def get(self, request, pk):
        complaint = _complaint(request.user, pk)
        return render(request, self.template_name, detail_context(request, complaint))


def detail_context(request, complaint, forms=None) -> dict:
    forms = forms or {}
    user = request.user
    return {
        "complaint": complaint,
        "today": timezone.localdate(),
        "overdue": selectors.overdue(complaint, timezone.localdate()),
        "can_see_complainant": selectors.can_see_complainant(user, complaint),
        "contact": selectors.complainant_for(user, complaint),
        "attachments": selectors.attachments_for(user, complaint),
        "events": complaint.events.select_related("actor"),
        "actions": [
            {"action": action, "form": forms.get(action.slug) or action.form(complaint)}
            for action in available_complaint_actions(complaint, user)
        ],
    }


class ComplaintActionView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "credit_records.change_complaint"

    def post(self, request, pk, action):
        step = COMPLAINT_ACTIONS.get(action)
        if step is None:
            raise Http404(_("Unknown action."))
        complaint = _complaint(request.user, pk)
        form = step.form(complaint, request.POST, request.FILES)
        status = 400
        if form.is_valid():
            try:
                step.take(complaint, request.user, form.cleaned_data)
            except ValidationError as error:
                add_form_errors(form, error)
            except WorkflowConflict as conflict:
                messages.error(request, conflict.message)
                status = 409
            else:
                messages.success(request, _("Done: %(action)s.") % {"action": step.label})
                return redirect("workspace:complaint_detail", pk=complaint.pk)
        complaint.refresh_from_db()
        return render(
            request,
            ComplaintDetailView.template_name,
            detail_context(request, complaint, {step.slug: form}),
            status=status,
        )


class ComplaintAttachmentDownloadView(LoginRequiredMixin, View):
    """A complaint's evidence, for the handling office only; anyone else gets a 404."""

    def get(self, request, pk):
        if not request.user.has_perm("credit_records.view_complaint"):
            raise PermissionDenied
        attachment = ComplaintAttachment.objects.select_related("complaint").filter(pk=pk).first()
        if attachment is None:
            raise Http404(_("No such file."))
        complaint = _complaint(request.user, attachment.complaint_id)
        if not selectors.can_see_complainant(request.user, complaint):
            raise Http404(_("No such file."))
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise Http404(_("The file is missing from storage.")) from None
        access_log.record(
            request,
            action=access_log.AccessAction.DOWNLOAD,
            obj=attachment,
            label=attachment.original_name,
        )
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
