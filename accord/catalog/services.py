"""Writes of the catalog: products, variants, groups, prices and stock.

Each service checks permission, validates everything before writing, writes in one
transaction and records the audit event in that same transaction: a refusal writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.catalog.models import (
    CatalogProperty,
    Price,
    PriceType,
    Product,
    ProductGroup,
    ProductPropertyValue,
    Stock,
    Variant,
    Warehouse,
)
from accord.catalog.validation import (
    PRODUCT_FIELDS,
    VARIANT_FIELDS,
    clean_group,
    clean_price_value,
    clean_product,
    clean_properties,
    clean_quantity,
    clean_variant,
)
from accord.core.audit import diff, jsonable, log_action, snapshot
from accord.core.errors import NotFoundError, ValidationFailedError
from accord.directory.validation import Errors
from accord.users.access import require

PRODUCT = "catalog.product"
PRICE = "catalog.price"
STOCK = "catalog.stock"
GROUP_FIELDS = ("name", "parent_id", "position", "path")


def _locked_product(actor: Any, product: Product) -> Product:
    row = (
        Product.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .filter(pk=product.pk)
        .first()
    )
    if row is None:
        raise NotFoundError
    return row


def _properties_state(owner: Product | Variant) -> dict[str, Any]:
    values = owner.property_values.select_related("property", "value_choice")
    return {str(v.property_id): jsonable(v.typed_value()) for v in values}


def _set_properties(
    owner: Product | Variant, values: Mapping[CatalogProperty, dict[str, Any]]
) -> dict[str, Any]:
    """Replace the given property values of `owner`; answer what changed, for the audit."""
    if not values:
        return {}
    before = _properties_state(owner)
    owner_field = "product" if isinstance(owner, Product) else "variant"
    rows = ProductPropertyValue.objects.filter(**{owner_field: owner})
    rows.filter(property__in=list(values)).delete()
    ProductPropertyValue.objects.bulk_create(
        ProductPropertyValue(**{owner_field: owner}, property=prop, **columns)
        for prop, columns in values.items()
        if columns
    )
    after = _properties_state(owner)
    return {"properties": [before, after]} if before != after else {}


@transaction.atomic
def product_create(*, actor: Any, data: Mapping[str, Any]) -> Product:
    require(actor, "add", PRODUCT)
    cleaned = clean_product(data)
    properties = clean_properties(data.get("properties") or {}, for_variants=False)
    product = Product.objects.create(**cleaned, created_by=actor, updated_by=actor)
    related = _set_properties(product, properties)
    log_action(
        actor=actor,
        action="catalog.product.created",
        obj=product,
        changes={**snapshot(product, PRODUCT_FIELDS), **related},
    )
    return product


@transaction.atomic
def product_update(*, actor: Any, product: Product, data: Mapping[str, Any]) -> Product:
    require(actor, "change", PRODUCT)
    row = _locked_product(actor, product)
    cleaned = clean_product(data, instance=row)
    properties = clean_properties(data.get("properties") or {}, for_variants=False)
    before = snapshot(row, PRODUCT_FIELDS)
    for name, value in cleaned.items():
        setattr(row, name, value)
    changes = diff(before, snapshot(row, PRODUCT_FIELDS))
    related = _set_properties(row, properties)
    if changes or related:
        row.updated_at, row.updated_by = timezone.now(), actor
        row.save()
        log_action(
            actor=actor, action="catalog.product.updated", obj=row, changes={**changes, **related}
        )
    return row


@transaction.atomic
def product_mark_for_deletion(*, actor: Any, product: Product, marked: bool = True) -> Product:
    """Mark (or unmark) a product for deletion, as 1C does: the row and its history stay."""
    require(actor, "delete", PRODUCT)
    row = _locked_product(actor, product)
    if row.marked_for_deletion != marked:
        row.marked_for_deletion = marked
        row.updated_at, row.updated_by = timezone.now(), actor
        row.save(update_fields=["marked_for_deletion", "updated_at", "updated_by"])
        action = "marked_for_deletion" if marked else "unmarked_for_deletion"
        log_action(
            actor=actor,
            action=f"catalog.product.{action}",
            obj=row,
            changes={"marked_for_deletion": [not marked, marked]},
        )
    return row


@transaction.atomic
def variant_create(*, actor: Any, product: Product, data: Mapping[str, Any]) -> Variant:
    require(actor, "change", PRODUCT)
    row = _locked_product(actor, product)
    cleaned = clean_variant(data, current={})
    properties = clean_properties(data.get("properties") or {}, for_variants=True)
    variant = Variant.objects.create(product=row, **cleaned, created_by=actor, updated_by=actor)
    related = _set_properties(variant, properties)
    log_action(
        actor=actor,
        action="catalog.variant.created",
        obj=variant,
        changes={**snapshot(variant, VARIANT_FIELDS), "product": row.pk, **related},
    )
    return variant


@transaction.atomic
def variant_update(*, actor: Any, variant: Variant, data: Mapping[str, Any]) -> Variant:
    require(actor, "change", PRODUCT)
    row = (
        Variant.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .filter(pk=variant.pk)
        .first()
    )
    if row is None:
        raise NotFoundError
    cleaned = clean_variant(data, current={f: getattr(row, f) for f in VARIANT_FIELDS})
    properties = clean_properties(data.get("properties") or {}, for_variants=True)
    before = snapshot(row, VARIANT_FIELDS)
    for name, value in cleaned.items():
        setattr(row, name, value)
    changes = diff(before, snapshot(row, VARIANT_FIELDS))
    related = _set_properties(row, properties)
    if changes or related:
        row.updated_at, row.updated_by = timezone.now(), actor
        row.save()
        log_action(
            actor=actor, action="catalog.variant.updated", obj=row, changes={**changes, **related}
        )
    return row


# ---------------------------------------------------------------- groups


def _move_subtree(group: ProductGroup, old_path: str) -> None:
    """Rewrite the paths below `group` after its own path changed from `old_path`."""
    below = ProductGroup.objects.filter(path__startswith=old_path).exclude(pk=group.pk)
    for child in below:
        child.path = group.path + child.path[len(old_path) :]
    ProductGroup.objects.bulk_update(below, ["path"])


@transaction.atomic
def product_group_save(
    *, actor: Any, data: Mapping[str, Any], instance: ProductGroup | None = None
) -> ProductGroup:
    """Create a group or change one; moving it under another moves its whole subtree."""
    require(actor, "change" if instance else "add", PRODUCT)
    current = (
        {f: getattr(instance, f) for f in ("name", "parent_id", "position")} if instance else {}
    )
    cleaned = clean_group(data, current)
    parent = ProductGroup.objects.filter(pk=cleaned["parent_id"]).first()
    if instance is not None and parent is not None and parent.path.startswith(instance.path):
        raise ValidationFailedError(
            {"parent_id": [_("A group cannot be placed inside itself or its subgroups.")]}
        )
    group = instance or ProductGroup()
    before = snapshot(group, GROUP_FIELDS) if instance else {}
    old_path = group.path
    for name, value in cleaned.items():
        setattr(group, name, value)
    group.save()
    group.path = f"{parent.path if parent else '/'}{group.pk}/"
    group.save(update_fields=["path"])
    if instance is not None and group.path != old_path:
        _move_subtree(group, old_path)
    changes = diff(before, snapshot(group, GROUP_FIELDS))
    if changes:
        verb = "updated" if instance else "created"
        log_action(actor=actor, action=f"catalog.product_group.{verb}", obj=group, changes=changes)
    return group


# ---------------------------------------------------------------- prices and stock


def _variant_ids(product: Product) -> set[int]:
    return set(Variant.objects.filter(product=product).values_list("pk", flat=True))


def _as_int(raw: Any) -> int | None:
    try:
        return int(raw) if not isinstance(raw, bool) else None
    except (TypeError, ValueError):
        return None


def _variant(errors: Errors, name: str, raw: Any, allowed: set[int]) -> int | None:
    if raw in (None, ""):
        return None
    pk = _as_int(raw)
    if pk is None or pk not in allowed:
        errors.add(name, _("This variant does not belong to the product."))
    return pk


def _clean_prices(product: Product, entries: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    errors, variants, seen = Errors(), _variant_ids(product), set()
    types = {t.pk: t for t in PriceType.objects.all()}
    clean = []
    for i, entry in enumerate(entries):
        raw_type = _as_int(entry.get("price_type_id"))
        price_type = types.get(raw_type) if raw_type else None
        if price_type is None:
            errors.add(f"prices.{i}.price_type_id", _("Choose a price type."))
        variant = _variant(errors, f"prices.{i}.variant_id", entry.get("variant_id"), variants)
        value = entry.get("value")
        if value is not None:
            value = clean_price_value(errors, f"prices.{i}.value", value)
        if (raw_type, variant) in seen:
            errors.add(f"prices.{i}", _("This price is given twice."))
        seen.add((raw_type, variant))
        clean.append((price_type, variant, value))
    errors.raise_if_any()
    return clean


@transaction.atomic
def price_set(*, actor: Any, product: Product, entries: Sequence[Mapping[str, Any]]) -> list[Price]:
    """Set the prices given (`price_type_id`, `variant_id` or none, `value`); a null value
    removes that price, prices not named stay. Negative prices and foreign variants are refused.
    """
    require(actor, "change", PRICE)
    row = _locked_product(actor, product)
    changes = []
    for price_type, variant_id, value in _clean_prices(row, entries):
        key = {"price_type": price_type, "product": row, "variant_id": variant_id}
        old = Price.objects.filter(**key).first()
        old_value = old.value if old else None
        if value is None and old is not None:
            old.delete()
        elif value is not None and old_value != value:
            Price.objects.update_or_create(**key, defaults={"value": value})
        if old_value != value:
            changes.append([price_type.code, variant_id, old_value, value])
    if changes:
        log_action(actor=actor, action="catalog.price.set", obj=row, changes={"prices": changes})
    return list(Price.objects.filter(product=row).select_related("price_type", "variant"))


def _clean_stock(product: Product, entries: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    errors, variants, seen = Errors(), _variant_ids(product), set()
    warehouses = {w.pk: w for w in Warehouse.objects.all()}
    clean = []
    for i, entry in enumerate(entries):
        raw = _as_int(entry.get("warehouse_id"))
        warehouse = warehouses.get(raw) if raw else None
        if warehouse is None:
            errors.add(f"stock.{i}.warehouse_id", _("Choose a warehouse."))
        variant = _variant(errors, f"stock.{i}.variant_id", entry.get("variant_id"), variants)
        quantity = clean_quantity(errors, f"stock.{i}.quantity", entry.get("quantity"))
        if (raw, variant) in seen:
            errors.add(f"stock.{i}", _("This stock is given twice."))
        seen.add((raw, variant))
        clean.append((warehouse, variant, quantity))
    errors.raise_if_any()
    return clean


@transaction.atomic
def stock_set(*, actor: Any, product: Product, entries: Sequence[Mapping[str, Any]]) -> list[Stock]:
    """Set stock per warehouse (and variant). Negative stock is accepted, as 1C sends it
    after shipping ahead of receipts; the audit event lists it under `negative`, the UI flags it.
    """
    require(actor, "change", STOCK)
    row = _locked_product(actor, product)
    changes, negative = [], []
    for warehouse, variant_id, quantity in _clean_stock(row, entries):
        key = {"warehouse": warehouse, "product": row, "variant_id": variant_id}
        old = Stock.objects.filter(**key).values_list("quantity", flat=True).first()
        if old != quantity:
            Stock.objects.update_or_create(**key, defaults={"quantity": quantity})
            changes.append([warehouse.code, variant_id, old, quantity])
        if quantity < 0:
            negative.append([warehouse.code, variant_id, quantity])
    if changes:
        log_action(
            actor=actor,
            action="catalog.stock.set",
            obj=row,
            changes={"stock": changes, **({"negative": negative} if negative else {})},
        )
    return list(Stock.objects.filter(product=row).select_related("warehouse", "variant"))
