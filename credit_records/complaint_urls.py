"""The complaint register's workspace pages, included by ``urls`` under
``/workspace/complaints/`` (in the ``workspace`` namespace)."""

from django.urls import path

from .views import complaints as views

urlpatterns = [
    path("", views.ComplaintListView.as_view(), name="complaint_list"),
    path("<int:pk>/", views.ComplaintDetailView.as_view(), name="complaint_detail"),
    path(
        "<int:pk>/<slug:action>/",
        views.ComplaintActionView.as_view(),
        name="complaint_action",
    ),
    path(
        "files/<int:pk>/",
        views.ComplaintAttachmentDownloadView.as_view(),
        name="complaint_attachment",
    ),
]
