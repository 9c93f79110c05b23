"""Activate the signed-in user's chosen interface language."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from accord.core.audit import client_ip

_LANGUAGES = {code for code, _name in settings.LANGUAGES}


class UserLanguageMiddleware:
    """Sets the user's language and the client IP that audit events record."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = getattr(request.user, "language", "")
        if language in _LANGUAGES:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        with client_ip(request.META.get("REMOTE_ADDR")):
            response = self.get_response(request)
        if language in _LANGUAGES:
            response.headers.setdefault("Content-Language", language)
        return response
