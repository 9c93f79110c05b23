"""How every list endpoint pages: the shared query parameters, the response shape, the pager.

A list answers `{"count": <exact total>, "items": [...], "next_cursor": str | null}`. A client
pages with `limit` plus either the opaque `next_cursor` of the previous answer (keyset paging:
stable while rows are added, and as fast on page 1000 as on page 1) or an `offset`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from ninja import Field, Schema

from accord.core.errors import ValidationFailedError
from accord.core.pagination import InvalidCursorError, keyset_page

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_OFFSET = 1_000_000_000

M = TypeVar("M", bound=Model)
ItemT = TypeVar("ItemT")


class ListParams(Schema):
    """Query parameters that every list endpoint takes; lists add their filters and `sort`."""

    q: str = Field("", max_length=200, description="Search text.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Rows per page.")
    cursor: str | None = Field(
        None, max_length=2000, description="`next_cursor` of the previous page."
    )
    offset: int | None = Field(
        None, ge=0, le=MAX_OFFSET, description="Rows to skip; instead of `cursor`."
    )


class Paged(Schema, Generic[ItemT]):
    """One page of a list. Subclass it per resource (`class CounterpartyPage(Paged[...])`) so
    the OpenAPI document names it plainly."""

    count: int = Field(description="Rows matching the filters, on all pages.")
    items: list[ItemT]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page and with `offset`."
    )


@dataclass(frozen=True)
class PageData(Generic[M]):
    count: int
    items: list[M]
    next_cursor: str | None


def paginate(queryset: QuerySet[M], *, order: Sequence[str], params: ListParams) -> PageData[M]:
    """The page of `queryset` (sorted by `order`, ending in a unique key) that `params` asks for."""
    if params.cursor and params.offset is not None:
        raise ValidationFailedError({"offset": ["Give either a cursor or an offset, not both."]})
    if params.offset is not None:
        start = params.offset
        items = list(queryset.order_by(*order)[start : start + params.limit])
        return PageData(count=queryset.count(), items=items, next_cursor=None)
    if not params.cursor:
        page = keyset_page(queryset, order=order, cursor=None, size=params.limit)
    else:
        try:
            page = keyset_page(queryset, order=order, cursor=params.cursor, size=params.limit)
        except (ValueError, TypeError, ValidationError) as exc:
            # A cursor that decodes but holds values of the wrong type for the sort keys.
            raise InvalidCursorError from exc
    return PageData(count=queryset.count(), items=page.items, next_cursor=page.next_cursor)
