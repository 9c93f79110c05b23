"""Writes of the catalog's settings: price types, warehouses, units and currency rates.

They need `admin.catalog_settings` (administrative: a role's business wildcard never covers
it). Each checks permission, validates, writes in one transaction with its audit event.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accord.catalog.models import CurrencyRate, PriceType, Unit, Warehouse
from accord.catalog.validation import clean_price_type, clean_rate, clean_unit, clean_warehouse
from accord.core.audit import diff, log_action, snapshot
from accord.core.errors import ValidationFailedError
from accord.users.access import require

SETTINGS = "admin.catalog_settings"
PRICE_TYPE_FIELDS = ("name", "code", "currency_id", "vat_included", "is_active", "is_default")
WAREHOUSE_FIELDS = ("name", "code", "address", "is_active")
UNIT_FIELDS = ("code", "short_name", "full_name", "international")


def _unique_code(model: Any, code: str, instance: Any) -> None:
    clash = model.objects.filter(code=code)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise ValidationFailedError({"code": [_("This code is taken.")]})


def _save(
    actor: Any, instance: Any, model: Any, cleaned: dict[str, Any], fields: tuple[str, ...]
) -> Any:
    """Write `cleaned` to `instance` (or a new row) and audit what changed."""
    row = instance or model()
    before = snapshot(row, fields) if instance else {}
    for name, value in cleaned.items():
        setattr(row, name, value)
    changes = diff(before, snapshot(row, fields))
    if changes:
        row.save()
        verb = "updated" if instance else "created"
        label = model._meta.model_name
        log_action(actor=actor, action=f"catalog.{label}.{verb}", obj=row, changes=changes)
    return row


@transaction.atomic
def price_type_save(
    *, actor: Any, data: Mapping[str, Any], instance: PriceType | None = None
) -> PriceType:
    """Create or change a price type; making one the default takes it from the others."""
    require(actor, "change" if instance else "add", SETTINGS)
    current = {f: getattr(instance, f) for f in PRICE_TYPE_FIELDS} if instance else {}
    cleaned = clean_price_type(data, current)
    _unique_code(PriceType, cleaned["code"], instance)
    if cleaned["is_default"]:
        others = PriceType.objects.filter(is_default=True)
        if instance is not None:
            others = others.exclude(pk=instance.pk)
        others.update(is_default=False)
    return _save(actor, instance, PriceType, cleaned, PRICE_TYPE_FIELDS)


@transaction.atomic
def warehouse_save(
    *, actor: Any, data: Mapping[str, Any], instance: Warehouse | None = None
) -> Warehouse:
    require(actor, "change" if instance else "add", SETTINGS)
    current = {f: getattr(instance, f) for f in WAREHOUSE_FIELDS} if instance else {}
    cleaned = clean_warehouse(data, current)
    _unique_code(Warehouse, cleaned["code"], instance)
    return _save(actor, instance, Warehouse, cleaned, WAREHOUSE_FIELDS)


@transaction.atomic
def unit_create(*, actor: Any, data: Mapping[str, Any]) -> Unit:
    require(actor, "add", SETTINGS)
    cleaned = clean_unit(data)
    _unique_code(Unit, cleaned["code"], None)
    return _save(actor, None, Unit, cleaned, UNIT_FIELDS)


@transaction.atomic
def currency_rate_set(*, actor: Any, data: Mapping[str, Any]) -> CurrencyRate:
    """Set the rate of `currency` (ISO code) on `date`: `rate` roubles per `multiplier` units."""
    require(actor, "change", SETTINGS)
    cleaned = clean_rate(data)
    row, created = CurrencyRate.objects.get_or_create(
        currency=cleaned["currency"],
        date=cleaned["date"],
        defaults={"rate": cleaned["rate"], "multiplier": cleaned["multiplier"]},
    )
    before = None if created else [row.rate, row.multiplier]
    after = [cleaned["rate"], cleaned["multiplier"]]
    if before != after:
        row.rate, row.multiplier = cleaned["rate"], cleaned["multiplier"]
        row.save()
        log_action(
            actor=actor,
            action="catalog.currency_rate.set",
            obj=row,
            changes={
                "currency": cleaned["currency"].code,
                "date": row.date,
                "rate": [before, after],
            },
        )
    return row
