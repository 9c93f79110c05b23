"""The catalog as a person uses it, in a real browser: open the catalog, pick a group, search
by article, open the product card and read its prices. Screenshots go to test-output/.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from accord.catalog.models import Price, Stock
from tests.factories import (
    PriceTypeFactory,
    ProductFactory,
    ProductGroupFactory,
    UserFactory,
    VariantFactory,
    WarehouseFactory,
)

pytestmark = pytest.mark.browser
PASSWORD = "secret-pass-123"


def test_find_a_product_in_a_group_by_article_and_read_its_prices(
    live_server, transactional_db, new_page, output_dir
):
    UserFactory(username="anna", first_name="Anna", last_name="Smirnova", roles=["manager"])
    clothes = ProductGroupFactory(name="Одежда")
    jackets = ProductGroupFactory(name="Куртки", parent=clothes)
    tools = ProductGroupFactory(name="Инструмент")
    retail = PriceTypeFactory(name="Розничная", code="retail", is_default=True)
    wholesale = PriceTypeFactory(name="Оптовая", code="wholesale", position=1)
    main = WarehouseFactory(name="Основной склад", code="main")
    jacket = ProductFactory(name="Куртка зимняя", article="JK-100", group=jackets)
    ProductFactory(name="Куртка летняя", article="JK-200", group=jackets)
    ProductFactory(name="Молоток", article="HM-1", group=tools)
    xl = VariantFactory(product=jacket, name="Куртка зимняя, XL", article="JK-100-XL")
    Price.objects.create(price_type=retail, product=jacket, value=Decimal("5990.00"))
    Price.objects.create(price_type=wholesale, product=jacket, value=Decimal("4990.00"))
    Price.objects.create(price_type=retail, product=jacket, variant=xl, value=Decimal("6490.00"))
    Stock.objects.create(warehouse=main, product=jacket, variant=xl, quantity=Decimal("3"))

    page = new_page("en-US")
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "anna")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"^[^?]*/$"))  # the start page

    page.click(".sidebar >> text=Catalog")
    page.wait_for_url(re.compile(r"/catalog/$"))
    rows = page.locator("#catalog-results tbody tr")
    assert rows.count() == 3
    page.click(f".catalog-tree >> [data-group='{clothes.pk}']")
    page.wait_for_url(re.compile(rf"group={clothes.pk}"))
    assert rows.count() == 2  # the jackets in the subgroup, not the hammer
    page.screenshot(path=str(output_dir / "catalog_group.png"))

    page.locator("#catalog-filters input[name=q]").press_sequentially("JK-100", delay=20)
    page.wait_for_url(re.compile(r"q=JK-100"))
    page.wait_for_function("document.querySelectorAll('#catalog-results tbody tr').length === 1")
    assert "5,990.00" in rows.first.inner_text()
    page.screenshot(path=str(output_dir / "catalog_search.png"))

    rows.first.locator("text=Куртка зимняя").click()
    page.wait_for_url(re.compile(rf"/catalog/{jacket.pk}/$"))
    prices = page.locator("#prices")
    text = prices.inner_text()
    assert "Розничная" in text
    assert "Оптовая" in text
    assert "5,990.00" in text
    assert "4,990.00" in text
    assert "6,490.00" in text
    assert "Куртка зимняя, XL" in text
    page.screenshot(path=str(output_dir / "catalog_card.png"), full_page=True)
