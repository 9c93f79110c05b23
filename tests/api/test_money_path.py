"""The money path through the API only, as a manager: deal -> quote with two lines -> order ->
invoice -> issue -> partial payment -> balance and ageing to the kopeck -> the rest -> paid."""

from __future__ import annotations

import pytest

from tests.factories import CounterpartyFactory, ProductFactory, own_company, sales_pipeline

pytestmark = pytest.mark.django_db


def receivables(api, counterparty_id: int, as_of: str) -> dict:
    response = api.get("/api/v1/receivables", {"counterparty": counterparty_id, "as_of": as_of})
    assert response.status_code == 200, response.json()
    return response.json()


def test_money_path(api, manager):
    own_company()
    sales_pipeline()
    client = CounterpartyFactory(responsible=manager)
    goods, service = ProductFactory(vat_rate="20"), ProductFactory(vat_rate="none")

    deal = api.post("/api/v1/deals", {"title": "Поставка", "counterparty_id": client.pk})
    assert deal.status_code == 201, deal.json()
    quote = api.post("/api/v1/quotes", {"deal_id": deal.json()["id"], "lines": [
        {"product_id": goods.pk, "quantity": "3", "price": "1000.00"},
        {"product_id": service.pk, "quantity": "2", "price": "333.33", "vat_rate": "none"},
    ]})  # fmt: skip
    assert quote.status_code == 201, quote.json()
    order = api.post(f"/api/v1/quotes/{quote.json()['id']}/order", {})
    assert order.status_code == 201, order.json()

    # The goods leave: one shipment of the whole order, posted; the order is then shipped.
    order_id = order.json()["id"]
    shipment = api.post("/api/v1/shipments", {"order_id": order_id})
    assert shipment.status_code == 201, shipment.json()
    assert shipment.json()["total"] == "3666.66"
    posted = api.post(f"/api/v1/shipments/{shipment.json()['id']}/post", {})
    assert posted.status_code == 200, posted.json()
    assert api.get(f"/api/v1/orders/{order_id}").json()["status"] == "shipped"
    # Shipping is not billing: nothing is owed until an invoice is issued.
    assert receivables(api, client.pk, "2026-01-20")["total"]["debt"] == "0.00"

    invoice = api.post(f"/api/v1/orders/{order.json()['id']}/invoice", {})
    assert invoice.status_code == 201, invoice.json()
    invoice_id = invoice.json()["id"]
    assert invoice.json()["total"] == "3666.66"
    assert len(invoice.json()["lines"]) == 2
    # Dated in the past, so that the ageing below is seen from fixed days.
    patched = api.patch(f"/api/v1/invoices/{invoice_id}",
                        {"date": "2026-01-10", "due_date": "2026-01-20"})  # fmt: skip
    assert patched.status_code == 200, patched.json()
    issued = api.post(f"/api/v1/invoices/{invoice_id}/issue", {})
    assert issued.json()["status"] == "issued"
    plan = api.get("/api/v1/expected-payments", {"invoice": invoice_id}).json()
    assert [(r["due_date"], r["amount"]) for r in plan["items"]] == [("2026-01-20", "3666.66")]

    partial = api.post("/api/v1/payments", {
        "counterparty_id": client.pk, "amount": "1000.01", "number": "п/п 15",
        "allocations": [{"invoice_id": invoice_id, "amount": "1000.01"}],
    })  # fmt: skip
    assert partial.status_code == 201, partial.json()
    invoice_now = api.get(f"/api/v1/invoices/{invoice_id}").json()
    assert (invoice_now["status"], invoice_now["paid_amount"]) == ("partly_paid", "1000.01")

    on_due_day = receivables(api, client.pk, "2026-01-20")
    row = on_due_day["items"][0]
    assert (row["invoiced"], row["paid"], row["debt"], row["overdue"], row["advance"]) == (
        "3666.66", "1000.01", "2666.65", "0.00", "0.00",
    )  # fmt: skip
    assert row["buckets"]["not_due"] == "2666.65"
    assert receivables(api, client.pk, "2026-02-19")["items"][0]["buckets"]["d1_30"] == "2666.65"
    assert receivables(api, client.pk, "2026-02-20")["items"][0]["buckets"]["d31_60"] == "2666.65"
    late = receivables(api, client.pk, "2026-04-21")
    assert late["items"][0]["buckets"] == {
        "not_due": "0.00", "d1_30": "0.00", "d31_60": "0.00", "d61_90": "0.00",
        "d90_plus": "2666.65",
    }  # fmt: skip
    assert late["total"]["overdue"] == "2666.65"

    rest = api.post("/api/v1/payments", {"counterparty_id": client.pk, "amount": "2666.65"})
    assert rest.status_code == 201, rest.json()
    assert rest.json()["allocations"] == [{"invoice_id": invoice_id, "amount": "2666.65"}]
    assert api.get(f"/api/v1/invoices/{invoice_id}").json()["status"] == "paid"
    final = receivables(api, client.pk, "2026-04-21")["items"][0]
    assert (final["debt"], final["overdue"], final["advance"]) == ("0.00", "0.00", "0.00")
