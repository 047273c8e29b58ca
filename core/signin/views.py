"""The sign-in pages: the two-step sign-in (password, then the second factor), the enrolment
of an authenticator with its recovery codes, the owner's API token page, and single sign-on's
start, return and refusal pages."""

import base64
import logging
import time

import requests
import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import tokens, two_factor
from .forms import CodeForm, EnrolmentForm

logger = logging.getLogger(__name__)
PENDING = "signin_pending"


def _safe(request, url: str | None, fallback: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return fallback


def _no_store(response):
    # Keys and recovery codes must not stay in a browser's or a proxy's cache.
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, private"
    return response


# --- Sign-in ---------------------------------------------------------------------------------


class SignInView(auth_views.LoginView):
    """Django's sign-in page with two additions. Single sign-on's button when it is
    configured, and only that button (with a link for break-glass administrators) when local
    passwords are off. After a right password, an account with an authenticator is not yet
    signed in: the code page finishes the sign-in, so a wrong code counts towards the same
    django-axes lockout as a wrong password, and the count is cleared only by a complete
    sign-in."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        local = settings.CHENGXIN_LOCAL_PASSWORDS
        context.update(
            sso_enabled=settings.CHENGXIN_OIDC_ENABLED,
            sso_label=settings.CHENGXIN_OIDC_BUTTON_LABEL
            or _("Sign in with the unified identity platform"),
            local_passwords=local,
            show_password_form=local
            or "break-glass" in self.request.GET
            or self.request.method == "POST",
        )
        return context

    def form_valid(self, form):
        user = form.get_user()
        if two_factor.asks_for_code(user):
            self.request.session[PENDING] = {
                "user": user.pk,
                "backend": user.backend,
                "next": self.get_success_url(),
                "since": time.time(),
            }
            return redirect("two_factor_verify")
        return super().form_valid(form)


def admin_sign_in(admin_login):
    """The admin's sign-in view, replaced: the admin signs in on the portal's sign-in page
    (password, then the second factor) — one page, one lockout, one second factor. A
    signed-in user without admin rights still gets the admin's own page saying so."""

    def sign_in(request, extra_context=None):
        if request.user.is_authenticated and request.method == "GET":
            return admin_login(request, extra_context)
        target = _safe(request, request.GET.get("next"), reverse("admin:index"))
        return redirect_to_login(target, reverse("login"))

    return sign_in


class TwoFactorVerifyView(FormView):
    """The second step: a code from the authenticator or a recovery code. Reached after a
    right password (the account is not signed in yet) or, for a session begun through
    single sign-on, by the middleware (signed in, not verified)."""

    form_class = CodeForm
    template_name = "registration/two_factor_verify.html"

    def dispatch(self, request, *args, **kwargs):
        self.pending = None
        if request.user.is_authenticated:
            if request.user.is_verified():
                return redirect(self.next_url())
            self.account = request.user
        else:
            pending = request.session.get(PENDING)
            limit = settings.CHENGXIN_TWO_FACTOR_PENDING_MINUTES * 60
            account = None
            if pending and time.time() - pending["since"] <= limit:
                account = (
                    get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
                )
            if account is None:
                request.session.pop(PENDING, None)
                messages.info(request, _("Sign in again: the sign-in was not finished in time."))
                return redirect("login")
            self.pending, self.account = pending, account
        return super().dispatch(request, *args, **kwargs)

    def next_url(self) -> str:
        fallback = reverse(settings.LOGIN_REDIRECT_URL)
        if self.pending:
            return _safe(self.request, self.pending.get("next"), fallback)
        return _safe(self.request, self.request.GET.get("next"), fallback)

    def form_valid(self, form):
        request = self.request
        credentials = {settings.AXES_USERNAME_FORM_FIELD: self.account.get_username()}
        if settings.AXES_ENABLED and not AxesProxyHandler.is_allowed(request, credentials):
            # Locked out (wrong passwords or wrong codes): the code is not even checked.
            request.axes_locked_out = True
            request.axes_credentials = credentials
            return self.form_invalid(form)
        device = two_factor.verify(self.account, form.cleaned_data["code"])
        if device is None:
            # What a wrong password sends, and what django-axes counts.
            user_login_failed.send(sender=type(self), credentials=credentials, request=request)
            form.add_error(
                "code",
                _(
                    "This code is not right, has expired or was already used. Try the code "
                    "your app shows now."
                ),
            )
            return self.form_invalid(form)
        target = self.next_url()
        if self.pending:
            request.session.pop(PENDING, None)
            self.account.backend = self.pending["backend"]
            # django-otp records the device in the session on sign-in.
            self.account.otp_device = device
            auth_login(request, self.account)
        else:
            otp_login(request, device)
        request.session.pop(two_factor.DUE, None)
        if isinstance(device, StaticDevice):
            left = two_factor.recovery_codes_left(self.account)
            messages.warning(
                request,
                _(
                    "You signed in with a recovery code; %(count)s are left. Make new ones on "
                    "your two-factor page."
                )
                % {"count": left},
            )
        return redirect(target)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "account": self.account}


class TwoFactorSetupView(LoginRequiredMixin, View):
    """The user's two-factor page: enrol an authenticator (scan the QR code, confirm with a
    code, keep the recovery codes shown once), or, once enrolled, see how many recovery codes
    are left and make new ones."""

    template_name = "registration/two_factor_setup.html"

    def context(self, form=None):
        user = self.request.user
        enrolled = two_factor.is_enrolled(user)
        context = {
            "enrolled": enrolled,
            "required": two_factor.required_for(user),
            "next": _safe(self.request, self.request.GET.get("next"), ""),
        }
        if enrolled:
            context["codes_left"] = two_factor.recovery_codes_left(user)
        else:
            device = two_factor.pending_device(user)
            # The QR code as an SVG data: URI (the CSP's img-src allows data:): nothing is
            # fetched from elsewhere and no script draws it.
            context.update(
                device=device,
                qr=segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
                secret=base64.b32encode(device.bin_key).decode(),
                form=form or EnrolmentForm(),
            )
        return context

    def get(self, request):
        return _no_store(render(request, self.template_name, self.context()))

    def post(self, request):
        user = request.user
        if request.POST.get("action") == "recovery-codes":
            if not two_factor.is_enrolled(user) or not user.is_verified():
                messages.error(request, _("Confirm your sign-in with your second factor first."))
                return redirect("two_factor_setup")
            codes = two_factor.recovery_codes_replace(user=user)
            return self.show_codes(codes)
        form = EnrolmentForm(request.POST)
        if form.is_valid():
            device = two_factor.pending_device(user)
            codes = two_factor.enrolment_confirm(
                user=user, device=device, code=form.cleaned_data["code"]
            )
            if codes is not None:
                otp_login(request, device)
                return self.show_codes(codes, enrolled_now=True)
            form.add_error("code", _("This code is not right. Enter the code your app shows now."))
        return _no_store(render(request, self.template_name, self.context(form), status=200))

    def show_codes(self, codes, enrolled_now=False):
        next_url = _safe(
            self.request, self.request.POST.get("next"), reverse(settings.LOGIN_REDIRECT_URL)
        )
        return _no_store(
            render(
                self.request,
                "registration/recovery_codes.html",
                {"codes": codes, "enrolled_now": enrolled_now, "next": next_url},
            )
        )


# --- API token -------------------------------------------------------------------------------


class ApiTokenView(LoginRequiredMixin, View):
    """The owner's API token: its first characters, when it was issued and when it expires;
    rotate it (the new key is shown on this answer only) or revoke it."""

    template_name = "registration/api_token.html"

    def page(self, new_key=None):
        token = tokens.token_of(self.request.user)
        context = {"token": token, "new_key": new_key, "days": settings.CHENGXIN_API_TOKEN_DAYS}
        if token is not None:
            context.update(
                prefix=tokens.prefix(token),
                expires_at=tokens.expires_at(token),
                expired=tokens.is_expired(token),
            )
        return _no_store(render(self.request, self.template_name, context))

    def get(self, request):
        return self.page()


class ApiTokenRotateView(ApiTokenView):
    http_method_names = ["post"]

    def post(self, request):
        token = tokens.token_rotate(user=request.user)
        messages.success(request, _("A new API token is issued; the earlier one no longer works."))
        return self.page(new_key=token.key)


class ApiTokenRevokeView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        if tokens.token_revoke(user=request.user):
            messages.success(request, _("Your API token is revoked; it no longer works."))
        return redirect("api_token")


# --- Single sign-on --------------------------------------------------------------------------


def _sso_on():
    if not settings.CHENGXIN_OIDC_ENABLED:
        raise Http404(_("Single sign-on is not configured."))


class SSOStartView(OIDCAuthenticationRequestView):
    def get(self, request):
        _sso_on()
        return super().get(request)


class SSOCallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer. A token that fails a check (signature, issuer, audience, expiry,
    nonce) and an identity that matches no account both end on the refusal page, with
    nothing created; the reason is logged for the administrators."""

    def get(self, request):
        _sso_on()
        try:
            return super().get(request)
        except SuspiciousOperation as error:
            logger.warning("Single sign-on refused: %s", error)
            request.sso_refusal = "invalid"
            return self.login_failure()
        except requests.HTTPError as error:
            # The provider refused the code (used already, expired, not for this client).
            logger.warning("Single sign-on refused by the provider: %s", error)
            request.sso_refusal = "invalid"
            return self.login_failure()
        except requests.RequestException as error:
            logger.warning("Single sign-on failed: %s", error)
            request.sso_refusal = "unavailable"
            return self.login_failure()

    def login_success(self):
        response = super().login_success()
        if two_factor.is_enrolled(self.user):
            # Whoever has an authenticator gives a code after single sign-on too, whatever
            # their role (the middleware asks for it).
            self.request.session[two_factor.DUE] = True
        return response

    def login_failure(self):
        reason = getattr(self.request, "sso_refusal", None) or "unknown"
        return sso_refused(self.request, reason=reason)


def sso_refused(request, reason: str = "unknown"):
    """The refusal page: no account matches, or the provider's answer failed a check."""
    messages_by_reason = {
        "unknown": _(
            "No account of the portal matches your identity. Ask an administrator to create "
            "your account and give it a role: single sign-on never creates one."
        ),
        "invalid": _(
            "The identity platform's answer could not be verified, so you were not signed in. "
            "Try again; if it happens again, tell an administrator."
        ),
        "unavailable": _("The identity platform could not be reached. Try again later."),
    }
    message = messages_by_reason.get(reason, messages_by_reason["unknown"])
    return render(request, "registration/sso_refused.html", {"message": message}, status=403)
