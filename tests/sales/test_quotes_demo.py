"""`accord demo` quotes and orders: on advanced deals, totals equal to their lines, orders
for won deals only, deterministic, and numbering that the services continue."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum

from accord.sales.models import Order, Quote, StageKind
from tests.factories import ProductFactory, order_for

pytestmark = pytest.mark.django_db
COUNT = 300


def run_demo(*args: str, **options) -> None:
    call_command("demo", *args, stdout=StringIO(), **options)


def document_rows() -> list[tuple]:
    return list(
        Quote.objects.order_by("id").values_list("number", "deal__title", "total", "status")
    )


def test_quotes_and_orders_follow_the_deals(pipeline):
    run_demo(count=COUNT, seed=5)
    quotes = list(Quote.objects.select_related("deal__stage"))
    assert quotes
    assert all(q.deal.stage.probability >= 50 for q in quotes)
    assert all(q.deal.stage.kind != StageKind.LOST for q in quotes)
    assert all(q.responsible_id == q.deal.responsible_id for q in quotes)
    for quote in quotes[:30]:
        sums = quote.lines.aggregate(total=Sum("total"), vat=Sum("vat_amount"))
        assert (sums["total"], sums["vat"]) == (quote.total, quote.vat_amount)
    orders = list(Order.objects.select_related("deal__stage", "quote"))
    assert orders
    assert all(o.deal.stage.kind == StageKind.WON for o in orders)
    assert all(o.quote.status == "accepted" and o.total == o.quote.total for o in orders)
    assert all(o.lines.count() == o.quote.lines.count() for o in orders[:30])


def test_same_seed_same_documents_and_numbering_continues(pipeline, manager):
    run_demo(count=COUNT, seed=8)
    first = document_rows()
    run_demo("--reset", count=COUNT, seed=8)
    assert document_rows() == first
    last = Order.objects.order_by("-number").values_list("number", flat=True).first()
    line = {"product_id": ProductFactory().pk, "quantity": "1", "price": "1"}
    made = order_for(manager, lines=[line])
    assert int(made.number.split("-")[1]) == int(last.split("-")[1]) + 1
