"""The one error type of the domain.

Services raise `DomainError` (or a subclass) for anything a user did wrong; the web layer
turns it into a form error and the API into a JSON body, each in exactly one place.
"""

from __future__ import annotations


class DomainError(Exception):
    """A refused action, with a stable machine code and a message for people.

    `fields` maps a field name to its messages, for errors that belong to one input.
    `status` is the HTTP status the API answers with (400 bad input, 409 conflict).
    """

    status = 400

    def __init__(
        self,
        code: str,
        message: str,
        *,
        fields: dict[str, list[str]] | None = None,
        extra: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.extra = extra or {}


class ValidationFailedError(DomainError):
    """One or more fields are wrong; nothing was written."""

    def __init__(self, fields: dict[str, list[str]], message: str = "") -> None:
        super().__init__("invalid", message or "Some fields are not valid.", fields=fields)


class ConflictError(DomainError):
    """The action collides with existing data (a duplicate, a stale version)."""

    status = 409


class PermissionDeniedError(DomainError):
    """The actor may not do this. Reads of invisible rows answer 404 instead (no oracle)."""

    status = 403

    def __init__(self, message: str = "You do not have permission to do this.") -> None:
        super().__init__("forbidden", message)


class NotFoundError(DomainError):
    """The object does not exist or the actor may not see it; the two are never told apart."""

    status = 404

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__("not_found", message)
