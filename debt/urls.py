"""The debt workspace, mounted at ``/workspace/debt/`` (namespace ``debt``)."""

from django.urls import path

from . import views

app_name = "debt"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("regions/<str:code>/", views.RegionDebtView.as_view(), name="region_detail"),
    path("profiles/", views.ProfileListView.as_view(), name="profile_list"),
    path("profiles/new/", views.ProfileFormView.as_view(), name="profile_create"),
    path("profiles/<int:pk>/edit/", views.ProfileFormView.as_view(), name="profile_update"),
    path(
        "profiles/<int:pk>/recompute/",
        views.ProfileRecomputeView.as_view(),
        name="profile_recompute",
    ),
    path("profiles/<int:pk>/default/", views.DebtDefaultView.as_view(), name="profile_default"),
    path("assessments/", views.AssessmentListView.as_view(), name="assessment_list"),
    path("warnings/", views.WarningListView.as_view(), name="warning_list"),
    path("warnings/new/", views.WarningCreateView.as_view(), name="warning_create"),
    path("warnings/<int:pk>/", views.WarningDetailView.as_view(), name="warning_detail"),
    path(
        "warnings/<int:pk>/<slug:action>/",
        views.WarningActionView.as_view(),
        name="warning_action",
    ),
    path("emergencies/", views.EmergencyListView.as_view(), name="emergency_list"),
    path("emergencies/<int:pk>/", views.EmergencyDetailView.as_view(), name="emergency_detail"),
    path("audits/", views.AuditListView.as_view(), name="audit_list"),
    path("audits/<int:pk>/", views.AuditDetailView.as_view(), name="audit_detail"),
    path("terms/", views.TermListView.as_view(), name="term_list"),
    path("bonds/", views.BondListView.as_view(), name="bond_list"),
    path("ratings/", views.RatingListView.as_view(), name="rating_list"),
]
