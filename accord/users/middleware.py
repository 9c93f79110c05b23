"""Choose the interface language, and pass the client's address to the audit log."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from accord.core.audit import client_ip

_LANGUAGES = {code for code, _name in settings.LANGUAGES}


def request_language(request: HttpRequest) -> str:
    """The user's own choice, else the language cookie, else the server's default.

    The browser's Accept-Language is deliberately not consulted: Accord is Russian unless
    a person chooses otherwise, whatever the workstation's browser was installed with.
    """
    user_choice = getattr(getattr(request, "user", None), "language", "")
    if user_choice in _LANGUAGES:
        return str(user_choice)
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if cookie in _LANGUAGES:
        return cookie
    return settings.LANGUAGE_CODE


class UserLanguageMiddleware:
    """Activates the request's language and records the client IP for audit events.

    Runs after AuthenticationMiddleware (it reads the user) and replaces Django's
    LocaleMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        with client_ip(request.META.get("REMOTE_ADDR")):
            response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
