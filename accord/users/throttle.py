"""Login throttling: too many failures from one address stop further tries for a while.

Failures are counted per (login, address) and per address, so an attacker is slowed down
while the real user, from their own address, can still sign in. Settings:
ACCORD_LOGIN_WINDOW_SECONDS, ACCORD_LOGIN_MAX_PER_USER, ACCORD_LOGIN_MAX_PER_IP.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from accord.users.models import LoginAttempt


def _since() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.ACCORD_LOGIN_WINDOW_SECONDS)


def login_throttled(username: str, ip: str | None) -> bool:
    """Whether a sign-in as `username` from `ip` must be refused without checking it."""
    failures = LoginAttempt.objects.filter(success=False, at__gte=_since(), ip=ip)
    if failures.filter(username=username).count() >= settings.ACCORD_LOGIN_MAX_PER_USER:
        return True
    return failures.count() >= settings.ACCORD_LOGIN_MAX_PER_IP


def login_record(username: str, ip: str | None, *, success: bool, complete: bool = True) -> None:
    """Record one try. A right password that still owes a one-time code is not `complete`:
    it must not wipe the failures, or wrong codes could be retried without end."""
    LoginAttempt.objects.create(username=username[:150], ip=ip, success=success)
    if success and complete:
        # A successful sign-in from this address clears its failures for this login.
        LoginAttempt.objects.filter(username=username, ip=ip, success=False).delete()
