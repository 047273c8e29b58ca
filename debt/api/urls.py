"""Mounted under ``/api/v1/debt/`` (namespace ``debt-api``)."""

from rest_framework.routers import DefaultRouter

from . import views

app_name = "debt-api"

router = DefaultRouter()
router.register("profiles", views.DebtProfileViewSet, basename="profile")
router.register("assessments", views.RiskAssessmentViewSet, basename="assessment")
router.register("warnings", views.RiskWarningViewSet, basename="warning")
router.register("emergencies", views.EmergencyEventViewSet, basename="emergency")
router.register("audits", views.DebtAuditViewSet, basename="audit")
router.register("term-assessments", views.TermAssessmentViewSet, basename="term-assessment")
router.register("bonds", views.BondIssueViewSet, basename="bond")
router.register("ratings", views.CreditRatingViewSet, basename="rating")

urlpatterns = router.urls
