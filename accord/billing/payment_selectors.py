"""Reads of payments and expected payments; each takes the viewer first and filters by
visibility (payments by their responsible manager, plan rows by their invoice's)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accord.billing.models import (
    AWAITING_PAYMENT,
    ExpectedPayment,
    Invoice,
    Payment,
    PaymentStatus,
)
from accord.core.errors import DomainError, NotFoundError

PAYMENT_SORTS: dict[str, tuple[str, ...]] = {
    "-date": ("-date", "-id"),
    "date": ("date", "id"),
    "-amount": ("-amount", "-id"),
}
PAYMENT_FILTERS = ("counterparty", "status", "invoice")


def payments_filtered(*, viewer: Any, filters: dict[str, Any] | None = None) -> QuerySet[Payment]:
    """Payments the viewer sees; filters: counterparty, status, invoice (allocated to)."""
    condition = Q()
    for name, value in (filters or {}).items():
        if value in (None, "") or name not in PAYMENT_FILTERS:
            continue
        if name == "status":
            if value not in PaymentStatus.values:
                raise DomainError("invalid_filter", "Unknown status.", fields={name: ["Unknown."]})
            condition &= Q(status=value)
            continue
        try:
            key = "allocations__invoice_id" if name == "invoice" else f"{name}_id"
            condition &= Q(**{key: int(value)})
        except (TypeError, ValueError):
            message = f"Filter {name} takes an id."
            raise DomainError("invalid_filter", message, fields={name: [message]}) from None
    return (
        Payment.objects.visible_to(viewer)
        .filter(condition)
        .select_related("counterparty", "responsible")
    )


def payment_get(*, viewer: Any, pk: Any) -> Payment:
    """One payment the viewer sees with its allocations; a hidden one is as missing as none."""
    try:
        return (
            Payment.objects.visible_to(viewer)
            .select_related("counterparty", "responsible", "own_company")
            .prefetch_related("allocations__invoice")
            .get(pk=int(pk))
        )
    except (TypeError, ValueError, OverflowError, Payment.DoesNotExist):
        raise NotFoundError from None


def expected_payments_filtered(*, viewer: Any, invoice: Any = None) -> QuerySet[ExpectedPayment]:
    rows = ExpectedPayment.objects.visible_to(viewer).select_related("invoice")
    if invoice not in (None, ""):
        try:
            rows = rows.filter(invoice_id=int(invoice))
        except (TypeError, ValueError):
            message = "Filter invoice takes an id."
            raise DomainError("invalid_filter", message, fields={"invoice": [message]}) from None
    return rows


def expected_payment_get(*, viewer: Any, pk: Any) -> ExpectedPayment:
    try:
        return expected_payments_filtered(viewer=viewer).get(pk=int(pk))
    except (TypeError, ValueError, OverflowError, ExpectedPayment.DoesNotExist):
        raise NotFoundError from None


def invoice_payments(*, viewer: Any, invoice: Invoice) -> dict[str, list[Any]]:
    """What the invoice card shows: its plan rows and the allocations of visible payments."""
    allocations = (
        invoice.allocations.filter(payment__in=Payment.objects.visible_to(viewer))
        .select_related("payment")
        .order_by("payment__date", "id")
    )
    return {
        "expected": list(invoice.expected_payments.order_by("due_date", "id")),
        "allocations": list(allocations),
    }


def open_invoices(*, viewer: Any, counterparty_id: int) -> list[Invoice]:
    """The counterparty's issued, unpaid invoices the viewer sees, for the payment form."""
    rows = Invoice.objects.visible_to(viewer).filter(
        counterparty_id=counterparty_id, status__in=AWAITING_PAYMENT
    )
    return list(rows.order_by("due_date", "date", "id")[:100])
