"""Reads of quotes and orders. Every function takes the viewer first and filters by
visibility; a list page costs a fixed number of queries whatever its size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from accord.core.errors import DomainError, NotFoundError
from accord.core.pagination import CappedCount, Page, capped_count, keyset_page
from accord.directory.identifiers import name_key
from accord.sales.models import Deal, Order, OrderLine, Quote, QuoteLine

DOCUMENT_SORTS: dict[str, tuple[str, ...]] = {
    "-date": ("-date", "-id"),
    "date": ("date", "id"),
    "-total": ("-total", "-id"),
    "total": ("total", "id"),
}
DOCUMENT_FILTERS = ("responsible", "counterparty", "deal")
LIST_RELATED = ("counterparty", "responsible", "deal")
CARD_RELATED = (*LIST_RELATED, "contact_person", "price_type", "created_by", "updated_by")
LINE_RELATED = ("product", "variant", "unit")


@dataclass(frozen=True)
class DocumentList:
    page: Page[Any]
    count: CappedCount


def _condition(query: str, status: str, filters: dict[str, Any] | None) -> Q:
    condition = Q()
    query = query.strip()
    if query:
        found = Q(number__icontains=query)
        key = name_key(query)
        if key:
            found |= Q(counterparty__name_key__contains=key)
        condition &= found
    if status:
        condition &= Q(status=status)
    for name in DOCUMENT_FILTERS:
        value: Any = (filters or {}).get(name)
        if value in (None, ""):
            continue
        try:
            condition &= Q(**{f"{name}_id": int(value)})
        except (TypeError, ValueError):
            raise DomainError("invalid_filter", f"Filter {name} takes an id.",
                              fields={name: ["Give an id."]}) from None  # fmt: skip
    return condition


def documents_filtered(
    model: Any, *, viewer: Any, query: str = "", status: str = "", filters: Any = None
) -> QuerySet[Any]:
    """Quotes or orders the viewer sees that match the search and filters."""
    rows: QuerySet[Any] = model.objects.visible_to(viewer)
    return rows.filter(_condition(query, status, filters)).select_related(*LIST_RELATED)


def documents_list(
    model: Any, *, viewer: Any, query: str = "", status: str = "", filters: Any = None,
    sort: str = "-date", cursor: str | None = None, size: int = 50,
) -> DocumentList:  # fmt: skip
    if sort not in DOCUMENT_SORTS:
        raise DomainError("invalid_sort", f"Sort by one of: {', '.join(DOCUMENT_SORTS)}.",
                          fields={"sort": ["Unknown sort."]})  # fmt: skip
    qs = documents_filtered(model, viewer=viewer, query=query, status=status, filters=filters)
    page = keyset_page(qs, order=DOCUMENT_SORTS[sort], cursor=cursor, size=size)
    return DocumentList(page=page, count=capped_count(qs))


def _get(model: Any, line_model: Any, viewer: Any, pk: Any) -> Any:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError from None
    lines = Prefetch("lines", queryset=line_model.objects.select_related(*LINE_RELATED))
    row = (
        model.objects.visible_to(viewer)
        .select_related(*CARD_RELATED)
        .prefetch_related(lines)
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise NotFoundError
    return row


def quote_get(*, viewer: Any, pk: Any) -> Quote:
    """One quote with its lines; a hidden one is as missing as an unknown id."""
    quote: Quote = _get(Quote, QuoteLine, viewer, pk)
    return quote


def order_get(*, viewer: Any, pk: Any) -> Order:
    """One order with its lines; a hidden one is as missing as an unknown id."""
    order: Order = _get(Order, OrderLine, viewer, pk)
    return order


def quote_order(*, viewer: Any, quote: Quote) -> Order | None:
    """The order made from `quote`, if the viewer sees it."""
    return Order.objects.visible_to(viewer).filter(quote=quote).first()


def deal_documents(*, viewer: Any, deal: Deal, limit: int = 20) -> dict[str, list[Any]]:
    """The quotes and orders of a deal that the viewer sees, newest first."""
    return {
        "quotes": list(Quote.objects.visible_to(viewer).filter(deal=deal)
                       .order_by("-date", "-id")[:limit]),
        "orders": list(Order.objects.visible_to(viewer).filter(deal=deal)
                       .order_by("-date", "-id")[:limit]),
    }  # fmt: skip
