"""Writes of shipments: create from an order, change a draft, post, cancel. Each service
checks permission, validates, writes in one transaction with its audit record; a refusal
writes nothing (a taken number rolls back too).

Only posted shipments count against what an order has left to ship. Posting the shipment
that ships the last of an order marks the order shipped; cancelling a posted shipment of a
shipped order puts the order's status back.

Stock is not decreased here on purpose: warehouse balances are 1C's (catalog.Stock mirrors
what 1C sends, and 1C posts its own "Реализация" when the shipment is exchanged), so a
local decrease would count the shipment twice at the next stock import.
TODO(exchange): once shipments go to 1C, decide whether Accord keeps a provisional balance.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.catalog.models import VAT_RATES
from accord.core.audit import diff, log_action, snapshot
from accord.core.errors import ConflictError, NotFoundError
from accord.sales.document_services import LINE_AUDITED
from accord.sales.lines import document_totals, line_amounts
from accord.sales.models import (
    ORDER,
    SHIPMENT,
    Order,
    OrderStatus,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
)
from accord.sales.numbering import next_number
from accord.sales.shipment_selectors import order_remainders
from accord.sales.shipment_validation import (
    ShipLine,
    clean_shipment_header,
    clean_shipment_lines,
    default_kind,
)
from accord.users.access import require

AUDITED = (
    "kind", "number", "date", "status", "counterparty_id", "order_id", "warehouse_id",
    "responsible_id", "currency", "vat_included", "notes", "amount", "vat_amount", "total",
)  # fmt: skip
# The order statuses a shipment may not complete or reopen: already closed by hand.
ORDER_CLOSED = {OrderStatus.COMPLETED, OrderStatus.CANCELLED}


def _state(shipment: Shipment) -> dict[str, Any]:
    lines = [snapshot(line, ("order_line_id", *LINE_AUDITED)) for line in shipment.lines.all()]
    return {**snapshot(shipment, AUDITED), "lines": lines}


def _locked_order(actor: Any, pk: Any) -> Order:
    row = Order.objects.visible_to(actor).select_for_update(of=("self",)).filter(pk=pk).first()
    if row is None:
        raise NotFoundError
    return row


def _locked(actor: Any, shipment: Shipment) -> Shipment:
    row = (
        Shipment.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .filter(pk=shipment.pk)
        .first()
    )
    if row is None:
        raise NotFoundError
    return row


def _order_lines(order: Order) -> list[Any]:
    return list(order.lines.select_related("product").order_by("position", "id"))


def _write_lines(shipment: Shipment, lines: list[ShipLine]) -> None:
    """Replace the shipment's lines (priced as on the order) and set its totals."""
    ShipmentLine.objects.filter(shipment=shipment).delete()
    rows, sums = [], []
    for position, item in enumerate(lines, start=1):
        src = item.order_line
        amounts = line_amounts(
            quantity=item.quantity, price=src.price, discount_percent=src.discount_percent,
            vat_rate=VAT_RATES[src.vat_rate], vat_included=shipment.vat_included,
        )  # fmt: skip
        sums.append(amounts)
        rows.append(ShipmentLine(
            shipment=shipment, order_line=src, position=position, product_id=src.product_id,
            variant_id=src.variant_id, quantity=item.quantity, unit_id=src.unit_id,
            price=src.price, discount_percent=src.discount_percent, vat_rate=src.vat_rate,
            amount=amounts.amount, vat_amount=amounts.vat_amount, total=amounts.total,
        ))  # fmt: skip
    ShipmentLine.objects.bulk_create(rows)
    totals = document_totals(sums)
    shipment.amount, shipment.vat_amount = totals.amount, totals.vat_amount
    shipment.total = totals.total
    shipment.save(update_fields=["amount", "vat_amount", "total"])


def _refuse_closed(order: Order) -> None:
    if order.status == OrderStatus.CANCELLED:
        raise ConflictError("order_cancelled", _("A cancelled order cannot be shipped."))
    if order.status == OrderStatus.COMPLETED:
        raise ConflictError("order_completed", _("A completed order cannot be shipped."))


def _set_order_status(actor: Any, order: Order, status: str, shipment: Shipment) -> None:
    old = order.status
    order.status, order.updated_at, order.updated_by = status, timezone.now(), actor
    order.save(update_fields=["status", "updated_at", "updated_by"])
    log_action(actor=actor, action="sales.order.status_changed", obj=order,
               changes={"status": [old, status], "shipment": shipment.number})  # fmt: skip


@transaction.atomic
def shipment_create_from_order(
    *, actor: Any, order: Order, lines: Any = None, data: Mapping[str, Any] | None = None
) -> Shipment:
    """A draft shipment of the order: by default everything it has left to ship, else the
    given `lines` ([{"order_line_id", "quantity"}]); `data` may set kind, date, warehouse
    and notes. Refused for a cancelled, completed or fully shipped order."""
    require(actor, "add", SHIPMENT)
    row = _locked_order(actor, order.pk)
    _refuse_closed(row)
    remainders = order_remainders(row)
    if not any(remainders.values()):
        raise ConflictError("order_fully_shipped", _("Everything on this order is shipped."))
    order_lines = _order_lines(row)
    items = clean_shipment_lines(lines, order_lines=order_lines, remainders=remainders)
    header = clean_shipment_header(data or {}, default=default_kind([i.order_line for i in items]))
    shipment = Shipment.objects.create(
        **header, number=next_number(f"shipment_{header['kind']}"), order=row,
        counterparty_id=row.counterparty_id, responsible_id=row.responsible_id or actor.pk,
        currency=row.currency, vat_included=row.vat_included, created_by=actor, updated_by=actor,
    )  # fmt: skip
    _write_lines(shipment, items)
    log_action(actor=actor, action="sales.shipment.created", obj=shipment,
               changes={**_state(shipment), "from_order": row.number})  # fmt: skip
    return shipment


@transaction.atomic
def shipment_update(*, actor: Any, shipment: Shipment, data: Mapping[str, Any]) -> Shipment:
    """Change a draft: kind, date, warehouse, notes and, when given, the lines."""
    require(actor, "change", SHIPMENT)
    row = _locked(actor, shipment)
    if row.status != ShipmentStatus.DRAFT:
        raise ConflictError("shipment_closed", _("Only a draft shipment can be changed."))
    before = _state(row)
    header = clean_shipment_header(data, default=row.kind, instance=row)
    items = None
    if "lines" in data and row.order_id is not None:
        order = _locked_order(actor, row.order_id)
        items = clean_shipment_lines(data["lines"], order_lines=_order_lines(order),
                                     remainders=order_remainders(order))  # fmt: skip
    for name, value in header.items():
        setattr(row, name, value)
    row.save()
    if items is not None:
        _write_lines(row, items)
    changes = diff(before, _state(row))
    if changes:
        row.updated_at, row.updated_by = timezone.now(), actor
        row.save(update_fields=["updated_at", "updated_by"])
        log_action(actor=actor, action="sales.shipment.updated", obj=row, changes=changes)
    return row


def _check_still_fits(row: Shipment, order: Order) -> dict[int, Any]:
    """What the order has left once this shipment is posted; refused if it no longer fits
    (another shipment was posted since this draft was made)."""
    left = order_remainders(order)
    for line in row.lines.all():
        if line.order_line_id is None:
            continue
        if line.quantity > left.get(line.order_line_id, 0):
            raise ConflictError(
                "exceeds_remainder",
                _("Line %(n)d ships more than the order has left to ship.") % {"n": line.position},
            )
        left[line.order_line_id] -= line.quantity
    return left


@transaction.atomic
def shipment_post(*, actor: Any, shipment: Shipment) -> Shipment:
    """Draft -> shipped; the order becomes shipped when nothing is left to ship on it."""
    require(actor, "change", SHIPMENT)
    row = _locked(actor, shipment)
    if row.status != ShipmentStatus.DRAFT:
        raise ConflictError("shipment_not_draft", _("Only a draft shipment can be posted."))
    order = None
    if row.order_id is not None:
        require(actor, "change", ORDER)
        order = _locked_order(actor, row.order_id)
        _refuse_closed(order)
        left = _check_still_fits(row, order)
    row.status, row.updated_at, row.updated_by = ShipmentStatus.SHIPPED, timezone.now(), actor
    if order is not None and not any(left.values()) and order.status != OrderStatus.SHIPPED:
        row.order_status_before = order.status
        _set_order_status(actor, order, OrderStatus.SHIPPED, row)
    row.save(update_fields=["status", "updated_at", "updated_by", "order_status_before"])
    log_action(actor=actor, action="sales.shipment.posted", obj=row,
               changes={"status": [ShipmentStatus.DRAFT, row.status]})  # fmt: skip
    return row


@transaction.atomic
def shipment_cancel(*, actor: Any, shipment: Shipment) -> Shipment:
    """Cancel a draft or take a posted shipment back; a shipped order goes back to the
    status it had before (in progress when unknown). Refused once the order is completed."""
    require(actor, "change", SHIPMENT)
    row = _locked(actor, shipment)
    if row.status == ShipmentStatus.CANCELLED:
        raise ConflictError("shipment_cancelled", _("This shipment is already cancelled."))
    old = row.status
    if old == ShipmentStatus.SHIPPED and row.order_id is not None:
        require(actor, "change", ORDER)
        order = _locked_order(actor, row.order_id)
        if order.status in ORDER_CLOSED:
            raise ConflictError(
                "order_closed",
                _("The order is completed or cancelled: its shipments cannot be taken back."),
            )
        if order.status == OrderStatus.SHIPPED:
            back = row.order_status_before or OrderStatus.IN_PROGRESS
            _set_order_status(actor, order, back, row)
    row.status, row.updated_at, row.updated_by = ShipmentStatus.CANCELLED, timezone.now(), actor
    row.save(update_fields=["status", "updated_at", "updated_by"])
    log_action(actor=actor, action="sales.shipment.cancelled", obj=row,
               changes={"status": [old, row.status]})  # fmt: skip
    return row
