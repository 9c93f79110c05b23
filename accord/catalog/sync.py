"""Bulk writes of the catalog for a trusted feed (1C's catalog): thousands of rows per call.

The per-object services in `services.py` serve people; a 100,000-product catalog through
them would take minutes. These functions keep the same promises in bulk: permission checked
once per call, every row validated before anything is written (a bad row is reported and
left out, the others are written), only rows whose values differ are updated (so a repeated
package changes nothing, `updated_at` included), and one audit event per changed object, in
the caller's transaction.

Each `*_sync` takes rows `(pk or None, values)` and answers a `SyncReport` with, per row,
its primary key and its outcome.

Rows are written and looked up with the plain-SQL helpers of `accord.core.bulk`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.catalog.models import (
    CatalogProperty,
    CatalogPropertyChoice,
    Price,
    PriceType,
    Product,
    ProductKind,
    ProductPropertyValue,
    Stock,
    Variant,
    VatRate,
    Warehouse,
)
from accord.catalog.validation import text_key
from accord.core.audit import jsonable, log_action, log_actions, log_batch
from accord.core.bulk import among, field_of, insert_rows, update_rows
from accord.core.errors import ValidationFailedError
from accord.users.access import require

PRODUCT = "catalog.product"
PRICE = "catalog.price"
STOCK = "catalog.stock"
SETTINGS = "admin.catalog_settings"

PRODUCT_SYNC_FIELDS = (
    "kind", "article", "name", "full_name", "group_id", "unit_id", "vat_rate", "barcode",
    "manufacturer", "country", "trademark", "weight", "description", "is_active",
    "marked_for_deletion",
)  # fmt: skip
VARIANT_SYNC_FIELDS = (
    "product_id",
    "name",
    "article",
    "barcode",
    "is_active",
    "marked_for_deletion",
)

INSERTED, UPDATED, UNCHANGED, FAILED = "inserted", "updated", "unchanged", "failed"

Row = tuple[int | None, dict[str, Any]]


@dataclass
class SyncReport:
    """Per input row: the primary key it has now (None if it failed) and what happened."""

    pks: list[int | None] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    errors: dict[int, str] = field(default_factory=dict)

    def count(self, outcome: str) -> int:
        return self.outcomes.count(outcome)


@cache
def _checks(model: type[models.Model]) -> dict[str, tuple[Any, int | None, Decimal | None]]:
    """Per field name and attname: the field, its length limit and the bound of its whole
    part; worked out once per model, not once per value."""
    found: dict[str, tuple[Any, int | None, Decimal | None]] = {}
    for model_field in model._meta.concrete_fields:
        limit = bound = None
        if isinstance(model_field, models.CharField):
            limit = model_field.max_length or 0
        if isinstance(model_field, models.DecimalField):
            whole = (model_field.max_digits or 0) - (model_field.decimal_places or 0)
            bound = Decimal(10) ** whole
        found[model_field.name] = found[model_field.attname] = (model_field, limit, bound)
    return found


_VAT_RATES = frozenset(VatRate.values)
_KINDS = frozenset(ProductKind.values)


def _problem(model: type[models.Model], values: dict[str, Any]) -> str | None:
    """The first reason `values` cannot be stored in `model`, or None."""
    checks = _checks(model)
    for name, value in values.items():
        model_field, limit, bound = checks[name]
        if limit is not None and isinstance(value, str) and len(value) > limit:
            return _("%(field)s is longer than %(n)d characters.") % {
                "field": model_field.verbose_name,
                "n": limit,
            }
        if (
            bound is not None
            and isinstance(value, Decimal)
            and value.is_finite()
            and abs(value) >= bound
        ):
            return _("%(field)s is too large.") % {"field": model_field.verbose_name}
    if "name" in values and not str(values["name"]).strip():
        return _("The name is empty.")
    if "vat_rate" in values and values["vat_rate"] not in _VAT_RATES:
        return _("Unknown VAT rate %(rate)s.") % {"rate": values["vat_rate"]}
    if "kind" in values and values["kind"] not in _KINDS:
        return _("Unknown kind %(kind)s.") % {"kind": values["kind"]}
    return None


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return old is not None and new is not None and Decimal(old) == Decimal(new)
    return bool(old == new)


def _upsert(
    *,
    actor: Any,
    model: type[Any],
    fields: Sequence[str],
    rows: Sequence[Row],
    derived: Any = None,
    keep: Sequence[str] = (),
) -> SyncReport:
    """Insert rows without a pk, update rows whose values differ, audit every change.

    Every row's `values` names all of `fields`; a None for a field of `keep` keeps the
    stored value (the field's default for a new row)."""
    report = SyncReport(pks=[None] * len(rows), outcomes=[FAILED] * len(rows))
    existing_pks = [pk for pk, _values in rows if pk is not None]
    current = {
        row["pk"]: row
        for row in model._base_manager.filter(among(model, "id", existing_pks)).values(
            "pk", *fields
        )
    }
    inserts: list[tuple[int, dict[str, Any]]] = []
    updates: list[tuple[int, int, dict[str, Any], dict[str, list[Any]]]] = []
    defaults = {name: field_of(model, name).get_default() for name in keep}
    for index, (pk, values) in enumerate(rows):
        for name in keep:
            if values[name] is None:
                stored = current.get(pk) if pk is not None else None
                values = {**values, name: stored[name] if stored else defaults[name]}
        problem = _problem(model, values)
        if problem is None and pk is not None and pk not in current:
            problem = _("The object was deleted in Accord.")
        if problem is not None:
            report.errors[index] = problem
            continue
        extra = derived(values) if derived else {}
        if pk is None:
            inserts.append((index, {**values, **extra}))
            continue
        before = current[pk]
        changes = {
            name: [jsonable(before[name]), jsonable(value)]
            for name, value in values.items()
            if not _same(before[name], value)
        }
        report.pks[index] = pk
        if not changes:
            report.outcomes[index] = UNCHANGED
            continue
        updates.append((index, pk, {**values, **extra}, changes))
    columns = [*fields, *(derived({}) if derived else {})]
    new_pks = _write(actor, model, columns, inserts, updates)
    for (index, _values), pk in zip(inserts, new_pks, strict=True):
        report.pks[index], report.outcomes[index] = pk, INSERTED
    for index, _pk, _values, _changes in updates:
        report.outcomes[index] = UPDATED
    return report


def _write(
    actor: Any,
    model: type[Any],
    columns: Sequence[str],
    inserts: list[tuple[int, dict[str, Any]]],
    updates: list[tuple[int, int, dict[str, Any], dict[str, list[Any]]]],
) -> list[int]:
    """Store what `_upsert` decided, and audit it; answers the new rows' pks."""
    label = f"{model._meta.app_label}.{model._meta.model_name}"
    now, by = timezone.now(), getattr(actor, "pk", None)
    new_pks: list[int] = []
    if inserts:
        require(actor, "add", PRODUCT)
        new_pks = insert_rows(
            model,
            columns,
            [[values[name] for name in columns] for _index, values in inserts],
            constants={
                "created_at": now, "updated_at": now, "created_by_id": by, "updated_by_id": by,
            },
            returning=True,
        )  # fmt: skip
        log_batch(
            actor=actor, action=f"{label}.created", object_type=label, ids=new_pks, changes={}
        )
    if updates:
        require(actor, "change", PRODUCT)
        update_rows(
            model,
            columns,
            [(pk, [values[name] for name in columns]) for _i, pk, values, _c in updates],
            constants={"updated_at": now, "updated_by_id": by},
        )
        log_actions(
            actor=actor,
            entries=[
                (f"{label}.updated", model(pk=pk, **values), changes)
                for _i, pk, values, changes in updates
            ],
        )
    return new_pks


def _product_derived(values: dict[str, Any]) -> dict[str, Any]:
    return {"name_key": text_key(values.get("name", ""))[:255]}


def products_sync(*, actor: Any, rows: Sequence[Row]) -> SyncReport:
    """Create or update products; `values` holds PRODUCT_SYNC_FIELDS (group_id, unit_id as
    pks). A `vat_rate` of None keeps the product's rate (the default one for a new product)."""
    require(actor, "view", PRODUCT)
    return _upsert(
        actor=actor, model=Product, fields=PRODUCT_SYNC_FIELDS, rows=rows,
        derived=_product_derived, keep=("vat_rate",),
    )  # fmt: skip


def variants_sync(*, actor: Any, rows: Sequence[Row]) -> SyncReport:
    """Create or update variants; `values` holds VARIANT_SYNC_FIELDS."""
    require(actor, "view", PRODUCT)
    return _upsert(actor=actor, model=Variant, fields=VARIANT_SYNC_FIELDS, rows=rows)


# ---------------------------------------------------------------- prices and stock

# (product pk, variant pk or None, price type or warehouse pk, value)
Amount = tuple[int, int | None, int, Decimal]


def _amounts_sync(
    *,
    actor: Any,
    model: type[Price] | type[Stock],
    other: str,
    value_field: str,
    amounts: Sequence[Amount],
    action: str,
    codes: dict[int, str],
) -> set[tuple[int, int | None]]:
    """Set each (product, variant, other) to its value; audit one event per batch."""
    product_pks = {product for product, _v, _o, _value in amounts}
    stored = {
        (product, variant, other_pk): (pk, value)
        for pk, product, variant, other_pk, value in model._base_manager.filter(
            among(model, "product", product_pks)
        ).values_list("pk", "product_id", "variant_id", f"{other}_id", value_field)
    }
    wanted = {(product, variant, other_pk): value for product, variant, other_pk, value in amounts}
    inserts: list[Amount] = []
    updates: list[tuple[int, list[Any]]] = []
    changes: dict[int, list[list[Any]]] = defaultdict(list)
    touched: set[tuple[int, int | None]] = set()
    for (product, variant, other_pk), value in wanted.items():
        old = stored.get((product, variant, other_pk))
        if old is None:
            inserts.append((product, variant, other_pk, value))
        elif _same(old[1], value):
            continue
        else:
            updates.append((old[0], [value]))
        # As the audit keeps them (money as strings), so the batch event costs no conversion.
        changes[product].append(
            [codes.get(other_pk, other_pk), variant, _text(old[1]) if old else None, str(value)]
        )
        touched.add((product, variant))
    now = timezone.now()
    columns = ("product_id", "variant_id", f"{other}_id", value_field)
    insert_rows(model, columns, inserts, constants={"updated_at": now})
    update_rows(model, (value_field,), updates, constants={"updated_at": now})
    if changes:
        # One event per batch: prices and stock from 1C move every hour for most products.
        label = "prices" if model is Price else "stock"
        rows = [[pk, *row] for pk, product_rows in changes.items() for row in product_rows]
        log_batch(
            actor=actor,
            action=action,
            object_type=PRODUCT,
            ids=list(changes),
            changes={label: rows},
        )
    return touched


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def prices_sync(*, actor: Any, amounts: Sequence[Amount]) -> set[tuple[int, int | None]]:
    """Set prices (product, variant, price type, value); prices not named stay. Answers the
    (product, variant) pairs whose prices changed. The caller refuses negative prices; of
    two values for one price in a call, the last one stays."""
    if not amounts:
        return set()
    require(actor, "change", PRICE)
    codes = dict(PriceType.objects.values_list("pk", "code"))
    return _amounts_sync(
        actor=actor, model=Price, other="price_type", value_field="value",
        amounts=amounts, action="catalog.price.set", codes=codes,
    )  # fmt: skip


def stock_sync(*, actor: Any, amounts: Sequence[Amount]) -> set[tuple[int, int | None]]:
    """Set stock (product, variant, warehouse, quantity); negative stock is accepted, as 1C
    sends it. Answers the (product, variant) pairs whose stock changed."""
    if not amounts:
        return set()
    require(actor, "change", STOCK)
    codes = dict(Warehouse.objects.values_list("pk", "code"))
    return _amounts_sync(
        actor=actor, model=Stock, other="warehouse", value_field="quantity",
        amounts=amounts, action="catalog.stock.set", codes=codes,
    )  # fmt: skip


# ---------------------------------------------------------------- property values


def property_columns(
    prop: CatalogProperty, raw: str, choices: dict[str, int]
) -> dict[str, Any] | None:
    """The stored columns of a raw 1C value for `prop` (choices: 1C value id or text -> pk)."""
    raw = raw.strip()
    if not raw:
        return None
    if prop.kind == "choice":
        pk = choices.get(raw)
        return {"value_choice_id": pk} if pk else None
    if prop.kind == "number":
        try:
            return {
                "value_number": Decimal(raw.replace(",", ".").replace(" ", "").replace("\xa0", ""))
            }
        except ArithmeticError:
            return None
    return {"value_string": raw[:1000]}


def property_values_sync(*, actor: Any, values: dict[int, dict[int, dict[str, Any]]]) -> int:
    """Replace the named property values of products: {product pk: {property pk: columns}}.

    Properties a product is not given keep their values; a product whose values are the same
    is not touched. Answers how many products changed.
    """
    if not values:
        return 0
    require(actor, "change", PRODUCT)
    stored: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
    columns = ("value_string", "value_number", "value_choice_id")
    for row in ProductPropertyValue.objects.filter(
        product_id__in=list(values), variant__isnull=True
    ).values("product_id", "property_id", *columns):
        stored[row["product_id"]][row["property_id"]] = {
            c: row[c] for c in columns if row[c] not in (None, "")
        }
    changed: dict[int, dict[str, Any]] = {}
    for product, wanted in values.items():
        have = {p: stored[product].get(p) for p in wanted}
        if all(_columns_equal(have[p], wanted[p]) for p in wanted):
            continue
        changed[product] = {"properties": [jsonable(have), jsonable(wanted)]}
    if not changed:
        return 0
    ProductPropertyValue.objects.filter(product_id__in=list(changed), variant__isnull=True).filter(
        property_id__in={p for product in changed for p in values[product]}
    ).delete()
    ProductPropertyValue.objects.bulk_create(
        [
            ProductPropertyValue(product_id=product, property_id=prop, **cols)
            for product in changed
            for prop, cols in values[product].items()
        ],
        batch_size=500,
    )
    products = Product._base_manager.only("pk", "name").in_bulk(list(changed))
    log_actions(
        actor=actor,
        entries=[("catalog.product.updated", products[pk], ch) for pk, ch in changed.items()],
    )
    return len(changed)


def _columns_equal(old: dict[str, Any] | None, new: dict[str, Any]) -> bool:
    if old is None:
        return False
    return old.keys() == new.keys() and all(_same(old[k], new[k]) for k in new)


def retire(*, actor: Any, model: type[Product] | type[Variant], pks: Iterable[int]) -> int:
    """Deactivate the rows of a full 1C package that 1C no longer sends (node's policy)."""
    pks = list(pks)
    if not pks:
        return 0
    require(actor, "change", PRODUCT)
    rows = list(model._base_manager.filter(pk__in=pks, is_active=True).only("pk", "name"))
    model._base_manager.filter(pk__in=[r.pk for r in rows]).update(
        is_active=False, updated_at=timezone.now(), updated_by=actor
    )
    label = f"{model._meta.app_label}.{model._meta.model_name}"
    log_actions(
        actor=actor,
        entries=[(f"{label}.deactivated", r, {"is_active": [True, False]}) for r in rows],
    )
    return len(rows)


# ---------------------------------------------------------------- property definitions


def property_sync(
    *,
    actor: Any,
    pk: int | None,
    name: str,
    kind: str,
    for_variants: bool,
    choices: Sequence[tuple[int | None, str]],
) -> tuple[CatalogProperty, str, list[int]]:
    """Create or update a property and its choices (existing choice pk or None, value).

    Answers the property, the outcome and the choice pks in the order given. The kind of an
    existing property is not changed (its stored values would stop making sense).
    """
    require(actor, "change" if pk else "add", SETTINGS)
    if not name.strip() or len(name) > 255:
        raise ValidationFailedError({"name": [_("A name of at most 255 characters is required.")]})
    prop = CatalogProperty.objects.filter(pk=pk).first() if pk else None
    outcome = UNCHANGED
    if prop is None:
        prop = CatalogProperty.objects.create(name=name, kind=kind, for_variants=for_variants)
        log_action(
            actor=actor,
            action="catalog.property.created",
            obj=prop,
            changes={"name": name, "kind": kind},
        )
        outcome = INSERTED
    elif prop.name != name or prop.for_variants != for_variants:
        changes = {"name": [prop.name, name], "for_variants": [prop.for_variants, for_variants]}
        prop.name, prop.for_variants = name, for_variants
        prop.save(update_fields=["name", "for_variants"])
        log_action(actor=actor, action="catalog.property.updated", obj=prop, changes=changes)
        outcome = UPDATED
    stored = {c.pk: c for c in CatalogPropertyChoice.objects.filter(property=prop)}
    result: list[int] = []
    for position, (choice_pk, value) in enumerate(choices):
        value = value.strip()[:255]
        choice = stored.get(choice_pk) if choice_pk else None
        if choice is None:
            choice = CatalogPropertyChoice.objects.create(
                property=prop, value=value, position=position
            )
            outcome = UPDATED if outcome == UNCHANGED else outcome
        elif choice.value != value:
            choice.value = value
            choice.save(update_fields=["value"])
            outcome = UPDATED if outcome == UNCHANGED else outcome
        result.append(choice.pk)
    return prop, outcome, result
