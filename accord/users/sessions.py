"""Session rules: the second sign-in step, idle and absolute timeouts, ending all sessions.

A person who still owes a one-time code is not signed in at all: the session holds only a
signed, short-lived "pending" marker naming the user, and `login()` runs after the code.
Every session that did sign in carries a two-factor state (`exempt` when no second step was
due, `verified` after one); the middleware treats any other session as not signed in.

Sign-out and password change bump `User.session_generation`, which is part of the session
hash, so Django stops accepting every other session of that user.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.signals import user_logged_in
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.dispatch import receiver
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.models import Device

from accord.core.audit import log_action
from accord.core.errors import ValidationFailedError
from accord.users.errors import WrongPasswordError
from accord.users.models import User
from accord.users.two_factor import totp_new_key, two_factor_needed

PENDING_KEY = "accord_2fa_pending"
SETUP_KEY = "accord_2fa_setup"
STATE_KEY = "accord_2fa"
SIGNED_IN_KEY = "accord_signed_in"
SEEN_KEY = "accord_seen"
EXEMPT, VERIFIED = "exempt", "verified"
PENDING_SALT = "accord.users.sessions.pending"
PENDING_MAX_AGE = 10 * 60
# Last activity is written at most this often, so a busy page does not save the session
# on every request; it is also when an exempt session is checked against new 2FA rules.
SEEN_RESOLUTION = 60


@dataclass(frozen=True)
class Pending:
    """A person who gave the right password and still owes the second step."""

    user: User
    next_url: str


# ---------------------------------------------------------------- the second step


def pending_start(request: HttpRequest, user: User, *, next_url: str = "") -> None:
    """Remember, in a fresh session, that `user` passed the password step."""
    request.session.flush()
    backend = getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0])
    payload = {"u": user.pk, "g": user.session_generation, "b": backend, "n": next_url}
    request.session[PENDING_KEY] = signing.dumps(payload, salt=PENDING_SALT)


def pending_get(request: HttpRequest) -> Pending | None:
    """The pending sign-in of this session: unexpired, untampered, and still current."""
    raw = request.session.get(PENDING_KEY)
    if not raw:
        return None
    try:
        data: dict[str, Any] = signing.loads(raw, salt=PENDING_SALT, max_age=PENDING_MAX_AGE)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=int(data.get("u") or 0), is_active=True).first()
    if user is None or user.session_generation != data.get("g"):
        return None  # signed out everywhere or password changed since the password step
    user.backend = str(data.get("b"))  # type: ignore[attr-defined]  # as authenticate() sets it
    return Pending(user=user, next_url=str(data.get("n") or ""))


def pending_clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def pending_finish(request: HttpRequest, pending: Pending, device: Device) -> None:
    """Sign in for real, after the second step, with the device that passed it."""
    pending_clear(request)
    login(request, pending.user, backend=getattr(pending.user, "backend", None))
    session_mark_verified(request, device)


def setup_key(request: HttpRequest) -> str:
    """The secret of the app being set up in this session, made on first use.

    It stays in the session, never in a device row, until a code confirms it.
    """
    key = request.session.get(SETUP_KEY)
    if not isinstance(key, str) or not key:
        key = request.session[SETUP_KEY] = totp_new_key()
    return key


def setup_key_clear(request: HttpRequest) -> None:
    request.session.pop(SETUP_KEY, None)


def session_mark_verified(request: HttpRequest, device: Device) -> None:
    """This signed-in session passed a one-time code (at sign-in or when enrolling)."""
    otp_login(request, device)
    request.session[STATE_KEY] = VERIFIED


def session_mark_exempt(request: HttpRequest) -> None:
    """Two-factor was turned off in this session: it owes no code any more."""
    request.session.pop("otp_device_id", None)
    request.session[STATE_KEY] = EXEMPT


@receiver(user_logged_in, dispatch_uid="accord.users.sessions.session_started")
def _session_started(sender: type, request: HttpRequest, user: User, **kwargs: Any) -> None:
    # Runs for every login(), including ones that bypass our views: such a session of a user
    # who owes a code gets no state, so the middleware never lets it through.
    now = int(time.time())
    request.session[SIGNED_IN_KEY] = now
    request.session[SEEN_KEY] = now
    request.session.pop(STATE_KEY, None)
    if not two_factor_needed(user):
        request.session[STATE_KEY] = EXEMPT


def session_verdict(request: HttpRequest, user: User) -> str:
    """`ok`, `expired` (idle or too old) or `second_factor` (owes a code) for a signed-in session."""
    session = request.session
    now = int(time.time())
    signed_in, seen = session.get(SIGNED_IN_KEY), session.get(SEEN_KEY)
    if not isinstance(signed_in, int) or not isinstance(seen, int):
        return "expired"
    if now - seen > settings.ACCORD_SESSION_IDLE_MINUTES * 60:
        return "expired"
    if now - signed_in > settings.ACCORD_SESSION_MAX_HOURS * 3600:
        return "expired"
    state = session.get(STATE_KEY)
    if state not in (EXEMPT, VERIFIED):
        return "second_factor"
    if now - seen >= SEEN_RESOLUTION:
        session[SEEN_KEY] = now
        if state == EXEMPT and two_factor_needed(user):
            return "second_factor"  # a role now demands 2FA, or an app was added elsewhere
    return "ok"


# ---------------------------------------------------------------- ending sessions


def _bump_generation(user: User) -> None:
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])


@transaction.atomic
def user_logout(*, actor: User) -> None:
    """Sign `actor` out of every session: the caller ends the current one."""
    _bump_generation(actor)
    log_action(actor=actor, action="users.logout", obj=actor)


@transaction.atomic
def user_password_change(*, actor: User, old_password: str, new_password: str) -> None:
    """Set a new password after checking the old one; every other session of `actor` ends."""
    if not actor.check_password(old_password):
        raise WrongPasswordError("old_password")
    try:
        validate_password(new_password, actor)
    except ValidationError as exc:
        raise ValidationFailedError({"new_password1": list(exc.messages)}) from None
    actor.set_password(new_password)
    actor.save(update_fields=["password"])
    _bump_generation(actor)
    log_action(actor=actor, action="users.password.changed", obj=actor)
