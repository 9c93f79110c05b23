"""The whole money path in a real browser, as a manager would walk it: a deal from the
counterparty card -> a quote with two lines -> an order in one click -> a shipment posted ->
an invoice issued -> a partial payment -> the rest -> no debt left. Every step asserts the
figures the pages show; the API twin is tests/api/test_money_path.py.
Screenshots go to test-output/money_path_*.png.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from accord.billing.models import Invoice
from accord.catalog.models import Price
from accord.sales.models import Deal, Order, Quote, Shipment
from tests.browser.conftest import sign_in
from tests.browser.test_quote_to_order import _catalog_basics, _pick_product
from tests.browser.test_shipment import _ship_and_post
from tests.factories import (
    CounterpartyFactory,
    PriceTypeFactory,
    ProductFactory,
    UserFactory,
    own_company,
    sales_pipeline,
)

pytestmark = pytest.mark.browser


def shown(page, selector: str) -> str:
    """The visible text of one element, with the money filter's no-break space made plain."""
    return page.locator(selector).inner_text().replace("\xa0", " ").strip()


def open_counterparty(page, base_url: str, pk: int) -> None:
    page.goto(f"{base_url}/counterparties/{pk}/")
    page.locator("#counterparty-balance").wait_for()


def pay(page, base_url: str, invoice_pk: int, amount: str, number: str) -> None:
    """Register a payment from the invoice card, allocated wholly to that invoice."""
    page.goto(f"{base_url}/invoices/{invoice_pk}/")
    page.click("#invoice-register-payment")
    page.wait_for_url(re.compile(rf"/payments/new/\?invoice={invoice_pk}$"))
    page.fill("input[name=amount]", amount)
    page.fill("input[name=number]", number)
    page.fill(f"input[name=alloc_{invoice_pk}]", amount)
    page.click("#payment-save")
    page.wait_for_url(re.compile(rf"/invoices/{invoice_pk}/$"))
    page.wait_for_selector("#invoice-payment-list")


def test_money_path_through_the_ui(live_server, transactional_db, new_page, output_dir):
    _catalog_basics()
    own_company()
    sales_pipeline()
    user = UserFactory(username="nina", first_name="Nina", last_name="Sokol", roles=["manager"])
    client = CounterpartyFactory(responsible=user, name="ООО Вектор")
    retail = PriceTypeFactory(name="Розничная", code="retail-mp", is_default=True)
    pump = ProductFactory(name="Насос центробежный", vat_rate="20")
    ProductFactory(name="Монтаж насоса", vat_rate="20")
    Price.objects.create(price_type=retail, product=pump, value=Decimal("1000.00"))
    page = new_page("en-US")
    page.on("dialog", lambda dialog: dialog.accept())  # "Issue the invoice?"
    sign_in(page, live_server.url, "nina")
    base = live_server.url

    # 1. A deal, started from the counterparty card.
    open_counterparty(page, base, client.pk)
    assert shown(page, "#balance-debt") == "0 ₽"
    page.locator("#counterparty-deals").get_by_role("link", name="New deal").click()
    page.wait_for_url(re.compile(rf"/deals/new/\?counterparty={client.pk}$"))
    assert page.locator("select[name=counterparty_id]").input_value() == str(client.pk)
    page.fill("input[name=title]", "Насосная станция")
    page.click("#deal-form button[type=submit]")
    page.wait_for_url(re.compile(r"/deals/\d+/$"))
    deal = Deal.objects.get(counterparty=client)
    assert (deal.title, deal.responsible) == ("Насосная станция", user)

    # 2. A quote with two lines: one priced by the price type, one typed in.
    page.locator("#deal-documents").get_by_text("No quotes or orders yet.").wait_for()
    page.locator("#deal-documents").get_by_role("link", name="New quote").click()
    page.wait_for_url(re.compile(rf"/quotes/new/\?deal={deal.pk}$"))
    rows = page.locator("#line-rows [data-row]")
    _pick_product(page, rows.nth(0), "Насос центробежный")
    rows.nth(0).locator("input[name=line_quantity]").fill("3")
    page.click("#add-line")
    _pick_product(page, rows.nth(1), "Монтаж насоса")
    rows.nth(1).locator("input[name=line_quantity]").fill("2")
    rows.nth(1).locator("input[name=line_price]").fill("333.33")
    page.screenshot(path=str(output_dir / "money_path_quote_form.png"), full_page=True)
    page.click("#document-form button[type=submit]")
    page.wait_for_url(re.compile(r"/quotes/\d+/$"))
    quote = Quote.objects.get(deal=deal)
    assert quote.lines.count() == 2
    assert shown(page, "#doc-total") == "3,666.66 ₽"

    # 3. The order, in one click.
    page.click("#create-order")
    page.wait_for_url(re.compile(r"/orders/\d+/$"))
    order = Order.objects.get(quote=quote)
    assert order.number in shown(page, "#doc-number")
    assert shown(page, "#doc-total") == "3,666.66 ₽"
    page.screenshot(path=str(output_dir / "money_path_order.png"), full_page=True)

    # 4. The whole order shipped in one posted shipment.
    _ship_and_post(page, base, order.pk, None)
    assert Shipment.objects.get(order=order).total == Decimal("3666.66")
    page.goto(f"{base}/orders/{order.pk}/")
    assert "Shipped" in shown(page, "#doc-status")
    page.locator("#order-shipments").get_by_text("Everything on this order is shipped.").wait_for()
    page.screenshot(path=str(output_dir / "money_path_order_shipped.png"), full_page=True)
    # Shipping is not billing: nothing is owed yet.
    open_counterparty(page, base, client.pk)
    assert shown(page, "#balance-debt") == "0 ₽"

    # 5. The invoice from the order, issued: it gets number 1.
    page.goto(f"{base}/orders/{order.pk}/")
    page.click("#create-invoice")
    page.wait_for_url(re.compile(r"/invoices/\d+/$"))
    invoice = Invoice.objects.get(counterparty=client)
    assert shown(page, "#invoice-status") == "Draft"
    assert shown(page, "#invoice-total") == "3,666.66 ₽"
    assert page.locator("#invoice-lines tbody tr").count() == 2
    page.click("#invoice-issue")
    page.locator("#invoice-status", has_text="Issued").wait_for()
    page.reload()
    assert re.match(r"Invoice № 1 of \d{2}\.\d{2}\.\d{4}$", shown(page, "#invoice-title"))
    page.screenshot(path=str(output_dir / "money_path_invoice_issued.png"), full_page=True)

    # 6. The counterparty owes the whole total.
    open_counterparty(page, base, client.pk)
    assert shown(page, "#balance-debt") == "3,666.66 ₽"
    assert shown(page, "#balance-advance") == "0 ₽"

    # 7. A partial payment: partly paid, the rest owed to the kopeck.
    pay(page, base, invoice.pk, "1000.01", "15")
    assert shown(page, "#invoice-status") == "Partly paid"
    assert "№ 15" in shown(page, "#invoice-payment-list")
    assert "1,000.01 ₽" in shown(page, "#invoice-payment-list")
    page.screenshot(path=str(output_dir / "money_path_partly_paid.png"), full_page=True)
    open_counterparty(page, base, client.pk)
    assert shown(page, "#balance-debt") == "2,666.65 ₽"
    page.screenshot(path=str(output_dir / "money_path_balance_partial.png"), full_page=True)

    # 8. The rest: paid, nothing owed, no advance.
    pay(page, base, invoice.pk, "2666.65", "16")
    assert shown(page, "#invoice-status") == "Paid"
    assert page.locator("#invoice-register-payment").count() == 0
    open_counterparty(page, base, client.pk)
    assert shown(page, "#balance-debt") == "0 ₽"
    assert shown(page, "#balance-advance") == "0 ₽"
    page.screenshot(path=str(output_dir / "money_path_balance_paid.png"), full_page=True)

    # 9. The receivables page has no debt for this counterparty.
    page.click("nav >> text=Receivables")
    page.wait_for_url(re.compile(r"/receivables/$"))
    # The report lists every counterparty with invoices, so this one stays, owing nothing.
    row = page.locator("#receivable-table tbody tr").filter(
        has=page.locator(f"a[href='/counterparties/{client.pk}/']")
    )
    cells = [text.replace("\xa0", " ") for text in row.locator("td").all_inner_texts()]
    assert cells == ["ООО Вектор"] + ["0 ₽"] * 7  # debt, the five buckets, advance
    assert shown(page, "#receivable-total th:nth-child(2)") == "0 ₽"
    page.screenshot(path=str(output_dir / "money_path_receivables.png"), full_page=True)

    invoice.refresh_from_db()
    order.refresh_from_db()
    assert (invoice.status, invoice.number) == ("paid", 1)
    assert (invoice.total, invoice.paid_amount) == (Decimal("3666.66"), Decimal("3666.66"))
    assert order.status == "shipped"
    amounts = sorted(a.amount for a in invoice.allocations.all())
    assert amounts == [Decimal("1000.01"), Decimal("2666.65")]
