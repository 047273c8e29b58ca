"""The workspace's URLs (namespace ``workspace``): records, departments, regions, officials,
commendations, commitments, and core's inbox, background exports and credit reports."""

from django.urls import include, path

from core import views as core_views
from core.reports import views as report_views

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
    path(
        "departments/<str:uscc>/report.pdf",
        report_views.OfficialReportView.as_view(),
        name="department_report",
    ),
    path("reports/", report_views.IssuedReportListView.as_view(), name="report_list"),
    path(
        "departments/reports.zip",
        report_views.ReportsExportView.as_view(),
        name="department_reports_export",
    ),
    path("regions/", views.RegionListView.as_view(), name="region_list"),
    path("complaints/", include("credit_records.complaint_urls")),
    path("records/", views.RecordListView.as_view(), name="record_list"),
    path("records/new/", views.RecordCreateView.as_view(), name="record_create"),
    path("records/selected/", views.RecordBulkView.as_view(), name="record_bulk"),
    path("records/<int:pk>/", views.RecordDetailView.as_view(), name="record_detail"),
    path(
        "records/<int:pk>/history/",
        views.RecordHistoryExportView.as_view(),
        name="record_history_export",
    ),
    path("records/<int:pk>/edit/", views.RecordUpdateView.as_view(), name="record_update"),
    path(
        "records/<int:pk>/<slug:action>/",
        views.RecordActionView.as_view(),
        name="record_action",
    ),
    path("claims/<int:pk>/review/", views.ClaimReviewView.as_view(), name="claim_review"),
    path("repairs/<int:pk>/decide/", views.RepairDecisionView.as_view(), name="repair_decide"),
    path("objections/", views.ObjectionListView.as_view(), name="objection_list"),
    path(
        "objections/<int:pk>/<slug:action>/",
        views.ObjectionStepView.as_view(),
        name="objection_step",
    ),
    path(
        "attachments/<int:pk>/",
        views.AttachmentDownloadView.as_view(),
        name="attachment_download",
    ),
    path("officials/", views.OfficialListView.as_view(), name="official_list"),
    path("officials/new/", views.OfficialFormView.as_view(), name="official_create"),
    path("officials/<int:pk>/", views.OfficialDetailView.as_view(), name="official_detail"),
    path("officials/<int:pk>/edit/", views.OfficialFormView.as_view(), name="official_update"),
    path("commendations/", views.CommendationListView.as_view(), name="commendation_list"),
    path("commendations/new/", views.CommendationFormView.as_view(), name="commendation_create"),
    path(
        "commendations/<int:pk>/edit/",
        views.CommendationFormView.as_view(),
        name="commendation_update",
    ),
    path("notifications/", core_views.NotificationListView.as_view(), name="notification_list"),
    path(
        "notifications/read/",
        core_views.NotificationReadView.as_view(),
        name="notification_read_all",
    ),
    path(
        "notifications/<int:pk>/read/",
        core_views.NotificationReadView.as_view(),
        name="notification_read",
    ),
    path("watching/", core_views.WatchListView.as_view(), name="watch_list"),
    path("watching/toggle/", core_views.WatchToggleView.as_view(), name="watch_toggle"),
    path("views/new/", core_views.SavedViewCreateView.as_view(), name="saved_view_create"),
    path(
        "views/<int:pk>/delete/",
        core_views.SavedViewDeleteView.as_view(),
        name="saved_view_delete",
    ),
    path("exports/", core_views.ExportJobListView.as_view(), name="export_list"),
    path("exports/new/", core_views.ExportJobCreateView.as_view(), name="export_create"),
    path(
        "exports/<int:pk>/download/",
        core_views.ExportJobDownloadView.as_view(),
        name="export_download",
    ),
    path("commitments/", views.CommitmentListView.as_view(), name="commitment_list"),
    path("commitments/new/", views.CommitmentFormView.as_view(), name="commitment_create"),
    path(
        "commitments/<int:pk>/<slug:action>/",
        views.CommitmentActionView.as_view(),
        name="commitment_action",
    ),
]
