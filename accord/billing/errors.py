"""Errors of billing."""

from __future__ import annotations

from accord.core.errors import ConflictError, DomainError


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


class PaymentRefusedError(DomainError):
    """A payment or its allocation breaks a money rule (overpaying, another counterparty's
    invoice, a draft, a currency mismatch...); `fields` says which input, nothing is written."""

    def __init__(self, message: str, *, field: str = "allocations") -> None:
        super().__init__("payment_refused", message, fields={field: [message]})


class PaymentStatusError(ConflictError):
    """The payment is already cancelled."""

    def __init__(self, message: str) -> None:
        super().__init__("payment_status", message)
