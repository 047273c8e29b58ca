"""The officials' workspace pages. Views only read selectors and call services."""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django_filters.views import FilterView

from core import export_jobs, notifications
from core.exceptions import WorkflowConflict
from core.exports import Column, history_response
from core.filters import DepartmentFilter, RegionFilter
from core.models import Department, ExportStatus, Notification, Region
from core.profile import panels_for
from core.public_cache import CachedCountPaginator
from core.roles import Role
from core.scope import get_in_scope_or_404, scope_queryset
from core.views import ExportMixin, ScopedQuerysetMixin, add_form_errors

from . import rules, selectors, services
from .filters import (
    CommendationFilter,
    CommitmentFilter,
    DishonestyRecordFilter,
    PublicOfficialFilter,
)
from .forms import (
    CloseForm,
    CommendationForm,
    CommitmentAssessForm,
    CommitmentForm,
    CommitmentToRecordForm,
    ConfirmForm,
    CreditRepairForm,
    DecisionForm,
    EvidenceForm,
    ExplanationForm,
    ExtendDeadlineForm,
    FaultToleranceClaimForm,
    PublicOfficialForm,
    RecordForm,
    ReportForm,
    RequireRectificationForm,
    ReturnForm,
    VerifyForm,
)
from .models import (
    Attachment,
    Commendation,
    Commitment,
    CreditRepairApplication,
    DishonestyRecord,
    FaultToleranceClaim,
    PublicOfficial,
    RecordStatus,
)


def _label(model, field):
    return str(model._meta.get_field(field).verbose_name)


class WorkspaceHomeView(LoginRequiredMixin, TemplateView):
    template_name = "credit_records/home.html"
    escalations_shown = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["summary"] = selectors.workspace_summary(user)
        context["by_region"] = selectors.department_counts_by_region(user)
        escalated = selectors.escalated_rectifications(user)
        context["escalated"] = escalated[: self.escalations_shown]
        # The record list's "escalated to my office" filter has them all.
        context["escalated_total"] = escalated.count()
        return context


class DepartmentListView(
    LoginRequiredMixin, PermissionRequiredMixin, ScopedQuerysetMixin, ExportMixin, FilterView
):
    permission_required = "core.view_department"
    export_permission = "core.export_department"
    export_filename = gettext_lazy("departments")
    model = Department
    queryset = Department.objects.select_related("region", "parent")
    filterset_class = DepartmentFilter
    template_name = "credit_records/department_list.html"
    paginate_by = 25

    def get_queryset(self):
        return selectors.with_honours_eligibility(super().get_queryset())

    def export_columns(self):
        m = Department
        return [
            Column(_label(m, "name"), lambda d: d.name),
            Column(_label(m, "uscc"), lambda d: d.uscc),
            Column(_label(m, "region"), lambda d: d.region.name),
            Column(_("Region code"), lambda d: d.region.code),
            Column(_label(m, "kind"), lambda d: d.get_kind_display()),
            Column(_label(m, "parent"), lambda d: d.parent.name if d.parent else ""),
            Column(_label(m, "active"), lambda d: d.active),
            Column(_("Eligible for honours"), lambda d: d.honours_eligible),
        ]


class DepartmentDetailView(
    LoginRequiredMixin, PermissionRequiredMixin, ScopedQuerysetMixin, DetailView
):
    """A department's credit profile: identity, standing, honours eligibility, records with
    their timelines, commendations, commitments, rectifications and change history."""

    permission_required = "core.view_department"
    model = Department
    queryset = Department.objects.select_related("region", "region__parent", "parent")
    slug_field = "uscc"
    slug_url_kwarg = "uscc"
    template_name = "credit_records/department_detail.html"
    records_shown = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        department = self.object
        user = self.request.user
        profile = selectors.department_credit_profile(department)
        # Records exempted after a fault-tolerance review are out of the credit file and of
        # disclosure: listed apart, kept for audit, never with a disclosure date.
        exempted = [r for r in profile.records if r.status == RecordStatus.EXEMPTED]
        in_file = [r for r in profile.records if r.status != RecordStatus.EXEMPTED]
        context.update(
            subordinates=scope_queryset(user, department.subordinates.select_related("region")),
            standing=profile.standing,
            honours=profile.honours,
            # The newest records; the record list, filtered to the department, has them all.
            records=in_file[: self.records_shown],
            records_total=len(in_file),
            exempted_records=exempted[: self.records_shown],
            events=selectors.department_timeline(department)[:30],
            commendations=department.commendations.select_related("official"),
            commitments=department.commitments.select_related("resulting_record"),
            officials=department.officials.all(),
            history=department.history.select_related("history_user")[:20],
            can_add_record=user.has_perm("credit_records.add_dishonestyrecord"),
            extra_panels=panels_for(department, user),
        )
        return context


class RegionListView(LoginRequiredMixin, PermissionRequiredMixin, ScopedQuerysetMixin, FilterView):
    permission_required = "core.view_region"
    model = Region
    queryset = Region.objects.select_related("parent")
    filterset_class = RegionFilter
    template_name = "credit_records/region_list.html"
    paginate_by = 50


# --------------------------------------------------------------------------------------------
# Credit files: records, their workflow, officials, commendations, commitments
# --------------------------------------------------------------------------------------------


class RecordListView(
    LoginRequiredMixin, PermissionRequiredMixin, ScopedQuerysetMixin, ExportMixin, FilterView
):
    permission_required = "credit_records.view_dishonestyrecord"
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

    def paginate_queryset(self, queryset, page_size):
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

    def get_queryset(self):
        # Only the exports show the department's honours eligibility (see the selector).
        exporting = bool(self.request.GET.get("export"))
        return selectors.with_record_list_annotations(super().get_queryset(), honours=exporting)

    def export_columns(self):
        return record_export_columns()


def record_export_columns() -> list[Column]:
    """The record list's columns, read with one ``values_list()`` query (no model instances:
    see credit_records/exports.py and docs/exports.md)."""
    m = DishonestyRecord
    return [
        Column.field(_label(m, "decision_number"), "decision_number"),
        Column.field(_label(m, "department"), "department__name"),
        Column.field(_("Unified social credit code"), "department__uscc"),
        Column.field(_("Region"), "department__region__name"),
        Column.choice(_label(m, "category"), "category", m._meta.get_field("category").choices),
        Column.choice(_label(m, "severity"), "severity", m._meta.get_field("severity").choices),
        Column.choice(_label(m, "status"), "status", m._meta.get_field("status").choices),
        Column.field(_label(m, "issuing_authority"), "issuing_authority"),
        Column.field(_label(m, "decision_date"), "decision_date"),
        Column.field(_("Rectification deadline"), "deadline"),
        Column.field(_("Overdue"), "overdue"),
        Column.field(_label(m, "minimum_period_ends"), "minimum_period_ends"),
        Column.field(_label(m, "disclosure_ends"), "disclosure_ends"),
        Column.field(_("Honours eligibility of the department"), "honours_eligible"),
        Column.choice(_label(m, "source"), "source", m._meta.get_field("source").choices),
        Column.field(_label(m, "facts"), "facts"),
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
        stamp = timezone.localdate().isoformat()
        return history_response(
            fmt,
            DishonestyRecord,
            DishonestyRecord.objects.filter(pk=record.pk),
            f"{record.decision_number}-{_('history')}-{stamp}",
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


@dataclass(frozen=True)
class RecordAction:
    label: str
    form_class: type
    run: Callable
    style: str = "primary"


def _files(data):
    return data.get("files") or []


RECORD_ACTIONS: dict[str, RecordAction] = {
    "confirm": RecordAction(
        services.transition_label("confirm"),
        ConfirmForm,
        lambda r, u, d: services.record_confirm(record=r, actor=u, reason=d["reason"]),
    ),
    "require-rectification": RecordAction(
        services.transition_label("require_rectification"),
        RequireRectificationForm,
        lambda r, u, d: services.record_require_rectification(
            record=r,
            actor=u,
            deadline=d["deadline"],
            requirements=d["requirements"],
            reason=d["reason"],
        ),
    ),
    "submit-explanation": RecordAction(
        services.transition_label("submit_explanation"),
        ExplanationForm,
        lambda r, u, d: services.record_submit_explanation(
            record=r, actor=u, explanation=d["explanation"]
        ),
    ),
    "submit-report": RecordAction(
        services.transition_label("submit_report"),
        ReportForm,
        lambda r, u, d: services.record_submit_report(
            record=r, actor=u, content=d["content"], files=_files(d)
        ),
    ),
    "verify": RecordAction(
        services.transition_label("verify"),
        VerifyForm,
        lambda r, u, d: services.record_verify(record=r, actor=u, reason=d["reason"]),
    ),
    "return": RecordAction(
        services.transition_label("return_report"),
        ReturnForm,
        lambda r, u, d: services.record_return(record=r, actor=u, reason=d["reason"]),
        style="secondary",
    ),
    "close": RecordAction(
        services.transition_label("close"),
        CloseForm,
        lambda r, u, d: services.record_close(record=r, actor=u, reason=d["reason"]),
        style="secondary",
    ),
    "extend-deadline": RecordAction(
        gettext_lazy("Extend the deadline"),
        ExtendDeadlineForm,
        lambda r, u, d: services.rectification_extend(
            record=r, actor=u, new_deadline=d["new_deadline"], reason=d["reason"]
        ),
        style="secondary",
    ),
    "claim-fault-tolerance": RecordAction(
        gettext_lazy("Claim fault tolerance"),
        FaultToleranceClaimForm,
        lambda r, u, d: services.fault_tolerance_claim_file(
            record=r, actor=u, grounds=d["grounds"], files=_files(d)
        ),
        style="secondary",
    ),
    "apply-credit-repair": RecordAction(
        gettext_lazy("Apply for credit repair"),
        CreditRepairForm,
        lambda r, u, d: services.credit_repair_apply(
            record=r, actor=u, commitment_text=d["commitment_text"], statement=d["statement"]
        ),
        style="secondary",
    ),
    "add-evidence": RecordAction(
        gettext_lazy("Add evidence"),
        EvidenceForm,
        lambda r, u, d: services.record_add_evidence(record=r, actor=u, files=_files(d)),
        style="secondary",
    ),
}


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
        slugs = set(selectors.available_actions(record, user))
        claims = list(
            record.fault_tolerance_claims.select_related(
                "filed_by", "reviewed_by"
            ).prefetch_related("attachments")
        )
        repairs = list(record.repair_applications.select_related("filed_by", "decided_by"))
        for claim in claims:
            claim.decision_form = DecisionForm(auto_id=f"claim{claim.pk}-%s")
        for application in repairs:
            application.decision_form = DecisionForm(auto_id=f"repair{application.pk}-%s")
        if user.role != Role.AUDITOR and record.status not in (
            RecordStatus.DRAFT,
            *services.EVIDENCE_CLOSED_STATUSES,
        ):
            slugs.add("add-evidence")
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
            history=record.history.select_related("history_user")[:30],
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
        if not request.user.has_perms(rules.RECORD_ACTION_PERMISSIONS[kwargs["action"]]):
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
            self.action.run(self.record, request.user, form.cleaned_data)
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
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class OfficialListView(
    LoginRequiredMixin, PermissionRequiredMixin, ScopedQuerysetMixin, ExportMixin, FilterView
):
    permission_required = "credit_records.view_publicofficial"
    export_permission = "credit_records.export_publicofficial"
    export_filename = gettext_lazy("public-officials")
    model = PublicOfficial
    # An aggregate drops Meta.ordering: order explicitly so that pages are stable.
    queryset = (
        PublicOfficial.objects.select_related("department")
        # Entries of records exempted after a fault-tolerance review are kept, not counted.
        .annotate(
            record_count=Count(
                "accountability_entries",
                filter=Q(accountability_entries__exempted_at__isnull=True),
            )
        )
        .order_by("department__name", "name", "pk")
    )
    filterset_class = PublicOfficialFilter
    template_name = "credit_records/official_list.html"
    paginate_by = 25

    def export_columns(self):
        m = PublicOfficial
        return [
            Column(_label(m, "name"), lambda o: o.name),
            Column(_label(m, "employee_number"), lambda o: o.employee_number),
            Column(_label(m, "department"), lambda o: o.department.name),
            Column(_label(m, "position"), lambda o: o.position),
            Column(_label(m, "active"), lambda o: o.active),
            Column(_("Accountability entries"), lambda o: o.record_count),
        ]


class OfficialDetailView(
    LoginRequiredMixin, PermissionRequiredMixin, ScopedQuerysetMixin, DetailView
):
    permission_required = "credit_records.view_publicofficial"
    model = PublicOfficial
    queryset = PublicOfficial.objects.select_related("department", "department__region")
    template_name = "credit_records/official_detail.html"
    context_object_name = "official"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entries"] = self.object.accountability_entries.select_related("record")
        context["commendations"] = self.object.commendations.all()
        context["history"] = self.object.history.select_related("history_user")[:20]
        return context


class ServiceFormView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """Create or edit an object through a ``*_save`` service."""

    template_name = "credit_records/simple_form.html"
    model = None
    save = None
    success_url_name = ""
    title = ""

    def dispatch(self, request, *args, **kwargs):
        self.object = None
        if request.user.is_authenticated and "pk" in kwargs:
            self.object = get_in_scope_or_404(
                request.user, self.model.objects.all(), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, object=self.object, **kwargs)

    def form_valid(self, form):
        try:
            type(self).save(actor=self.request.user, **{self.model._meta.model_name: form.instance})
        except ValidationError as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        except WorkflowConflict as conflict:
            form.add_error(None, conflict.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect(self.success_url_name)


class OfficialFormView(ServiceFormView):
    permission_required = "credit_records.add_publicofficial"
    form_class = PublicOfficialForm
    model = PublicOfficial
    save = staticmethod(
        lambda actor, publicofficial: services.official_save(actor=actor, official=publicofficial)
    )
    success_url_name = "workspace:official_list"
    title = gettext_lazy("Public official")


class CommendationListView(
    LoginRequiredMixin, PermissionRequiredMixin, ScopedQuerysetMixin, ExportMixin, FilterView
):
    permission_required = "credit_records.view_commendation"
    export_permission = "credit_records.export_commendation"
    export_filename = gettext_lazy("commendations")
    model = Commendation
    queryset = Commendation.objects.select_related("department", "official")
    filterset_class = CommendationFilter
    template_name = "credit_records/commendation_list.html"
    paginate_by = 25

    def export_columns(self):
        m = Commendation
        return [
            Column(_label(m, "title"), lambda c: c.title),
            Column(_label(m, "level"), lambda c: c.get_level_display()),
            Column(_label(m, "issuing_authority"), lambda c: c.issuing_authority),
            Column(_label(m, "date"), lambda c: c.date),
            Column(_label(m, "department"), lambda c: c.department.name),
            Column(_label(m, "official"), lambda c: c.official.name if c.official else ""),
        ]


class CommendationFormView(ServiceFormView):
    permission_required = "credit_records.add_commendation"
    form_class = CommendationForm
    model = Commendation
    save = staticmethod(
        lambda actor, commendation: services.commendation_save(
            actor=actor, commendation=commendation
        )
    )
    success_url_name = "workspace:commendation_list"
    title = gettext_lazy("Commendation")


class CommitmentListView(
    LoginRequiredMixin, PermissionRequiredMixin, ScopedQuerysetMixin, ExportMixin, FilterView
):
    permission_required = "credit_records.view_commitment"
    export_permission = "credit_records.export_commitment"
    export_filename = gettext_lazy("commitments")
    model = Commitment
    queryset = Commitment.objects.select_related("department", "resulting_record")
    filterset_class = CommitmentFilter
    template_name = "credit_records/commitment_list.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for commitment in context["object_list"]:
            # One form per row, each with its own element ids.
            commitment.assess_form = CommitmentAssessForm(auto_id=f"c{commitment.pk}-assess-%s")
            commitment.to_record_form = CommitmentToRecordForm(
                auto_id=f"c{commitment.pk}-record-%s"
            )
        context["can_change"] = self.request.user.has_perm("credit_records.change_commitment")
        context["today"] = timezone.localdate()
        return context

    def export_columns(self):
        m = Commitment
        return [
            Column(_label(m, "department"), lambda c: c.department.name),
            Column(_label(m, "content"), lambda c: c.content),
            Column(_label(m, "promised_date"), lambda c: c.promised_date),
            Column(_label(m, "status"), lambda c: c.get_status_display()),
            Column(_label(m, "evidence"), lambda c: c.evidence),
            Column(
                _label(m, "resulting_record"),
                lambda c: c.resulting_record.decision_number if c.resulting_record else "",
            ),
        ]


class CommitmentFormView(ServiceFormView):
    permission_required = "credit_records.add_commitment"
    form_class = CommitmentForm
    model = Commitment
    save = staticmethod(
        lambda actor, commitment: services.commitment_save(actor=actor, commitment=commitment)
    )
    success_url_name = "workspace:commitment_list"
    title = gettext_lazy("Commitment")


class CommitmentActionView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "credit_records.change_commitment"

    def post(self, request, pk, action):
        commitment = get_in_scope_or_404(request.user, Commitment.objects.all(), pk=pk)
        form_class = {"assess": CommitmentAssessForm, "to-record": CommitmentToRecordForm}.get(
            action
        )
        if form_class is None:
            raise Http404(_("Unknown action."))
        form = form_class(request.POST, request.FILES)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label} {' '.join(errors)}")
            return redirect("workspace:commitment_list")
        data = form.cleaned_data
        try:
            if action == "assess":
                services.commitment_assess(
                    commitment=commitment,
                    actor=request.user,
                    fulfilled=data["fulfilled"],
                    evidence=data["evidence"],
                    files=data["files"],
                )
                messages.success(request, _("The assessment was recorded."))
            else:
                record = services.commitment_to_record(
                    commitment=commitment,
                    actor=request.user,
                    severity=data["severity"],
                    issuing_authority=data["issuing_authority"],
                )
                messages.success(request, _("A draft dishonesty record was created."))
                return redirect("workspace:record_detail", pk=record.pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except WorkflowConflict as conflict:
            messages.error(request, conflict.message)
        return redirect("workspace:commitment_list")


class NotificationListView(LoginRequiredMixin, ListView):
    """The inbox: the user's own notifications, newest first."""

    template_name = "credit_records/notification_list.html"
    paginate_by = 30
    context_object_name = "notifications"

    def get_queryset(self):
        queryset = Notification.objects.filter(recipient=self.request.user)
        if self.request.GET.get("unread") == "1":
            queryset = queryset.filter(read_at__isnull=True)
        return queryset


class NotificationReadView(LoginRequiredMixin, View):
    """Mark one notification read and follow its link, or mark them all read."""

    def post(self, request, pk=None):
        if pk is None:
            notifications.mark_read(user=request.user)
            messages.success(request, _("All notifications are marked as read."))
            return redirect("workspace:notification_list")
        notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
        notifications.mark_read(user=request.user, notification_ids=[notification.pk])
        target = notification.url
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
            return redirect(target)
        return redirect("workspace:notification_list")


def site_root(request):
    """Officials land on their workspace; everyone else on the public disclosure pages."""
    return redirect("workspace:home" if request.user.is_authenticated else "public:home")


# --------------------------------------------------------------------------------------------
# Background exports (credit_records/export_jobs.py)
# --------------------------------------------------------------------------------------------


class ExportJobListView(LoginRequiredMixin, ListView):
    """The user's background exports: status, progress and a download link when done. The
    page reloads itself (a meta refresh, no script) while one is still being prepared."""

    template_name = "credit_records/export_list.html"
    context_object_name = "jobs"
    paginate_by = 25

    def get_queryset(self):
        return selectors.export_jobs_visible_to(self.request.user).filter(
            requested_by=self.request.user
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["refresh"] = any(job.active for job in context["jobs"])
        context["keep_days"] = settings.CHENGXIN_EXPORT_KEEP_DAYS
        return context


class ExportJobCreateView(LoginRequiredMixin, View):
    """ "Export in the background" on a list: the list's URL name, its filter and a format."""

    def post(self, request):
        try:
            export_jobs.export_job_create(
                actor=request.user,
                view_name=request.POST.get("view", ""),
                query=request.POST.get("query", ""),
                fmt=request.POST.get("format", ""),
            )
        except export_jobs.ExportRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.info(
                request,
                _(
                    "The export is being prepared in the background: download it here when "
                    "it is ready."
                ),
            )
        return redirect("workspace:export_list")


class ExportJobDownloadView(LoginRequiredMixin, View):
    """The file of a finished export, to its requester (or a superuser) only: anyone else
    gets a 404. Permission and scope are checked again, as they may have changed."""

    def get(self, request, pk):
        job = get_object_or_404(
            selectors.export_jobs_visible_to(request.user), pk=pk, status=ExportStatus.DONE
        )
        export_jobs.export_job_check_download(job=job, user=request.user)
        if not job.file or not job.file.storage.exists(job.file.name):
            raise Http404(_("The file of this export is no longer kept."))
        content_type = {
            "csv": "text/csv; charset=utf-8",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }[job.format]
        response = FileResponse(
            job.file.open("rb"),
            as_attachment=True,
            filename=job.filename,
            content_type=content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
