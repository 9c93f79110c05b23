"""Errors of billing."""

from __future__ import annotations

from accord.core.errors import ConflictError


class InvoiceNotEditableError(ConflictError):
    """An issued or cancelled invoice is immutable: a correction is a new invoice."""

    def __init__(self, message: str) -> None:
        super().__init__("invoice_not_editable", message)


class InvoiceStatusError(ConflictError):
    """The invoice is not in a status that allows this step (issue a cancelled one, ...)."""

    def __init__(self, message: str) -> None:
        super().__init__("invoice_status", message)


class InvoiceNotReadyError(ConflictError):
    """The invoice cannot be issued yet: no bank account of the issuer, or nothing to pay."""

    def __init__(self, message: str) -> None:
        super().__init__("invoice_not_ready", message)
