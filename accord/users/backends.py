"""The authentication backend: Django's password check, throttled and audited.

Every attempt is recorded (success, failure, refused as throttled) in the audit log. A
throttled attempt raises PermissionDenied, which stops Django from trying any other backend,
and marks the request so the login form can say why.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from accord.core.audit import log_action
from accord.users.models import User
from accord.users.throttle import login_record, login_throttled
from accord.users.two_factor import two_factor_needed


def _ip(request: HttpRequest | None) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


class AccordBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None or password is None:
            return None
        ip = _ip(request)
        if login_throttled(username, ip):
            with transaction.atomic():
                log_action(actor=None, action="users.login.throttled", label=username)
            if request is not None:
                request.accord_login_throttled = True  # type: ignore[attr-defined]
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        complete = user is None or not two_factor_needed(user)
        with transaction.atomic():
            login_record(username, ip, success=user is not None, complete=complete)
            if user is None:
                log_action(actor=None, action="users.login.failed", label=username)
            else:
                log_action(actor=user, action="users.login.succeeded", obj=user)
        return user
