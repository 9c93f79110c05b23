"""Money and quantities as the catalog stores them: Decimal, never float.

Prices are kept to kopecks (15 digits, 2 places), quantities to grams (15 digits, 3 places),
both rounded half up as 1C does. Conversion between currencies is in `currencies`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

BASE_CURRENCY = "RUB"
PRICE_DIGITS, PRICE_PLACES = 15, 2
QUANTITY_DIGITS, QUANTITY_PLACES = 15, 3
RATE_DIGITS, RATE_PLACES = 15, 4
KOPECK = Decimal("0.01")
GRAM = Decimal("0.001")
PRICE_MAX = Decimal(10 ** (PRICE_DIGITS - PRICE_PLACES)) - KOPECK
QUANTITY_MAX = Decimal(10 ** (QUANTITY_DIGITS - QUANTITY_PLACES)) - GRAM


def to_decimal(value: Any) -> Decimal:
    """A Decimal from a Decimal, an int or text ("1 719,50" as 1C writes it); never a float.

    Raises ValueError for anything else, NaN and infinities included.
    """
    if isinstance(value, bool | float):
        raise ValueError(_("Give the number as text or a decimal, not a float."))
    if isinstance(value, str):
        value = value.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(_("Enter a number.")) from None
    if not number.is_finite():
        raise ValueError(_("Enter a number."))
    return number


def _rounded(value: Any, step: Decimal, limit: Decimal) -> Decimal:
    number = to_decimal(value)
    if abs(number) > limit:  # checked before rounding: quantize fails on huge exponents
        raise ValueError(_("The number is too large."))
    return number.quantize(step, rounding=ROUND_HALF_UP)


def price(value: Any) -> Decimal:
    """A price to kopecks; ValueError when it is not a number or does not fit the column."""
    return _rounded(value, KOPECK, PRICE_MAX)


def quantity(value: Any) -> Decimal:
    """A quantity to thousandths; ValueError when it is not a number or does not fit."""
    return _rounded(value, GRAM, QUANTITY_MAX)
