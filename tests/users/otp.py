"""Helpers for tests of two-factor sign-in: codes computed the way an authenticator app does."""

from __future__ import annotations

import binascii
import time

from django.test import Client
from django_otp.oath import TOTP

from accord.users.models import User
from accord.users.sessions import STATE_KEY, VERIFIED
from accord.users.two_factor import totp_new_key, two_factor_enrol


def totp_code(key: str, *, steps_ahead: int = 0) -> str:
    """The code an app holding `key` shows now (or `steps_ahead` 30-second steps later)."""
    totp = TOTP(binascii.unhexlify(key), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def enrol(user: User) -> tuple[str, list[str]]:
    """Turn on 2FA for `user`: answers the app's key and the recovery codes."""
    key = totp_new_key()
    _device, codes = two_factor_enrol(actor=user, key=key, code=totp_code(key))
    return key, codes


def verified_client(user: User) -> Client:
    """A client signed in as `user` whose session passed the second step."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[STATE_KEY] = VERIFIED
    session.save()
    return client
