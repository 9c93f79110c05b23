"""Sign in (password, then a one-time code when one is due), sign out, and the language.

After the right password, a person who has two-factor authentication (or whose role demands
it) is not signed in: the session holds only a pending marker (`users.sessions`) until the
code step, or the forced enrolment, calls `login()`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from accord.core.errors import DomainError
from accord.users.errors import SignInThrottledError
from accord.users.services import user_set_language
from accord.users.sessions import (
    pending_clear,
    pending_finish,
    pending_get,
    pending_start,
    setup_key,
    setup_key_clear,
    user_logout,
)
from accord.users.two_factor import (
    two_factor_enrol,
    two_factor_enrolled,
    two_factor_needed,
    two_factor_sign_in,
)
from accord.web.forms.account import CodeForm
from accord.web.forms.auth import LanguageForm, LoginForm
from accord.web.forms.errors import apply_domain_error
from accord.web.views.account import totp_setup_context

CODE_STEP = "registration/two_factor.html"
ENROL_STEP = "registration/two_factor_enrol.html"
RECOVERY_CODES = "registration/recovery_codes.html"


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if pending_get(request) is not None:
            return redirect("web:login_code")  # the password was given: the code is due
        return super().get(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not two_factor_needed(user):
            return super().form_valid(form)  # login() gives the session a new key
        pending_start(self.request, user, next_url=self.get_redirect_url())
        return redirect("web:login_code")


class LogoutView(auth_views.LogoutView):
    """POST only (Django's own rule): a link or a prefetch must not end a session.

    Signing out ends every session of the user, on every device, and is audited.
    """

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            user_logout(actor=request.user)
        return super().post(request, *args, **kwargs)


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the app, or one recovery code."""
    pending = pending_get(request)
    if pending is None:
        return redirect("web:login")
    if not two_factor_enrolled(pending.user):
        return redirect("web:login_enrol")
    form = CodeForm(request.POST if request.method == "POST" else None, recovery=True)
    if form.is_bound and form.is_valid():
        try:
            device = two_factor_sign_in(
                user=pending.user, code=form.cleaned_data["code"], ip=_ip(request)
            )
        except SignInThrottledError as exc:
            pending_clear(request)  # start again from the password, once the window passes
            messages.error(request, exc.message)
            return redirect("web:login")
        except DomainError as exc:
            apply_domain_error(form, exc, summary=not exc.fields)
        else:
            pending_finish(request, pending, device)
            return redirect(_next_url(request, pending.next_url))
    return render(request, CODE_STEP, {"form": form, "pending_user": pending.user})


@never_cache
@require_http_methods(["GET", "POST"])
def login_enrol(request: HttpRequest) -> HttpResponse:
    """Forced enrolment: a role demands 2FA and the person has no app yet."""
    pending = pending_get(request)
    if pending is None:
        return redirect("web:login")
    if two_factor_enrolled(pending.user):
        return redirect("web:login_code")
    key = setup_key(request)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            device, codes = two_factor_enrol(
                actor=pending.user, key=key, code=form.cleaned_data["code"]
            )
        except DomainError as exc:
            apply_domain_error(form, exc, summary=not exc.fields)
        else:
            setup_key_clear(request)
            pending_finish(request, pending, device)
            done = {"codes": codes, "next": _next_url(request, pending.next_url)}
            return render(request, RECOVERY_CODES, done)
    context: dict[str, Any] = {
        "form": form,
        "pending_user": pending.user,
        **totp_setup_context(pending.user, key),
    }
    return render(request, ENROL_STEP, context)


@require_POST
def login_cancel(request: HttpRequest) -> HttpResponse:
    """Forget the pending sign-in: sign in again, perhaps as someone else."""
    pending_clear(request)
    setup_key_clear(request)
    return redirect("web:login")


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
