"""Turn raw invoice and own-company input (a form's or the API's) into clean values, or say
every problem at once (`ValidationFailedError` naming each field: `lines.2.quantity`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accord.billing.models import Invoice, OwnCompany
from accord.catalog import money
from accord.catalog.models import VAT_RATES, Product, Unit, VatRate
from accord.directory.models import ContactPerson, Counterparty
from accord.directory.validation import Errors
from accord.sales.lines import LineAmounts, line_amounts
from accord.sales.models import Deal
from accord.users.access import assignable_users

INVOICE_FIELDS = (
    "own_company_id", "date", "due_date", "counterparty_id", "contact_person_id", "deal_id",
    "responsible_id", "currency", "vat_included", "notes", "lines",
)  # fmt: skip
LINE_FIELDS = ("product_id", "name", "quantity", "unit_id", "price", "discount_percent", "vat_rate")
MAX_LINES = 500
_CURRENCY = re.compile(r"^[A-Z]{3}$")
HUNDRED = Decimal(100)


def _id(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ValueError(_("Choose a value from the list."))
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(_("Choose a value from the list.")) from None


def _text(value: Any, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(_("Enter text."))
    value = value.strip()
    if len(value) > limit:
        raise ValueError(_("At most %(n)d characters.") % {"n": limit})
    return value


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(_("Enter a date as YYYY-MM-DD.")) from None


def _currency(value: Any) -> str:
    code = "RUB" if value in (None, "") else str(value).strip()
    if not _CURRENCY.match(code):
        raise ValueError(_("Enter a currency as three capital letters, e.g. RUB."))
    return code


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in (None, "", "0", "false", "off"):
        return False
    if value in ("1", "true", "on"):
        return True
    raise ValueError(_("Give true or false."))


def _quantity(value: Any) -> Decimal:
    number = money.quantity(value)
    if number <= 0:
        raise ValueError(_("The quantity must be more than zero."))
    return number


def _price(value: Any) -> Decimal:
    number = money.price(value)
    if number < 0:
        raise ValueError(_("The price cannot be negative."))
    return number


def _discount(value: Any) -> Decimal:
    if value in (None, ""):
        return Decimal("0.00")
    number = money.to_decimal(value)
    if number < 0 or number > HUNDRED:
        raise ValueError(_("A discount is from 0 to 100 percent."))
    return number.quantize(Decimal("0.01"))


def _vat_rate(value: Any, default: str) -> str:
    rate = default if value in (None, "") else str(value)
    if rate not in VatRate.values:
        raise ValueError(_("Choose one of: %(allowed)s.") % {"allowed": ", ".join(VatRate.values)})
    return rate


def _current(invoice: Invoice | None) -> dict[str, Any]:
    if invoice is None:
        return {}
    current = {name: getattr(invoice, name, None) for name in INVOICE_FIELDS if name != "lines"}
    current["lines"] = [
        {name: getattr(line, name) for name in LINE_FIELDS} for line in invoice.lines.all()
    ]
    return current


def clean_invoice(
    data: Mapping[str, Any], *, actor: Any, instance: Invoice | None = None
) -> dict[str, Any]:
    """Clean values of every invoice field, the given ones merged over `instance`.

    `lines` is the whole list of lines (a change replaces them all); each clean line carries
    its amounts, computed by `accord.sales.lines` with the invoice's `vat_included`.
    """
    errors = Errors()
    for name in sorted(set(data) - set(INVOICE_FIELDS)):
        errors.add(name, _("Unknown field."))
    merged = {**_current(instance), **{k: v for k, v in data.items() if k in INVOICE_FIELDS}}
    out: dict[str, Any] = {
        "date": errors.check("date", _date, merged.get("date")) or timezone.localdate(),
        "due_date": errors.check("due_date", _date, merged.get("due_date")),
        "currency": errors.check("currency", _currency, merged.get("currency")),
        "vat_included": errors.check("vat_included", _flag, merged.get("vat_included", True)),
        "notes": errors.check("notes", _text, merged.get("notes"), 10000) or "",
    }
    if out["due_date"] and out["due_date"] < out["date"]:
        errors.add("due_date", _("The due date cannot be before the invoice date."))
    _clean_own_company(merged, out, errors)
    _clean_parties(merged, actor, out, errors)
    _clean_responsible(merged, actor, instance, out, errors)
    out["lines"] = clean_lines(merged.get("lines"), bool(out["vat_included"]), errors)
    errors.raise_if_any()
    return out


def _clean_own_company(merged: Mapping[str, Any], out: dict[str, Any], errors: Errors) -> None:
    pk = errors.check("own_company_id", _id, merged.get("own_company_id"))
    companies = OwnCompany.objects.all()
    company = companies.filter(pk=pk).first() if pk else companies.first()
    if company is None and "own_company_id" not in errors.fields:
        errors.add(
            "own_company_id",
            _("Choose an own company (add one in Settings, Own companies).")
            if pk
            else _("Add an own company in Settings first."),
        )
    out["own_company_id"] = company.pk if company else None


def _clean_parties(
    merged: Mapping[str, Any], actor: Any, out: dict[str, Any], errors: Errors
) -> None:
    """A counterparty and deal the actor sees; the contact and the deal of that counterparty."""
    pk = errors.check("counterparty_id", _id, merged.get("counterparty_id"))
    if pk is None and "counterparty_id" not in errors.fields:
        errors.add("counterparty_id", _("This field is required."))
    elif pk and not Counterparty.objects.visible_to(actor).filter(pk=pk).exists():
        errors.add("counterparty_id", _("Choose a counterparty you can see."))
    out["counterparty_id"] = pk
    person = errors.check("contact_person_id", _id, merged.get("contact_person_id"))
    if person and not ContactPerson.objects.filter(pk=person, counterparty_id=pk).exists():
        errors.add("contact_person_id", _("Choose a contact person of this counterparty."))
    out["contact_person_id"] = person
    deal = errors.check("deal_id", _id, merged.get("deal_id"))
    if deal:
        found = Deal.objects.visible_to(actor).filter(pk=deal).first()
        if found is None:
            errors.add("deal_id", _("Choose a deal you can see."))
        elif found.counterparty_id != pk:
            errors.add("deal_id", _("Choose a deal of this counterparty."))
    out["deal_id"] = deal


def _clean_responsible(
    merged: Mapping[str, Any],
    actor: Any,
    instance: Invoice | None,
    out: dict[str, Any],
    errors: Errors,
) -> None:
    current = instance.responsible_id if instance is not None else None
    wanted = errors.check("responsible_id", _id, merged.get("responsible_id"))
    if wanted is None:
        wanted = current if current is not None else actor.pk
    elif wanted != current and wanted not in {u.pk for u in assignable_users(actor)}:
        errors.add("responsible_id", _("You may not make this user responsible."))
    out["responsible_id"] = wanted


def clean_lines(raw: Any, vat_included: bool, errors: Errors) -> list[dict[str, Any]]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list | tuple):
        errors.add("lines", _("Give a list of lines."))
        return []
    if len(raw) > MAX_LINES:
        errors.add("lines", _("At most %(n)d lines.") % {"n": MAX_LINES})
        return []
    products = _products(raw)
    units = {u.pk: u for u in Unit.objects.all()}
    clean = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping):
            errors.add(f"lines.{i}", _("Give the name, quantity and price of the line."))
            continue
        line = _clean_line(item, f"lines.{i}", products, units, errors)
        if line is None:
            continue
        amounts = _amounts(line, vat_included)
        if amounts["total"] > money.PRICE_MAX:
            errors.add(f"lines.{i}.price", _("The line total is too large."))
            continue
        clean.append({**line, **amounts})
    return clean


def _products(raw: Any) -> dict[int, Product]:
    wanted = set()
    for item in raw:
        if isinstance(item, Mapping):
            try:
                wanted.add(int(item.get("product_id") or 0))
            except (TypeError, ValueError):
                continue
    return {p.pk: p for p in Product.objects.select_related("unit").filter(pk__in=wanted)}


def _clean_line(
    item: Mapping[str, Any],
    at: str,
    products: dict[int, Product],
    units: dict[int, Unit],
    errors: Errors,
) -> dict[str, Any] | None:
    for name in sorted(set(item) - set(LINE_FIELDS)):
        errors.add(f"{at}.{name}", _("Unknown field."))
    product_id = errors.check(f"{at}.product_id", _id, item.get("product_id"))
    product = products.get(product_id) if product_id else None
    if product_id and product is None:
        errors.add(f"{at}.product_id", _("Choose a product of the catalog."))
    name = errors.check(f"{at}.name", _text, item.get("name"), 1000) or ""
    name = name or (product.name if product else "")
    if not name and f"{at}.name" not in errors.fields:
        errors.add(f"{at}.name", _("Name the goods or service."))
    unit_id = errors.check(f"{at}.unit_id", _id, item.get("unit_id"))
    unit = units.get(unit_id) if unit_id else (product.unit if product else None)
    if unit_id and unit is None:
        errors.add(f"{at}.unit_id", _("Choose a unit from the list."))
    line = {
        "product_id": product.pk if product else None,
        "name": name,
        "quantity": errors.check(f"{at}.quantity", _quantity, item.get("quantity")),
        "unit_id": unit.pk if unit else None,
        "unit_name": unit.short_name if unit else "",
        "price": errors.check(f"{at}.price", _price, item.get("price")),
        "discount_percent": errors.check(
            f"{at}.discount_percent", _discount, item.get("discount_percent")
        ),
        "vat_rate": errors.check(
            f"{at}.vat_rate", _vat_rate, item.get("vat_rate"),
            product.vat_rate if product else VatRate.TWENTY_TWO,
        ),
    }  # fmt: skip
    if any(line[k] is None for k in ("quantity", "price", "discount_percent", "vat_rate")):
        return None
    return line


def _amounts(line: Mapping[str, Any], vat_included: bool) -> dict[str, Decimal]:
    result: LineAmounts = line_amounts(
        quantity=line["quantity"],
        price=line["price"],
        discount_percent=line["discount_percent"],
        vat_rate=VAT_RATES[line["vat_rate"]],
        vat_included=vat_included,
    )
    return {"amount": result.amount, "vat_amount": result.vat_amount, "total": result.total}
