"""/api/v1/quotes: list, read, create and change quotes, and turn one into an order."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from accord.api.auth import request_user
from accord.api.errors import error_responses
from accord.api.pagination import PageData, paginate
from accord.api.schemas.common import Id
from accord.api.schemas.documents import (
    OrderDetailOut,
    QuoteCreateIn,
    QuoteDetailOut,
    QuoteIn,
    QuoteListParams,
    QuotePage,
)
from accord.sales.document_selectors import DOCUMENT_SORTS, documents_filtered, order_get, quote_get
from accord.sales.document_services import order_from_quote, quote_create, quote_update
from accord.sales.models import Order, Quote

router = Router(tags=["quotes"])


@router.get(
    "",
    response={200: QuotePage, **error_responses(400, 401)},
    operation_id="quotes_list",
    summary="List quotes",
)
def quotes_list(request: HttpRequest, params: Query[QuoteListParams]) -> PageData[Quote]:
    rows = documents_filtered(
        Quote, viewer=request_user(request), query=params.q, status=params.status or "",
        filters=params.filters(),
    )  # fmt: skip
    return paginate(rows, order=DOCUMENT_SORTS[params.sort], params=params)


@router.get(
    "/{id}",
    response={200: QuoteDetailOut, **error_responses(401, 404)},
    operation_id="quotes_get",
    summary="Get a quote with its lines",
)
def quotes_get(request: HttpRequest, id: Path[Id]) -> Quote:
    return quote_get(viewer=request_user(request), pk=id)


@router.post(
    "",
    response={201: QuoteDetailOut, **error_responses(400, 401, 403)},
    operation_id="quotes_create",
    summary="Create a quote (prices left out come from the price type)",
)
def quotes_create(request: HttpRequest, payload: QuoteCreateIn) -> Status[Quote]:
    actor = request_user(request)
    quote = quote_create(actor=actor, data=payload.data())
    return Status(201, quote_get(viewer=actor, pk=quote.pk))


@router.patch(
    "/{id}",
    response={200: QuoteDetailOut, **error_responses(400, 401, 403, 404, 409)},
    operation_id="quotes_update",
    summary="Change some fields of a quote; `lines` replaces every line",
)
def quotes_update(request: HttpRequest, id: Path[Id], payload: QuoteIn) -> Quote:
    actor = request_user(request)
    quote = quote_update(actor=actor, quote=quote_get(viewer=actor, pk=id), data=payload.data())
    return quote_get(viewer=actor, pk=quote.pk)


@router.post(
    "/{id}/order",
    response={201: OrderDetailOut, **error_responses(401, 403, 404, 409)},
    operation_id="quotes_order",
    summary="Create the order of a quote (copies its lines; the quote becomes accepted)",
)
def quotes_order(request: HttpRequest, id: Path[Id]) -> Status[Order]:
    actor = request_user(request)
    order = order_from_quote(actor=actor, quote=quote_get(viewer=actor, pk=id))
    return Status(201, order_get(viewer=actor, pk=order.pk))
