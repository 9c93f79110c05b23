"""Line and document amounts of commercial documents (quotes, orders, invoices).

Pure Python, no Django: the same arithmetic 1C uses, so that documents
exchanged with 1C agree to the kopeck.

Rule (per line, each step rounded to kopecks half-up, as 1C does):

* ``amount = round(quantity * price * (1 - discount_percent / 100))``
* VAT included in the price (``vat_included=True``):
  ``vat_amount = round(amount * rate / (100 + rate))``, ``total = amount``
* VAT on top of the price (``vat_included=False``):
  ``vat_amount = round(amount * rate / 100)``, ``total = amount + vat_amount``
* ``vat_rate=None`` means "without VAT": ``vat_amount = 0``, ``total = amount``.

Document totals are the sums of the already rounded line values (never a
recalculation on the summed amount), so a document always equals the sum of
its lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

KOPECK = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class LineAmounts:
    """Money of one line or of a whole document (all rounded to kopecks)."""

    amount: Decimal
    vat_amount: Decimal
    total: Decimal


def round_kopecks(value: Decimal) -> Decimal:
    """Round to kopecks half-up (1C's rounding, not banker's rounding)."""
    return value.quantize(KOPECK, rounding=ROUND_HALF_UP)


def line_amounts(
    *,
    quantity: Decimal,
    price: Decimal,
    discount_percent: Decimal = ZERO,
    vat_rate: Decimal | None,
    vat_included: bool,
) -> LineAmounts:
    """Amount, VAT and total of one line; see the module docstring for the rule."""
    discount = Decimal(discount_percent)
    amount = round_kopecks(Decimal(quantity) * Decimal(price) * (1 - discount / HUNDRED))
    if vat_rate is None:
        return LineAmounts(amount=amount, vat_amount=ZERO, total=amount)
    rate = Decimal(vat_rate)
    if vat_included:
        vat = round_kopecks(amount * rate / (HUNDRED + rate))
        return LineAmounts(amount=amount, vat_amount=vat, total=amount)
    vat = round_kopecks(amount * rate / HUNDRED)
    return LineAmounts(amount=amount, vat_amount=vat, total=amount + vat)


def document_totals(lines: Iterable[LineAmounts]) -> LineAmounts:
    """Sum of the lines' rounded amounts (an empty document is all zeros)."""
    amount = vat = total = ZERO
    for line in lines:
        amount += line.amount
        vat += line.vat_amount
        total += line.total
    return LineAmounts(amount=amount, vat_amount=vat, total=total)
