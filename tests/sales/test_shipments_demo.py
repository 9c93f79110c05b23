"""`accord demo` shipments: one posted shipment per shipped or completed order, equal to the
order, deterministic, nothing left to ship on them, and numbering the services continue."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from accord.sales.models import Order, Shipment
from accord.sales.shipment_selectors import order_remainders
from tests.factories import ProductFactory, order_for, shipment_for

pytestmark = pytest.mark.django_db
COUNT = 300


def run_demo(*args: str, **options) -> None:
    call_command("demo", *args, stdout=StringIO(), **options)


def shipment_rows() -> list[tuple]:
    return list(Shipment.objects.order_by("id").values_list("number", "order__number", "total"))


def test_shipped_orders_have_one_posted_shipment_and_reset_is_deterministic(pipeline, manager):
    run_demo(count=COUNT, seed=5)
    shipped = Order.objects.filter(status__in=("shipped", "completed"))
    shipments = list(Shipment.objects.select_related("order"))
    assert shipments
    assert {s.order_id for s in shipments} == set(shipped.values_list("pk", flat=True))
    assert all(s.status == "shipped" and s.total == s.order.total for s in shipments)
    assert all(s.responsible_id == s.order.responsible_id for s in shipments)
    for shipment in shipments[:20]:
        assert not any(order_remainders(shipment.order).values())
    first = shipment_rows()
    run_demo("--reset", count=COUNT, seed=5)
    assert shipment_rows() == first

    last = Shipment.objects.filter(kind="goods").order_by("-number").first()
    line = {"product_id": ProductFactory().pk, "quantity": "1", "price": "1"}
    made = shipment_for(manager, order=order_for(manager, lines=[line]))
    assert int(made.number.split("-")[1]) == int(last.number.split("-")[1]) + 1
