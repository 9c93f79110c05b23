"""Turn raw shipment input (a form's or the API's) into clean values, or say every problem
at once: the header (kind, date, warehouse, notes) and the lines, each an order line and
a quantity that must fit in what that order line has left to ship.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accord.catalog import money
from accord.catalog.models import ProductKind, Warehouse
from accord.directory.validation import Errors
from accord.sales.document_validation import MAX_LINES, current_values
from accord.sales.models import OrderLine, ShipmentKind
from accord.sales.validation import _date, _id, _text

HEADER_FIELDS = ("kind", "date", "warehouse_id", "notes")
LINE_FIELDS = ("order_line_id", "quantity")


@dataclass(frozen=True)
class ShipLine:
    order_line: OrderLine
    quantity: Decimal


def _kind(value: Any) -> str:
    if value not in ShipmentKind.values:
        raise ValueError(_("Choose a kind from the list."))
    return str(value)


def default_kind(order_lines: list[OrderLine]) -> str:
    """A waybill when anything shipped is goods, an act when it is all services."""
    goods = any(line.product.kind == ProductKind.GOODS for line in order_lines)
    return ShipmentKind.GOODS if goods else ShipmentKind.SERVICES


def clean_shipment_header(
    data: Mapping[str, Any], *, default: str, instance: Any = None
) -> dict[str, Any]:
    """Clean header values, the given ones merged over `instance`; raises with every error."""
    errors = Errors()
    for name in sorted(set(data) - {*HEADER_FIELDS, "lines"}):
        errors.add(name, _("Unknown field."))
    merged = {**current_values(instance, HEADER_FIELDS),
              **{k: v for k, v in data.items() if k in HEADER_FIELDS}}  # fmt: skip
    kind = merged.get("kind") or default
    out: dict[str, Any] = {
        "kind": errors.check("kind", _kind, kind),
        "notes": errors.check("notes", _text, merged.get("notes"), 10000) or "",
        "date": errors.check("date", _date, merged.get("date")) or timezone.localdate(),
    }
    warehouse = errors.check("warehouse_id", _id, merged.get("warehouse_id"))
    if warehouse and not Warehouse.objects.filter(pk=warehouse).exists():
        errors.add("warehouse_id", _("Choose a warehouse from the list."))
    out["warehouse_id"] = warehouse
    errors.raise_if_any()
    return out


def _clean_line(
    errors: Errors, key: str, raw: Mapping[str, Any], lines: Mapping[int, OrderLine],
    remainders: Mapping[int, Decimal], seen: set[int],
) -> ShipLine | None:  # fmt: skip
    for name in sorted(set(raw) - set(LINE_FIELDS)):
        errors.add(f"{key}.{name}", _("Unknown field."))
    pk = errors.check(f"{key}.order_line_id", _id, raw.get("order_line_id"))
    line = lines.get(pk) if pk is not None else None
    if line is None:
        errors.add(f"{key}.order_line_id", _("Choose a line of this order."))
    elif pk in seen:
        errors.add(f"{key}.order_line_id", _("Each order line may appear once."))
    quantity = errors.check(f"{key}.quantity", money.quantity, raw.get("quantity"))
    if quantity is not None and quantity <= 0:
        errors.add(f"{key}.quantity", _("The quantity must be above zero."))
        return None
    if line is None or quantity is None or pk in seen:
        return None
    seen.add(line.pk)
    left = remainders.get(line.pk, Decimal(0))
    if quantity > left:
        errors.add(f"{key}.quantity", _("Only %(left)s left to ship on this line.")
                   % {"left": left.normalize()})  # fmt: skip
        return None
    return ShipLine(line, quantity)


def clean_shipment_lines(
    raw_lines: Any, *, order_lines: list[OrderLine], remainders: Mapping[int, Decimal]
) -> list[ShipLine]:
    """The lines to ship; None means every order line's whole remainder."""
    if raw_lines is None:
        return [ShipLine(line, remainders[line.pk]) for line in order_lines
                if remainders.get(line.pk, 0) > 0]  # fmt: skip
    errors = Errors()
    if not isinstance(raw_lines, list | tuple) or not raw_lines:
        errors.add("lines", _("Add at least one line."))
        errors.raise_if_any()
    if len(raw_lines) > MAX_LINES:
        errors.add("lines", _("At most %(n)d lines.") % {"n": MAX_LINES})
        errors.raise_if_any()
    by_id = {line.pk: line for line in order_lines}
    seen: set[int] = set()
    out = []
    for i, raw in enumerate(raw_lines):
        if not isinstance(raw, Mapping):
            errors.add(f"lines.{i}", _("Give a line as an object."))
            continue
        out.append(_clean_line(errors, f"lines.{i}", raw, by_id, remainders, seen))
    errors.raise_if_any()
    return [line for line in out if line is not None]
