"""Order services: standalone and from a deal, from a quote in one action, updates and the
status flow, with every refusal writing nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accord.core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailedError,
)
from accord.core.models import AuditEvent
from accord.sales.document_services import (
    order_create,
    order_from_quote,
    order_set_status,
    order_update,
    quote_set_status,
)
from accord.sales.models import DocumentCounter, Order, OrderLine, Quote, QuoteLine
from tests.conftest import rows_of
from tests.factories import CounterpartyFactory, ProductFactory, UserFactory, order_for, quote_for

pytestmark = pytest.mark.django_db
TABLES = (Quote, QuoteLine, Order, OrderLine, DocumentCounter, AuditEvent)


def test_standalone_order(manager):
    cp = CounterpartyFactory(responsible=manager)
    line = {"product_id": ProductFactory(vat_rate="20").pk, "quantity": "1.5", "price": "200"}
    order = order_create(actor=manager, data={"counterparty_id": cp.pk, "lines": [line]})
    assert order.number.startswith("ЗК-")
    assert order.status == "new"
    assert order.deal is None
    assert (order.amount, order.vat_amount, order.total) == (
        Decimal("300.00"), Decimal("50.00"), Decimal("300.00"),
    )  # fmt: skip


def test_order_from_quote_copies_lines_and_accepts_quote(manager):
    quote = quote_for(manager, lines=[
        {"product_id": ProductFactory().pk, "quantity": "2", "price": "150"},
        {"product_id": ProductFactory().pk, "quantity": "1", "price": "10", "discount_percent": "5"},
    ])  # fmt: skip
    order = order_from_quote(actor=manager, quote=quote)
    quote.refresh_from_db()
    assert quote.status == "accepted"
    assert order.quote == quote
    assert order.deal_id == quote.deal_id
    assert order.total == quote.total == Decimal("309.50")
    copied = [(ln.product_id, ln.quantity, ln.price, ln.total) for ln in order.lines.all()]
    source = [(ln.product_id, ln.quantity, ln.price, ln.total) for ln in quote.lines.all()]
    assert copied == source
    assert AuditEvent.objects.filter(action="sales.order.created", object_id=str(order.pk)).exists()


def _refused(call, error):
    before = rows_of(TABLES)
    with pytest.raises(error):
        call()
    assert rows_of(TABLES) == before


def test_second_order_from_the_same_quote_is_refused(manager):
    quote = quote_for(manager)
    order_from_quote(actor=manager, quote=quote)
    _refused(lambda: order_from_quote(actor=manager, quote=quote), ConflictError)


@pytest.mark.parametrize("status", ["rejected", "expired"])
def test_closed_quote_cannot_become_an_order(manager, status):
    quote = quote_for(manager)
    quote_set_status(actor=manager, quote=quote, status=status)
    _refused(lambda: order_from_quote(actor=manager, quote=quote), ConflictError)


def test_another_managers_quote_cannot_become_my_order(manager, other_manager):
    quote = quote_for(other_manager)
    _refused(lambda: order_from_quote(actor=manager, quote=quote), NotFoundError)


def test_read_only_role_cannot_create(manager):
    viewer = UserFactory(roles=["director"])
    cp = CounterpartyFactory(responsible=manager)
    line = {"product_id": ProductFactory().pk, "quantity": "1", "price": "1"}
    _refused(
        lambda: order_create(actor=viewer, data={"counterparty_id": cp.pk, "lines": [line]}),
        PermissionDeniedError,
    )


def test_status_flow_and_closed_order_is_frozen(manager):
    order = order_for(manager)
    for status in ("confirmed", "in_progress", "shipped"):
        order = order_set_status(actor=manager, order=order, status=status)
    assert order.status == "shipped"
    _refused(lambda: order_update(actor=manager, order=order, data={"notes": "x"}), ConflictError)
    _refused(lambda: order_set_status(actor=manager, order=order, status="new"), ConflictError)
    order = order_set_status(actor=manager, order=order, status="completed")
    _refused(
        lambda: order_set_status(actor=manager, order=order, status="cancelled"), ConflictError
    )


def test_new_order_cannot_jump_to_shipped(manager):
    order = order_for(manager)
    _refused(lambda: order_set_status(actor=manager, order=order, status="shipped"), ConflictError)


def test_order_update_replaces_lines(manager):
    order = order_for(manager)
    product = ProductFactory(vat_rate="10")
    line = {"product_id": product.pk, "quantity": "4", "price": "25", "vat_rate": "none"}
    order = order_update(actor=manager, order=order, data={"lines": [line, line]})
    assert order.lines.count() == 2
    assert order.total == Decimal("200.00")
    assert order.vat_amount == Decimal("0.00")


def test_bad_update_writes_nothing(manager):
    order = order_for(manager)
    line = {"product_id": ProductFactory().pk, "quantity": "-4", "price": "25"}
    _refused(
        lambda: order_update(actor=manager, order=order, data={"lines": [line]}),
        ValidationFailedError,
    )
