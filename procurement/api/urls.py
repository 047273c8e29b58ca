"""Mounted under ``/api/v1/procurement/`` (namespace ``procurement-api``)."""

from rest_framework.routers import DefaultRouter

from . import agreements, views

app_name = "procurement-api"

router = DefaultRouter()
router.register("suppliers", views.SupplierViewSet, basename="supplier")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("contracts", views.ContractViewSet, basename="contract")
router.register("acceptances", views.AcceptanceViewSet, basename="acceptance")
router.register("payments", views.PaymentViewSet, basename="payment")
router.register("flags", views.RedFlagViewSet, basename="flag")
router.register("violations", views.ViolationViewSet, basename="violation")
router.register("purchasers", views.PurchaserViewSet, basename="purchaser")
router.register("agreements", agreements.AgreementViewSet, basename="agreement")
router.register("arrears", agreements.ArrearsViewSet, basename="arrears")

urlpatterns = router.urls
