"""Who is calling: an API token (`Authorization: Bearer <token>`) or the web session.

A request that names a Bearer token is judged by that token alone: a revoked or unknown one
answers 401 even when a session cookie rides along. A session request must pass Django's CSRF
check for unsafe methods, like the web forms do. Nothing else authenticates: 401.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from accord.core.errors import PermissionDeniedError
from accord.users.models import User
from accord.users.services import token_authenticate


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = token_authenticate(token.strip()) if token.strip() else None
        if user is None:
            raise AuthenticationError(message="The API token is unknown or revoked.")
        return user


class SessionCsrfAuth(APIKeyCookie):
    """The signed-in web user, with CSRF enforced on unsafe methods.

    Unlike ninja's `django_auth`, the CSRF check runs only once a session user is found, so
    an anonymous call answers 401, not a CSRF 403.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if self.csrf and not exempt and check_csrf(request) is not None:
            raise PermissionDeniedError(
                "CSRF verification failed: send the X-CSRFToken header with session requests."
            )
        return user


API_AUTH = [BearerTokenAuth(), SessionCsrfAuth()]


def request_user(request: HttpRequest) -> User:
    """The user that authentication put on the request (every endpoint requires one)."""
    user: User | None = getattr(request, "auth", None)
    if user is None:  # pragma: no cover - ninja answers 401 before the endpoint runs
        raise AuthenticationError()
    return user
