"""Shipment services: the remainder arithmetic of partial shipments, the order's status
following full shipment and cancel, drafts only changed, and every refusal writing nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accord.core.errors import ConflictError, NotFoundError, ValidationFailedError
from accord.core.models import AuditEvent
from accord.sales.document_services import order_set_status
from accord.sales.models import (
    DocumentCounter,
    Order,
    OrderLine,
    Shipment,
    ShipmentLine,
)
from accord.sales.shipment_selectors import order_remainders, shipments_list
from accord.sales.shipment_services import (
    shipment_cancel,
    shipment_create_from_order,
    shipment_post,
    shipment_update,
)
from tests.conftest import rows_of
from tests.factories import ProductFactory, WarehouseFactory, order_for, shipment_for

pytestmark = pytest.mark.django_db
TABLES = (Order, OrderLine, Shipment, ShipmentLine, DocumentCounter, AuditEvent)


def _two_line_order(owner):
    return order_for(owner, lines=[
        {"product_id": ProductFactory(vat_rate="20").pk, "quantity": "10", "price": "120"},
        {"product_id": ProductFactory(kind="service").pk, "quantity": "1", "price": "500"},
    ])  # fmt: skip


def _ship(owner, order, quantities):
    lines = [{"order_line_id": line.pk, "quantity": q}
             for line, q in zip(order.lines.all(), quantities, strict=True) if q]  # fmt: skip
    return shipment_post(actor=owner, shipment=shipment_for(owner, order=order, lines=lines))


def test_default_shipment_is_the_whole_order_priced_as_on_it(manager):
    order = _two_line_order(manager)
    shipment = shipment_for(manager, order=order)
    assert shipment.number.startswith("РН-")
    assert shipment.kind == "goods"
    assert shipment.status == "draft"
    assert shipment.counterparty_id == order.counterparty_id
    assert shipment.responsible_id == manager.pk
    assert [(ln.quantity, ln.price) for ln in shipment.lines.all()] == [
        (Decimal("10"), Decimal("120.00")), (Decimal("1"), Decimal("500.00")),
    ]  # fmt: skip
    assert (shipment.amount, shipment.vat_amount, shipment.total) == (
        order.amount, order.vat_amount, order.total,
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="sales.shipment.created").count() == 1


def test_services_only_order_gets_an_act(manager):
    order = order_for(manager, lines=[
        {"product_id": ProductFactory(kind="service").pk, "quantity": "2", "price": "50"},
    ])  # fmt: skip
    assert shipment_for(manager, order=order).number.startswith("АКТ-")


def test_two_partial_shipments_then_third_refused(manager):
    order = _two_line_order(manager)
    first = _ship(manager, order, ["4", "1"])
    assert first.total == Decimal("980.00")
    assert list(order_remainders(order).values()) == [Decimal("6"), Decimal("0")]
    order.refresh_from_db()
    assert order.status == "new"  # not fully shipped yet
    second = shipment_for(manager, order=order)  # the default is the remainder
    assert [ln.quantity for ln in second.lines.all()] == [Decimal("6")]
    shipment_post(actor=manager, shipment=second)
    order.refresh_from_db()
    assert order.status == "shipped"
    before = rows_of(TABLES)
    with pytest.raises(ConflictError) as exc:
        shipment_for(manager, order=order)
    assert exc.value.code == "order_fully_shipped"
    assert rows_of(TABLES) == before


def test_more_than_remains_is_refused_and_writes_nothing(manager):
    order = _two_line_order(manager)
    _ship(manager, order, ["8", None])
    line = order.lines.first()
    before = rows_of(TABLES)
    with pytest.raises(ValidationFailedError) as exc:
        shipment_for(manager, order=order, lines=[{"order_line_id": line.pk, "quantity": "3"}])
    assert "lines.0.quantity" in exc.value.fields
    assert rows_of(TABLES) == before


@pytest.mark.parametrize("raw", [
    [{"order_line_id": 0, "quantity": "1"}],
    [{"quantity": "1"}],
    [],
    "nope",
])  # fmt: skip
def test_bad_lines_refused(manager, raw):
    order = _two_line_order(manager)
    before = rows_of(TABLES)
    with pytest.raises(ValidationFailedError):
        shipment_for(manager, order=order, lines=raw)
    assert rows_of(TABLES) == before


def test_zero_and_duplicate_quantities_refused(manager):
    order = _two_line_order(manager)
    line = order.lines.first()
    before = rows_of(TABLES)
    for lines in (
        [{"order_line_id": line.pk, "quantity": "0"}],
        [{"order_line_id": line.pk, "quantity": "1"}, {"order_line_id": line.pk, "quantity": "1"}],
    ):
        with pytest.raises(ValidationFailedError):
            shipment_for(manager, order=order, lines=lines)
    assert rows_of(TABLES) == before


def test_cancelled_order_refused(manager):
    order = _two_line_order(manager)
    order_set_status(actor=manager, order=order, status="cancelled")
    before = rows_of(TABLES)
    with pytest.raises(ConflictError) as exc:
        shipment_for(manager, order=order)
    assert exc.value.code == "order_cancelled"
    assert rows_of(TABLES) == before


def test_another_managers_order_is_not_found(manager, other_manager):
    order = _two_line_order(other_manager)
    before = rows_of(TABLES)
    with pytest.raises(NotFoundError):
        shipment_create_from_order(actor=manager, order=order)
    assert rows_of(TABLES) == before


def test_cancel_posted_shipment_puts_order_status_back(manager):
    order = _two_line_order(manager)
    order_set_status(actor=manager, order=order, status="confirmed")
    shipment = _ship(manager, order, ["10", "1"])
    order.refresh_from_db()
    assert order.status == "shipped"
    shipment_cancel(actor=manager, shipment=shipment)
    order.refresh_from_db()
    shipment.refresh_from_db()
    assert (order.status, shipment.status) == ("confirmed", "cancelled")
    assert list(order_remainders(order).values()) == [Decimal("10"), Decimal("1")]
    assert AuditEvent.objects.filter(action="sales.shipment.cancelled").exists()


def test_cancel_refused_when_order_completed_or_already_cancelled(manager):
    order = _two_line_order(manager)
    shipment = _ship(manager, order, ["10", "1"])
    order_set_status(actor=manager, order=order, status="completed")
    dropped = shipment_cancel(actor=manager, shipment=shipment_for(manager))
    before = rows_of(TABLES)
    with pytest.raises(ConflictError) as exc:
        shipment_cancel(actor=manager, shipment=shipment)
    assert exc.value.code == "order_closed"
    with pytest.raises(ConflictError):
        shipment_cancel(actor=manager, shipment=dropped)
    assert rows_of(TABLES) == before


def test_post_refused_when_a_later_post_took_the_remainder(manager):
    order = _two_line_order(manager)
    early, late = shipment_for(manager, order=order), shipment_for(manager, order=order)
    shipment_post(actor=manager, shipment=late)
    before = rows_of(TABLES)
    with pytest.raises(ConflictError) as exc:
        shipment_post(actor=manager, shipment=early)
    assert exc.value.code == "exceeds_remainder"
    assert rows_of(TABLES) == before
    with pytest.raises(ConflictError):
        shipment_post(actor=manager, shipment=late)  # already posted
    assert rows_of(TABLES) == before


def test_update_draft_only(manager):
    order = _two_line_order(manager)
    shipment = shipment_for(manager, order=order)
    line = order.lines.first()
    warehouse = WarehouseFactory()
    shipment_update(actor=manager, shipment=shipment, data={
        "notes": "Самовывоз", "warehouse_id": warehouse.pk,
        "lines": [{"order_line_id": line.pk, "quantity": "2"}],
    })  # fmt: skip
    shipment.refresh_from_db()
    assert (shipment.notes, shipment.warehouse_id, shipment.total) == (
        "Самовывоз", warehouse.pk, Decimal("240.00"),
    )  # fmt: skip
    shipment_post(actor=manager, shipment=shipment)
    before = rows_of(TABLES)
    with pytest.raises(ConflictError):
        shipment_update(actor=manager, shipment=shipment, data={"notes": "x"})
    assert rows_of(TABLES) == before
    draft = shipment_for(manager)
    before = rows_of(TABLES)
    with pytest.raises(ValidationFailedError):
        shipment_update(actor=manager, shipment=draft, data={"kind": "bad", "lines": []})
    assert rows_of(TABLES) == before


def test_list_is_by_visibility(manager, other_manager, admin_user):
    mine = shipment_for(manager)
    shipment_for(other_manager)
    assert [s.pk for s in shipments_list(viewer=manager).page.items] == [mine.pk]
    assert len(shipments_list(viewer=admin_user).page.items) == 2
