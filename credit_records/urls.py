from django.urls import path

from . import views

app_name = "workspace"

urlpatterns = [
    path("", views.WorkspaceHomeView.as_view(), name="home"),
    path("departments/", views.DepartmentListView.as_view(), name="department_list"),
    path(
        "departments/<str:uscc>/",
        views.DepartmentDetailView.as_view(),
        name="department_detail",
    ),
    path("regions/", views.RegionListView.as_view(), name="region_list"),
]
