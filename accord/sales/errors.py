"""Errors of sales."""

from __future__ import annotations

from accord.core.errors import ConflictError, ValidationFailedError


class LostReasonRequiredError(ValidationFailedError):
    """A deal moves to a lost stage without a reason; the board asks for one."""

    def __init__(self, message: str) -> None:
        super().__init__({"lost_reason_id": [message]}, message)
        self.code = "lost_reason_required"


class StageInUseError(ConflictError):
    """A stage still holds deals (or their history) and cannot be deleted."""

    def __init__(self, message: str) -> None:
        super().__init__("stage_in_use", message)
