"""Two-factor sign-in with time-based one-time codes (TOTP, RFC 6238) through django-otp.

Who needs it is a setting (``CHENGXIN_TWO_FACTOR_ROLES``: administrators and supervisors by
default, the accounts that can publish a department's dishonesty); anyone else who has enrolled
an authenticator is asked for a code too. Each enrolment comes with recovery codes (django-otp
static tokens): shown once, each good for one sign-in. An administrator can reset a user's
second factor (a lost phone); the reset is written to the user's change history.
"""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.roles import role_of

RECOVERY_CODE_COUNT = 10
# The session key that asks a session for its code whatever the role: set when someone with an
# authenticator signs in through single sign-on.
DUE = "two_factor_due"


def required_for(user) -> bool:
    """Whether the user's role must sign in with a second factor."""
    if not user.is_authenticated:
        return False
    # The user's cached role (read once a request, as the navigation reads it too).
    role = user.role if hasattr(type(user), "role") else role_of(user)
    return role is not None and role.value in settings.CHENGXIN_TWO_FACTOR_ROLES


def is_enrolled(user) -> bool:
    return user_has_device(user, confirmed=True)


def asks_for_code(user) -> bool:
    """Whether signing in asks this user for a code: they have an authenticator."""
    return is_enrolled(user)


def pending_device(user) -> TOTPDevice:
    """The authenticator being enrolled (not yet confirmed with a code): the same secret
    until it is confirmed, so reloading the page does not invalidate a scanned QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator"), confirmed=False)
    return device


@transaction.atomic
def enrolment_confirm(*, user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the pending authenticator with a code it shows. Returns the new recovery codes
    (to be shown once), or None when the code is wrong (nothing changes)."""
    if device.user_id != user.pk or device.confirmed or not device.verify_token(code.strip()):
        return None
    # One authenticator at a time: enrolling again replaces the old one.
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_replace(user=user)


@transaction.atomic
def recovery_codes_replace(*, user) -> list[str]:
    """New recovery codes for ``user``; any earlier ones stop working. Only the codes'
    single-use tokens are stored (django-otp deletes each as it is used)."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": _("Recovery codes")}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _number in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def verify(user, code: str):
    """The device that accepts ``code`` (an authenticator code or an unused recovery code,
    which is then used up), or None. django-otp throttles each device: after a wrong code the
    next try is refused for a growing delay (1, 2, 4… seconds)."""
    code = (code or "").strip().replace(" ", "")
    if not code:
        return None
    for device in devices_for_user(user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(code):
            return device
    return None


@transaction.atomic
def two_factor_reset(*, user, actor) -> int:
    """Remove every second-factor device of ``user`` (a lost or replaced phone): they enrol
    again at their next sign-in. Written to the user's change history. Returns how many
    devices were removed."""
    removed = 0
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
        removed += 1
    user._change_reason = _("Two-factor sign-in reset by %(actor)s") % {
        "actor": actor.get_username() if actor else _("the system")
    }
    # A history row even though no column changed: the reset is the event.
    user.save(update_fields=["last_login"])
    return removed
