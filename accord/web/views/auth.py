"""Sign in, sign out, and the interface language."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accord.users.services import user_set_language
from accord.web.forms.auth import LanguageForm, LoginForm


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's own rule): a link or a prefetch must not end a session."""


def _next_url(request: HttpRequest, wanted: str) -> str:
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return resolve_url("web:home")


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Remember the language: on the user for a signed-in user, in a cookie for anyone."""
    if not request.user.is_authenticated:
        return set_language(request)
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return redirect(_next_url(request, request.POST.get("next", "")))
    code = form.cleaned_data["language"]
    user_set_language(actor=request.user, language=code)
    response = redirect(_next_url(request, form.cleaned_data["next"]))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    return response
