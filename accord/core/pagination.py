"""Keyset pagination: page N costs the same as page 1, at any depth.

A page is fetched with `WHERE (sort keys) > (last row's keys) ORDER BY keys LIMIT n`, so the
database walks an index instead of skipping rows as OFFSET does. The cursor is an opaque,
URL-safe token that carries the sort values of the boundary row and the direction.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from accord.core.errors import DomainError

T = TypeVar("T", bound=models.Model)

COUNT_CAP = 1000


class InvalidCursorError(DomainError):
    def __init__(self) -> None:
        super().__init__("invalid_cursor", "The page cursor is not valid; start from page 1.")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None
    prev_cursor: str | None


def _encode_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"n": str(value)}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        if "dt" in value:
            return dt.datetime.fromisoformat(value["dt"])
        if "d" in value:
            return dt.date.fromisoformat(value["d"])
        if "n" in value:
            return Decimal(value["n"])
        raise InvalidCursorError
    return value


def encode_cursor(values: Sequence[Any], direction: str) -> str:
    raw = json.dumps({"v": [_encode_value(v) for v in values], "d": direction})
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, width: int) -> tuple[list[Any], str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        values = [_decode_value(v) for v in data["v"]]
        direction = data["d"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise InvalidCursorError from None
    if direction not in ("n", "p") or len(values) != width:
        raise InvalidCursorError
    return values, direction


def _after(order: Sequence[str], values: Sequence[Any], *, backwards: bool) -> Q:
    """Rows strictly after `values` in `order` (or before, when walking backwards)."""
    condition = Q()
    for i, field in enumerate(order):
        descending = field.startswith("-")
        name = field.lstrip("-")
        go_up = descending == backwards
        step = Q(**{f"{name}__{'gt' if go_up else 'lt'}": values[i]})
        for prev_field, prev_value in zip(order[:i], values[:i], strict=True):
            step &= Q(**{prev_field.lstrip("-"): prev_value})
        condition |= step
    return condition


def _reverse(order: Sequence[str]) -> list[str]:
    return [f[1:] if f.startswith("-") else f"-{f}" for f in order]


def _values(obj: models.Model, order: Sequence[str]) -> list[Any]:
    values = []
    for field in order:
        value: Any = obj
        for part in field.lstrip("-").split("__"):
            value = getattr(value, part)
        values.append(value.pk if isinstance(value, models.Model) else value)
    return values


def keyset_page(
    queryset: models.QuerySet[T], *, order: Sequence[str], cursor: str | None, size: int
) -> Page[T]:
    """One page of `queryset` sorted by `order`, whose last field must be unique (the pk)."""
    direction = "n"
    qs = queryset
    if cursor:
        values, direction = decode_cursor(cursor, len(order))
        try:
            qs = qs.filter(_after(order, values, backwards=direction == "p"))
        except (ValueError, TypeError, ValidationError):
            # A forged cursor whose values do not fit the sort fields (text for an id).
            raise InvalidCursorError from None
    backwards = direction == "p"
    rows = list(qs.order_by(*(_reverse(order) if backwards else order))[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    has_next = more if not backwards else True
    has_prev = bool(cursor) and (more if backwards else True)
    return Page(
        items=rows,
        next_cursor=encode_cursor(_values(rows[-1], order), "n") if rows and has_next else None,
        prev_cursor=encode_cursor(_values(rows[0], order), "p") if rows and has_prev else None,
    )


@dataclass(frozen=True)
class CappedCount:
    """A count that stops at `COUNT_CAP`: exact below it, "1,000+" above, never slow."""

    value: int
    exact: bool

    def __str__(self) -> str:
        return f"{self.value:,}" if self.exact else f"{self.value:,}+"


def capped_count(queryset: models.QuerySet[Any], cap: int = COUNT_CAP) -> CappedCount:
    n = queryset.order_by()[: cap + 1].count()
    return CappedCount(min(n, cap), n <= cap)
