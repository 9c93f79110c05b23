"""Turn raw quote or order input (a form's or the API's) into clean values, or say every
problem at once: the header (counterparty, deal, currency, price type...) and the lines.

Prices left out of a line come from the document's price type, converted into the
document's currency on the document's date. Amounts are never taken from the input: the
services compute them with `sales.lines`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accord.catalog import money
from accord.catalog.currencies import convert, rate_on
from accord.catalog.models import VAT_RATES, Currency, Price, PriceType, Product, Unit, Variant
from accord.directory.models import ContactPerson, Counterparty
from accord.directory.validation import Errors
from accord.sales.models import Deal
from accord.sales.validation import _currency, _date, _id, _text
from accord.users.access import assignable_users

HEADER_FIELDS = (
    "counterparty_id", "contact_person_id", "deal_id", "responsible_id", "date", "currency",
    "price_type_id", "vat_included", "notes",
)  # fmt: skip
QUOTE_FIELDS = (*HEADER_FIELDS, "valid_until")
LINE_FIELDS = (
    "product_id", "variant_id", "quantity", "unit_id", "price", "discount_percent", "vat_rate",
)  # fmt: skip
MAX_LINES = 500


@dataclass(frozen=True)
class CleanLine:
    product: Product
    variant: Variant | None
    quantity: Decimal
    unit: Unit
    price: Decimal
    discount_percent: Decimal
    vat_rate: str


def _bool(value: Any, default: bool) -> bool:
    if value in (None, ""):
        return default
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("1", "true", "on", "yes"):
        return True
    if str(value).lower() in ("0", "false", "off", "no"):
        return False
    raise ValueError(_("Choose yes or no."))


def current_values(instance: Any, fields: Sequence[str]) -> dict[str, Any]:
    return {} if instance is None else {name: getattr(instance, name) for name in fields}


def clean_header(
    data: Mapping[str, Any], *, actor: Any, fields: Sequence[str], instance: Any = None
) -> dict[str, Any]:
    """Clean header values, the given ones merged over `instance`; raises with every error."""
    errors = Errors()
    known = {*fields, "lines"}
    for name in sorted(set(data) - known):
        errors.add(name, _("Unknown field."))
    merged = {**current_values(instance, fields), **{k: v for k, v in data.items() if k in fields}}
    out: dict[str, Any] = {
        "notes": errors.check("notes", _text, merged.get("notes"), 10000) or "",
        "date": errors.check("date", _date, merged.get("date")) or timezone.localdate(),
        "currency": errors.check("currency", _currency, merged.get("currency")),
    }
    if "valid_until" in fields:
        out["valid_until"] = errors.check("valid_until", _date, merged.get("valid_until"))
    _clean_parties(merged, actor, instance, out, errors)
    _clean_price_type(merged, out, errors)
    errors.raise_if_any()
    return out


def _clean_parties(
    merged: Mapping[str, Any], actor: Any, instance: Any, out: dict[str, Any], errors: Errors
) -> None:
    deal_id = errors.check("deal_id", _id, merged.get("deal_id"))
    deal = Deal.objects.visible_to(actor).filter(pk=deal_id).first() if deal_id else None
    if deal_id and deal is None:
        errors.add("deal_id", _("Choose a deal you can see."))
    pk = errors.check("counterparty_id", _id, merged.get("counterparty_id"))
    if pk is None and deal is not None:
        pk = deal.counterparty_id
    if pk is None and "counterparty_id" not in errors.fields:
        errors.add("counterparty_id", _("This field is required."))
    elif pk and not Counterparty.objects.visible_to(actor).filter(pk=pk).exists():
        errors.add("counterparty_id", _("Choose a counterparty you can see."))
    if deal is not None and pk and deal.counterparty_id != pk:
        errors.add("deal_id", _("Choose a deal of this counterparty."))
    person = errors.check("contact_person_id", _id, merged.get("contact_person_id"))
    if person and not ContactPerson.objects.filter(pk=person, counterparty_id=pk).exists():
        errors.add("contact_person_id", _("Choose a contact person of this counterparty."))
    current = instance.responsible_id if instance is not None else None
    wanted = errors.check("responsible_id", _id, merged.get("responsible_id"))
    if wanted is None:
        wanted = current if current is not None else actor.pk
    elif wanted != current and wanted not in {u.pk for u in assignable_users(actor)}:
        errors.add("responsible_id", _("You may not make this user responsible."))
    out.update(counterparty_id=pk, deal_id=deal_id, contact_person_id=person, responsible_id=wanted)


def _clean_price_type(merged: Mapping[str, Any], out: dict[str, Any], errors: Errors) -> None:
    pk = errors.check("price_type_id", _id, merged.get("price_type_id"))
    price_type = None
    if pk:
        price_type = PriceType.objects.select_related("currency").filter(pk=pk).first()
        if price_type is None:
            errors.add("price_type_id", _("Choose a price type from the list."))
    out["price_type"] = price_type
    default = price_type.vat_included if price_type is not None else True
    out["vat_included"] = errors.check("vat_included", _bool, merged.get("vat_included"), default)
    code = out.get("currency")
    if code and code != money.BASE_CURRENCY and not Currency.objects.filter(code=code).exists():
        errors.add("currency", _("Choose a currency of the catalog."))


def check_rate(header: Mapping[str, Any]) -> None:
    """A foreign-currency document needs a rate on its date (NoRateError otherwise)."""
    rate_on(header["currency"], header["date"])


# ---------------------------------------------------------------- lines


def _product(errors: Errors, key: str, raw: Mapping[str, Any], existing: bool) -> Product | None:
    pk = errors.check(f"{key}.product_id", _id, raw.get("product_id"))
    if pk is None:
        if f"{key}.product_id" not in errors.fields:
            errors.add(f"{key}.product_id", _("Choose a product."))
        return None
    product = Product.objects.select_related("unit").filter(pk=pk).first()
    if product is None:
        errors.add(f"{key}.product_id", _("Choose a product of the catalog."))
    elif product.marked_for_deletion and not existing:
        errors.add(f"{key}.product_id", _("This product is marked for deletion."))
    return product


def _variant(errors: Errors, key: str, raw: Mapping[str, Any], product: Product) -> Variant | None:
    pk = errors.check(f"{key}.variant_id", _id, raw.get("variant_id"))
    if pk is None:
        return None
    variant = Variant.objects.filter(pk=pk).first()
    if variant is None or variant.product_id != product.pk:
        errors.add(f"{key}.variant_id", _("Choose a variant of this product."))
        return None
    return variant


def _number(errors: Errors, name: str, value: Any, parse: Any, low: Decimal, high: Decimal,
            message: str) -> Decimal | None:  # fmt: skip
    number = errors.check(name, parse, value)
    if number is not None and not low <= number <= high:
        errors.add(name, message)
        return None
    return number


def _unit(errors: Errors, key: str, raw: Mapping[str, Any], product: Product) -> Unit | None:
    pk = errors.check(f"{key}.unit_id", _id, raw.get("unit_id"))
    if pk is None:
        return product.unit
    unit = Unit.objects.filter(pk=pk, marked_for_deletion=False).first()
    if unit is None:
        errors.add(f"{key}.unit_id", _("Choose a unit from the list."))
    return unit


def catalog_price(
    price_type: PriceType, product: Product, variant: Variant | None, currency: str, on: dt.date
) -> Decimal | None:
    """The variant's price of this type, else the product's, in `currency` on `on`."""
    rows = Price.objects.filter(price_type=price_type, product=product)
    value = None
    if variant is not None:
        value = rows.filter(variant=variant).values_list("value", flat=True).first()
    if value is None:
        value = rows.filter(variant__isnull=True).values_list("value", flat=True).first()
    if value is None:
        return None
    return convert(value, price_type.currency.code, currency, on)


def _clean_line(
    errors: Errors, key: str, raw: Mapping[str, Any], header: Mapping[str, Any], existing: bool
) -> CleanLine | None:
    for name in sorted(set(raw) - set(LINE_FIELDS)):
        errors.add(f"{key}.{name}", _("Unknown field."))
    product = _product(errors, key, raw, existing)
    quantity = _number(errors, f"{key}.quantity", raw.get("quantity"), money.quantity,
                       money.GRAM, money.QUANTITY_MAX, _("The quantity must be above zero."))  # fmt: skip
    discount = _number(errors, f"{key}.discount_percent", raw.get("discount_percent") or "0",
                       money.price, Decimal(0), Decimal(100), _("Give a discount from 0 to 100%."))  # fmt: skip
    vat_rate = raw.get("vat_rate")
    if vat_rate not in (None, "") and str(vat_rate) not in VAT_RATES:
        errors.add(f"{key}.vat_rate", _("Choose a VAT rate from the list."))
    if product is None:
        return None
    variant = _variant(errors, key, raw, product)
    unit = _unit(errors, key, raw, product)
    price = _line_price(errors, key, raw, header, product, variant)
    if None in (quantity, discount, unit, price) or f"{key}.vat_rate" in errors.fields:
        return None
    return CleanLine(product, variant, quantity, unit, price, discount,  # type: ignore[arg-type]
                     str(vat_rate) if vat_rate not in (None, "") else product.vat_rate)  # fmt: skip


def _line_price(errors: Errors, key: str, raw: Mapping[str, Any], header: Mapping[str, Any],
                product: Product, variant: Variant | None) -> Decimal | None:  # fmt: skip
    if raw.get("price") not in (None, ""):
        return _number(errors, f"{key}.price", raw.get("price"), money.price, Decimal(0),
                       money.PRICE_MAX, _("The price cannot be negative."))  # fmt: skip
    price_type = header.get("price_type")
    found = None
    if price_type is not None and header.get("currency"):
        found = catalog_price(price_type, product, variant, header["currency"], header["date"])
    if found is None:
        errors.add(f"{key}.price", _("Enter a price: the price type has none for this product."))
    return found


def clean_lines(
    raw_lines: Any, *, header: Mapping[str, Any], existing: bool = False
) -> list[CleanLine]:
    """Clean lines in their order; `existing` lines (kept as they were) may hold retired
    products. A missing rate for a price conversion raises NoRateError."""
    errors = Errors()
    if not isinstance(raw_lines, list | tuple) or not raw_lines:
        errors.add("lines", _("Add at least one line."))
        errors.raise_if_any()
    if len(raw_lines) > MAX_LINES:
        errors.add("lines", _("At most %(n)d lines.") % {"n": MAX_LINES})
        errors.raise_if_any()
    lines = []
    for i, raw in enumerate(raw_lines):
        if not isinstance(raw, Mapping):
            errors.add(f"lines.{i}", _("Give a line as an object."))
            continue
        lines.append(_clean_line(errors, f"lines.{i}", raw, header, existing))
    errors.raise_if_any()
    return [line for line in lines if line is not None]


def line_input(line: Any) -> dict[str, Any]:
    """A stored line as raw input, to recompute it when only the header changes."""
    return {
        "product_id": line.product_id, "variant_id": line.variant_id,
        "quantity": line.quantity, "unit_id": line.unit_id, "price": line.price,
        "discount_percent": line.discount_percent, "vat_rate": line.vat_rate,
    }  # fmt: skip
