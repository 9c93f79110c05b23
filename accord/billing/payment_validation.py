"""Turn raw payment input (a form's or the API's) into clean values, or say every problem at
once (`ValidationFailedError` naming each field). The money rules that need the invoices
(rests, statuses, currencies) are checked by `payment_services` on the locked rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accord.billing.validation import _currency, _date, _id, _text
from accord.directory.validation import Errors

PAYMENT_FIELDS = (
    "counterparty_id", "own_company_id", "date", "amount", "number", "currency", "comment",
    "allocations",
)  # fmt: skip
MONEY_MAX = Decimal("9999999999999.99")
MAX_ROWS = 100


def money(value: Any) -> Decimal:
    """A positive amount in kopecks: "1500", "1 500,50", Decimal("1500.5")."""
    if value in (None, ""):
        raise ValueError(_("This field is required."))
    if isinstance(value, bool):
        raise ValueError(_("Enter an amount."))
    text = str(value).replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("Enter an amount.")) from None
    if not number.is_finite() or number != number.quantize(Decimal("0.01")):
        raise ValueError(_("Enter an amount in roubles and kopecks."))
    if number <= 0:
        raise ValueError(_("The amount must be more than zero."))
    if number > MONEY_MAX:
        raise ValueError(_("The amount is too large."))
    return number.quantize(Decimal("0.01"))


def clean_payment(data: Mapping[str, Any]) -> dict[str, Any]:
    """Clean header values and `allocations`: None for "allocate automatically", else a list
    of (invoice id, amount)."""
    errors = Errors()
    for name in sorted(set(data) - set(PAYMENT_FIELDS)):
        errors.add(name, _("Unknown field."))
    out: dict[str, Any] = {
        "counterparty_id": errors.check("counterparty_id", _id, data.get("counterparty_id")),
        "own_company_id": errors.check("own_company_id", _id, data.get("own_company_id")),
        "date": errors.check("date", _date, data.get("date")) or timezone.localdate(),
        "amount": errors.check("amount", money, data.get("amount")),
        "number": errors.check("number", _text, data.get("number"), 50) or "",
        "currency": errors.check("currency", _currency, data.get("currency")),
        "comment": errors.check("comment", _text, data.get("comment"), 2000) or "",
    }
    if out["counterparty_id"] is None and "counterparty_id" not in errors.fields:
        errors.add("counterparty_id", _("This field is required."))
    if isinstance(out["date"], dt.date) and out["date"] > timezone.localdate():
        errors.add("date", _("A payment cannot be received in the future."))
    out["allocations"] = clean_allocations(data.get("allocations"), errors)
    errors.raise_if_any()
    return out


def clean_allocations(raw: Any, errors: Errors) -> list[tuple[int, Decimal]] | None:
    if raw is None:
        return None
    if not isinstance(raw, list | tuple) or len(raw) > MAX_ROWS:
        errors.add("allocations", _("Give a list of at most %(n)d invoices.") % {"n": MAX_ROWS})
        return []
    rows: list[tuple[int, Decimal]] = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping):
            errors.add(f"allocations.{i}", _("Give the invoice and the amount."))
            continue
        invoice_id = errors.check(f"allocations.{i}.invoice_id", _id, item.get("invoice_id"))
        amount = errors.check(f"allocations.{i}.amount", money, item.get("amount"))
        if invoice_id is None and f"allocations.{i}.invoice_id" not in errors.fields:
            errors.add(f"allocations.{i}.invoice_id", _("Choose an invoice."))
        if invoice_id is not None and amount is not None:
            if any(invoice_id == seen for seen, _amount in rows):
                errors.add(f"allocations.{i}.invoice_id", _("This invoice is named twice."))
            rows.append((invoice_id, amount))
    return rows


def clean_plan(raw: Any) -> list[tuple[dt.date, Decimal]]:
    """Rows of an expected payment plan: a non-empty list of {due_date, amount}."""
    errors = Errors()
    if not isinstance(raw, list | tuple) or not raw or len(raw) > MAX_ROWS:
        errors.add("rows", _("Give from 1 to %(n)d rows.") % {"n": MAX_ROWS})
        errors.raise_if_any()
    rows: list[tuple[dt.date, Decimal]] = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping):
            errors.add(f"rows.{i}", _("Give the due date and the amount."))
            continue
        due = errors.check(f"rows.{i}.due_date", _date, item.get("due_date"))
        amount = errors.check(f"rows.{i}.amount", money, item.get("amount"))
        if due is None and f"rows.{i}.due_date" not in errors.fields:
            errors.add(f"rows.{i}.due_date", _("This field is required."))
        if due is not None and amount is not None:
            rows.append((due, amount))
    errors.raise_if_any()
    return sorted(rows)
