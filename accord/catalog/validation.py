"""Turn raw input (a form's, the API's, later the exchange's) into clean catalog values.

Each `clean_*` gathers every problem before raising one ValidationFailedError, so a form
shows every wrong field at once and nothing is written. Field names are the data keys.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from accord.catalog import money
from accord.catalog.models import (
    CatalogProperty,
    CatalogPropertyChoice,
    Currency,
    Product,
    ProductGroup,
    ProductKind,
    PropertyKind,
    Unit,
    VatRate,
)
from accord.directory.validation import Errors

PRODUCT_TEXT = {
    "article": 100, "full_name": 1000, "barcode": 64, "manufacturer": 255,
    "country": 100, "trademark": 255, "description": 20000,
}  # fmt: skip
PRODUCT_FIELDS = (
    "kind", "article", "name", "full_name", "group_id", "unit_id", "vat_rate", "barcode",
    "manufacturer", "country", "trademark", "weight", "description", "is_active",
)  # fmt: skip
VARIANT_FIELDS = ("name", "article", "barcode", "is_active")
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")
_BARCODE = re.compile(r"^[0-9A-Za-z-]{1,64}$")


def text_key(value: str) -> str:
    """Text folded for search and sorting: lower case, ё as е, single spaces."""
    return " ".join(value.lower().replace("ё", "е").split())


def _text(errors: Errors, data: Mapping[str, Any], name: str, limit: int) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.add(name, _("Enter text."))
        return ""
    value = value.strip()
    if len(value) > limit:
        errors.add(name, _("At most %(n)d characters.") % {"n": limit})
    return value


def _required(errors: Errors, data: Mapping[str, Any], name: str, limit: int) -> str:
    value = _text(errors, data, name, limit)
    if not value and name not in errors.fields:
        errors.add(name, _("This field is required."))
    return value


def _bool(errors: Errors, data: Mapping[str, Any], name: str, default: bool) -> bool:
    value = data.get(name, default)
    if isinstance(value, bool):
        return value
    if value in (None, "", "0", "false", "off", "no"):
        return False
    if value in ("1", "true", "on", "yes"):
        return True
    errors.add(name, _("Enter yes or no."))
    return default


def _fk(errors: Errors, data: Mapping[str, Any], name: str, model: Any, *, required: bool) -> Any:
    value: Any = data.get(name)
    if value in (None, ""):
        if required:
            errors.add(name, _("This field is required."))
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        pk = None
    if pk is None or not model.objects.filter(pk=pk).exists():
        errors.add(name, _("Choose a value from the list."))
        return None
    return pk


def _barcode(errors: Errors, data: Mapping[str, Any]) -> str:
    value = _text(errors, data, "barcode", 64).replace(" ", "")
    if value and not _BARCODE.match(value):
        errors.add("barcode", _("A barcode holds only digits, Latin letters and dashes."))
    return value


def _decimal(
    errors: Errors, name: str, value: Any, kind: str, *, minimum: Decimal | None = None
) -> Decimal | None:
    """A price ("price") or a quantity ("quantity") within its column, or None with an error."""
    try:
        number = money.price(value) if kind == "price" else money.quantity(value)
    except ValueError as exc:
        errors.add(name, str(exc))
        return None
    if minimum is not None and number < minimum:
        errors.add(name, _("The value cannot be negative."))
        return None
    return number


def clean_product(data: Mapping[str, Any], *, instance: Product | None = None) -> dict[str, Any]:
    """Every stored field of a product; on update, fields left out keep their values."""
    current = {f: getattr(instance, f) for f in PRODUCT_FIELDS} if instance else {}
    merged = {**current, **data}
    if instance is None and merged.get("unit_id") in (None, ""):
        merged["unit_id"] = Unit.objects.filter(code="796").values_list("pk", flat=True).first()
    errors = Errors()
    clean: dict[str, Any] = {"name": _required(errors, merged, "name", 255)}
    clean["name_key"] = text_key(clean["name"])
    for name, limit in PRODUCT_TEXT.items():
        if name != "barcode":
            clean[name] = _text(errors, merged, name, limit)
    clean["barcode"] = _barcode(errors, merged)
    kind = merged.get("kind") or ProductKind.GOODS
    if kind not in ProductKind.values:
        errors.add("kind", _("Choose goods or service."))
    clean["kind"] = kind
    vat = str(merged.get("vat_rate") or VatRate.TWENTY_TWO)
    if vat not in VatRate.values:
        errors.add(
            "vat_rate", _("Choose one of: %(allowed)s.") % {"allowed": ", ".join(VatRate.values)}
        )
    clean["vat_rate"] = vat
    clean["group_id"] = _fk(errors, merged, "group_id", ProductGroup, required=False)
    clean["unit_id"] = _fk(errors, merged, "unit_id", Unit, required=True)
    weight = merged.get("weight")
    clean["weight"] = (
        None
        if weight in (None, "")
        else _decimal(errors, "weight", weight, "quantity", minimum=Decimal(0))
    )
    clean["is_active"] = _bool(errors, merged, "is_active", True)
    errors.raise_if_any()
    return clean


def clean_variant(data: Mapping[str, Any], *, current: Mapping[str, Any]) -> dict[str, Any]:
    merged = {**current, **data}
    errors = Errors()
    clean = {
        "name": _required(errors, merged, "name", 255),
        "article": _text(errors, merged, "article", 100),
        "barcode": _barcode(errors, merged),
        "is_active": _bool(errors, merged, "is_active", True),
    }
    errors.raise_if_any()
    return clean


def clean_price_value(errors: Errors, name: str, value: Any) -> Decimal | None:
    """A price: kopecks, not negative, within the column."""
    if value in (None, ""):
        errors.add(name, _("Enter a price."))
        return None
    return _decimal(errors, name, value, "price", minimum=Decimal(0))


def clean_quantity(errors: Errors, name: str, value: Any) -> Decimal | None:
    """A stock quantity; negative is allowed (1C sends it so)."""
    if value in (None, ""):
        errors.add(name, _("Enter a quantity."))
        return None
    return _decimal(errors, name, value, "quantity")


def clean_code(errors: Errors, data: Mapping[str, Any]) -> str:
    code = str(data.get("code") or "").strip()
    if not _CODE.match(code):
        errors.add("code", _("Use lower-case Latin letters, digits, - and _ (up to 50)."))
    return code


def clean_price_type(data: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    merged = {**current, **data}
    errors = Errors()
    if "currency" in data:  # the API names the currency by its ISO code
        code = str(data["currency"] or "").upper()
        merged["currency_id"] = (
            Currency.objects.filter(code=code).values_list("pk", flat=True).first()
        )
        if merged["currency_id"] is None:
            errors.add("currency", _("Choose a currency by its ISO code, e.g. RUB."))
    clean = {
        "name": _required(errors, merged, "name", 100),
        "code": clean_code(errors, merged),
        "currency_id": _fk(
            errors, merged, "currency_id", Currency, required="currency" not in errors.fields
        ),
        "vat_included": _bool(errors, merged, "vat_included", True),
        "is_active": _bool(errors, merged, "is_active", True),
        "is_default": _bool(errors, merged, "is_default", False),
    }
    errors.raise_if_any()
    return clean


def clean_warehouse(data: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    merged = {**current, **data}
    errors = Errors()
    clean = {
        "name": _required(errors, merged, "name", 255),
        "code": clean_code(errors, merged),
        "address": _text(errors, merged, "address", 500),
        "is_active": _bool(errors, merged, "is_active", True),
    }
    errors.raise_if_any()
    return clean


def clean_unit(data: Mapping[str, Any]) -> dict[str, Any]:
    errors = Errors()
    code = _required(errors, data, "code", 10)
    if code and not code.isdigit():
        errors.add("code", _("An OKEI code is digits only, e.g. 796."))
    clean = {
        "code": code,
        "short_name": _required(errors, data, "short_name", 20),
        "full_name": _text(errors, data, "full_name", 100),
        "international": _text(errors, data, "international", 10),
    }
    errors.raise_if_any()
    return clean


def clean_group(data: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    merged = {**current, **data}
    errors = Errors()
    position = merged.get("position") or 0
    try:
        position = int(position)
        if position < 0:
            raise ValueError
    except (TypeError, ValueError):
        errors.add("position", _("Enter a whole number, 0 or more."))
    clean = {
        "name": _required(errors, merged, "name", 255),
        "parent_id": _fk(errors, merged, "parent_id", ProductGroup, required=False),
        "position": position,
    }
    errors.raise_if_any()
    return clean


def clean_rate(data: Mapping[str, Any]) -> dict[str, Any]:
    errors = Errors()
    code = str(data.get("currency") or "").strip().upper()
    currency = Currency.objects.filter(code=code).first()
    if currency is None:
        errors.add("currency", _("Choose a currency."))
    elif code == money.BASE_CURRENCY:
        errors.add("currency", _("The base currency has no rate."))
    on_date = data.get("date")
    if isinstance(on_date, str):
        try:
            on_date = dt.date.fromisoformat(on_date)
        except ValueError:
            on_date = None
    if not isinstance(on_date, dt.date):
        errors.add("date", _("Enter a date."))
    rate = None
    try:
        rate = money.to_decimal(data.get("rate"))
        if rate <= 0 or rate >= 10**11:
            raise ValueError(_("Enter a positive rate."))
    except ValueError as exc:
        errors.add("rate", str(exc))
    multiplier = data.get("multiplier") or 1
    if not isinstance(multiplier, int) or isinstance(multiplier, bool) or multiplier < 1:
        errors.add("multiplier", _("Enter a whole number, 1 or more."))
    errors.raise_if_any()
    return {"currency": currency, "date": on_date, "rate": rate, "multiplier": multiplier}


def clean_properties(raw: Any, *, for_variants: bool) -> dict[CatalogProperty, dict[str, Any]]:
    """Property values `{property id: value}` as column values; None or "" clears a value."""
    errors = Errors()
    if not isinstance(raw, Mapping):
        errors.add("properties", _("Give properties as an object of id: value."))
        errors.raise_if_any()
    wanted = {str(k): v for k, v in raw.items()}
    ids = [int(k) for k in wanted if k.isdigit()]
    found = {
        str(p.pk): p for p in CatalogProperty.objects.filter(pk__in=ids, for_variants=for_variants)
    }
    clean: dict[CatalogProperty, dict[str, Any]] = {}
    for key, value in wanted.items():
        prop = found.get(key)
        if prop is None:
            errors.add(f"properties.{key}", _("There is no such property."))
            continue
        clean[prop] = _property_value(errors, prop, value)
    errors.raise_if_any()
    return clean


def _property_value(errors: Errors, prop: CatalogProperty, value: Any) -> dict[str, Any]:
    name = f"properties.{prop.pk}"
    if value in (None, ""):
        return {}
    if prop.kind == PropertyKind.NUMBER:
        try:
            return {"value_number": money.to_decimal(value)}
        except ValueError as exc:
            errors.add(name, str(exc))
            return {}
    if prop.kind == PropertyKind.CHOICE:
        choice = CatalogPropertyChoice.objects.filter(property=prop, value=str(value)).first()
        if choice is None:
            errors.add(name, _("Choose a value from the list."))
            return {}
        return {"value_choice": choice}
    text = str(value).strip()
    if len(text) > 1000:
        errors.add(name, _("At most %(n)d characters.") % {"n": 1000})
    return {"value_string": text}
