"""The sign-in pages under /accounts/ (mounted in config/urls.py): the second factor, the API
token page and single sign-on."""

from django.urls import path

from . import views

urlpatterns = [
    path("two-factor/", views.TwoFactorSetupView.as_view(), name="two_factor_setup"),
    path("two-factor/verify/", views.TwoFactorVerifyView.as_view(), name="two_factor_verify"),
    path("api-token/", views.ApiTokenView.as_view(), name="api_token"),
    path("api-token/rotate/", views.ApiTokenRotateView.as_view(), name="api_token_rotate"),
    path("api-token/revoke/", views.ApiTokenRevokeView.as_view(), name="api_token_revoke"),
    path("sso/start/", views.SSOStartView.as_view(), name="oidc_start"),
    path("sso/callback/", views.SSOCallbackView.as_view(), name="oidc_callback"),
]
