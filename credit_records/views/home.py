"""The workspace home, departments (their credit profile) and regions. Views only read
selectors and call services."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from core.cockpit import cached_figures, cockpit_for, list_url
from core.exports import Column, field_label
from core.filters import RegionFilter
from core.holidays import missing_years
from core.models import Department, Region
from core.profile import panels_for
from core.reports.forms import OfficialReportForm
from core.roles import Role, role_of
from core.scope import scope_queryset
from core.views import HISTORY_USER, ExportMixin, ScopedQuerysetMixin
from credit_records import selectors
from credit_records.filters import DepartmentCreditFilter
from credit_records.models import (
    RecordStatus,
)
from credit_records.selectors.cockpit import ENTERED_STATUSES


class WorkspaceHomeView(LoginRequiredMixin, TemplateView):
    template_name = "credit_records/home.html"
    escalations_shown = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        # Counted over the whole scope (a province: a million records, seconds of queries):
        # kept a few minutes for everyone with the same scope and permissions.
        context.update(
            cached_figures(
                user, lambda: self.figures(user), fresh=self.request.GET.get("fresh") == "1"
            )
        )
        # "Confirmed records" counts every record but the drafts: its link lists the same.
        context["entered_url"] = list_url("workspace:record_list", status=ENTERED_STATUSES)
        # Administrators keep the working-day calendar: they are told when the State
        # Council's holiday notice of a year deadlines need is not in it (core.W001).
        if role_of(user) == Role.ADMINISTRATOR:
            context["calendar_missing_years"] = missing_years()
        return context

    def figures(self, user) -> dict:
        escalated = selectors.escalated_rectifications(user)
        return {
            "summary": selectors.workspace_summary(user),
            "by_region": selectors.department_counts_by_region(user),
            "escalated": list(escalated[: self.escalations_shown]),
            # The record list's "escalated to my office" filter has them all.
            "escalated_total": escalated.count(),
            # The cockpit: the panels the apps registered (core.cockpit), in their order.
            "cockpit": cockpit_for(user),
        }


class DepartmentListView(
    LoginRequiredMixin, PermissionRequiredMixin, ScopedQuerysetMixin, ExportMixin, FilterView
):
    permission_required = "core.view_department"
    export_source = "workspace:department_list"
    export_permission = "core.export_department"
    export_filename = gettext_lazy("departments")
    model = Department
    queryset = Department.objects.select_related("region", "parent")
    filterset_class = DepartmentCreditFilter
    template_name = "credit_records/department_list.html"
    paginate_by = 25

    @classmethod
    def prepare_rows(cls, queryset, *, exporting):
        return selectors.with_standing_grade(selectors.with_honours_eligibility(queryset))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The credit reports of the listed departments, as a ZIP made in the background.
        if self.request.user.has_perm("core.add_issuedreport"):
            context["report_form"] = OfficialReportForm(auto_id="zip-%s")
        return context

    def export_columns(self):
        m = Department
        return [
            Column(field_label(m, "name"), lambda d: d.name),
            Column(field_label(m, "uscc"), lambda d: d.uscc),
            Column(field_label(m, "region"), lambda d: d.region.name),
            Column(_("Region code"), lambda d: d.region.code),
            Column(field_label(m, "kind"), lambda d: d.get_kind_display()),
            Column(field_label(m, "parent"), lambda d: d.parent.name if d.parent else ""),
            Column(field_label(m, "active"), lambda d: d.active),
            Column(_("Eligible for honours"), lambda d: d.honours_eligible),
            Column(_("Standing"), lambda d: d.standing_grade),
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
            history=department.history.select_related(*HISTORY_USER)[:20],
            can_add_record=user.has_perm("credit_records.add_dishonestyrecord"),
            can_issue_report=user.has_perm("core.add_issuedreport"),
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
