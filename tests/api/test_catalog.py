"""/api/v1/products, variants, price-types and warehouses: lists, reads, writes, errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps

from accord.catalog.models import Price, PriceType, Product, Stock, Variant, Warehouse
from accord.core.models import AuditEvent
from tests.api.conftest import JsonClient, bearer
from tests.conftest import rows_of
from tests.factories import (
    PriceTypeFactory,
    ProductFactory,
    ProductGroupFactory,
    UserFactory,
    VariantFactory,
    WarehouseFactory,
)

pytestmark = pytest.mark.django_db
PRODUCTS = "/api/v1/products"


@pytest.fixture
def catalog_state() -> Callable[[], dict[str, list[dict[str, Any]]]]:
    models = [*apps.get_app_config("catalog").get_models(), AuditEvent]

    def state() -> dict[str, list[dict[str, Any]]]:
        return rows_of(models)

    return state


@pytest.fixture
def priced():
    group = ProductGroupFactory(name="Одежда")
    product = ProductFactory(name="Куртка", article="JK-1", group=group)
    variant = VariantFactory(product=product, name="XL")
    retail, main = PriceTypeFactory(code="retail"), WarehouseFactory(code="main")
    Price.objects.create(price_type=retail, product=product, value="5990.00")
    Price.objects.create(price_type=retail, product=product, variant=variant, value="6490.00")
    Stock.objects.create(warehouse=main, product=product, variant=variant, quantity="-1.5")
    return {"group": group, "product": product, "variant": variant, "retail": retail, "main": main}


def test_list_pages_with_count_and_cursor(api):
    ProductFactory.create_batch(5)
    first = api.get(PRODUCTS, {"limit": 3}).json()
    assert first["count"] == 5
    assert len(first["items"]) == 3
    assert first["next_cursor"]
    second = api.get(PRODUCTS, {"limit": 3, "cursor": first["next_cursor"]}).json()
    assert len(second["items"]) == 2
    assert second["next_cursor"] is None
    assert first["items"][0].keys() >= {"id", "article", "name", "unit", "vat_rate"}


def test_list_searches_and_filters_by_group(api, priced):
    ProductFactory(name="Молоток", article="HM-1")
    assert [p["name"] for p in api.get(PRODUCTS, {"q": "JK-1"}).json()["items"]] == ["Куртка"]
    assert [p["name"] for p in api.get(PRODUCTS, {"q": "мол"}).json()["items"]] == ["Молоток"]
    items = api.get(PRODUCTS, {"group": priced["group"].pk}).json()["items"]
    assert [p["name"] for p in items] == ["Куртка"]


def test_get_nests_prices_stock_and_variants(api, priced):
    body = api.get(f"{PRODUCTS}/{priced['product'].pk}").json()
    variant, retail = priced["variant"].pk, priced["retail"].pk
    assert sorted(body["prices"], key=lambda p: p["variant_id"] or 0) == [
        {"price_type_id": retail, "variant_id": None, "value": "5990.00"},
        {"price_type_id": retail, "variant_id": variant, "value": "6490.00"},
    ]
    assert body["stock"] == [
        {"warehouse_id": priced["main"].pk, "variant_id": variant, "quantity": "-1.500"}
    ]
    assert [v["name"] for v in body["variants"]] == ["XL"]


def test_get_query_budget(api, priced, django_assert_max_num_queries):
    for _ in range(10):
        VariantFactory(product=priced["product"])
    with django_assert_max_num_queries(14):
        response = api.get(f"{PRODUCTS}/{priced['product'].pk}")
    assert len(response.json()["variants"]) == 11


def test_list_query_budget(api, django_assert_max_num_queries):
    ProductFactory.create_batch(30)
    with django_assert_max_num_queries(8):
        response = api.get(PRODUCTS)
    assert response.json()["count"] == 30


def test_missing_and_hidden_products_are_the_same_404(priced):
    UserFactory(username="nobody")
    nobody = JsonClient(__import__("django.test").test.Client(), bearer("nobody"))
    hidden = nobody.get(f"{PRODUCTS}/{priced['product'].pk}")
    missing = nobody.get(f"{PRODUCTS}/999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert nobody.get(PRODUCTS).json()["count"] == 0


def test_create_and_update(api):
    created = api.post(PRODUCTS, {"name": "Перчатки", "article": "GL-1", "weight": "0.2"})
    assert created.status_code == 201
    body = created.json()
    assert (body["unit"], body["vat_rate"], body["weight"]) == ("шт", "22", "0.200")
    updated = api.patch(f"{PRODUCTS}/{body['id']}", {"article": "GL-2", "vat_rate": "none"})
    assert updated.status_code == 200
    assert (updated.json()["article"], updated.json()["name"]) == ("GL-2", "Перчатки")
    assert Product.objects.get().vat is None


def test_create_refused_writes_nothing(api, catalog_state):
    before = catalog_state()
    response = api.post(PRODUCTS, {"name": " ", "barcode": "12#3", "unit_id": 999999})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"name", "barcode", "unit_id"}
    assert catalog_state() == before


def test_unknown_field_is_refused(api):
    response = api.post(PRODUCTS, {"name": "X", "price": 10})
    assert response.status_code == 400
    assert "price" in str(response.json()["fields"])
    assert not Product.objects.exists()


def test_put_prices(api, priced):
    product, retail, variant = priced["product"], priced["retail"], priced["variant"]
    wholesale = PriceTypeFactory(code="wholesale")
    response = api.client.put(
        f"{PRODUCTS}/{product.pk}/prices",
        data={"prices": [
            {"price_type_id": wholesale.pk, "value": "4500.5"},
            {"price_type_id": retail.pk, "variant_id": variant.pk, "value": None},
        ]},
        content_type="application/json",
        **api.headers,
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    prices = {(p["price_type_id"], p["variant_id"]): p["value"] for p in response.json()["prices"]}
    assert prices == {(retail.pk, None): "5990.00", (wholesale.pk, None): "4500.50"}
    assert AuditEvent.objects.filter(action="catalog.price.set").count() == 1


@pytest.mark.parametrize(
    "entry",
    [
        {"value": "-1"},
        {"value": "10", "variant_id": "other"},
        {"value": "1e30"},
    ],
)
def test_put_prices_refused_writes_nothing(api, priced, catalog_state, entry):
    other = VariantFactory()
    entry = {"price_type_id": priced["retail"].pk, **entry}
    if entry.get("variant_id") == "other":
        entry["variant_id"] = other.pk
    before = catalog_state()
    response = api.client.put(
        f"{PRODUCTS}/{priced['product'].pk}/prices",
        data={"prices": [{"price_type_id": priced["retail"].pk, "value": "1"}, entry]},
        content_type="application/json",
        **api.headers,
    )
    assert response.status_code == 400
    assert any(key.startswith("prices.1") for key in response.json()["fields"])
    assert catalog_state() == before


def test_variants_crud(api, priced):
    product = priced["product"]
    created = api.post(
        "/api/v1/variants", {"product_id": product.pk, "name": "S", "article": "JK-1-S"}
    )
    assert created.status_code == 201
    vid = created.json()["id"]
    listed = api.get("/api/v1/variants", {"product": product.pk}).json()
    assert listed["count"] == 2
    assert api.patch(f"/api/v1/variants/{vid}", {"barcode": "123"}).json()["barcode"] == "123"
    assert api.get(f"/api/v1/variants/{vid}").json()["product_id"] == product.pk
    refused = api.post("/api/v1/variants", {"product_id": 999999, "name": "M"})
    assert refused.status_code == 400
    assert "product_id" in refused.json()["fields"]
    assert Variant.objects.count() == 2


def test_price_types_and_warehouses_need_settings_rights(api, admin_api, catalog_state):
    before = catalog_state()
    assert api.post("/api/v1/warehouses", {"name": "Main", "code": "main"}).status_code == 403
    assert api.post("/api/v1/price-types", {"name": "Retail", "code": "retail"}).status_code == 403
    assert catalog_state() == before
    warehouse = admin_api.post("/api/v1/warehouses", {"name": "Main", "code": "main"})
    assert warehouse.status_code == 201
    price_type = admin_api.post(
        "/api/v1/price-types", {"name": "USD list", "code": "usd", "currency": "usd"}
    )
    assert price_type.status_code == 201
    assert price_type.json()["currency"] == "USD"
    changed = admin_api.patch(
        f"/api/v1/price-types/{price_type.json()['id']}", {"is_default": True}
    )
    assert changed.json()["is_default"] is True
    assert (
        admin_api.patch(
            f"/api/v1/warehouses/{warehouse.json()['id']}", {"address": "Москва"}
        ).json()["address"]
        == "Москва"
    )
    assert api.get("/api/v1/warehouses").json()["count"] == 1
    assert api.get(f"/api/v1/price-types/{price_type.json()['id']}").status_code == 200
    assert (Warehouse.objects.count(), PriceType.objects.count()) == (1, 1)


def test_price_type_with_unknown_currency_is_refused(admin_api):
    response = admin_api.post("/api/v1/price-types", {"name": "X", "code": "x", "currency": "XXX"})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["currency"]
    assert not PriceType.objects.exists()
