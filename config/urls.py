from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.health import healthz
from core import account_views
from core.signin.views import SignInView
from core.views import PasswordChangeView, site_root
from credit_records import public

# The error pages, in the public layout under /public/ and the workspace's elsewhere.
handler400 = "config.errors.bad_request"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"

urlpatterns = [
    path("", site_root, name="root"),
    path("healthz", healthz, name="healthz"),
    path("workspace/procurement/", include("procurement.urls")),
    path("workspace/debt/", include("debt.urls")),
    path("workspace/evaluations/", include("evaluations.urls")),
    path("workspace/", include("credit_records.urls")),
    # The anonymous disclosure pages; robots.txt must sit at the root to be read.
    path("public/", include("credit_records.public_urls")),
    path("robots.txt", public.robots_txt, name="robots_txt"),
    # --- Sign-in: two steps (password, then the second factor), single sign-on, API token ---
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/", include("core.signin.urls")),
    # --- end sign-in ---
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        # Wrong current passwords count towards the sign-in lockout (django-axes).
        PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # --- One's own account: sessions, password reset by email (core/account_views.py) ---
    path("accounts/sessions/", account_views.SessionListView.as_view(), name="session_list"),
    path("accounts/sessions/end/", account_views.SessionEndView.as_view(), name="session_end"),
    path(
        "accounts/password/reset/",
        account_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        account_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # --- end of the account pages ---
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/procurement/", include("procurement.api.urls")),
    path("api/v1/debt/", include("debt.api.urls")),
    path("api/v1/evaluations/", include("evaluations.api.urls")),
    path("api/v1/", include("credit_records.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its script as a separate request, as the CSP needs (no inline script).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

if settings.CHENGXIN_BENCH_ROUTES:
    # ``python -m bench load`` measures this next to the pages: every middleware, no work.
    urlpatterns.append(
        path("bench/ping/", lambda request: HttpResponse(b"pong", content_type="text/plain"))
    )
