"""Payment and receivables pages: register a payment from an invoice (partial, refused),
the invoice's payments block, the payment card and cancel, the receivables page, the
counterparty's balance, "Create invoice" on an order; 404 for another manager's rows;
query budgets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from accord.billing.models import Invoice, InvoiceStatus, Payment, PaymentAllocation
from tests.conftest import rows_of
from tests.factories import CounterpartyFactory, issued_invoice, order_for, own_company, payment_for

pytestmark = pytest.mark.django_db


def test_register_a_partial_payment_from_the_invoice(manager_client, manager):
    invoice = issued_invoice(responsible=manager, price="1000.00")
    url = reverse("web:payment_create") + f"?invoice={invoice.pk}"
    page = manager_client.get(url)
    assert page.status_code == 200
    assert f'name="alloc_{invoice.pk}"' in page.text
    response = manager_client.post(url, {
        "date": dt.date.today().isoformat(), "amount": "300,50", "number": "77",
        f"alloc_{invoice.pk}": "300.50",
    })  # fmt: skip
    assert response.status_code == 302, response.text
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_amount) == (InvoiceStatus.PARTLY_PAID, Decimal("300.50"))
    block = manager_client.get(reverse("web:invoice_payments", args=[invoice.pk]))
    assert "№ 77" in block.text


def test_over_allocation_is_shown_and_writes_nothing(manager_client, manager):
    invoice = issued_invoice(responsible=manager, price="100.00")
    before = rows_of([Invoice, Payment, PaymentAllocation])
    response = manager_client.post(
        reverse("web:payment_create") + f"?invoice={invoice.pk}",
        {"date": dt.date.today().isoformat(), "amount": "500", f"alloc_{invoice.pk}": "150"},
    )
    assert response.status_code == 200
    assert "left to pay" in response.text
    assert rows_of([Invoice, Payment, PaymentAllocation]) == before


def test_payment_card_and_cancel(manager_client, manager):
    invoice = issued_invoice(responsible=manager, price="100.00")
    payment = payment_for(invoice, "100.00")
    card = manager_client.get(reverse("web:payment_card", args=[payment.pk]))
    assert card.status_code == 200
    assert "payment-cancel" in card.text
    manager_client.post(reverse("web:payment_cancel", args=[payment.pk]))
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED


def test_another_managers_payment_and_invoice_block_are_404(manager_client, other_manager):
    invoice = issued_invoice(responsible=other_manager)
    payment = payment_for(invoice, "10.00")
    before = rows_of([Invoice, Payment, PaymentAllocation])
    for url in (reverse("web:payment_card", args=[payment.pk]),
                reverse("web:invoice_payments", args=[invoice.pk]),
                reverse("web:payment_create") + f"?invoice={invoice.pk}",
                reverse("web:payment_create") + f"?counterparty={invoice.counterparty_id}"):  # fmt: skip
        assert manager_client.get(url).status_code == 404
    assert manager_client.post(reverse("web:payment_cancel", args=[payment.pk])).status_code == 404
    assert rows_of([Invoice, Payment, PaymentAllocation]) == before
    assert "payment-table" not in manager_client.get(reverse("web:payment_list")).text


def test_receivables_page_and_counterparty_balance(manager_client, manager):
    client = CounterpartyFactory(responsible=manager, name="ООО Должник")
    late = dt.date.today() - dt.timedelta(days=45)
    invoice = issued_invoice(responsible=manager, counterparty=client, price="1000.00",
                             date=late, due_date=late)  # fmt: skip
    payment_for(invoice, "250.00")
    page = manager_client.get(reverse("web:receivables"))
    assert page.status_code == 200
    row = page.text.split("ООО Должник")[1].split("</tr>")[0].replace("\xa0", " ")
    # debt, not due, 1-30, 31-60 (45 days late), 61-90, 90+, advance
    assert [cell.split("<")[0] for cell in row.split('nowrap">')[1:]] == [
        "750 ₽",
        "0 ₽",
        "0 ₽",
        "750 ₽",
        "0 ₽",
        "0 ₽",
        "0 ₽",
    ]
    card = manager_client.get(reverse("web:counterparty_card", args=[client.pk]))
    assert 'id="balance-debt"' in card.text
    balance = card.text.split('id="balance-overdue"')[1][:120]
    assert "750 ₽" in balance.replace("\xa0", " ")
    assert manager_client.get(reverse("web:receivables"), {"responsible": "x"}).status_code == 200


def test_create_invoice_from_the_order_card(manager_client, manager):
    own_company()
    order = order_for(manager)
    card = manager_client.get(reverse("web:order_card", args=[order.pk]))
    assert 'id="create-invoice"' in card.text
    response = manager_client.post(reverse("web:order_invoice", args=[order.pk]))
    invoice = Invoice.objects.get()
    assert response.url == reverse("web:invoice_card", args=[invoice.pk])
    assert invoice.total == order.total


def test_query_budgets(manager_client, manager, django_assert_max_num_queries):
    client = CounterpartyFactory(responsible=manager)
    invoices = [issued_invoice(responsible=manager, counterparty=client, price="10.00")
                for _ in range(3)]  # fmt: skip
    for invoice in invoices:
        payment_for(invoice, "5.00")
    other = CounterpartyFactory(responsible=manager)
    issued_invoice(responsible=manager, counterparty=other, price="7.00")
    with django_assert_max_num_queries(12):
        assert manager_client.get(reverse("web:payment_list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert manager_client.get(reverse("web:receivables")).status_code == 200
    with django_assert_max_num_queries(12):
        assert (
            manager_client.get(reverse("web:invoice_card", args=[invoices[0].pk])).status_code
            == 200
        )
    with django_assert_max_num_queries(10):
        block = manager_client.get(reverse("web:invoice_payments", args=[invoices[0].pk]))
    assert block.status_code == 200


def test_split_the_plan_from_the_card(manager_client, manager):
    from accord.billing.models import ExpectedPayment

    invoice = issued_invoice(responsible=manager, price="100.00")
    url = reverse("web:invoice_plan", args=[invoice.pk])
    before = rows_of([ExpectedPayment])
    wrong = manager_client.post(url, {"due_date": ["2026-02-01"], "amount": ["60.00"]},
                                follow=True)  # fmt: skip
    assert "invoice total is 100.00" in wrong.text
    assert rows_of([ExpectedPayment]) == before
    manager_client.post(url, {"due_date": ["2026-02-01", "2026-03-01", ""],
                              "amount": ["60.00", "40.00", ""]})  # fmt: skip
    rows = list(invoice.expected_payments.values_list("due_date", "amount"))
    assert rows == [
        (dt.date(2026, 2, 1), Decimal("60.00")),
        (dt.date(2026, 3, 1), Decimal("40.00")),
    ]
    block = manager_client.get(reverse("web:invoice_payments", args=[invoice.pk]))
    assert block.text.count('name="due_date"') == 4
