"""Dishonesty records: list and export, create and edit, the record page and the steps taken
on it, supervisors' decisions on claims and repairs, and evidence downloads. Views only read
selectors and call services."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView

from core import access_log
from core.exceptions import WorkflowConflict
from core.exports import Column, export_stem, field_label
from core.history_exports import history_response
from core.models import Department
from core.public_cache import CachedCountPaginator
from core.scope import get_in_scope_or_404, scope_queryset
from core.urls_memo import pk_url
from core.views import HISTORY_USER, ExportMixin, ScopedQuerysetMixin, add_form_errors
from credit_records import selectors, services
from credit_records.actions import RECORD_ACTIONS
from credit_records.filters import (
    DishonestyRecordFilter,
)
from credit_records.forms import (
    DecisionForm,
    RecordForm,
)
from credit_records.models import (
    Attachment,
    CreditRepairApplication,
    DishonestyRecord,
    FaultToleranceClaim,
    RecordStatus,
)
from credit_records.views.objections import objection_forms


class RecordListView(
    LoginRequiredMixin, PermissionRequiredMixin, ScopedQuerysetMixin, ExportMixin, FilterView
):
    permission_required = "credit_records.view_dishonestyrecord"
    export_source = "workspace:record_list"
    export_permission = "credit_records.export_dishonestyrecord"
    export_filename = gettext_lazy("dishonesty-records")
    export_history = True
    export_history_label = "decision_number"
    model = DishonestyRecord
    queryset = DishonestyRecord.objects.select_related(
        "department", "department__region", "rectification"
    )
    filterset_class = DishonestyRecordFilter
    template_name = "credit_records/record_list.html"
    paginate_by = 25

    # The count of 100,000 records in scope costs more than the page: kept until the data changes.
    paginator_class = CachedCountPaginator

    def _paginate(self, queryset, page_size):
        # A page beyond the last (a bookmark from before records were closed or filtered
        # away) shows the last page instead of "not found"; a page that is not a number,
        # the first.
        paginator = self.get_paginator(
            queryset,
            page_size,
            orphans=self.get_paginate_orphans(),
            allow_empty_first_page=self.get_allow_empty(),
        )
        number = self.request.GET.get(self.page_kwarg) or 1
        page = paginator.get_page(paginator.num_pages if number == "last" else number)
        return (paginator, page, page.object_list, page.has_other_pages())

    @classmethod
    def prepare_rows(cls, queryset, *, exporting):
        # Only the exports show the department's honours eligibility (see the selector).
        return selectors.with_record_list_annotations(queryset, honours=exporting)

    def export_columns(self):
        return record_export_columns()

    def paginate_queryset(self, queryset, page_size):
        # The page reads what its rows show (the department's name and code, no region, no
        # rectification row: its deadline is an annotation), not the records' long texts.
        queryset = queryset.select_related(None).select_related("department").only(*LIST_ROW_FIELDS)
        return self._paginate(queryset, page_size)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The bulk actions (views/bulk.py): a row's checkbox shows when something can be
        # done with the ticked rows.
        context["can_confirm"] = self.request.user.has_perm(RECORD_ACTIONS["confirm"].permission)
        context["can_bulk"] = context["can_confirm"] or context["can_export"]
        context["rows"] = record_rows(context["object_list"])
        return context


# What a row of the record list shows (record_rows).
LIST_ROW_FIELDS = (
    "status",
    "decision_number",
    "category",
    "severity",
    "decision_date",
    "department__name",
    "department__uscc",
)


def record_rows(records) -> list[dict]:
    """The record list's rows, ready to print: the template's loop prints values, it does not
    reverse a URL, translate or format a date 25 times (docs/performance.md)."""
    detail_url = pk_url("workspace:record_detail")
    select = _("Select %(number)s")
    rows = []
    for record in records:
        deadline = record.deadline
        rows.append(
            {
                "pk": record.pk,
                "status": record.status,
                "severity": record.severity,
                "url": detail_url(record.pk),
                "number": record.decision_number,
                "select_label": select % {"number": record.decision_number},
                "department": record.department.name,
                "uscc": record.department.uscc,
                "category_label": record.get_category_display(),
                "severity_label": record.get_severity_display(),
                "status_label": record.get_status_display(),
                # Dates as the template's ``date:"Y-m-d"`` prints them.
                "date": record.decision_date.isoformat(),
                "deadline": deadline.isoformat() if deadline else "",
                "overdue": record.overdue,
            }
        )
    return rows


def record_export_columns() -> list[Column]:
    """The record list's columns, read with one ``values_list()`` query (no model instances:
    see credit_records/exports.py and docs/exports.md)."""
    m = DishonestyRecord
    return [
        Column.field(field_label(m, "decision_number"), "decision_number"),
        Column.field(field_label(m, "department"), "department__name"),
        Column.field(_("Unified social credit code"), "department__uscc"),
        Column.field(_("Region"), "department__region__name"),
        Column.choice(
            field_label(m, "category"), "category", m._meta.get_field("category").choices
        ),
        Column.choice(
            field_label(m, "severity"), "severity", m._meta.get_field("severity").choices
        ),
        Column.choice(field_label(m, "status"), "status", m._meta.get_field("status").choices),
        Column.field(field_label(m, "issuing_authority"), "issuing_authority"),
        Column.field(field_label(m, "decision_date"), "decision_date"),
        Column.field(_("Rectification deadline"), "deadline"),
        Column.field(_("Overdue"), "overdue"),
        Column.field(field_label(m, "minimum_period_ends"), "minimum_period_ends"),
        Column.field(field_label(m, "disclosure_ends"), "disclosure_ends"),
        Column.field(_("Honours eligibility of the department"), "honours_eligible"),
        Column.choice(field_label(m, "source"), "source", m._meta.get_field("source").choices),
        Column.field(field_label(m, "facts"), "facts"),
    ]


class RecordHistoryExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The change history of one record (``?format=csv`` or ``xlsx``), for an auditor's file."""

    permission_required = (
        "credit_records.view_dishonestyrecord",
        "credit_records.export_dishonestyrecord",
    )

    def get(self, request, pk):
        record = get_object_or_404(
            scope_queryset(request.user, DishonestyRecord.objects.all()), pk=pk
        )
        fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
        access_log.record(
            request,
            action=access_log.AccessAction.EXPORT,
            obj=record,
            label=f"{record.decision_number} {_('history')}",
        )
        return history_response(
            fmt,
            DishonestyRecord,
            DishonestyRecord.objects.filter(pk=record.pk),
            export_stem(f"{record.decision_number}-{_('history')}"),
            label_field="decision_number",
            with_m2m=True,
        )


class RecordCreateView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    permission_required = "credit_records.add_dishonestyrecord"
    form_class = RecordForm
    template_name = "credit_records/record_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        uscc = self.request.GET.get("department")
        if uscc and self.request.method == "GET":
            department = scope_queryset(
                self.request.user, Department.objects.filter(uscc=uscc)
            ).first()
            if department:
                kwargs.setdefault("initial", {})["department"] = department
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            record = services.record_create(
                actor=self.request.user,
                department=data["department"],
                category=data["category"],
                severity=data["severity"],
                decision_number=data["decision_number"],
                issuing_authority=data["issuing_authority"],
                decision_date=data["decision_date"],
                facts=data["facts"],
                officials=data["officials"],
                internal_notes=data["internal_notes"],
                files=data["files"],
                disclose=data["disclose"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The record was saved as a draft."))
        return redirect("workspace:record_detail", pk=record.pk)


class RecordUpdateView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    permission_required = "credit_records.change_dishonestyrecord"
    form_class = RecordForm
    template_name = "credit_records/record_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.record = get_in_scope_or_404(
                request.user, DishonestyRecord.objects.all(), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.record}

    def get_context_data(self, **kwargs):
        return super().get_context_data(record=self.record, **kwargs)

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        try:
            services.record_update(record=self.record, actor=self.request.user, **data)
        except ValidationError as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        except WorkflowConflict as conflict:
            form.add_error(None, conflict.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The draft was updated."))
        return redirect("workspace:record_detail", pk=self.record.pk)


def _record_detail_queryset():
    return DishonestyRecord.objects.select_related(
        "department", "department__region", "created_by"
    ).prefetch_related("officials")


class RecordDetailView(
    LoginRequiredMixin, PermissionRequiredMixin, ScopedQuerysetMixin, DetailView
):
    permission_required = "credit_records.view_dishonestyrecord"
    model = DishonestyRecord
    template_name = "credit_records/record_detail.html"
    context_object_name = "record"

    def get_queryset(self):
        # Overriding get_queryset bypasses ScopedQuerysetMixin's: scope it here, or any
        # signed-in official could open any record in the province by its number.
        return scope_queryset(self.request.user, _record_detail_queryset())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.object
        user = self.request.user
        slugs = set(selectors.available_actions(record, user, unlisted=True))
        claims = list(
            record.fault_tolerance_claims.select_related("filed_by", "decided_by").prefetch_related(
                "attachments"
            )
        )
        repairs = list(record.repair_applications.select_related("filed_by", "decided_by"))
        for claim in claims:
            claim.decision_form = DecisionForm(auto_id=f"claim{claim.pk}-%s")
        for application in repairs:
            application.decision_form = DecisionForm(auto_id=f"repair{application.pk}-%s")
        objections = list(
            record.objections.select_related(
                "filed_by", "acknowledged_by", "decided_by", "escalated_to"
            ).prefetch_related("attachments")
        )
        can_decide_objection = user.has_perm("credit_records.change_objection")
        for objection in objections:
            if objection.is_pending and can_decide_objection:
                objection.forms = objection_forms(objection)
        context.update(
            actions=[
                {
                    "slug": slug,
                    "action": RECORD_ACTIONS[slug],
                    # Several forms share the page: keep their element ids apart.
                    "form": RECORD_ACTIONS[slug].form_class(auto_id=f"{slug}-%s"),
                }
                # In the registry's order: the step that moves the record on comes first.
                for slug in RECORD_ACTIONS
                if slug in slugs
            ],
            can_edit=record.status == RecordStatus.DRAFT
            and user.has_perm("credit_records.change_dishonestyrecord"),
            rectification=getattr(record, "rectification", None),
            timeline=selectors.record_timeline(record),
            attachments=record.attachments.all(),
            claims=claims,
            repairs=repairs,
            objections=objections,
            history=record.history.select_related(*HISTORY_USER)[:30],
            can_export_history=user.has_perm("credit_records.export_dishonestyrecord"),
            can_read_internal_notes=selectors.may_read_internal_notes(user),
            can_review=user.has_perm("credit_records.change_faulttoleranceclaim"),
            can_decide_repair=user.has_perm("credit_records.change_creditrepairapplication"),
            today=timezone.localdate(),
        )
        if context["rectification"] is not None:
            context["reports"] = (
                context["rectification"]
                .reports.select_related("submitted_by", "decided_by")
                .prefetch_related("attachments")
            )
            context["extensions"] = context["rectification"].extensions.select_related("granted_by")
        return context


def _arguments(form) -> dict:
    """The service's keyword arguments: the form's fields, by the same names. An optional
    file field left empty cleans to None; the services take a list."""
    data = dict(form.cleaned_data)
    if "files" in data:
        data["files"] = data["files"] or []
    return data


class RecordActionView(LoginRequiredMixin, View):
    """One workflow action on a record: GET shows its form, POST runs the service."""

    template_name = "credit_records/record_action.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.action = RECORD_ACTIONS.get(kwargs["action"])
        if self.action is None:
            raise Http404(_("Unknown action."))
        self.record = get_in_scope_or_404(request.user, _record_detail_queryset(), pk=kwargs["pk"])
        if not request.user.has_perm(self.action.permission):
            raise PermissionDenied(_("Your role does not allow this action."))
        return super().dispatch(request, *args, **kwargs)

    def handle_no_permission(self):
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(self.request.get_full_path())

    def render(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {"record": self.record, "action": self.action, "form": form},
            status=status,
        )

    def get(self, request, *args, **kwargs):
        return self.render(self.action.form_class())

    def post(self, request, *args, **kwargs):
        form = self.action.form_class(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            self.action.service(record=self.record, actor=request.user, **_arguments(form))
        except ValidationError as error:
            add_form_errors(form, error)
            return self.render(form, status=400)
        except WorkflowConflict as conflict:
            messages.error(request, conflict.message)
            return self.render(form, status=409)
        messages.success(request, _("Done: %(action)s.") % {"action": self.action.label})
        return redirect("workspace:record_detail", pk=self.record.pk)


class DecisionView(LoginRequiredMixin, View):
    """A supervisor's decision on a fault-tolerance claim or a credit-repair application."""

    model = None
    service = None
    permission = None

    def post(self, request, pk):
        obj = get_in_scope_or_404(request.user, self.model.objects.all(), pk=pk)
        if not request.user.has_perm(self.permission):
            raise PermissionDenied(_("Your role does not allow this action."))
        form = DecisionForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return redirect("workspace:record_detail", pk=obj.record_id)
        try:
            self.decide(obj, request.user, form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except WorkflowConflict as conflict:
            messages.error(request, conflict.message)
        else:
            messages.success(request, _("The decision was recorded."))
        return redirect("workspace:record_detail", pk=obj.record_id)


class ClaimReviewView(DecisionView):
    model = FaultToleranceClaim
    permission = "credit_records.change_faulttoleranceclaim"

    def decide(self, claim, user, data):
        services.fault_tolerance_claim_review(
            claim=claim, actor=user, approve=data["approve"], reason=data["reason"]
        )


class RepairDecisionView(DecisionView):
    model = CreditRepairApplication
    permission = "credit_records.change_creditrepairapplication"

    def decide(self, application, user, data):
        services.credit_repair_decide(
            application=application, actor=user, approve=data["approve"], reason=data["reason"]
        )


class AttachmentDownloadView(LoginRequiredMixin, View):
    """Evidence is never public: only signed-in users with the record in scope get it."""

    def get(self, request, pk):
        if not request.user.has_perm("credit_records.view_attachment"):
            raise PermissionDenied
        attachment = get_in_scope_or_404(request.user, Attachment.objects.all(), pk=pk)
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
