"""The admin's side of signing in: the admin signs in on the portal's sign-in page (password,
then the second factor); second-factor devices are not edited one by one here, but an
administrator resets a user's (a lost phone) with the users' action, written to the user's
change history and the admin's log."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.roles import Role, role_of
from core.signin.two_factor import two_factor_reset
from core.signin.views import admin_sign_in

admin.site.login = admin_sign_in(admin.site.login)

# Secrets of authenticators and recovery codes are nobody's to read, administrators included.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


def reset_two_factor(modeladmin, request, queryset):
    if role_of(request.user) != Role.ADMINISTRATOR:
        modeladmin.message_user(
            request, _("Only administrators reset two-factor sign-in."), messages.ERROR
        )
        return
    users = list(queryset)
    for user in users:
        removed = two_factor_reset(user=user, actor=request.user)
        modeladmin.log_change(
            request,
            user,
            _("Two-factor sign-in reset: %(count)s devices removed") % {"count": removed},
        )
    modeladmin.message_user(
        request,
        ngettext(
            "Two-factor sign-in was reset for %(count)d user: they enrol again at their "
            "next sign-in.",
            "Two-factor sign-in was reset for %(count)d users: they enrol again at their "
            "next sign-in.",
            len(users),
        )
        % {"count": len(users)},
        messages.SUCCESS,
    )
