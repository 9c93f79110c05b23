"""Session rules, the interface language, and the client's address for the audit log."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from accord.core.audit import client_ip
from accord.users.sessions import pending_start, session_verdict

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


class SessionRulesMiddleware:
    """Ends idle and too old sessions, and lets no session through that still owes a code.

    Runs after AuthenticationMiddleware and django-otp's OTPMiddleware. A session that owes
    the second step is turned back into a pending sign-in: the person is anonymous again (the
    web asks for the code at /login/, the API answers 401) until the code is given.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            verdict = session_verdict(request, user)
            if verdict != "ok":
                next_url = request.get_full_path() if request.method == "GET" else ""
                logout(request)
                if verdict == "second_factor":
                    pending_start(request, user, next_url=next_url)
        return self.get_response(request)
