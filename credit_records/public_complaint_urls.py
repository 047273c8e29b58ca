"""The public complaint pages, included by ``public_urls`` under ``/public/complaints/`` (in
the ``public`` namespace)."""

from django.urls import path

from . import public_complaints

urlpatterns = [
    path("", public_complaints.complaints, name="complaints"),
    path("new/", public_complaints.complaint_new, name="complaint_new"),
    path("status/", public_complaints.complaint_status, name="complaint_status"),
]
