"""Reads of shipments: the list, one shipment with its lines, an order's shipments and what
each order line has left to ship. Every function takes the viewer first (visibility).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, Sum

from accord.core.errors import DomainError, NotFoundError
from accord.core.pagination import capped_count, keyset_page
from accord.directory.identifiers import name_key
from accord.sales.document_selectors import DOCUMENT_SORTS, LINE_RELATED, DocumentList
from accord.sales.models import Order, Shipment, ShipmentLine, ShipmentStatus

SHIPMENT_FILTERS = ("responsible", "counterparty", "order")
LIST_RELATED = ("counterparty", "responsible", "order")
CARD_RELATED = (*LIST_RELATED, "warehouse", "created_by", "updated_by")


def _condition(query: str, status: str, kind: str, filters: dict[str, Any] | None) -> Q:
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
    if kind:
        condition &= Q(kind=kind)
    for name in SHIPMENT_FILTERS:
        value: Any = (filters or {}).get(name)
        if value in (None, ""):
            continue
        try:
            condition &= Q(**{f"{name}_id": int(value)})
        except (TypeError, ValueError):
            raise DomainError("invalid_filter", f"Filter {name} takes an id.",
                              fields={name: ["Give an id."]}) from None  # fmt: skip
    return condition


def shipments_filtered(
    *, viewer: Any, query: str = "", status: str = "", kind: str = "", filters: Any = None
) -> QuerySet[Shipment]:
    """Shipments the viewer sees that match the search and filters."""
    rows: QuerySet[Shipment] = Shipment.objects.visible_to(viewer)
    return rows.filter(_condition(query, status, kind, filters)).select_related(*LIST_RELATED)


def shipments_list(
    *, viewer: Any, query: str = "", status: str = "", kind: str = "", filters: Any = None,
    sort: str = "-date", cursor: str | None = None, size: int = 50,
) -> DocumentList:  # fmt: skip
    if sort not in DOCUMENT_SORTS:
        raise DomainError("invalid_sort", f"Sort by one of: {', '.join(DOCUMENT_SORTS)}.",
                          fields={"sort": ["Unknown sort."]})  # fmt: skip
    qs = shipments_filtered(viewer=viewer, query=query, status=status, kind=kind, filters=filters)
    page = keyset_page(qs, order=DOCUMENT_SORTS[sort], cursor=cursor, size=size)
    return DocumentList(page=page, count=capped_count(qs))


def shipment_get(*, viewer: Any, pk: Any) -> Shipment:
    """One shipment with its lines; a hidden one is as missing as an unknown id."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError from None
    lines = Prefetch("lines", queryset=ShipmentLine.objects.select_related(*LINE_RELATED))
    row = (
        Shipment.objects.visible_to(viewer)
        .select_related(*CARD_RELATED)
        .prefetch_related(lines)
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise NotFoundError
    return row


def shipped_quantities(order: Order, *, exclude: Any = None) -> dict[int, Decimal]:
    """Quantity shipped per order line id, on the order's posted shipments only."""
    rows = ShipmentLine.objects.filter(
        shipment__order=order, shipment__status=ShipmentStatus.SHIPPED, order_line__isnull=False
    )
    if exclude is not None:
        rows = rows.exclude(shipment=exclude)
    totals = rows.values("order_line_id").annotate(shipped=Sum("quantity"))
    return {row["order_line_id"]: row["shipped"] for row in totals}


def order_remainders(order: Order, *, exclude: Any = None) -> dict[int, Decimal]:
    """What each order line has left to ship (never below zero), by order line id."""
    shipped = shipped_quantities(order, exclude=exclude)
    return {
        line.pk: max(line.quantity - shipped.get(line.pk, Decimal(0)), Decimal(0))
        for line in order.lines.all()
    }


def order_shipments(*, viewer: Any, order: Order, limit: int = 50) -> list[Shipment]:
    """The order's shipments that the viewer sees, newest first."""
    rows = Shipment.objects.visible_to(viewer).filter(order=order)
    return list(rows.order_by("-date", "-id")[:limit])
