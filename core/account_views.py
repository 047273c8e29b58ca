"""The pages of one's own account: the signed-in sessions (and signing out of them) and the
password reset by email, with its rate limits.

The password reset is Django's (``PasswordResetView`` and its family): the link carries
Django's token, which is bound to the password hash and the last sign-in, so it works once,
and expires after ``PASSWORD_RESET_TIMEOUT``. Requests are limited per client address and per
email address entered (``CHENGXIN_PASSWORD_RESET_RATE_PER_IP`` / ``..._PER_EMAIL``, counted in
the cache); the page answers the same whether an account has the address or not.
"""

import hashlib
import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView
from rest_framework.throttling import SimpleRateThrottle

from core import sessions
from core.network import client_ip


class SessionListView(LoginRequiredMixin, TemplateView):
    """The user's signed-in sessions: browser, address, last activity; this one marked."""

    template_name = "core/session_list.html"

    def get_context_data(self, **kwargs):
        current = self.request.session.session_key
        rows = sessions.active_sessions(self.request.user)
        for row in rows:
            row.current = row.session_key == current
            row.browser, row.system = sessions.describe_user_agent(row.user_agent)
        return {
            **super().get_context_data(**kwargs),
            "sessions": rows,
            "others": sum(1 for row in rows if not row.current),
            "touch_minutes": settings.CHENGXIN_SESSION_TOUCH_MINUTES,
        }


class SessionEndView(LoginRequiredMixin, View):
    """Sign out of every other session (``scope=others``) or of every one, this included
    (``scope=all``)."""

    def post(self, request):
        scope = request.POST.get("scope")
        if scope == "all":
            sessions.sessions_end(user=request.user)
            logout(request)
            messages.success(request, _("You are signed out everywhere."))
            return redirect(settings.LOGOUT_REDIRECT_URL)
        ended = sessions.sessions_end(user=request.user, keep=request.session.session_key)
        messages.success(
            request,
            ngettext(
                "%(count)d other session was signed out.",
                "%(count)d other sessions were signed out.",
                ended,
            )
            % {"count": ended},
        )
        return redirect("session_list")


class _ResetThrottle(SimpleRateThrottle):
    """Password reset requests, counted in the default cache; the rate is read at request
    time from the setting named by ``rate_setting``."""

    rate_setting = ""

    def __init__(self, ident: str):
        self.ident = ident
        super().__init__()

    def get_rate(self):
        return getattr(settings, self.rate_setting)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.ident}


class _PerClientAddress(_ResetThrottle):
    scope = "password_reset_ip"
    rate_setting = "CHENGXIN_PASSWORD_RESET_RATE_PER_IP"


class _PerEmailAddress(_ResetThrottle):
    scope = "password_reset_email"
    rate_setting = "CHENGXIN_PASSWORD_RESET_RATE_PER_EMAIL"


def _email_ident(email: str) -> str:
    # Counted for any address entered, with or without an account: the limit must not tell
    # which addresses exist.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, rate-limited and mailed with the portal's templates."""

    subject_template_name = "emails/password_reset_subject.txt"
    email_template_name = "emails/password_reset_body.txt"
    success_url = reverse_lazy("password_reset_done")

    def get_extra_email_context(self):
        return {
            "base_url": settings.CHENGXIN_BASE_URL.rstrip("/"),
            "timeout_minutes": timeout_minutes(),
        }

    def dispatch(self, request, *args, **kwargs):
        self.extra_email_context = self.get_extra_email_context()
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        throttles = [
            _PerClientAddress(client_ip(self.request) or "unknown"),
            _PerEmailAddress(_email_ident(form.cleaned_data["email"])),
        ]
        refused = [t for t in throttles if not t.allow_request(self.request, self)]
        if refused:
            wait = max(math.ceil(t.wait() or 60) for t in refused)
            form.add_error(
                None,
                _(
                    "Too many password reset requests for this email address or from your "
                    "network. Please try again in %(minutes)s minutes."
                )
                % {"minutes": max(1, math.ceil(wait / 60))},
            )
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(wait)
            return response
        return super().form_valid(form)


def timeout_minutes() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 60)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "timeout_minutes": timeout_minutes()}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's: the link's token is checked (used once, not expired), then the new password
    set; every session of the account is ended, not only made stale by the new password."""

    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        sessions.sessions_end(user=form.user)
        return response
