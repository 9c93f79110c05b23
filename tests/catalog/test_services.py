"""Catalog writes: permission, validation, audit, and that every refusal writes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accord.catalog import services, settings_services
from accord.catalog.models import (
    CatalogProperty,
    CatalogPropertyChoice,
    Price,
    PriceType,
    Product,
    ProductGroup,
    Stock,
    Unit,
)
from accord.core.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
from accord.core.models import AuditEvent
from tests.factories import (
    PriceTypeFactory,
    ProductFactory,
    UserFactory,
    VariantFactory,
    WarehouseFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def director(db):
    return UserFactory(username="director", roles=["director"])


def test_create_product_cleans_and_audits(manager):
    product = services.product_create(
        actor=manager,
        data={"name": "  Куртка Зимняя Ёлка ", "article": "JK-01", "vat_rate": "10",
              "barcode": "4600 0000 0001 2", "weight": "1,5"},
    )  # fmt: skip
    assert (product.name, product.name_key, product.article) == (
        "Куртка Зимняя Ёлка",
        "куртка зимняя елка",
        "JK-01",
    )
    assert product.barcode == "4600000000012"
    assert product.unit == Unit.objects.get(code="796")
    assert product.vat == Decimal("10")
    assert product.weight == Decimal("1.500")
    event = AuditEvent.objects.get(action="catalog.product.created")
    assert event.object_id == str(product.pk)
    assert event.changes["article"] == "JK-01"


def test_vat_accessor_without_vat():
    assert Product(vat_rate="none").vat is None
    assert Product(vat_rate="22").vat == Decimal("22")


def test_refused_product_writes_nothing(manager, catalog_state):
    before = catalog_state()
    with pytest.raises(ValidationFailedError) as exc:
        services.product_create(
            actor=manager, data={"name": "", "vat_rate": "18", "unit_id": 999999, "weight": "x"}
        )
    assert set(exc.value.fields) == {"name", "vat_rate", "unit_id", "weight"}
    assert catalog_state() == before


def test_product_create_needs_permission(director, catalog_state):
    before = catalog_state()
    with pytest.raises(PermissionDeniedError):
        services.product_create(actor=director, data={"name": "Стол"})
    assert catalog_state() == before


def test_update_changes_only_what_is_sent_and_audits_the_diff(manager):
    product = ProductFactory(name="Стол", article="T-1")
    services.product_update(actor=manager, product=product, data={"article": "T-2"})
    product.refresh_from_db()
    assert (product.name, product.article, product.updated_by) == ("Стол", "T-2", manager)
    event = AuditEvent.objects.get(action="catalog.product.updated")
    assert event.changes == {"article": ["T-1", "T-2"]}


def test_update_without_change_writes_no_event(manager):
    product = ProductFactory(name="Стол")
    services.product_update(actor=manager, product=product, data={"name": "Стол"})
    assert not AuditEvent.objects.exists()


def test_mark_for_deletion_needs_delete_and_keeps_the_row(manager, admin_user, catalog_state):
    product = ProductFactory()
    before = catalog_state()
    with pytest.raises(PermissionDeniedError):  # managers have no "delete"
        services.product_mark_for_deletion(actor=manager, product=product)
    assert catalog_state() == before
    services.product_mark_for_deletion(actor=admin_user, product=product)
    product.refresh_from_db()
    assert product.marked_for_deletion
    assert AuditEvent.objects.filter(action="catalog.product.marked_for_deletion").count() == 1


def test_product_properties_are_typed(manager):
    colour = CatalogProperty.objects.create(name="Цвет", kind="choice")
    CatalogPropertyChoice.objects.create(property=colour, value="Красный")
    weight = CatalogProperty.objects.create(name="Плотность", kind="number")
    product = services.product_create(
        actor=manager,
        data={"name": "Ткань", "properties": {str(colour.pk): "Красный", str(weight.pk): "2,5"}},
    )
    values = {v.property_id: v.typed_value() for v in product.property_values.all()}
    assert values == {colour.pk: "Красный", weight.pk: Decimal("2.5")}


def test_wrong_property_value_writes_nothing(manager, catalog_state):
    colour = CatalogProperty.objects.create(name="Цвет", kind="choice")
    before = catalog_state()
    with pytest.raises(ValidationFailedError) as exc:
        services.product_create(
            actor=manager, data={"name": "Ткань", "properties": {str(colour.pk): "Синий"}}
        )
    assert list(exc.value.fields) == [f"properties.{colour.pk}"]
    assert catalog_state() == before


def test_variant_create_and_update(manager):
    product = ProductFactory()
    variant = services.variant_create(
        actor=manager, product=product, data={"name": "XL", "article": "A-XL"}
    )
    services.variant_update(actor=manager, variant=variant, data={"barcode": "123"})
    variant.refresh_from_db()
    assert (variant.product, variant.name, variant.barcode) == (product, "XL", "123")
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["catalog.variant.created", "catalog.variant.updated"]


# ---------------------------------------------------------------- prices and stock


def test_price_set_writes_updates_and_removes(manager):
    product, retail = ProductFactory(), PriceTypeFactory(code="retail")
    variant = VariantFactory(product=product)
    services.price_set(
        actor=manager,
        product=product,
        entries=[
            {"price_type_id": retail.pk, "value": "1 719,50"},
            {"price_type_id": retail.pk, "variant_id": variant.pk, "value": "1800"},
        ],
    )
    assert Price.objects.get(variant=None).value == Decimal("1719.50")
    services.price_set(
        actor=manager, product=product, entries=[{"price_type_id": retail.pk, "value": None}]
    )
    assert list(Price.objects.values_list("variant_id", "value")) == [
        (variant.pk, Decimal("1800.00"))
    ]
    events = AuditEvent.objects.filter(action="catalog.price.set").order_by("id")
    assert events[1].changes == {"prices": [["retail", None, "1719.50", None]]}


def test_null_variant_prices_are_unique_per_type():
    """The conditional constraint holds where a plain UNIQUE would let NULLs repeat."""
    from django.db import IntegrityError, transaction

    product, retail = ProductFactory(), PriceTypeFactory()
    Price.objects.create(price_type=retail, product=product, value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Price.objects.create(price_type=retail, product=product, value=2)


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"value": "-1"}, "prices.0.value"),
        ({"value": "abc"}, "prices.0.value"),
        ({"value": 1.5}, "prices.0.value"),
        ({"value": "10", "variant_id": "foreign"}, "prices.0.variant_id"),
        ({"value": "10", "price_type_id": 999999}, "prices.0.price_type_id"),
    ],
)
def test_bad_price_writes_nothing(manager, catalog_state, entry, field):
    product, retail = ProductFactory(), PriceTypeFactory()
    foreign = VariantFactory()  # a variant of another product
    entry = {"price_type_id": retail.pk, **entry}
    if entry.get("variant_id") == "foreign":
        entry["variant_id"] = foreign.pk
    good = {"price_type_id": retail.pk, "variant_id": None, "value": "5"}
    before = catalog_state()
    with pytest.raises(ValidationFailedError) as exc:
        services.price_set(actor=manager, product=product, entries=[entry, good][::-1])
    assert field.replace(".0.", ".1.") in exc.value.fields
    assert catalog_state() == before


def test_price_set_on_hidden_product_is_not_found(catalog_state):
    nobody = UserFactory(username="nobody")  # no roles: sees no catalog
    product, _retail = ProductFactory(), PriceTypeFactory()
    before = catalog_state()
    with pytest.raises(PermissionDeniedError):
        services.price_set(actor=nobody, product=product, entries=[])
    assert catalog_state() == before


def test_stock_accepts_negative_and_flags_it(manager):
    product, main = ProductFactory(), WarehouseFactory(code="main")
    services.stock_set(
        actor=manager, product=product, entries=[{"warehouse_id": main.pk, "quantity": "-2"}]
    )
    stock = Stock.objects.get()
    assert stock.quantity == Decimal("-2.000")
    assert stock.is_negative
    event = AuditEvent.objects.get(action="catalog.stock.set")
    assert event.changes["negative"] == [["main", None, "-2.000"]]


def test_bad_stock_writes_nothing(manager, catalog_state):
    product, main = ProductFactory(), WarehouseFactory()
    before = catalog_state()
    with pytest.raises(ValidationFailedError):
        services.stock_set(
            actor=manager,
            product=product,
            entries=[{"warehouse_id": main.pk, "quantity": "1"}, {"warehouse_id": main.pk}],
        )
    assert catalog_state() == before


# ---------------------------------------------------------------- groups


def test_moving_a_group_moves_its_subtree(manager):
    root = services.product_group_save(actor=manager, data={"name": "Одежда"})
    child = services.product_group_save(
        actor=manager, data={"name": "Куртки", "parent_id": root.pk}
    )
    leaf = services.product_group_save(
        actor=manager, data={"name": "Зимние", "parent_id": child.pk}
    )
    other = services.product_group_save(actor=manager, data={"name": "Обувь"})
    services.product_group_save(actor=manager, data={"parent_id": other.pk}, instance=child)
    leaf.refresh_from_db()
    assert leaf.path == f"/{other.pk}/{child.pk}/{leaf.pk}/"


def test_group_cycle_is_refused(manager, catalog_state):
    root = services.product_group_save(actor=manager, data={"name": "Одежда"})
    child = services.product_group_save(
        actor=manager, data={"name": "Куртки", "parent_id": root.pk}
    )
    before = catalog_state()
    for parent in (child, root):
        with pytest.raises(ValidationFailedError) as exc:
            services.product_group_save(actor=manager, data={"parent_id": parent.pk}, instance=root)
        assert "parent_id" in exc.value.fields
    assert catalog_state() == before
    assert ProductGroup.objects.get(pk=root.pk).parent_id is None


# ---------------------------------------------------------------- settings


def test_settings_need_the_admin_type(manager, admin_user, catalog_state):
    before = catalog_state()
    with pytest.raises(PermissionDeniedError):
        settings_services.warehouse_save(actor=manager, data={"name": "Main", "code": "main"})
    assert catalog_state() == before
    warehouse = settings_services.warehouse_save(
        actor=admin_user, data={"name": "Main", "code": "main"}
    )
    assert warehouse.pk
    assert AuditEvent.objects.filter(action="catalog.warehouse.created").exists()


def test_one_default_price_type(admin_user):
    first = settings_services.price_type_save(
        actor=admin_user, data={"name": "Розничная", "code": "retail", "currency_id": 1,
                                "is_default": True},
    )  # fmt: skip
    second = settings_services.price_type_save(
        actor=admin_user,
        data={"name": "Оптовая", "code": "wholesale", "currency_id": first.currency_id,
              "is_default": True},
    )  # fmt: skip
    assert list(PriceType.objects.filter(is_default=True)) == [second]


def test_duplicate_code_is_refused(admin_user, catalog_state):
    WarehouseFactory(code="main")
    before = catalog_state()
    with pytest.raises(ValidationFailedError) as exc:
        settings_services.warehouse_save(actor=admin_user, data={"name": "X", "code": "main"})
    assert list(exc.value.fields) == ["code"]
    assert catalog_state() == before


def test_visible_to_is_all_or_nothing(manager):
    ProductFactory.create_batch(3)
    nobody = UserFactory(username="nobody")
    assert Product.objects.visible_to(manager).count() == 3
    assert Product.objects.visible_to(nobody).count() == 0


def test_missing_product_is_not_found(manager):
    from accord.catalog.selectors import product_get

    with pytest.raises(NotFoundError):
        product_get(viewer=manager, pk=123456)
