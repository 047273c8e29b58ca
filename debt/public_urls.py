"""The public debt disclosure page, included by ``credit_records.public_urls`` into the
``public`` namespace under the name its navigation reserves (``public:debt``)."""

from django.urls import path

from . import public

urlpatterns = [
    path("", public.debt_disclosure, name="debt"),
    path("figures.csv", public.debt_disclosure_csv, name="debt_csv"),
]
