"""The public evaluation results, included by ``credit_records.public_urls`` into the
``public`` namespace under the name its navigation reserves (``public:evaluations``)."""

from django.urls import path

from . import public

urlpatterns = [
    path("", public.evaluation_results, name="evaluations"),
]
