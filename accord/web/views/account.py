"""The signed-in person's own account: two-factor authentication, password, API tokens.

Secrets (recovery codes, a new token) appear once, on the answer to the POST that made
them, with caching forbidden; no page shows them again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.errors import DomainError, NotFoundError
from accord.users import selectors
from accord.users.models import User
from accord.users.services import token_create, token_revoke
from accord.users.sessions import (
    session_mark_exempt,
    session_mark_verified,
    setup_key,
    setup_key_clear,
    user_password_change,
)
from accord.users.two_factor import (
    recovery_codes_regenerate,
    totp_qr_svg,
    totp_secret_text,
    totp_uri,
    two_factor_disable,
    two_factor_enrol,
    two_factor_status,
)
from accord.web.forms.account import (
    CodeForm,
    DisableTwoFactorForm,
    PasswordChangeForm,
    TokenCreateForm,
)
from accord.web.forms.errors import DomainForm, apply_domain_error
from accord.web.views.base import AuthedRequest

ACCOUNT = "account/index.html"
ENROL = "account/two_factor_enrol.html"
RECOVERY_CODES = "account/recovery_codes.html"
PASSWORD = "account/password.html"  # noqa: S105 (a template name)
TOKEN_CREATED = "account/token_created.html"  # noqa: S105 (a template name)

T = TypeVar("T")


def run(form: DomainForm, call: Callable[[dict[str, Any]], T]) -> T | None:
    """Validate `form` and call one service; a refusal shows on the field it names."""
    if not form.is_valid():
        return None
    try:
        return call(form.cleaned_data)
    except DomainError as exc:
        apply_domain_error(form, exc, summary=not exc.fields)
        return None


def totp_setup_context(user: User, key: str) -> dict[str, Any]:
    """The QR code (inline SVG) and the typed secret of an app being set up."""
    return {"qr_svg": mark_safe(totp_qr_svg(totp_uri(user, key))), "secret": totp_secret_text(key)}  # noqa: S308 (segno's own markup)


def account_context(user: User, **forms: DomainForm) -> dict[str, Any]:
    return {
        "two_factor": two_factor_status(user),
        "tokens": list(selectors.api_tokens_list(viewer=user)),
        "disable_form": forms.get("disable_form") or DisableTwoFactorForm(),
        "token_form": forms.get("token_form") or TokenCreateForm(),
    }


@login_required
@require_GET
def account(request: AuthedRequest) -> HttpResponse:
    return render(request, ACCOUNT, account_context(request.user))


# ---------------------------------------------------------------- two-factor authentication


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_enrol_view(request: AuthedRequest) -> HttpResponse:
    key = setup_key(request)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound:
        enrolled = run(form, lambda data: two_factor_enrol(actor=request.user, key=key, code=data["code"]))  # fmt: skip
        if enrolled is not None:
            device, codes = enrolled
            setup_key_clear(request)
            session_mark_verified(request, device)
            return render(request, RECOVERY_CODES, {"codes": codes, "enrolled": True})
    context = {"form": form, **totp_setup_context(request.user, key)}
    return render(request, ENROL, context)


@login_required
@never_cache
@require_POST
def recovery_codes_view(request: AuthedRequest) -> HttpResponse:
    try:
        codes = recovery_codes_regenerate(actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("web:account")
    return render(request, RECOVERY_CODES, {"codes": codes, "enrolled": False})


@login_required
@require_POST
def two_factor_disable_view(request: AuthedRequest) -> HttpResponse:
    form = DisableTwoFactorForm(request.POST)
    turned_off = run(form, lambda data: two_factor_disable(
        actor=request.user, password=data["password"]) or True)  # fmt: skip
    if not turned_off:
        context = account_context(request.user, disable_form=form)
        return render(request, ACCOUNT, context, status=400)
    session_mark_exempt(request)
    messages.success(request, _("Two-factor authentication is off."))
    return redirect("web:account")


# ---------------------------------------------------------------- password


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: AuthedRequest) -> HttpResponse:
    """A new password ends every other session of the user; this one stays signed in."""
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)
    if form.is_bound:
        changed = run(form, lambda data: user_password_change(
            actor=request.user, old_password=data["old_password"],
            new_password=data["new_password1"]) or True)  # fmt: skip
        if changed:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password is changed."))
            return redirect("web:account")
    return render(request, PASSWORD, {"form": form}, status=400 if form.is_bound else 200)


# ---------------------------------------------------------------- API tokens


@login_required
@never_cache
@require_POST
def api_token_create(request: AuthedRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST)
    made = run(form, lambda data: token_create(actor=request.user, username=request.user.username, name=data["name"]))  # fmt: skip
    if made is None:
        return render(request, ACCOUNT, account_context(request.user, token_form=form), status=400)
    token, raw = made
    return render(request, TOKEN_CREATED, {"token": token, "raw": raw})


@login_required
@require_POST
def api_token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        token = selectors.api_token_get(viewer=request.user, pk=pk)
    except NotFoundError:
        raise Http404 from None
    token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("web:account")
