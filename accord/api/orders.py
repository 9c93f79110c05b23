"""/api/v1/orders: list, read, create and change customer orders, and move their status."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from accord.api.auth import request_user
from accord.api.errors import error_responses
from accord.api.pagination import PageData, paginate
from accord.api.schemas.common import Id
from accord.api.schemas.documents import (
    DocumentIn,
    OrderCreateIn,
    OrderDetailOut,
    OrderListParams,
    OrderPage,
    OrderStatusIn,
)
from accord.sales.document_selectors import DOCUMENT_SORTS, documents_filtered, order_get
from accord.sales.document_services import order_create, order_set_status, order_update
from accord.sales.models import Order

router = Router(tags=["orders"])


@router.get(
    "",
    response={200: OrderPage, **error_responses(400, 401)},
    operation_id="orders_list",
    summary="List orders",
)
def orders_list(request: HttpRequest, params: Query[OrderListParams]) -> PageData[Order]:
    rows = documents_filtered(
        Order, viewer=request_user(request), query=params.q, status=params.status or "",
        filters=params.filters(),
    )  # fmt: skip
    return paginate(rows, order=DOCUMENT_SORTS[params.sort], params=params)


@router.get(
    "/{id}",
    response={200: OrderDetailOut, **error_responses(401, 404)},
    operation_id="orders_get",
    summary="Get an order with its lines",
)
def orders_get(request: HttpRequest, id: Path[Id]) -> Order:
    return order_get(viewer=request_user(request), pk=id)


@router.post(
    "",
    response={201: OrderDetailOut, **error_responses(400, 401, 403)},
    operation_id="orders_create",
    summary="Create an order (prices left out come from the price type)",
)
def orders_create(request: HttpRequest, payload: OrderCreateIn) -> Status[Order]:
    actor = request_user(request)
    order = order_create(actor=actor, data=payload.data())
    return Status(201, order_get(viewer=actor, pk=order.pk))


@router.patch(
    "/{id}",
    response={200: OrderDetailOut, **error_responses(400, 401, 403, 404, 409)},
    operation_id="orders_update",
    summary="Change some fields of an order; `lines` replaces every line",
)
def orders_update(request: HttpRequest, id: Path[Id], payload: DocumentIn) -> Order:
    actor = request_user(request)
    order = order_update(actor=actor, order=order_get(viewer=actor, pk=id), data=payload.data())
    return order_get(viewer=actor, pk=order.pk)


@router.post(
    "/{id}/status",
    response={200: OrderDetailOut, **error_responses(400, 401, 403, 404, 409)},
    operation_id="orders_status",
    summary="Move an order to another status (new, confirmed, in_progress, shipped, ...)",
)
def orders_status(request: HttpRequest, id: Path[Id], payload: OrderStatusIn) -> Order:
    actor = request_user(request)
    order = order_set_status(actor=actor, order=order_get(viewer=actor, pk=id),
                             status=payload.status)  # fmt: skip
    return order_get(viewer=actor, pk=order.pk)
