"""The second factor, required by role: a signed-in user whose role is listed in
``CHENGXIN_TWO_FACTOR_ROLES`` and whose session no device has verified (django-otp's
``request.user.is_verified()``) reaches only the pages that get them verified — the code page
if they have an authenticator, else the enrolment page — and sign-out. This covers the
workspace and the admin alike, and a session begun through single sign-on.

Someone whose role needs no second factor but who set up an authenticator gives a code too:
at the password sign-in (core/signin/views.py), and after single sign-on through a session
flag. Nothing is read for a user whose role needs no second factor (the role is read once a
request anyway), so their pages cost no extra query."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from . import two_factor

# Paths an unverified user may still open (besides the pages below).
OPEN_PREFIXES = ("/static/", "/public/", "/i18n/", "/healthz", "/robots.txt")
OPEN_NAMES = ("two_factor_verify", "two_factor_setup", "logout", "login")


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and not user.is_verified()
            and (
                request.session.get(two_factor.DUE)
                or (settings.CHENGXIN_TWO_FACTOR_ROLES and two_factor.required_for(user))
            )
            and request.path not in {reverse(name) for name in OPEN_NAMES}
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Confirm your sign-in with your second factor first.")},
                    status=403,
                )
            target = "two_factor_verify" if two_factor.is_enrolled(user) else "two_factor_setup"
            return redirect_to_login(request.get_full_path(), reverse(target))
        return self.get_response(request)
