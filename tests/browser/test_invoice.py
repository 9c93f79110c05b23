"""An invoice in a real browser: a manager fills a new invoice from a deal, adds a line,
saves the draft, issues it (confirming), and opens the print view with the number and the
amount in words.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from accord.billing.models import Invoice
from tests.browser.conftest import sign_in
from tests.factories import DealFactory, UserFactory, own_company

pytestmark = pytest.mark.browser


def test_invoice_from_a_deal_issued_and_printed(live_server, transactional_db, new_page,
                                                output_dir):  # fmt: skip
    user = UserFactory(username="vera", first_name="Vera", last_name="Lis", roles=["manager"])
    own_company()
    deal = DealFactory(responsible=user, title="Поставка насосов", amount=Decimal("1501.21"))
    page = new_page("en-US")
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, live_server.url, "vera")

    page.click("nav >> text=Invoices")
    page.wait_for_url(re.compile(r"/invoices/$"))
    page.click("text=New invoice")
    page.select_option("#invoice-deal-choice", str(deal.pk))
    page.click("#invoice-from-deal button[type=submit]")
    page.wait_for_url(re.compile(rf"/invoices/new/\?deal={deal.pk}$"))
    assert page.locator("input[name=line_name]").first.input_value() == "Поставка насосов"

    page.click("#invoice-add-line")
    page.locator("input[name=line_name]").nth(1).fill("Доставка")
    page.locator("input[name=line_price]").nth(1).fill("1000")
    page.screenshot(path=str(output_dir / "invoice_form.png"), full_page=True)
    page.click("#invoice-save")
    page.wait_for_url(re.compile(r"/invoices/\d+/$"))
    invoice = Invoice.objects.get()
    assert invoice.total == Decimal("2501.21")
    assert (invoice.deal_id, invoice.counterparty_id) == (deal.pk, deal.counterparty_id)

    page.click("#invoice-issue")
    page.wait_for_function(
        "() => document.querySelector('#invoice-status').textContent.trim() === 'Issued'"
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number) == ("issued", 1)
    page.screenshot(path=str(output_dir / "invoice_card_issued.png"), full_page=True)

    page.goto(f"{live_server.url}/invoices/{invoice.pk}/print/")
    title = page.locator("#invoice-print-title").inner_text()
    assert "Счёт на оплату № 1 от" in title
    words = page.locator("#invoice-print-words").inner_text()
    assert words == "Две тысячи пятьсот один рубль 21 копейка"
    page.screenshot(path=str(output_dir / "invoice_print.png"), full_page=True)
