"""Shipments for demo data: every shipped or completed order (they come from won deals) gets
one posted shipment of all its lines, a waybill when anything on it is goods, else an act.

Deterministic (no randomness: it follows the orders). Written in bulk, bypassing the
services like the rest of the demo; the lines copy the order's, so the money agrees with it.
The number counters are set to the last numbers so later shipments continue the sequence.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection, transaction

from accord.catalog.models import ProductKind
from accord.sales.models import (
    DocumentCounter,
    Order,
    OrderLine,
    OrderStatus,
    Shipment,
    ShipmentKind,
    ShipmentLine,
    ShipmentStatus,
)
from accord.sales.numbering import PREFIXES, WIDTH

INSERT_BATCH = 1000
SHIPPED_ORDERS = (OrderStatus.SHIPPED, OrderStatus.COMPLETED)
LINE_FIELDS = ("position", "product_id", "variant_id", "quantity", "unit_id", "price",
               "discount_percent", "vat_rate", "amount", "vat_amount", "total")  # fmt: skip


def _shipment(order: Order, kind: str, n: int) -> Shipment:
    return Shipment(
        kind=kind, number=f"{PREFIXES[f'shipment_{kind}']}-{n:0{WIDTH}d}", date=order.date,
        status=ShipmentStatus.SHIPPED, counterparty_id=order.counterparty_id, order_id=order.pk,
        responsible_id=order.responsible_id, currency=order.currency,
        vat_included=order.vat_included, order_status_before=OrderStatus.IN_PROGRESS,
        amount=order.amount, vat_amount=order.vat_amount, total=order.total,
        created_at=order.created_at, updated_at=order.updated_at,
    )  # fmt: skip


def shipments_generate(
    *, batch_size: int = 2000, after_batch: Callable[[], None] | None = None
) -> int:
    """Write one posted shipment per shipped or completed order; answer how many."""
    ids = list(Order.objects.filter(status__in=SHIPPED_ORDERS).order_by("date", "pk")
               .values_list("pk", flat=True))  # fmt: skip
    counters: dict[str, int] = {ShipmentKind.GOODS: 0, ShipmentKind.SERVICES: 0}
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            _write(ids[start : start + batch_size], counters)
        if after_batch is not None:
            after_batch()
    for kind, last in counters.items():
        if last:
            DocumentCounter.objects.update_or_create(kind=f"shipment_{kind}",
                                                     defaults={"value": last})  # fmt: skip
    return sum(counters.values())


def _write(ids: list[int], counters: dict[str, int]) -> None:
    orders = Order.objects.in_bulk(ids)
    lines: dict[int, list[OrderLine]] = {}
    rows = OrderLine.objects.filter(order_id__in=ids).select_related("product")
    for line in rows.order_by("order_id", "position", "pk"):
        lines.setdefault(line.order_id, []).append(line)
    made = []
    for pk in ids:
        if pk not in lines:
            continue
        goods = any(line.product.kind == ProductKind.GOODS for line in lines[pk])
        kind = ShipmentKind.GOODS if goods else ShipmentKind.SERVICES
        counters[kind] += 1
        made.append((_shipment(orders[pk], kind, counters[kind]), lines[pk]))
    Shipment.objects.bulk_create([s for s, _l in made], batch_size=INSERT_BATCH)
    ShipmentLine.objects.bulk_create(
        [ShipmentLine(shipment_id=shipment.pk, order_line_id=line.pk,
                      **{f: getattr(line, f) for f in LINE_FIELDS})
         for shipment, order_lines in made for line in order_lines],
        batch_size=INSERT_BATCH,
    )  # fmt: skip


def shipments_wipe() -> None:
    """Delete every shipment with its lines and counters (they point at orders: go first)."""
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        for model in (ShipmentLine, Shipment):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
    DocumentCounter.objects.filter(kind__startswith="shipment_").delete()
