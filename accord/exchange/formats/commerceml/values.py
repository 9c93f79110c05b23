"""Lenient parsing of CommerceML scalar values, the way 1C's own readers accept them.

A value that cannot be read becomes None (never a guess): the caller decides whether the
record can do without it.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

_NUMBER_NOISE = re.compile(r"[\s\u00a0\u2007\u202f']")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_MAX_NUMBER_LENGTH = 60
_EMPTY_1C_DATES = ("0001-01-01", "T", "")
_DATE_ONLY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_RU_DATE = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")

TRUE_WORDS = frozenset({"true", "1", "да", "истина", "yes"})
FALSE_WORDS = frozenset({"false", "0", "нет", "ложь", "no"})


def parse_decimal(text: str | None) -> Decimal | None:
    """`1 719,50` → 1719.50; spaces, NBSP and a decimal comma are accepted; junk gives None."""
    if not text:
        return None
    if len(text) > _MAX_NUMBER_LENGTH * 2:
        return None
    if len(text) <= _MAX_NUMBER_LENGTH and _PLAIN_NUMBER.fullmatch(text):
        return Decimal(text)  # the usual case: no spaces, a decimal point
    cleaned = _NUMBER_NOISE.sub("", text).replace(",", ".")
    # Plain notation only: 1C never writes exponents, and a huge one is a trap downstream.
    if len(cleaned) > _MAX_NUMBER_LENGTH or not _PLAIN_NUMBER.fullmatch(cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        return None


def parse_bool(text: str | None) -> bool | None:
    """`true`/`false` as 1C writes them (and a few spellings seen in the wild)."""
    if text is None:
        return None
    word = text.strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def is_true(text: str | None) -> bool:
    return parse_bool(text) is True


def _is_empty_date(text: str) -> bool:
    return text in _EMPTY_1C_DATES or text.startswith("0001-01-01")


def parse_datetime(text: str | None) -> dt.datetime | None:
    """ISO date or date-time (`2015-06-29T15:39:10`, `2015-06-29 15:39:10`, `2015-06-29`).

    1C's empty date (`0001-01-01T00:00:00`) and its empty rendering `T` read as None.
    """
    if text is None:
        return None
    text = text.strip()
    if _is_empty_date(text):
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        pass
    match = _RU_DATE.match(text)
    if match:
        day, month, year, hour, minute, second = match.groups()
        try:
            return dt.datetime(
                int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
            )
        except ValueError:
            return None
    return None


def parse_date(text: str | None) -> dt.date | None:
    """An `xs:date` (`2021-02-11`); a date-time gives its date part."""
    if text is None:
        return None
    text = text.strip()
    match = _DATE_ONLY.match(text)
    if match:
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    value = parse_datetime(text)
    return value.date() if value is not None else None


def parse_time(text: str | None) -> dt.time | None:
    """An `xs:time` (`18:45:21`); a time zone, if any, is dropped as 1C does."""
    if text is None:
        return None
    text = text.strip()
    if not text or text == "T":
        return None
    try:
        return dt.time.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        return None
