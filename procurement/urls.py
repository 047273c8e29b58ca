"""The procurement workspace, mounted at ``/workspace/procurement/`` (namespace ``procurement``)."""

from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "procurement"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="procurement:project_list"), name="index"),
    path("projects/", views.ProjectListView.as_view(), name="project_list"),
    path("projects/new/", views.ProjectCreateView.as_view(), name="project_create"),
    path("projects/<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("projects/<int:pk>/edit/", views.ProjectUpdateView.as_view(), name="project_update"),
    path("projects/<int:pk>/contract/", views.ContractFormView.as_view(), name="contract_form"),
    path(
        "projects/<int:pk>/acceptance/",
        views.AcceptanceFormView.as_view(),
        name="acceptance_form",
    ),
    path("projects/<int:pk>/payments/new/", views.PaymentFormView.as_view(), name="payment_create"),
    path(
        "projects/<int:pk>/payments/<int:payment>/",
        views.PaymentFormView.as_view(),
        name="payment_update",
    ),
    path("contracts/", views.ContractListView.as_view(), name="contract_list"),
    path("payments/", views.PaymentListView.as_view(), name="payment_list"),
    path("flags/", views.FlagListView.as_view(), name="flag_list"),
    path("flags/<int:pk>/<slug:action>/", views.FlagActionView.as_view(), name="flag_action"),
    path("violations/", views.ViolationListView.as_view(), name="violation_list"),
    path("violations/new/", views.ViolationCreateView.as_view(), name="violation_create"),
    path("violations/<int:pk>/", views.ViolationDetailView.as_view(), name="violation_detail"),
    path(
        "violations/<int:pk>/withdraw/",
        views.ViolationWithdrawView.as_view(),
        name="violation_withdraw",
    ),
    path("purchasers/<str:uscc>/", views.PurchaserDetailView.as_view(), name="purchaser_detail"),
]
