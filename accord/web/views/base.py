"""What every web view shares: the signed-in request type, 404 for hidden rows, htmx answers,
and the audit record of every refusal (403).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from accord.core.audit import AccessRefusedError, log_refusal
from accord.core.errors import DomainError, NotFoundError, PermissionDeniedError
from accord.directory import selectors
from accord.directory.models import ContactPerson, Counterparty
from accord.users.access import can
from accord.web.forms.errors import MESSAGES

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from accord.users.models import User

COUNTERPARTY = "directory.counterparty"
logger = logging.getLogger(__name__)


class AuthedRequest(HttpRequest):
    """A request behind `login_required`: the user is ours and htmx details are attached."""

    user: User
    htmx: HtmxDetails


def is_fragment(request: HttpRequest) -> bool:
    """True when htmx asks for a piece of a page (not for a whole page to restore history)."""
    htmx: Any = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def go(request: HttpRequest, url: str) -> HttpResponse:
    """Send the browser to `url`: a full navigation even when htmx made the request."""
    if is_fragment(request):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The `next` address the request asks to go back to, if it is on this site; else
    `fallback` (an address from a form must never send people elsewhere)."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return wanted
    return fallback


def error_detail(exc: DomainError) -> str:
    """What to tell a person of a refused action: its first field message, else its own."""
    for field_messages in exc.fields.values():
        return str(field_messages[0])
    return str(MESSAGES.get(exc.code, exc.message))


def act(request: HttpRequest, call: Callable[[], Any], *, done: str, back: str) -> HttpResponse:
    """Run the service call of a card's button, say how it went and go to `back`.

    A refusal for lack of permission is not a message: it propagates as the 403 it is.
    """
    try:
        call()
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, error_detail(exc))
    else:
        messages.success(request, done)
    return go(request, back)


def counterparty_or_404(request: AuthedRequest, pk: int) -> Counterparty:
    """A counterparty the user may see; hidden and missing ones are the same 404."""
    try:
        return selectors.counterparty_get(viewer=request.user, pk=pk)
    except NotFoundError:
        raise Http404 from None


def contact_person_or_404(request: AuthedRequest, pk: int) -> ContactPerson:
    try:
        return selectors.contact_person_get(viewer=request.user, pk=pk)
    except NotFoundError:
        raise Http404 from None


def counterparty_perms(user: User) -> dict[str, bool]:
    """Which counterparty actions the user has, for showing or hiding buttons."""
    return {action: can(user, action, COUNTERPARTY) for action in ("add", "change", "delete")}


def admin_page(object_type: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., Any]]:
    """Guard an administrative page: without "view" on `object_type`, 403 (and audited).

    Administrative pages are no secret, so a refusal says so, unlike a hidden row. A
    selector's NotFoundError inside the page is a plain 404.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., Any]:
        @login_required
        @wraps(view)
        def wrapper(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not can(request.user, "view", object_type):
                raise AccessRefusedError("view", object_type)
            try:
                return view(request, *args, **kwargs)
            except NotFoundError:
                raise Http404 from None

        return wrapper

    return decorate


class RefusedAccessMiddleware:
    """The one place where a web view's refusal (403) is written to the audit trail.

    A view refuses with Django's PermissionDenied, or lets a service's PermissionDeniedError
    through; either way the request ends in the 403 page and an `access.refused` event.
    Not-found answers (404) are not recorded. Listed after UserLanguageMiddleware, which
    attributes the event to the client's IP address.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, PermissionDenied | PermissionDeniedError):
            return None
        try:
            log_refusal(
                actor=getattr(request, "user", None),
                method=request.method or "",
                path=request.path,
                refused=exc,
            )
        except DatabaseError:  # the refusal still answers 403 when the trail cannot be written
            logger.exception("Could not record a refused request to %s", request.path)
        if isinstance(exc, PermissionDeniedError):
            return response_for_exception(request, PermissionDenied(exc.message))
        return None
