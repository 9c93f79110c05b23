"""The HTTP endpoint 1C calls (`/exchange/1c/`, `/bitrix/admin/1c_exchange.php`).

A thin view: it reads the request into an `ExchangeRequest`, lets `commands.handle` decide,
and writes the `Reply` as it is. CSRF-exempt: 1C is not a browser, it authenticates with
HTTP Basic at `checkauth` and then with the session cookie and `sessid` the endpoint gave it
in the body of that reply (a browser never holds them).
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from accord.exchange.node_services import SESSION_COOKIE
from accord.exchange.protocols import commands, replies
from accord.exchange.protocols.commands import ExchangeRequest

logger = logging.getLogger(__name__)

SMALL_FORM = 64 * 1024  # a form body we parse for `sessid`; uploads are never parsed
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _params(request: HttpRequest, mode: str) -> dict[str, str]:
    """Query parameters, plus form fields of a small POST (some emulators POST everything).

    The body of `mode=file` is the file itself: it is streamed, never parsed (1C's POST
    carries no content type, and urllib-based tools send a form type with XML inside).
    """
    params = {key: request.GET.get(key, "") for key in request.GET}
    if request.method != "POST" or mode == "file":
        return params
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if 0 < length <= SMALL_FORM and request.content_type in FORM_TYPES:
        for key in request.POST:
            params.setdefault(key, request.POST.get(key, ""))
    return params


def exchange_request(request: HttpRequest) -> ExchangeRequest:
    """The protocol's view of an HTTP request."""
    mode = request.GET.get("mode", "").strip().lower()
    params = _params(request, mode)
    meta = request.META
    sessid = params.get("sessid") or meta.get("HTTP_X_BITRIX_CSRF_TOKEN") or None
    return ExchangeRequest(
        kind=params.get("type", "").strip().lower(),
        mode=params.get("mode", mode).strip().lower(),
        params=params,
        cookie=request.COOKIES.get(SESSION_COOKIE, ""),
        sessid=sessid,
        # Behind Apache with CGI/FPM the header only survives as REDIRECT_HTTP_AUTHORIZATION.
        authorization=meta.get("HTTP_AUTHORIZATION")
        or meta.get("REDIRECT_HTTP_AUTHORIZATION")
        or "",
        client_ip=meta.get("REMOTE_ADDR") or "",
        read=request.read,
    )


def render(reply: replies.Reply) -> HttpResponse:
    response = HttpResponse(reply.body, content_type=reply.content_type, status=reply.status)
    for name, value in reply.headers.items():
        response[name] = value
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
def exchange(request: HttpRequest) -> HttpResponse:
    """Every call of 1C, GET or POST, whatever its `type` and `mode`."""
    call = exchange_request(request)
    try:
        reply = commands.handle(call)
    except Exception:
        # 1C shows line 2 to its user; the traceback stays in Accord's log.
        logger.exception("1C exchange: %s.%s failed", call.kind, call.mode)
        reply = replies.failure(replies.INTERNAL_ERROR)
    return render(reply)
