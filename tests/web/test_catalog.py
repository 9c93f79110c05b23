"""Catalog pages: the list with its tree, search and chosen price and stock columns, the card,
the product form, the settings page; query budgets for the list and the card."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accord.catalog.models import (
    CatalogProperty,
    Price,
    Product,
    ProductPropertyValue,
    Stock,
    Variant,
    Warehouse,
)
from accord.core.models import AuditEvent
from accord.users.models import Role
from tests.factories import (
    PriceTypeFactory,
    ProductFactory,
    ProductGroupFactory,
    UserFactory,
    VariantFactory,
    WarehouseFactory,
)

pytestmark = pytest.mark.django_db
LIST = reverse("web:catalog_product_list")


@pytest.fixture
def catalog(db):
    """Two groups (one inside the other), price types, warehouses and priced products."""
    clothes = ProductGroupFactory(name="Одежда")
    jackets = ProductGroupFactory(name="Куртки", parent=clothes)
    tools = ProductGroupFactory(name="Инструмент")
    retail = PriceTypeFactory(name="Розничная", code="retail", is_default=True)
    wholesale = PriceTypeFactory(name="Оптовая", code="wholesale", position=1)
    main, north = WarehouseFactory(name="Основной", code="main"), WarehouseFactory(code="north")
    jacket = ProductFactory(
        name="Куртка зимняя", article="JK-100", barcode="4600000000017", group=jackets
    )
    hammer = ProductFactory(name="Молоток", article="HM-1", group=tools)
    for product, value in ((jacket, "5990"), (hammer, "450")):
        Price.objects.create(price_type=retail, product=product, value=Decimal(value))
        Price.objects.create(price_type=wholesale, product=product, value=Decimal(value) / 2)
        Stock.objects.create(warehouse=main, product=product, quantity=Decimal("7"))
    Stock.objects.create(warehouse=north, product=hammer, quantity=Decimal("-2"))
    return {"clothes": clothes, "jackets": jackets, "tools": tools, "retail": retail,
            "wholesale": wholesale, "main": main, "north": north, "jacket": jacket,
            "hammer": hammer}  # fmt: skip


def rows(response) -> list[str]:
    return [row.product.name for row in response.context["result"].rows]


def test_list_shows_tree_and_default_price_and_stock(manager_client, catalog):
    response = manager_client.get(LIST)
    assert response.status_code == 200
    assert rows(response) == ["Куртка зимняя", "Молоток"]
    html = response.content.decode()
    assert "Одежда" in html
    assert "Куртки" in html
    assert "JK-100" in html
    by_name = {r.product.name: r for r in response.context["result"].rows}
    assert by_name["Куртка зимняя"].price == Decimal("5990.00")
    assert by_name["Молоток"].stock == Decimal("7.000")


def test_list_columns_follow_the_chosen_price_type_and_warehouse(manager_client, catalog):
    response = manager_client.get(
        LIST, {"price_type": catalog["wholesale"].pk, "warehouse": catalog["north"].pk}
    )
    by_name = {r.product.name: r for r in response.context["result"].rows}
    assert by_name["Молоток"].price == Decimal("225.00")
    assert by_name["Молоток"].stock == Decimal("-2.000")
    assert by_name["Куртка зимняя"].stock is None
    assert "is-negative" in response.content.decode()


def test_group_filter_includes_subgroups(manager_client, catalog):
    assert rows(manager_client.get(LIST, {"group": catalog["clothes"].pk})) == ["Куртка зимняя"]
    assert rows(manager_client.get(LIST, {"group": catalog["tools"].pk})) == ["Молоток"]


@pytest.mark.parametrize(
    "query", ["КУРТКА", "куртка зим", "JK-100", "4600000000017", "4600 0000 0001 7"]
)
def test_search_by_name_article_and_barcode(manager_client, catalog, query):
    assert rows(manager_client.get(LIST, {"q": query})) == ["Куртка зимняя"]


def test_search_finds_a_product_by_its_variant_article(manager_client, catalog):
    VariantFactory(product=catalog["hammer"], name="500 г", article="HM-1-500")
    assert rows(manager_client.get(LIST, {"q": "HM-1-500"})) == ["Молоток"]


def test_search_by_article_is_exact(manager_client, catalog):
    assert rows(manager_client.get(LIST, {"q": "JK-10"})) == []


def test_htmx_gets_only_the_results(manager_client, catalog):
    response = manager_client.get(LIST, {"q": "Молоток"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="catalog-results"' in html
    assert "catalog-tree" not in html


def test_list_pages_by_keyset(manager_client, catalog):
    ProductFactory.create_batch(60, group=catalog["tools"])
    first = manager_client.get(LIST)
    page = first.context["result"].page
    assert len(page.items) == 50
    assert page.next_cursor
    second = manager_client.get(LIST, {"cursor": page.next_cursor})
    assert len(second.context["result"].rows) == 12
    assert not {p.pk for p in page.items} & {r.product.pk for r in second.context["result"].rows}


def test_bad_cursor_says_so(manager_client, catalog):
    response = manager_client.get(LIST, {"cursor": "garbage"})
    assert response.status_code == 200
    assert response.context["error"]


def test_list_query_budget(manager_client, catalog, django_assert_max_num_queries):
    for i in range(40):
        product = ProductFactory(group=catalog["jackets"])
        Price.objects.create(price_type=catalog["retail"], product=product, value=i)
        Stock.objects.create(warehouse=catalog["main"], product=product, quantity=i)
        VariantFactory(product=product)
    with django_assert_max_num_queries(12):
        response = manager_client.get(LIST, {"group": catalog["clothes"].pk})
    assert len(response.context["result"].rows) == 41


def test_card_shows_prices_stock_variants_and_properties(manager_client, catalog):
    jacket = catalog["jacket"]
    size = VariantFactory(product=jacket, name="XL")
    Price.objects.create(price_type=catalog["retail"], product=jacket, variant=size, value=6490)
    colour = CatalogProperty.objects.create(name="Цвет", kind="string")
    ProductPropertyValue.objects.create(product=jacket, property=colour, value_string="Синий")
    response = manager_client.get(reverse("web:catalog_product_card", args=[jacket.pk]))
    assert response.status_code == 200
    rows_ = response.context["rows"]
    assert [r.variant for r in rows_] == [None, size]
    assert rows_[0].prices == [Decimal("5990.00"), Decimal("2995.00")]
    assert rows_[1].prices == [Decimal("6490.00"), None]
    html = response.content.decode()
    assert "Розничная" in html
    assert "XL" in html
    assert "Синий" in html
    assert "5\xa0990,00" in html or "5,990.00" in html


def test_card_query_budget(manager_client, catalog, django_assert_max_num_queries):
    for i in range(10):
        variant = VariantFactory(product=catalog["jacket"])
        Price.objects.create(
            price_type=catalog["retail"], product=catalog["jacket"], variant=variant, value=i
        )
    with django_assert_max_num_queries(16):
        response = manager_client.get(
            reverse("web:catalog_product_card", args=[catalog["jacket"].pk])
        )
    assert len(response.context["rows"]) == 11


def test_catalog_is_hidden_from_who_may_not_view_it(catalog):
    client = Client()
    client.force_login(UserFactory(username="nobody"))
    assert client.get(LIST).status_code == 404
    url = reverse("web:catalog_product_card", args=[catalog["jacket"].pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("web:catalog_product_card", args=[999999])).status_code == 404


def test_create_product_through_the_form(manager_client, catalog):
    response = manager_client.post(
        reverse("web:catalog_product_create"),
        {"kind": "goods", "name": "Перчатки", "article": "GL-1", "unit_id": catalog["jacket"].unit_id,
         "vat_rate": "22", "group_id": catalog["clothes"].pk, "is_active": "on"},
    )  # fmt: skip
    product = Product.objects.get(article="GL-1")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:catalog_product_card", args=[product.pk])
    assert (product.name, product.group, product.created_by.username) == (
        "Перчатки", catalog["clothes"], "manager")  # fmt: skip


def test_refused_form_shows_errors_and_writes_nothing(manager_client, catalog):
    count, events = Product.objects.count(), AuditEvent.objects.count()
    response = manager_client.post(
        reverse("web:catalog_product_create"),
        {"kind": "goods", "name": "", "unit_id": catalog["jacket"].unit_id, "vat_rate": "22",
         "barcode": "12#34"},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"name", "barcode"}
    assert (Product.objects.count(), AuditEvent.objects.count()) == (count, events)


def test_edit_product(manager_client, catalog):
    jacket = catalog["jacket"]
    url = reverse("web:catalog_product_edit", args=[jacket.pk])
    form = manager_client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({"name": "Куртка летняя", "is_active": "on"})
    response = manager_client.post(url, data)
    assert response.status_code == 302
    jacket.refresh_from_db()
    assert jacket.name == "Куртка летняя"
    assert jacket.article == "JK-100"


def test_settings_page_is_admin_only(manager_client, admin_client, catalog):
    url = reverse("web:catalog_settings")
    assert manager_client.get(url).status_code == 403
    add = reverse("web:catalog_settings_add", args=["warehouse"])
    assert (
        manager_client.post(add, {"warehouse-name": "X", "warehouse-code": "x"}).status_code == 403
    )
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "Основной" in response.content.decode()
    assert (
        admin_client.post(add, {"warehouse-name": "Южный", "warehouse-code": "south"}).status_code
        == 302
    )
    assert Warehouse.objects.filter(code="south", name="Южный").exists()


def test_settings_add_refused_keeps_errors(admin_client, catalog):
    add = reverse("web:catalog_settings_add", args=["warehouse"])
    response = admin_client.post(add, {"warehouse-name": "Дубль", "warehouse-code": "main"})
    assert response.status_code == 200
    assert "This code is taken." in response.content.decode()
    assert not Warehouse.objects.filter(name="Дубль").exists()


def test_sidebar_links_the_catalog(manager_client, catalog):
    html = manager_client.get(reverse("web:counterparty_list")).content.decode()
    assert f'href="{LIST}"' in html


# ---------------------------------------------------------------- prices and variants


def prices_state(product) -> set[tuple]:
    return set(Price.objects.filter(product=product).values_list("price_type", "variant", "value"))


def cell(price_type, variant=None) -> str:
    return f"price_{price_type.pk}_{variant.pk if variant else 0}"


def test_prices_saved_and_shown_on_the_card(manager_client, catalog):
    jacket, retail, wholesale = catalog["jacket"], catalog["retail"], catalog["wholesale"]
    size = VariantFactory(product=jacket, name="XL")
    old = PriceTypeFactory(code="old", is_active=False)
    Price.objects.create(price_type=old, product=jacket, value=1)
    url = reverse("web:catalog_product_prices", args=[jacket.pk])
    form = manager_client.get(url).context["form"]
    assert [name for name, *_ in form.cells] == [
        cell(retail), cell(wholesale), cell(retail, size), cell(wholesale, size)]  # fmt: skip
    assert form[cell(retail)].initial == "5990.00"
    posted = {cell(retail): "6 100,50", cell(wholesale): "", cell(retail, size): "7000"}
    response = manager_client.post(url, {**posted, cell(wholesale, size): ""})
    assert response.status_code == 302
    assert prices_state(jacket) == {
        (retail.pk, None, Decimal("6100.50")), (retail.pk, size.pk, Decimal("7000.00")),
        (old.pk, None, Decimal("1.00"))}  # fmt: skip
    assert AuditEvent.objects.filter(action="catalog.price.set").count() == 1
    card = manager_client.get(reverse("web:catalog_product_card", args=[jacket.pk]))
    assert card.context["rows"][1].prices[:2] == [Decimal("7000.00"), None]
    html = card.content.decode()
    assert "7\xa0000,00" in html or "7,000.00" in html
    assert reverse("web:catalog_product_prices", args=[jacket.pk]) in html


@pytest.mark.parametrize(
    ("bad", "message"), [("-5", "The value cannot be negative."), ("abc", "Enter a number.")]
)
def test_a_bad_price_shows_on_its_cell_and_writes_nothing(manager_client, catalog, bad, message):
    hammer, retail, wholesale = catalog["hammer"], catalog["retail"], catalog["wholesale"]
    before, events = prices_state(hammer), AuditEvent.objects.count()
    response = manager_client.post(
        reverse("web:catalog_product_prices", args=[hammer.pk]),
        {cell(retail): "999", cell(wholesale): bad},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors[cell(wholesale)] == [message]
    assert cell(retail) not in errors
    assert message in response.content.decode()
    assert (prices_state(hammer), AuditEvent.objects.count()) == (before, events)


def test_prices_refused_without_change_on_price(manager, manager_client, catalog):
    Role.objects.filter(code="manager").update(
        rules={"*": {"actions": ["view", "add", "change"], "scope": "own"},
               "catalog.price": {"actions": []}}
    )  # fmt: skip
    hammer, retail = catalog["hammer"], catalog["retail"]
    before = prices_state(hammer)
    url = reverse("web:catalog_product_prices", args=[hammer.pk])
    assert manager_client.get(url).status_code == 403
    assert manager_client.post(url, {cell(retail): "1"}).status_code == 403
    assert prices_state(hammer) == before
    assert not AuditEvent.objects.filter(action="catalog.price.set").exists()
    card = manager_client.get(reverse("web:catalog_product_card", args=[hammer.pk]))
    assert url not in card.content.decode()


def test_price_and_variant_pages_are_hidden_from_who_may_not_view(catalog):
    client = Client()
    client.force_login(UserFactory(username="nobody"))
    variant = VariantFactory(product=catalog["hammer"])
    for url in (
        reverse("web:catalog_product_prices", args=[catalog["hammer"].pk]),
        reverse("web:catalog_variant_create", args=[catalog["hammer"].pk]),
        reverse("web:catalog_variant_edit", args=[variant.pk]),
        reverse("web:catalog_product_prices", args=[999999]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "X"}).status_code == 404
    assert Variant.objects.count() == 1


def test_add_variant(manager_client, catalog):
    hammer = catalog["hammer"]
    response = manager_client.post(
        reverse("web:catalog_variant_create", args=[hammer.pk]),
        {"name": "500 г", "article": "HM-1-500", "barcode": "4600000000024", "is_active": "on"},
    )
    assert response.status_code == 302
    variant = Variant.objects.get(product=hammer)
    assert (variant.name, variant.article, variant.barcode, variant.is_active) == (
        "500 г", "HM-1-500", "4600000000024", True)  # fmt: skip
    assert AuditEvent.objects.filter(action="catalog.variant.created").count() == 1
    card = manager_client.get(reverse("web:catalog_product_card", args=[hammer.pk]))
    assert reverse("web:catalog_variant_edit", args=[variant.pk]) in card.content.decode()


def test_refused_variant_shows_errors_and_writes_nothing(manager_client, catalog):
    events = AuditEvent.objects.count()
    response = manager_client.post(
        reverse("web:catalog_variant_create", args=[catalog["hammer"].pk]),
        {"name": "", "barcode": "12#34"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"name", "barcode"}
    assert (Variant.objects.count(), AuditEvent.objects.count()) == (0, events)


def test_edit_variant(manager_client, catalog):
    variant = VariantFactory(product=catalog["jacket"], name="XL", article="JK-XL")
    url = reverse("web:catalog_variant_edit", args=[variant.pk])
    assert manager_client.get(url).context["form"].initial["article"] == "JK-XL"
    response = manager_client.post(url, {"name": "XXL", "article": "JK-XXL", "barcode": ""})
    assert response.status_code == 302
    assert response["Location"].startswith(
        reverse("web:catalog_product_card", args=[catalog["jacket"].pk])
    )
    variant.refresh_from_db()
    assert (variant.name, variant.article, variant.is_active) == ("XXL", "JK-XXL", False)
    refused = manager_client.post(url, {"name": "", "article": "changed"})
    assert refused.status_code == 200
    variant.refresh_from_db()
    assert (variant.name, variant.article) == ("XXL", "JK-XXL")
