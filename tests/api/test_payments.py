"""/api/v1/payments, /api/v1/expected-payments, /api/v1/receivables: list, get, register,
cancel, replace a plan; another manager's rows answer 404; refusals write nothing."""

from __future__ import annotations

import pytest

from accord.billing.models import ExpectedPayment, Invoice, Payment, PaymentAllocation
from accord.core.models import AuditEvent
from tests.conftest import rows_of
from tests.factories import CounterpartyFactory, issued_invoice, order_for, own_company, payment_for

pytestmark = pytest.mark.django_db
TABLES = (Invoice, ExpectedPayment, Payment, PaymentAllocation, AuditEvent)


def test_register_get_list_and_cancel(api, manager):
    invoice = issued_invoice(responsible=manager, price="500.00")
    created = api.post("/api/v1/payments", {
        "counterparty_id": invoice.counterparty_id, "amount": "600.00", "number": "42",
        "allocations": [{"invoice_id": invoice.pk, "amount": "500.00"}],
    })  # fmt: skip
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["allocated_amount"], body["advance"], body["status"]) == (
        "500.00", "100.00", "active",
    )  # fmt: skip
    assert api.get(f"/api/v1/payments/{body['id']}").json()["number"] == "42"
    listed = api.get("/api/v1/payments", {"invoice": invoice.pk}).json()
    assert (listed["count"], listed["items"][0]["id"]) == (1, body["id"])
    cancelled = api.post(f"/api/v1/payments/{body['id']}/cancel", {})
    assert cancelled.json()["status"] == "cancelled"
    assert api.get(f"/api/v1/invoices/{invoice.pk}").json()["status"] == "issued"
    assert api.post(f"/api/v1/payments/{body['id']}/cancel", {}).status_code == 409


def test_refused_payments_write_nothing(api, manager):
    invoice = issued_invoice(responsible=manager, price="100.00")
    before = rows_of(TABLES)
    over = api.post("/api/v1/payments", {
        "counterparty_id": invoice.counterparty_id, "amount": "200.00",
        "allocations": [{"invoice_id": invoice.pk, "amount": "150.00"}],
    })  # fmt: skip
    zero = api.post("/api/v1/payments", {"counterparty_id": invoice.counterparty_id,
                                         "amount": "0"})  # fmt: skip
    assert (over.status_code, over.json()["code"]) == (400, "payment_refused")
    assert "allocations" in over.json()["fields"]
    assert zero.status_code == 400
    assert rows_of(TABLES) == before


def test_another_managers_payment_is_404(api, other_manager):
    invoice = issued_invoice(responsible=other_manager)
    payment = payment_for(invoice, "10.00")
    before = rows_of(TABLES)
    assert api.get(f"/api/v1/payments/{payment.pk}").status_code == 404
    assert api.post(f"/api/v1/payments/{payment.pk}/cancel", {}).status_code == 404
    plan_row = invoice.expected_payments.get()
    assert api.get(f"/api/v1/expected-payments/{plan_row.pk}").status_code == 404
    assert api.get("/api/v1/payments").json()["count"] == 0
    assert api.get("/api/v1/receivables").json()["items"] == []
    assert rows_of(TABLES) == before


def test_replace_the_plan(api, manager):
    invoice = issued_invoice(responsible=manager, price="100.00")
    rows = [{"due_date": "2026-02-01", "amount": "40.00"},
            {"due_date": "2026-03-01", "amount": "60.00"}]  # fmt: skip
    replaced = api._send("put", "/api/v1/expected-payments",
                         {"invoice_id": invoice.pk, "rows": rows})  # fmt: skip
    assert replaced.status_code == 200, replaced.json()
    assert [r["amount"] for r in replaced.json()] == ["40.00", "60.00"]
    before = rows_of(TABLES)
    wrong = api._send("put", "/api/v1/expected-payments",
                      {"invoice_id": invoice.pk, "rows": rows[:1]})  # fmt: skip
    assert wrong.status_code == 400
    assert "rows" in wrong.json()["fields"]
    assert rows_of(TABLES) == before


def test_invoice_from_an_order_and_refusals(api, manager, other_manager):
    own_company()
    order = order_for(manager)
    created = api.post(f"/api/v1/orders/{order.pk}/invoice", {})
    assert created.status_code == 201, created.json()
    assert created.json()["total"] == str(order.total)
    hidden = order_for(other_manager)
    assert api.post(f"/api/v1/orders/{hidden.pk}/invoice", {}).status_code == 404
    api.post(f"/api/v1/orders/{order.pk}/status", {"status": "cancelled"})
    assert api.post(f"/api/v1/orders/{order.pk}/invoice", {}).status_code == 409


def test_payments_list_keeps_a_query_budget(api, manager, django_assert_max_num_queries):
    client = CounterpartyFactory(responsible=manager)
    for _ in range(4):
        invoice = issued_invoice(responsible=manager, counterparty=client, price="10.00")
        payment_for(invoice, "5.00")
    with django_assert_max_num_queries(8):
        body = api.get("/api/v1/payments").json()
    assert body["count"] == 4
    assert len(body["items"][0]["allocations"]) == 1
    with django_assert_max_num_queries(8):
        assert api.get("/api/v1/receivables").json()["total"]["debt"] == "20.00"
