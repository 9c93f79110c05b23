"""A payment in a real browser: a manager opens an issued invoice, registers a partial
payment from its payments block, sees "Partly paid", then the counterparty's balance."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from accord.billing.models import Invoice
from tests.browser.conftest import sign_in
from tests.factories import CounterpartyFactory, UserFactory, issued_invoice

pytestmark = pytest.mark.browser


def test_partial_payment_of_an_issued_invoice(live_server, transactional_db, new_page,
                                              output_dir):  # fmt: skip
    user = UserFactory(username="vera", first_name="Vera", last_name="Lis", roles=["manager"])
    client = CounterpartyFactory(responsible=user, name="ООО Ромашка")
    invoice = issued_invoice(responsible=user, counterparty=client, price="1000.00")
    page = new_page("en-US")
    sign_in(page, live_server.url, "vera")

    page.goto(f"{live_server.url}/invoices/{invoice.pk}/")
    page.click("#invoice-register-payment")
    page.wait_for_url(re.compile(rf"/payments/new/\?invoice={invoice.pk}$"))
    page.fill("input[name=amount]", "400")
    page.fill("input[name=number]", "15")
    page.fill(f"input[name=alloc_{invoice.pk}]", "400")
    page.screenshot(path=str(output_dir / "payment_form.png"), full_page=True)
    page.click("#payment-save")
    page.wait_for_url(re.compile(rf"/invoices/{invoice.pk}/$"))
    assert page.locator("#invoice-status").text_content().strip() == "Partly paid"
    page.wait_for_selector("#invoice-payment-list")
    assert "№ 15" in page.locator("#invoice-payment-list").text_content()
    page.screenshot(path=str(output_dir / "payment_invoice_partly_paid.png"), full_page=True)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_amount) == ("partly_paid", Decimal("400.00"))
    assert Invoice.objects.count() == 1

    page.locator(f"a[href='/counterparties/{client.pk}/']").first.click()
    page.wait_for_url(re.compile(rf"/counterparties/{client.pk}/$"))
    debt = page.locator("#balance-debt").text_content().replace("\xa0", " ").strip()
    assert debt == "600 ₽"
    page.screenshot(path=str(output_dir / "payment_counterparty_balance.png"), full_page=True)
