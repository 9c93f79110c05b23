"""From a deal to an order in a real browser: a manager opens a deal, creates a quote with two
lines (products found through the catalog search, one price from the price type), turns it
into an order in one click and sees the order's total. Screenshots go to test-output/.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from accord.catalog.models import Currency, Price, Unit
from accord.sales.models import Order, Quote
from tests.factories import DealFactory, PriceTypeFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.browser
PASSWORD = "secret-pass-123"


def _catalog_basics() -> None:
    """The seeded rouble and piece (a flushed live-server database may have lost them)."""
    Currency.objects.get_or_create(code="RUB", defaults={"name": "Российский рубль"})
    Unit.objects.get_or_create(code="796", defaults={"short_name": "шт"})


def _pick_product(page, row, text: str) -> None:
    search = row.locator("input[name=product_q]")
    search.fill(text)
    select = row.locator("select[name=line_product]")
    select.locator("option", has_text=text).wait_for(state="attached")
    select.select_option(label=select.locator("option", has_text=text).inner_text())


def test_quote_with_two_lines_becomes_an_order(live_server, transactional_db, new_page, output_dir):
    _catalog_basics()
    user = UserFactory(username="vera", first_name="Vera", last_name="Pavlova", roles=["manager"])
    deal = DealFactory(responsible=user, title="Мебель для офиса")
    retail = PriceTypeFactory(name="Розничная", code="retail-q", is_default=True)
    chair = ProductFactory(name="Кресло офисное", vat_rate="20")
    ProductFactory(name="Стол письменный", vat_rate="20")
    Price.objects.create(price_type=retail, product=chair, value=Decimal("1500.00"))

    page = new_page("en-US")
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "vera")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"^[^?]*/$"))  # the start page

    page.goto(f"{live_server.url}/deals/{deal.pk}/")
    page.locator("#deal-documents").get_by_text("No quotes or orders yet.").wait_for()
    page.locator("#deal-documents").get_by_role("link", name="New quote").click()
    page.wait_for_url(re.compile(r"/quotes/new/\?deal="))

    rows = page.locator("#line-rows [data-row]")
    _pick_product(page, rows.nth(0), "Кресло офисное")
    rows.nth(0).locator("input[name=line_quantity]").fill("2")
    page.click("#add-line")
    assert rows.count() == 2
    _pick_product(page, rows.nth(1), "Стол письменный")
    rows.nth(1).locator("input[name=line_price]").fill("999.99")
    page.screenshot(path=str(output_dir / "quote_form.png"), full_page=True)
    page.click("#document-form button[type=submit]")

    page.wait_for_url(re.compile(r"/quotes/\d+/$"))
    quote = Quote.objects.get()
    assert quote.lines.count() == 2
    assert quote.deal_id == deal.pk
    assert "3,999.99" in page.locator("#doc-total").inner_text()
    page.screenshot(path=str(output_dir / "quote_card.png"), full_page=True)

    page.click("#create-order")
    page.wait_for_url(re.compile(r"/orders/\d+/$"))
    order = Order.objects.get()
    assert order.quote_id == quote.pk
    assert order.total == Decimal("3999.99")
    assert "3,999.99" in page.locator("#doc-total").inner_text()
    assert order.number in page.locator("#doc-number").inner_text()
    page.screenshot(path=str(output_dir / "order_from_quote.png"), full_page=True)

    page.goto(f"{live_server.url}/deals/{deal.pk}/")
    documents = page.locator("#deal-documents")
    documents.get_by_text(order.number).wait_for()
    assert quote.number in documents.inner_text()
