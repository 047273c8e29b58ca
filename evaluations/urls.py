"""The evaluations workspace, mounted at ``/workspace/evaluations/`` (namespace ``evaluations``)."""

from django.urls import path

from . import feedback_views, views

app_name = "evaluations"

urlpatterns = [
    path("", views.RoundListView.as_view(), name="round_list"),
    path("rounds/new/", views.RoundCreateView.as_view(), name="round_create"),
    path("rounds/<int:pk>/", views.RoundDetailView.as_view(), name="round_detail"),
    path("rounds/<int:pk>/delete/", views.RoundDeleteView.as_view(), name="round_delete"),
    path("rounds/<int:pk>/compute/", views.RoundComputeView.as_view(), name="round_compute"),
    path("rounds/<int:pk>/export.xlsx", views.RoundExportView.as_view(), name="round_export"),
    path(
        "rounds/<int:pk>/action/<slug:action>/",
        views.RoundActionView.as_view(),
        name="round_action",
    ),
    path(
        "rounds/<int:pk>/subjects/<int:subject_pk>/",
        views.SubjectDetailView.as_view(),
        name="subject_detail",
    ),
    path(
        "rounds/<int:pk>/subjects/<int:subject_pk>/feedback/",
        feedback_views.FeedbackCreateView.as_view(),
        name="feedback_create",
    ),
    path(
        "rounds/<int:pk>/feedback/<int:feedback_pk>/",
        feedback_views.FeedbackDetailView.as_view(),
        name="feedback_detail",
    ),
    path(
        "rounds/<int:pk>/feedback-window/",
        feedback_views.FeedbackWindowView.as_view(),
        name="feedback_window",
    ),
    path(
        "rounds/<int:pk>/feedback/export/",
        feedback_views.FeedbackExportView.as_view(),
        name="feedback_export",
    ),
    path(
        "feedback-attachments/<int:pk>/",
        feedback_views.FeedbackAttachmentDownloadView.as_view(),
        name="feedback_attachment",
    ),
    path("schemes/", views.SchemeListView.as_view(), name="scheme_list"),
    path("schemes/<int:pk>/", views.SchemeDetailView.as_view(), name="scheme_detail"),
]
