"""Mounted under ``/api/v1/evaluations/`` (namespace ``evaluations-api``)."""

from rest_framework.routers import DefaultRouter

from . import views

app_name = "evaluations-api"

router = DefaultRouter()
router.register("schemes", views.SchemeViewSet, basename="scheme")
router.register("rounds", views.RoundViewSet, basename="round")
router.register("results", views.ResultViewSet, basename="result")
router.register("feedback", views.FeedbackViewSet, basename="feedback")

urlpatterns = router.urls
