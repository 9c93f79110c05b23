"""The demo catalog: its shape, valid stored values, and the same rows for the same seed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accord.catalog import validation
from accord.catalog.models import (
    Price,
    PriceType,
    Product,
    ProductGroup,
    ProductKind,
    Stock,
    Variant,
    Warehouse,
)
from accord.demo.catalog import catalog_generate, catalog_wipe, ean13, product_count
from accord.demo.generator import SIZES, data_wipe, generate

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple]:
    return list(
        Product.objects.order_by("article").values_list(
            "article", "name", "barcode", "vat_rate", "group__name", "unit__code"
        )
    ) + list(
        Price.objects.order_by("product__article", "variant__article", "price_type__code")
        .values_list("product__article", "variant__article", "price_type__code", "value")
    ) + list(
        Stock.objects.order_by("product__article", "variant__article", "warehouse__code")
        .values_list("product__article", "variant__article", "warehouse__code", "quantity")
    )  # fmt: skip


def test_size_s_makes_1500_products():
    assert product_count(SIZES["S"].counterparties) == 1500
    assert product_count(SIZES["M"].counterparties) == 15_000


def test_shape_of_the_demo_catalog():
    counts = catalog_generate(seed=3, total=300, batch_size=70)
    assert counts.products == Product.objects.count() == 300
    assert counts.groups == ProductGroup.objects.count()
    tops = ProductGroup.objects.filter(parent=None)
    assert all(g.path == f"/{g.pk}/" for g in tops)
    assert (
        not ProductGroup.objects.exclude(parent=None).exclude(children=None).exists()
    )  # two levels
    assert set(PriceType.objects.values_list("code", flat=True)) == {
        "retail",
        "wholesale",
        "purchase",
    }
    assert PriceType.objects.get(is_default=True).code == "retail"
    assert Warehouse.objects.count() == 2
    assert Variant.objects.exists()
    with_variants = Product.objects.filter(variants__isnull=False).distinct()
    assert set(with_variants.values_list("group__parent__name", flat=True)) <= {"Одежда", "Обувь"}
    # Every product or variant has every price; every non-service has stock on both warehouses.
    owners = Product.objects.filter(variants=None).count() + Variant.objects.count()
    assert Price.objects.count() == owners * 3
    services = Product.objects.filter(kind=ProductKind.SERVICE).count()
    assert Stock.objects.filter(product__kind=ProductKind.GOODS).count() == Stock.objects.count()
    assert services > 0
    assert Stock.objects.count() > 0


def test_stored_values_are_what_the_services_store():
    catalog_generate(seed=5, total=120, batch_size=50)
    for product in Product.objects.all()[:120]:
        cleaned = validation.clean_product({}, instance=product)
        assert cleaned["name_key"] == product.name_key
        assert cleaned["barcode"] == product.barcode
        if product.barcode:
            assert ean13(product.barcode[:12]) == product.barcode
    retail = PriceType.objects.get(code="retail")
    for price in Price.objects.filter(price_type=retail)[:50]:
        assert price.value > 0
        assert price.value == price.value.quantize(Decimal("0.01"))


def test_same_seed_same_catalog_whatever_the_batch_size():
    catalog_generate(seed=11, total=150, batch_size=150)
    first = snapshot()
    catalog_wipe()
    assert not Product.objects.exists()
    catalog_generate(seed=11, total=150, batch_size=40)
    assert snapshot() == first
    catalog_wipe()
    catalog_generate(seed=12, total=150, batch_size=40)
    assert snapshot() != first


def test_demo_run_includes_the_catalog_and_reset_removes_it():
    result = generate(size=SIZES["S"], seed=1, count=100, batch_size=50)
    assert result.catalog.products == Product.objects.count() == 15
    data_wipe()
    assert not Product.objects.exists()
    assert not PriceType.objects.exists()
