"""The officials' workspace pages. Views only read selectors and call services."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from . import selectors
from .filters import DepartmentFilter, RegionFilter
from .models import Department, Region


class ScopedQuerysetMixin:
    """Lists and detail pages start from the user's scope; anything outside it is a 404."""

    def get_queryset(self):
        return selectors.scope_queryset(self.request.user, super().get_queryset())


class WorkspaceHomeView(LoginRequiredMixin, TemplateView):
    template_name = "credit_records/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["summary"] = selectors.workspace_summary(user)
        context["by_region"] = selectors.department_counts_by_region(user)
        return context


class DepartmentListView(
    LoginRequiredMixin, PermissionRequiredMixin, ScopedQuerysetMixin, FilterView
):
    permission_required = "credit_records.view_department"
    model = Department
    queryset = Department.objects.select_related("region", "parent")
    filterset_class = DepartmentFilter
    template_name = "credit_records/department_list.html"
    paginate_by = 25


class DepartmentDetailView(
    LoginRequiredMixin, PermissionRequiredMixin, ScopedQuerysetMixin, DetailView
):
    permission_required = "credit_records.view_department"
    model = Department
    queryset = Department.objects.select_related("region", "region__parent", "parent")
    slug_field = "uscc"
    slug_url_kwarg = "uscc"
    template_name = "credit_records/department_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        department = self.object
        context["subordinates"] = selectors.scope_queryset(
            self.request.user, department.subordinates.select_related("region")
        )
        context["history"] = department.history.select_related("history_user")[:20]
        return context


class RegionListView(LoginRequiredMixin, PermissionRequiredMixin, ScopedQuerysetMixin, FilterView):
    permission_required = "credit_records.view_region"
    model = Region
    queryset = Region.objects.select_related("parent")
    filterset_class = RegionFilter
    template_name = "credit_records/region_list.html"
    paginate_by = 50
