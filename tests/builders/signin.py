"""Second-factor helpers for tests: enrol a user's authenticator and compute its current code
as the phone would (django-otp's own TOTP function)."""

import time

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.signin import two_factor


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    """A confirmed authenticator and its recovery codes, as after the enrolment page."""
    device = two_factor.pending_device(user)
    codes = two_factor.enrolment_confirm(user=user, device=device, code=code_for(device))
    # Enrolled "earlier": django-otp refuses a code of a time step already used (a replay),
    # and the test signs in within the same 30 seconds.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    return device, codes


def unthrottle(device: TOTPDevice) -> None:
    """Skip django-otp's growing delay after a wrong code (1, 2, 4… seconds), as if the
    person had waited."""
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)


def code_for(device: TOTPDevice, *, at: float | None = None) -> str:
    """The six digits the authenticator shows now (or at ``at``)."""
    drift = 0 if at is None else int((at - time.time()) // device.step)
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{value:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """Six digits that are not the current code (nor the ones next to it)."""
    near = {
        f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=d):06d}"
        for d in (-1, 0, 1)
    }
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in near)
