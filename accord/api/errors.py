"""The one place where anything that goes wrong in an API call becomes a JSON error body.

Every error answers `{"code": str, "detail": str, "fields": {name: [message, ...]}}`, plus the
`extra` keys of a domain error (such as `duplicates` on a 409). `install_error_handlers`
registers the mapping on a NinjaAPI; `json_not_found` and `json_method_not_allowed` cover
the answers that Django or ninja give before any handler runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from django.core import signals
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from accord.core.audit import log_refusal
from accord.core.errors import DomainError, PermissionDeniedError

logger = logging.getLogger(__name__)
E = TypeVar("E", bound=Exception)

# Machine codes for errors that carry only an HTTP status (ninja's HttpError and friends).
STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "throttled",
}
NOT_FOUND_DETAIL = "Not found."
BODY_NOT_OBJECT = "Send a JSON object in the request body."
AUTHENTICATE = (
    "Authentication required: send `Authorization: Bearer <token>`, or sign in to the web app."
)


class ErrorOut(Schema):
    """The body of every error answer."""

    code: str
    detail: str
    fields: dict[str, list[str]]


class DuplicateOut(Schema):
    id: int
    name: str
    inn: str
    reasons: list[str]
    strong: bool


class DuplicatesErrorOut(ErrorOut):
    """A 409 `duplicates`: likely duplicates that the caller may confirm with allow_duplicates."""

    duplicates: list[DuplicateOut]


class MalformedJsonError(ValueError):
    """The request body is not a JSON document (raised by `accord.api.parser`)."""


def error_responses(*statuses: int) -> dict[int, type[Schema]]:
    """OpenAPI `response=` entries for the error statuses an operation may answer."""
    return {status: DuplicatesErrorOut if status == 409 else ErrorOut for status in statuses}


def error_response(
    status: int,
    code: str,
    detail: str,
    fields: dict[str, list[str]] | None = None,
    extra: dict[str, Any] | None = None,
) -> JsonResponse:
    body: dict[str, Any] = {"code": code, "detail": detail, "fields": fields or {}}
    body.update({k: v for k, v in (extra or {}).items() if k not in body})
    response = JsonResponse(body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _record_refusal(request: HttpRequest, exc: Exception) -> None:
    """Every 403 of the API leaves an `access.refused` audit event (404s leave none)."""
    actor = getattr(request, "auth", None) or getattr(request, "user", None)
    log_refusal(actor=actor, method=request.method or "", path=request.path, refused=exc)


def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, PermissionDeniedError):
        _record_refusal(request, exc)
    return error_response(exc.status, exc.code, exc.message, exc.fields, exc.extra)


def _field_key(loc: Iterable[Any]) -> str:
    return ".".join(str(part) for part in loc)


def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """Schema problems: 400 with messages per (dotted) field; a bad path id is a 404."""
    fields: dict[str, list[str]] = {}
    general: list[str] = []
    for error in exc.errors:
        source, *rest = error.get("loc") or ("body",)
        if source == "path":
            return error_response(404, "not_found", NOT_FOUND_DETAIL)
        if source == "body":
            rest = rest[1:]  # drop the name of the operation's body parameter
        if rest:
            fields.setdefault(_field_key(rest), []).append(str(error.get("msg", "")))
        else:
            general.append(BODY_NOT_OBJECT if source == "body" else str(error.get("msg", "")))
    detail = " ".join(dict.fromkeys(general)) or "Some fields are not valid."
    return error_response(400, "invalid", detail, fields)


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, MalformedJsonError):
        return error_response(400, "malformed_json", str(exc.__cause__))
    if exc.status_code == 400 and exc.__cause__ is not None:
        # ninja could not parse the body for a reason of its own.
        return error_response(400, "malformed_json", "The request body is not valid JSON.")
    if exc.status_code == 403:
        _record_refusal(request, exc)
    code = STATUS_CODES.get(exc.status_code, "error")
    detail = str(exc)
    if isinstance(exc, AuthenticationError) and detail == AuthenticationError().message:
        detail = AUTHENTICATE  # ninja's bare "Unauthorized": no credentials were sent
    return error_response(exc.status_code, code, detail)


def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(404, "not_found", NOT_FOUND_DETAIL)


def _permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    _record_refusal(request, exc)
    return error_response(403, "forbidden", str(exc) or "You do not have permission to do this.")


def _suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    if isinstance(exc, RequestDataTooBig):
        return error_response(413, "too_large", "The request body is too large.")
    return error_response(400, "bad_request", "The request was refused.")


def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug: log it as Django would (and let test clients re-raise it), answer JSON 500."""
    logger.error("Internal Server Error: %s", request.path, exc_info=exc)
    signals.got_request_exception.send(sender=None, request=request)
    return error_response(500, "server_error", "An unexpected error occurred.")


def _register(
    api: NinjaAPI, exc_class: type[E], handler: Callable[[HttpRequest, E], HttpResponse]
) -> None:
    # ninja types a handler as taking the exception or its class; it is only ever given
    # the exception.
    api.add_exception_handler(exc_class, handler)  # type: ignore[arg-type]


def install_error_handlers(api: NinjaAPI) -> None:
    """Map every exception an API call may raise to the JSON error body."""
    _register(api, DomainError, _domain_error)
    _register(api, NinjaValidationError, _validation_error)
    _register(api, HttpError, _http_error)
    _register(api, Http404, _not_found)
    _register(api, PermissionDenied, _permission_denied)
    _register(api, SuspiciousOperation, _suspicious)
    _register(api, Exception, _unexpected)


@csrf_exempt
def json_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any URL under the API that names no endpoint."""
    return error_response(404, "not_found", NOT_FOUND_DETAIL)


def json_method_not_allowed(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Wrap a ninja view so that its plain-text 405 answer becomes the JSON error body."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code != 405:
            return response
        allowed = response.get("Allow", "")
        detail = f"Use one of: {allowed}." if allowed else "This method is not allowed here."
        json_response = error_response(405, "method_not_allowed", detail)
        json_response["Allow"] = allowed
        return json_response

    return wrapper
