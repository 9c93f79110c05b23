"""Lenient scalar parsing: what 1C writes is read, anything else becomes None."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accord.exchange.formats.commerceml.values import (
    parse_bool,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_time,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100", Decimal("100")),
        ("231.7400", Decimal("231.7400")),
        ("1,4", Decimal("1.4")),
        (" 1 719,50 ", Decimal("1719.50")),
        ("1\u00a0719", Decimal("1719")),
        ("1\u202f000.5", Decimal("1000.5")),
        ("-3", Decimal("-3")),
        (".5", Decimal("0.5")),
        ("", None),
        (None, None),
        ("abc", None),
        ("1e5", None),
        ("NaN", None),
        ("Infinity", None),
        ("1.2.3", None),
        ("1" * 61, None),
        ("1" * 200, None),
    ],
)
def test_parse_decimal(text: str | None, expected: Decimal | None) -> None:
    assert parse_decimal(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("TRUE ", True),
        ("1", True),
        ("да", True),
        ("false", False),
        ("0", False),
        ("нет", False),
        ("", None),
        ("maybe", None),
        (None, None),
    ],
)
def test_parse_bool(text: str | None, expected: bool | None) -> None:
    assert parse_bool(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015-06-29T15:39:10", dt.datetime(2015, 6, 29, 15, 39, 10)),
        ("2015-06-29 15:39:10", dt.datetime(2015, 6, 29, 15, 39, 10)),
        ("2015-06-29", dt.datetime(2015, 6, 29)),
        ("11.02.2021 18:45:21", dt.datetime(2021, 2, 11, 18, 45, 21)),
        ("11.02.2021", dt.datetime(2021, 2, 11)),
        ("T", None),
        ("", None),
        ("0001-01-01T00:00:00", None),
        ("2015-13-45T00:00:00", None),
        ("31.02.2021", None),
        ("вчера", None),
        (None, None),
    ],
)
def test_parse_datetime(text: str | None, expected: dt.datetime | None) -> None:
    assert parse_datetime(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-02-11", dt.date(2021, 2, 11)),
        ("2021-02-11T10:00:00", dt.date(2021, 2, 11)),
        ("2021-02-30", None),
        ("T", None),
        (None, None),
    ],
)
def test_parse_date(text: str | None, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18:45:21", dt.time(18, 45, 21)),
        ("18:45:21+03:00", dt.time(18, 45, 21)),
        ("25:00:00", None),
        ("T", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_time(text: str | None, expected: dt.time | None) -> None:
    assert parse_time(text) == expected
