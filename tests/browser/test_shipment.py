"""An order shipped in a real browser: a manager opens an order, creates a shipment of part
of it, then of the rest, posts both, and sees the order marked shipped. Screenshots go to
test-output/.
"""

from __future__ import annotations

import re

import pytest

from accord.catalog.models import Currency, Unit
from accord.sales.models import Shipment
from tests.browser.conftest import sign_in
from tests.factories import ProductFactory, UserFactory, order_for

pytestmark = pytest.mark.browser


def _ship_and_post(page, url: str, order_pk: int, quantity: str | None) -> None:
    page.goto(f"{url}/orders/{order_pk}/")
    page.locator("#order-shipments #create-shipment").click()
    page.wait_for_url(re.compile(r"/orders/\d+/ship/$"))
    if quantity is not None:
        page.locator("input.shipment-qty").first.fill(quantity)
    page.click("#shipment-save")
    page.wait_for_url(re.compile(r"/shipments/\d+/$"))
    page.click("#shipment-post")
    page.locator("#shipment-status", has_text="Shipped").wait_for()


def test_manager_ships_an_order_in_two_parts(live_server, transactional_db, new_page, output_dir):
    Currency.objects.get_or_create(code="RUB", defaults={"name": "Российский рубль"})
    Unit.objects.get_or_create(code="796", defaults={"short_name": "шт"})
    user = UserFactory(username="oleg", roles=["manager"])
    order = order_for(user, lines=[
        {"product_id": ProductFactory(name="Стул офисный").pk, "quantity": "10", "price": "900"},
    ])  # fmt: skip

    page = new_page("en-US")
    sign_in(page, live_server.url, "oleg")
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    page.locator("#order-shipments").get_by_text("No shipments yet.").wait_for()

    _ship_and_post(page, live_server.url, order.pk, "4")
    first = Shipment.objects.get()
    assert str(first.total) == "3600.00"
    page.screenshot(path=str(output_dir / "shipment_card.png"), full_page=True)

    page.goto(f"{live_server.url}/orders/{order.pk}/ship/")
    assert page.locator("input.shipment-qty").first.input_value() == "6"
    _ship_and_post(page, live_server.url, order.pk, None)

    page.goto(f"{live_server.url}/orders/{order.pk}/")
    assert "Shipped" in page.locator("#doc-status").inner_text()
    block = page.locator("#order-shipments")
    block.get_by_text("Everything on this order is shipped.").wait_for()
    for shipment in Shipment.objects.all():
        assert shipment.number in block.inner_text()
    page.screenshot(path=str(output_dir / "order_shipped.png"), full_page=True)

    page.goto(f"{live_server.url}/shipments/{first.pk}/print/")
    assert f"№ {first.number}" in page.locator("#shipment-print-title").inner_text()
    page.screenshot(path=str(output_dir / "shipment_print.png"), full_page=True)
