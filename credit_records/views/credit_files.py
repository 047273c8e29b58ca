"""Officials, commendations and commitments. Views only read selectors and call services."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView

from core.access_log import AccessLoggedViewMixin
from core.exceptions import WorkflowConflict
from core.exports import Column, field_label
from core.scope import get_in_scope_or_404
from core.views import HISTORY_USER, ExportMixin, ScopedQuerysetMixin, add_form_errors
from credit_records import services
from credit_records.filters import (
    CommendationFilter,
    CommitmentFilter,
    PublicOfficialFilter,
)
from credit_records.forms import (
    CommendationForm,
    CommitmentAssessForm,
    CommitmentForm,
    CommitmentToRecordForm,
    PublicOfficialForm,
)
from credit_records.models import (
    Commendation,
    Commitment,
    PublicOfficial,
)


class OfficialListView(
    LoginRequiredMixin,
    PermissionRequiredMixin,
    AccessLoggedViewMixin,
    ScopedQuerysetMixin,
    ExportMixin,
    FilterView,
):
    """Names and employee numbers of civil servants: each page shown is in the access log
    (PIPL art. 51), each export too (``ExportMixin``)."""

    permission_required = "credit_records.view_publicofficial"
    export_source = "workspace:official_list"
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
            Column(field_label(m, "name"), lambda o: o.name),
            Column(field_label(m, "employee_number"), lambda o: o.employee_number),
            Column(field_label(m, "department"), lambda o: o.department.name),
            Column(field_label(m, "position"), lambda o: o.position),
            Column(field_label(m, "active"), lambda o: o.active),
            Column(_("Accountability entries"), lambda o: o.record_count),
        ]


class OfficialDetailView(
    LoginRequiredMixin,
    PermissionRequiredMixin,
    AccessLoggedViewMixin,
    ScopedQuerysetMixin,
    DetailView,
):
    """An official's file (employee number, accountability entries, commendations): each view
    is in the access log."""

    permission_required = "credit_records.view_publicofficial"
    model = PublicOfficial
    queryset = PublicOfficial.objects.select_related("department", "department__region")
    template_name = "credit_records/official_detail.html"
    context_object_name = "official"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entries"] = self.object.accountability_entries.select_related("record")
        context["commendations"] = self.object.commendations.all()
        context["history"] = self.object.history.select_related(*HISTORY_USER)[:20]
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


class OfficialFormView(AccessLoggedViewMixin, ServiceFormView):
    """An official's form, which shows their employee number: opening it to edit is a view
    in the access log."""

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
    export_source = "workspace:commendation_list"
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
            Column(field_label(m, "title"), lambda c: c.title),
            Column(field_label(m, "level"), lambda c: c.get_level_display()),
            Column(field_label(m, "issuing_authority"), lambda c: c.issuing_authority),
            Column(field_label(m, "date"), lambda c: c.date),
            Column(field_label(m, "department"), lambda c: c.department.name),
            Column(field_label(m, "official"), lambda c: c.official.name if c.official else ""),
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
    export_source = "workspace:commitment_list"
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
            Column(field_label(m, "department"), lambda c: c.department.name),
            Column(field_label(m, "content"), lambda c: c.content),
            Column(field_label(m, "promised_date"), lambda c: c.promised_date),
            Column(field_label(m, "status"), lambda c: c.get_status_display()),
            Column(field_label(m, "evidence"), lambda c: c.evidence),
            Column(
                field_label(m, "resulting_record"),
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
