"""Reads of billing. Every invoice read takes the viewer first and filters by visibility."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from accord.billing.models import AWAITING_PAYMENT, Invoice, InvoiceStatus, OwnCompany
from accord.core.errors import DomainError, NotFoundError
from accord.core.pagination import CappedCount, Page, capped_count, keyset_page
from accord.directory.identifiers import name_key

# Sort names offered to users -> keyset order (the last key is unique).
INVOICE_SORTS: dict[str, tuple[str, ...]] = {
    "-date": ("-date", "-id"),
    "date": ("date", "id"),
    "-total": ("-total", "-id"),
    "total": ("total", "id"),
}
INVOICE_FILTERS = ("status", "counterparty", "responsible", "deal", "overdue")


@dataclass(frozen=True)
class InvoiceList:
    page: Page[Invoice]
    count: CappedCount


def _filter_error(name: str, message: str) -> DomainError:
    return DomainError("invalid_filter", message, fields={name: [message]})


def _condition(filters: dict[str, Any], today: Any) -> Q:
    condition = Q()
    status = filters.get("status")
    if status not in (None, ""):
        if status not in InvoiceStatus.values:
            raise _filter_error("status", f"Status is one of: {', '.join(InvoiceStatus.values)}.")
        condition &= Q(status=status)
    for name in ("counterparty", "responsible", "deal"):
        value: Any = filters.get(name)
        if value not in (None, ""):
            try:
                condition &= Q(**{f"{name}_id": int(value)})
            except (TypeError, ValueError):
                raise _filter_error(name, f"Filter {name} takes an id.") from None
    if filters.get("overdue") in (True, "1", "true", "on"):
        condition &= Q(status__in=AWAITING_PAYMENT, due_date__lt=today)
    return condition


def invoices_filtered(
    *, viewer: Any, query: str = "", filters: dict[str, Any] | None = None, today: Any = None
) -> QuerySet[Invoice]:
    """Invoices the viewer sees matching `query` (number or counterparty) and `filters`."""
    condition = _condition(filters or {}, today or timezone.localdate())
    query = query.strip()
    if query.isdigit():
        condition &= Q(number=int(query)) | Q(counterparty__name_key__contains=query)
    elif query:
        condition &= Q(counterparty__name_key__contains=name_key(query))
    return (
        Invoice.objects.visible_to(viewer)
        .filter(condition)
        .select_related("counterparty", "responsible", "own_company")
    )


def invoices_list(
    *,
    viewer: Any,
    query: str = "",
    filters: dict[str, Any] | None = None,
    sort: str = "-date",
    cursor: str | None = None,
    size: int = 50,
) -> InvoiceList:
    if sort not in INVOICE_SORTS:
        raise _filter_error("sort", f"Sort by one of: {', '.join(INVOICE_SORTS)}.")
    qs = invoices_filtered(viewer=viewer, query=query, filters=filters)
    page = keyset_page(qs, order=INVOICE_SORTS[sort], cursor=cursor, size=size)
    return InvoiceList(page=page, count=capped_count(qs))


def invoice_get(*, viewer: Any, pk: Any) -> Invoice:
    """One invoice the viewer may see with its lines; a hidden one is as missing as none."""
    try:
        return (
            Invoice.objects.visible_to(viewer)
            .select_related("counterparty", "contact_person", "deal", "responsible", "own_company")
            .prefetch_related("lines", "own_company__bank_accounts", "counterparty__bank_accounts")
            .get(pk=int(pk))
        )
    except (TypeError, ValueError, OverflowError, Invoice.DoesNotExist):
        raise NotFoundError from None


def own_companies() -> list[OwnCompany]:
    return list(OwnCompany.objects.prefetch_related("bank_accounts"))


def own_company_get(*, pk: Any) -> OwnCompany:
    try:
        return OwnCompany.objects.prefetch_related("bank_accounts").get(pk=int(pk))
    except (TypeError, ValueError, OverflowError, OwnCompany.DoesNotExist):
        raise NotFoundError from None
