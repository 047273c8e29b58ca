"""Mounted under ``/api/v1/`` (namespace ``api``)."""

from rest_framework.routers import DefaultRouter

from . import complaints, exchange, intake, objections, public, transparency, views

app_name = "api"

router = DefaultRouter()
router.register("regions", views.RegionViewSet, basename="region")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("officials", views.OfficialViewSet, basename="official")
router.register("records", views.RecordViewSet, basename="record")
router.register("rectifications", views.RectificationViewSet, basename="rectification")
router.register(
    "fault-tolerance-claims", views.FaultToleranceClaimViewSet, basename="fault-tolerance-claim"
)
router.register("commendations", views.CommendationViewSet, basename="commendation")
router.register("commitments", views.CommitmentViewSet, basename="commitment")
router.register("credit-repairs", views.CreditRepairViewSet, basename="credit-repair")
router.register("objections", objections.ObjectionViewSet, basename="objection")
router.register("complaints", complaints.ComplaintViewSet, basename="complaint")
# Pushes from other systems into the intake queue (platform accounts with the intake role).
router.register("intake", intake.IntakeViewSet, basename="intake")
# Platform accounts (core.read_exchange_feed): changes to published records, by cursor.
router.register("exchange/records", exchange.ExchangeRecordViewSet, basename="exchange-record")
# Anyone, no sign-in: published records only.
router.register("public/records", public.PublicRecordViewSet, basename="public-record")
router.register(
    "public/transparency/checkpoints",
    transparency.PublicCheckpointViewSet,
    basename="public-transparency-checkpoint",
)
router.register(
    "public/transparency/entries",
    transparency.PublicEntryViewSet,
    basename="public-transparency-entry",
)

urlpatterns = router.urls
