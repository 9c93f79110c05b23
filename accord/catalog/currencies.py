"""Currencies and their rates: `convert` turns an amount from one currency into another.

RUB is the base currency and has no rate rows. A rate is "roubles for `multiplier` units"
(as the Central Bank publishes: 100 JPY = 52.10 RUB), and holds from its date until the next.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from accord.catalog.errors import NoRateError, UnknownCurrencyError
from accord.catalog.models import Currency, CurrencyRate
from accord.catalog.money import BASE_CURRENCY, KOPECK


def rate_on(code: str, on_date: dt.date) -> Decimal:
    """Roubles for one unit of `code` on `on_date`: the latest rate entered on or before it."""
    if code == BASE_CURRENCY:
        return Decimal(1)
    if not Currency.objects.filter(code=code).exists():
        raise UnknownCurrencyError(code)
    row = (
        CurrencyRate.objects.filter(currency__code=code, date__lte=on_date)
        .order_by("-date")
        .values_list("rate", "multiplier")
        .first()
    )
    if row is None:
        raise NoRateError(code, on_date)
    rate, multiplier = row
    return Decimal(rate) / Decimal(multiplier)


def convert(amount: Decimal, from_code: str, to_code: str, on_date: dt.date) -> Decimal:
    """`amount` in `from_code` as `to_code` on `on_date`, to kopecks (cents).

    Raises NoRateError ("no rate for USD on 2026-11-20") when a rate is missing.
    """
    if from_code == to_code:
        return amount.quantize(KOPECK, rounding=ROUND_HALF_UP)
    roubles = amount * rate_on(from_code, on_date)
    return (roubles / rate_on(to_code, on_date)).quantize(KOPECK, rounding=ROUND_HALF_UP)
