"""The procurement workspace, mounted at ``/workspace/procurement/`` (namespace ``procurement``)."""

from django.urls import path
from django.views.generic import RedirectView

from . import views, views_agreements, views_arrears

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
    # Government agreements and their obligations.
    path("agreements/", views_agreements.AgreementListView.as_view(), name="agreement_list"),
    path(
        "agreements/new/", views_agreements.AgreementCreateView.as_view(), name="agreement_create"
    ),
    path(
        "agreements/<int:pk>/",
        views_agreements.AgreementDetailView.as_view(),
        name="agreement_detail",
    ),
    path(
        "agreements/<int:pk>/edit/",
        views_agreements.AgreementUpdateView.as_view(),
        name="agreement_update",
    ),
    path(
        "agreements/<int:pk>/obligations/new/",
        views_agreements.ObligationFormView.as_view(),
        name="obligation_create",
    ),
    path(
        "agreements/<int:pk>/obligations/<int:obligation>/",
        views_agreements.ObligationFormView.as_view(),
        name="obligation_update",
    ),
    path(
        "agreements/<int:pk>/obligations/<int:obligation>/condition/",
        views_agreements.ConditionMetView.as_view(),
        name="obligation_condition",
    ),
    path(
        "agreements/<int:pk>/obligations/<int:obligation>/events/new/",
        views_agreements.ObligationEventView.as_view(),
        name="obligation_event",
    ),
    path(
        "agreements/<int:pk>/complaints/",
        views_agreements.AgreementComplaintLinkView.as_view(),
        name="agreement_complaint_link",
    ),
    # The arrears ledger.
    path("arrears/ledger/", views_arrears.LedgerView.as_view(), name="arrears_ledger"),
    path("arrears/", views_arrears.ArrearsListView.as_view(), name="arrears_list"),
    path("arrears/new/", views_arrears.ArrearsCreateView.as_view(), name="arrears_create"),
    path("arrears/<int:pk>/", views_arrears.ArrearsDetailView.as_view(), name="arrears_detail"),
    path(
        "arrears/<int:pk>/edit/", views_arrears.ArrearsUpdateView.as_view(), name="arrears_update"
    ),
    path("arrears/<int:pk>/plan/", views_arrears.RepaymentPlanView.as_view(), name="arrears_plan"),
    path(
        "arrears/<int:pk>/repayment/",
        views_arrears.RepaymentView.as_view(),
        name="arrears_repayment",
    ),
    path(
        "arrears/<int:pk>/instalments/<int:instalment>/paid/",
        views_arrears.InstalmentPaidView.as_view(),
        name="instalment_paid",
    ),
    path(
        "arrears/<int:pk>/complaints/",
        views_arrears.ArrearsComplaintLinkView.as_view(),
        name="arrears_complaint_link",
    ),
]
