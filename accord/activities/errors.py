"""Errors of the activities app; each is a DomainError the web and the API already map."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accord.core.errors import ConflictError


class StatusMoveError(ConflictError):
    """The status change is not allowed from the current status, or not for this user."""

    def __init__(self, message: str = "") -> None:
        super().__init__("status_move", message or _("This status change is not allowed now."))
