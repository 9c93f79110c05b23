"""What every web view shares: the signed-in request type, 404 for hidden rows, htmx answers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_htmx.http import HttpResponseClientRedirect

from accord.core.errors import NotFoundError
from accord.directory import selectors
from accord.directory.models import ContactPerson, Counterparty
from accord.users.access import can

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from accord.users.models import User

COUNTERPARTY = "directory.counterparty"


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
