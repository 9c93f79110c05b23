"""Refusals of the catalog that callers may want to tell apart from plain bad input."""

from __future__ import annotations

import datetime as dt

from accord.core.errors import DomainError


class NoRateError(DomainError):
    """A conversion needs a currency rate that nobody has entered for that date."""

    def __init__(self, currency: str, on_date: dt.date) -> None:
        super().__init__(
            "no_rate",
            f"no rate for {currency} on {on_date.isoformat()}",
            extra={"currency": currency, "date": on_date.isoformat()},
        )


class UnknownCurrencyError(DomainError):
    def __init__(self, currency: str) -> None:
        super().__init__("unknown_currency", f"unknown currency {currency}")
