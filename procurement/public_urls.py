"""Included from ``credit_records.public_urls`` at ``/public/procurement/`` with no namespace
of its own, so the names join ``public`` (``public:procurement`` is the navigation's slot)."""

from django.urls import path

from . import public

urlpatterns = [
    path("", public.index, name="procurement"),
    path("arrears/", public.arrears, name="procurement_arrears"),
    path("<int:pk>.json", public.project_release, name="procurement_release"),
    path("projects/<int:pk>/", public.project_detail, name="procurement_project"),
    path("purchasers/<str:uscc>/", public.purchaser_detail, name="procurement_purchaser"),
]
