"""/api/v1/quotes and /api/v1/orders: list, get with lines, create, patch, order from a quote,
status moves; hidden documents answer 404 and refusals write nothing."""

from __future__ import annotations

import pytest

from accord.core.models import AuditEvent
from accord.sales.models import DocumentCounter, Order, OrderLine, Quote, QuoteLine
from tests.conftest import rows_of
from tests.factories import (
    DealFactory,
    PriceTypeFactory,
    ProductFactory,
    order_for,
    priced_product,
    quote_for,
)

pytestmark = pytest.mark.django_db
TABLES = (Quote, QuoteLine, Order, OrderLine, DocumentCounter, AuditEvent)


def test_create_quote_then_order_then_status(api, manager):
    deal = DealFactory(responsible=manager)
    price_type = PriceTypeFactory()
    product = priced_product("250.00", price_type=price_type, vat_rate="20")
    created = api.post("/api/v1/quotes", {
        "deal_id": deal.pk, "price_type_id": price_type.pk, "vat_included": False,
        "lines": [{"product_id": product.pk, "quantity": "4"},
                  {"product_id": ProductFactory().pk, "quantity": 1, "price": "10.00",
                   "vat_rate": "none"}],
    })  # fmt: skip
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["counterparty_id"] == deal.counterparty_id
    assert body["status"] == "draft"
    assert [line["total"] for line in body["lines"]] == ["1200.00", "10.00"]
    assert (body["amount"], body["vat_amount"], body["total"]) == ("1010.00", "200.00", "1210.00")

    patched = api.patch(f"/api/v1/quotes/{body['id']}", {"notes": "Срок 5 дней"})
    assert patched.status_code == 200
    assert patched.json()["notes"] == "Срок 5 дней"

    ordered = api.post(f"/api/v1/quotes/{body['id']}/order", {})
    assert ordered.status_code == 201, ordered.json()
    order = ordered.json()
    assert order["quote_id"] == body["id"]
    assert order["total"] == "1210.00"
    assert api.get(f"/api/v1/quotes/{body['id']}").json()["status"] == "accepted"
    again = api.post(f"/api/v1/quotes/{body['id']}/order", {})
    assert again.status_code == 409

    moved = api.post(f"/api/v1/orders/{order['id']}/status", {"status": "confirmed"})
    assert moved.status_code == 200
    assert moved.json()["status"] == "confirmed"
    jump = api.post(f"/api/v1/orders/{order['id']}/status", {"status": "completed"})
    assert jump.status_code == 409


def test_order_create_and_patch_lines(api, manager):
    deal = DealFactory(responsible=manager)
    product = ProductFactory(vat_rate="10")
    created = api.post("/api/v1/orders", {
        "deal_id": deal.pk, "lines": [{"product_id": product.pk, "quantity": "2", "price": "55"}],
    })  # fmt: skip
    assert created.status_code == 201, created.json()
    order_id = created.json()["id"]
    patched = api.patch(f"/api/v1/orders/{order_id}", {
        "lines": [{"product_id": product.pk, "quantity": "1", "price": "11", "discount_percent": "50"}],
    })  # fmt: skip
    assert patched.status_code == 200
    assert patched.json()["total"] == "5.50"
    assert len(patched.json()["lines"]) == 1


@pytest.mark.parametrize(
    ("line", "status"),
    [
        ({"quantity": "0", "price": "1"}, 400),
        ({"quantity": "1", "price": "-1"}, 400),
        ({"quantity": "1", "price": "1", "discount_percent": "101"}, 400),
        ({"quantity": "1"}, 400),
    ],
)
def test_bad_lines_are_refused(api, manager, line, status):
    deal = DealFactory(responsible=manager)
    before = rows_of(TABLES)
    answer = api.post(
        "/api/v1/quotes",
        {"deal_id": deal.pk, "lines": [{"product_id": ProductFactory().pk, **line}]},
    )
    assert answer.status_code == status
    assert answer.json()["code"]
    assert rows_of(TABLES) == before


def test_missing_rate_is_refused(api, manager):
    deal = DealFactory(responsible=manager)
    before = rows_of(TABLES)
    line = {"product_id": ProductFactory().pk, "quantity": "1", "price": "1"}
    answer = api.post("/api/v1/orders", {"deal_id": deal.pk, "currency": "CNY", "lines": [line]})
    assert answer.status_code == 400
    assert answer.json()["code"] == "no_rate"
    assert rows_of(TABLES) == before


def test_hidden_documents_are_404(api, other_manager):
    quote, order = quote_for(other_manager), order_for(other_manager)
    before = rows_of(TABLES)
    assert api.get(f"/api/v1/quotes/{quote.pk}").status_code == 404
    assert api.get(f"/api/v1/orders/{order.pk}").status_code == 404
    assert api.patch(f"/api/v1/quotes/{quote.pk}", {"notes": "x"}).status_code == 404
    assert api.post(f"/api/v1/quotes/{quote.pk}/order", {}).status_code == 404
    assert api.post(f"/api/v1/orders/{order.pk}/status", {"status": "cancelled"}).status_code == 404
    assert rows_of(TABLES) == before
    assert api.get("/api/v1/quotes").json()["count"] == 0


def test_lists_page_filter_and_keep_a_query_budget(api, manager, other_manager,
                                                  django_assert_max_num_queries):  # fmt: skip
    deal = DealFactory(responsible=manager)
    for _i in range(5):
        quote_for(manager, deal=deal)
        order_for(manager)
    quote_for(other_manager)
    with django_assert_max_num_queries(10):
        first = api.get("/api/v1/quotes", {"limit": 3}).json()
    second = api.get("/api/v1/quotes", {"limit": 3, "cursor": first["next_cursor"]}).json()
    assert first["count"] == 5
    assert len(first["items"]) == 3
    assert len(second["items"]) == 2
    assert second["next_cursor"] is None
    assert api.get("/api/v1/quotes", {"deal": deal.pk}).json()["count"] == 5
    assert api.get("/api/v1/orders", {"status": "new"}).json()["count"] == 5
    assert api.get("/api/v1/orders", {"status": "shipped"}).json()["count"] == 0
    lines = [{"product_id": ProductFactory().pk, "quantity": "1", "price": "5"} for _i in range(9)]
    big = order_for(manager, lines=lines)
    with django_assert_max_num_queries(10):
        detail = api.get(f"/api/v1/orders/{big.pk}")
    assert len(detail.json()["lines"]) == 9
