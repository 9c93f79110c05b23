"""Payment services: register (given and automatic allocations, advances), cancel, the
expected payment plan, invoices from orders; every refused path writes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accord.billing import payment_services, services
from accord.billing.errors import InvoiceStatusError, PaymentRefusedError, PaymentStatusError
from accord.billing.models import (
    ExpectedPayment,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
    PaymentStatus,
)
from accord.core.errors import NotFoundError, ValidationFailedError
from accord.core.models import AuditEvent
from accord.sales.document_services import order_set_status
from tests.factories import (
    CounterpartyFactory,
    invoice_draft,
    issued_invoice,
    order_for,
    own_company,
    payment_for,
)

pytestmark = pytest.mark.django_db
TRACKED = (Invoice, ExpectedPayment, Payment, PaymentAllocation, AuditEvent)


def state():
    return {m._meta.label: list(m.objects.order_by("pk").values()) for m in TRACKED}


def money(value: str) -> Decimal:
    return Decimal(value)


def test_issue_plans_one_expected_payment_for_the_total(manager):
    invoice = issued_invoice(responsible=manager, price="1500.00", due_date=dt.date(2026, 1, 10),
                             date=dt.date(2026, 1, 1))  # fmt: skip
    rows = list(invoice.expected_payments.values_list("due_date", "amount", "paid_amount"))
    assert rows == [(dt.date(2026, 1, 10), money("1500.00"), money("0.00"))]


def test_partial_then_full_payment_moves_the_status(manager):
    invoice = issued_invoice(responsible=manager, price="1000.00")
    payment = payment_for(invoice, "400.00", number="17")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_amount) == (InvoiceStatus.PARTLY_PAID, money("400.00"))
    assert payment.allocated_amount == money("400.00")
    assert payment.advance == 0
    assert invoice.expected_payments.get().paid_amount == money("400.00")
    payment_for(invoice, "600.00")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_amount) == (InvoiceStatus.PAID, money("1000.00"))
    assert AuditEvent.objects.filter(action="billing.payment.registered").count() == 2


def test_cancel_reverses_the_allocations_and_the_status(manager):
    invoice = issued_invoice(responsible=manager, price="1000.00")
    first = payment_for(invoice, "400.00")
    second = payment_for(invoice, "600.00")
    payment_services.payment_cancel(actor=manager, payment=second)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_amount) == (InvoiceStatus.PARTLY_PAID, money("400.00"))
    payment_services.payment_cancel(actor=manager, payment=first)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_amount) == (InvoiceStatus.ISSUED, money("0.00"))
    assert invoice.expected_payments.get().paid_amount == 0
    assert not PaymentAllocation.objects.exists()
    first.refresh_from_db()
    assert first.status == PaymentStatus.CANCELLED
    before = state()
    with pytest.raises(PaymentStatusError):
        payment_services.payment_cancel(actor=manager, payment=first)
    assert state() == before


def test_auto_allocation_pays_the_oldest_due_first_and_keeps_an_advance(manager):
    client = CounterpartyFactory(responsible=manager)
    late = issued_invoice(responsible=manager, counterparty=client, price="300.00",
                          date=dt.date(2026, 1, 1), due_date=dt.date(2026, 2, 1))  # fmt: skip
    early = issued_invoice(responsible=manager, counterparty=client, price="200.00",
                           date=dt.date(2026, 1, 5), due_date=dt.date(2026, 1, 10))  # fmt: skip
    payment = payment_services.payment_register(
        actor=manager, data={"counterparty_id": client.pk, "amount": "350.00"}
    )
    early.refresh_from_db()
    late.refresh_from_db()
    assert (early.status, early.paid_amount) == (InvoiceStatus.PAID, money("200.00"))
    assert (late.status, late.paid_amount) == (InvoiceStatus.PARTLY_PAID, money("150.00"))
    assert payment.advance == 0
    extra = payment_services.payment_register(
        actor=manager, data={"counterparty_id": client.pk, "amount": "500.00"}
    )
    assert (extra.allocated_amount, extra.advance) == (money("150.00"), money("350.00"))


def test_a_payment_without_open_invoices_is_all_advance(manager):
    own_company()
    client = CounterpartyFactory(responsible=manager)
    payment = payment_services.payment_register(
        actor=manager, data={"counterparty_id": client.pk, "amount": "99.99", "allocations": []}
    )
    assert (payment.allocated_amount, payment.advance) == (money("0.00"), money("99.99"))
    assert payment.responsible == manager


def _refused(manager, data, error=PaymentRefusedError):
    before = state()
    with pytest.raises(error) as caught:
        payment_services.payment_register(actor=manager, data=data)
    assert state() == before
    return caught.value


@pytest.mark.parametrize("status", ["draft", "cancelled"])
def test_paying_a_draft_or_cancelled_invoice_is_refused(manager, status):
    invoice = invoice_draft(responsible=manager)
    if status == "cancelled":
        services.invoice_cancel(actor=manager, invoice=invoice)
    error = _refused(manager, {"counterparty_id": invoice.counterparty_id, "amount": "10.00",
                               "allocations": [{"invoice_id": invoice.pk, "amount": "10.00"}]})  # fmt: skip
    assert "only an issued, unpaid invoice can be paid" in error.message


def test_allocating_more_than_the_payment_is_refused(manager):
    client = CounterpartyFactory(responsible=manager)
    a = issued_invoice(responsible=manager, counterparty=client, price="100.00")
    b = issued_invoice(responsible=manager, counterparty=client, price="100.00")
    error = _refused(manager, {"counterparty_id": client.pk, "amount": "150.00", "allocations": [
        {"invoice_id": a.pk, "amount": "100.00"}, {"invoice_id": b.pk, "amount": "60.00"},
    ]})  # fmt: skip
    assert "more than the payment" in error.message


def test_over_allocating_an_invoice_is_refused(manager):
    invoice = issued_invoice(responsible=manager, price="100.00")
    payment_for(invoice, "70.00")
    error = _refused(manager, {"counterparty_id": invoice.counterparty_id, "amount": "50.00",
                               "allocations": [{"invoice_id": invoice.pk, "amount": "30.01"}]})  # fmt: skip
    assert "30.00 left to pay" in error.message


def test_an_invoice_of_another_counterparty_is_refused(manager):
    invoice = issued_invoice(responsible=manager)
    other = CounterpartyFactory(responsible=manager)
    error = _refused(manager, {"counterparty_id": other.pk, "amount": "10.00",
                               "allocations": [{"invoice_id": invoice.pk, "amount": "10.00"}]})  # fmt: skip
    assert "another counterparty" in error.message


def test_a_currency_mismatch_is_refused(manager):
    invoice = issued_invoice(responsible=manager)
    error = _refused(manager, {"counterparty_id": invoice.counterparty_id, "amount": "10.00",
                               "currency": "USD",
                               "allocations": [{"invoice_id": invoice.pk, "amount": "10.00"}]})  # fmt: skip
    assert "is in RUB" in error.message


@pytest.mark.parametrize("amount", ["0", "-5", "0.001", "abc"])
def test_a_non_positive_or_bad_amount_is_refused(manager, amount):
    client = CounterpartyFactory(responsible=manager)
    error = _refused(manager, {"counterparty_id": client.pk, "amount": amount},
                     ValidationFailedError)  # fmt: skip
    assert "amount" in error.fields


def test_another_managers_invoice_and_counterparty_are_refused(manager, other_manager):
    invoice = issued_invoice(responsible=other_manager)
    error = _refused(manager, {"counterparty_id": invoice.counterparty_id, "amount": "1.00"})
    assert error.fields == {"counterparty_id": ["Choose a counterparty you can see."]}
    payment = payment_for(invoice, "1.00")
    before = state()
    with pytest.raises(NotFoundError):
        payment_services.payment_cancel(actor=manager, payment=payment)
    assert state() == before


def test_the_plan_can_be_split_and_must_sum_to_the_total(manager):
    invoice = issued_invoice(responsible=manager, price="1000.00")
    payment_for(invoice, "500.00")
    rows = [{"due_date": "2026-03-01", "amount": "300.00"},
            {"due_date": "2026-04-01", "amount": "700.00"}]  # fmt: skip
    plan = payment_services.expected_payments_replace(actor=manager, invoice=invoice, rows=rows)
    assert [(r.amount, r.paid_amount) for r in plan] == [
        (money("300.00"), money("300.00")), (money("700.00"), money("200.00")),
    ]  # fmt: skip
    before = state()
    with pytest.raises(PaymentRefusedError) as caught:
        payment_services.expected_payments_replace(
            actor=manager, invoice=invoice, rows=[{"due_date": "2026-03-01", "amount": "999.99"}]
        )
    assert "invoice total is 1000.00" in caught.value.message
    assert state() == before


def test_a_draft_has_no_plan(manager):
    invoice = invoice_draft(responsible=manager)
    with pytest.raises(InvoiceStatusError):
        payment_services.expected_payments_replace(
            actor=manager, invoice=invoice, rows=[{"due_date": "2026-03-01", "amount": "1.00"}]
        )


def test_invoice_from_an_order_copies_its_lines(manager):
    own_company()
    order = order_for(manager, vat_included=False)
    invoice = services.invoice_create_from_order(actor=manager, order=order)
    line, source = invoice.lines.get(), order.lines.get()
    assert (invoice.counterparty_id, invoice.deal_id, invoice.currency, invoice.vat_included) == (
        order.counterparty_id, order.deal_id, order.currency, False,
    )  # fmt: skip
    assert (line.product_id, line.quantity, line.unit_id, line.price, line.vat_rate) == (
        source.product_id, source.quantity, source.unit_id, source.price, source.vat_rate,
    )  # fmt: skip
    assert invoice.total == order.total
    assert invoice.status == InvoiceStatus.DRAFT


def test_invoice_from_a_cancelled_or_hidden_order_is_refused(manager, other_manager):
    order = order_for(manager)
    before = state()
    with pytest.raises(NotFoundError):
        services.invoice_create_from_order(actor=other_manager, order=order)
    order_set_status(actor=manager, order=order, status="cancelled")
    with pytest.raises(InvoiceStatusError):
        services.invoice_create_from_order(actor=manager, order=order)
    assert state()["billing.Invoice"] == before["billing.Invoice"]


def test_payments_follow_their_counterparty_on_hand_over(admin_user, manager, other_manager):
    from accord.directory.handover import clients_hand_over

    invoice = issued_invoice(responsible=manager, price="100.00")
    payment = payment_for(invoice, "100.00")
    clients_hand_over(actor=admin_user, from_user=manager, to_user=other_manager,
                      counterparty_ids=[invoice.counterparty_id])  # fmt: skip
    payment.refresh_from_db()
    assert payment.responsible == other_manager
    assert AuditEvent.objects.filter(action="billing.payment.handed_over").count() == 1
