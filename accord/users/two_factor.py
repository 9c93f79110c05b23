"""Two-factor sign-in: a TOTP device per user (django-otp) and ten single-use recovery codes.

The secret of a device being set up lives only in the enrolling session until a current code
proves the person's app has it; only then is a confirmed device written. Every change and
every failed or recovery-code sign-in is audited. Wrong codes count toward the login throttle
(`users.throttle`) exactly like wrong passwords.
"""

from __future__ import annotations

import base64
import binascii
import time
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from accord.core.audit import log_action
from accord.users.access import require
from accord.users.errors import (
    SignInThrottledError,
    TwoFactorRequiredError,
    TwoFactorStateError,
    WrongCodeError,
    WrongPasswordError,
)
from accord.users.models import User
from accord.users.throttle import login_record, login_throttled

RECOVERY_CODES = 10
DEVICE_NAME = "default"


@dataclass(frozen=True)
class TwoFactorStatus:
    enrolled: bool
    required: bool
    recovery_codes_left: int


# ---------------------------------------------------------------- reads


def two_factor_required(user: User) -> bool:
    """Whether a role of the user demands two-factor sign-in."""
    return user.roles.filter(requires_2fa=True).exists()


def two_factor_enrolled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_factor_needed(user: User) -> bool:
    """Whether signing in takes a second step: enrolled, or obliged to enrol."""
    return two_factor_enrolled(user) or two_factor_required(user)


def two_factor_status(user: User) -> TwoFactorStatus:
    left = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return TwoFactorStatus(
        enrolled=two_factor_enrolled(user),
        required=two_factor_required(user),
        recovery_codes_left=left,
    )


# ---------------------------------------------------------------- setting up an app


def totp_new_key() -> str:
    """A fresh secret (hex, as django-otp stores it) for a device being set up."""
    return str(random_hex(20))


def totp_secret_text(key: str) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    text = base64.b32encode(binascii.unhexlify(key)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def totp_uri(user: User, key: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    issuer = str(settings.OTP_TOTP_ISSUER).replace(":", "")
    secret = base64.b32encode(binascii.unhexlify(key)).decode().rstrip("=")
    params = urlencode({"secret": secret, "digits": 6, "period": 30, "issuer": issuer})
    return f"otpauth://totp/{quote(f'{issuer}:{user.get_username()}')}?{params}"


def totp_qr_svg(uri: str) -> str:
    """The QR code of `uri` as an inline <svg> element (no image file, no external asset)."""
    return str(segno.make(uri, error="m").svg_inline(scale=5, border=2, svgclass="qr-code"))


def _totp_match(key: str, code: str) -> int | None:
    """The time step `code` belongs to (now, or one step either side), or None."""
    digits = code.replace(" ", "")
    if not (digits.isdigit() and len(digits) == 6):
        return None
    totp = TOTP(binascii.unhexlify(key), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    return totp.t() if totp.verify(int(digits), tolerance=1) else None


def _recovery_codes_replace(user: User) -> list[str]:
    """New recovery codes for `user`; every earlier one stops working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def two_factor_enrol(*, actor: User, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the app holding `key` with a current `code`; answer it and new recovery codes."""
    if two_factor_enrolled(actor):
        raise TwoFactorStateError("already_enrolled", _("Two-factor authentication is already on."))
    step = _totp_match(key, code)
    if step is None:
        raise WrongCodeError
    with transaction.atomic():
        device = TOTPDevice.objects.create(
            user=actor, name=DEVICE_NAME, key=key, confirmed=True, last_t=step
        )
        codes = _recovery_codes_replace(actor)
        log_action(actor=actor, action="users.2fa.enrolled", obj=actor)
    return device, codes


@transaction.atomic
def recovery_codes_regenerate(*, actor: User) -> list[str]:
    if not two_factor_enrolled(actor):
        raise TwoFactorStateError("not_enrolled", _("Two-factor authentication is off."))
    codes = _recovery_codes_replace(actor)
    log_action(actor=actor, action="users.2fa.recovery_regenerated", obj=actor)
    return codes


@transaction.atomic
def two_factor_disable(*, actor: User, password: str) -> None:
    """Remove the app and the recovery codes; needs the password, refused when a role demands 2FA."""
    if not actor.check_password(password):
        raise WrongPasswordError
    if two_factor_required(actor):
        raise TwoFactorRequiredError
    if not two_factor_enrolled(actor):
        raise TwoFactorStateError("not_enrolled", _("Two-factor authentication is off."))
    TOTPDevice.objects.filter(user=actor).delete()
    StaticDevice.objects.filter(user=actor).delete()
    log_action(actor=actor, action="users.2fa.disabled", obj=actor)


@transaction.atomic
def two_factor_reset(*, actor: User, user: User) -> None:
    """An administrator removes a user's app and recovery codes (a lost phone).

    The user's sessions end too, since whoever holds the phone may hold one of them. If a
    role still requires two-factor sign-in, the user enrols again at the next sign-in.
    """
    require(actor, "change", "admin.users")
    if not two_factor_enrolled(user):
        raise TwoFactorStateError("not_enrolled", _("Two-factor authentication is off."))
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    log_action(actor=actor, action="users.2fa.reset", obj=user)


# ---------------------------------------------------------------- signing in


def _normalized_recovery(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _device_accepting(user: User, code: str) -> Device | None:
    """The device that accepts `code`: the app for six digits, else a recovery code (used up)."""
    digits = code.replace(" ", "")
    if digits.isdigit() and len(digits) == 6:
        for totp in TOTPDevice.objects.filter(user=user, confirmed=True):
            if totp.verify_token(digits):
                return totp
        return None
    recovery = _normalized_recovery(code)
    for static in StaticDevice.objects.filter(user=user, confirmed=True):
        if recovery and static.verify_token(recovery):
            return static
    return None


def two_factor_sign_in(*, user: User, code: str, ip: str | None) -> Device:
    """The second step of signing in: the device that accepted `code`.

    A wrong code is recorded as a failed sign-in (so it throttles) and audited before the
    error is raised; a throttled login+address is refused without looking at the code.
    """
    username = user.get_username()
    if login_throttled(username, ip):
        with transaction.atomic():
            log_action(actor=None, action="users.login.throttled", label=username)
        raise SignInThrottledError
    device = _device_accepting(user, code)
    with transaction.atomic():
        login_record(username, ip, success=device is not None)
        if device is None:
            log_action(actor=None, action="users.2fa.failed", obj=user, label=username)
        elif isinstance(device, StaticDevice):
            left = device.token_set.count()
            log_action(
                actor=user, action="users.2fa.recovery_used", obj=user, changes={"left": left}
            )
        else:
            log_action(actor=user, action="users.2fa.verified", obj=user)
    if device is None:
        raise WrongCodeError
    return device
