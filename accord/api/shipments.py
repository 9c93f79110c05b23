"""/api/v1/shipments: list, read, create from an order, change drafts, post and cancel."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from accord.api.auth import request_user
from accord.api.errors import error_responses
from accord.api.pagination import PageData, paginate
from accord.api.schemas.common import Id
from accord.api.schemas.shipments import (
    ShipmentCreateIn,
    ShipmentDetailOut,
    ShipmentIn,
    ShipmentListParams,
    ShipmentPage,
)
from accord.sales.document_selectors import DOCUMENT_SORTS, order_get
from accord.sales.models import Shipment
from accord.sales.shipment_selectors import shipment_get, shipments_filtered
from accord.sales.shipment_services import (
    shipment_cancel,
    shipment_create_from_order,
    shipment_post,
    shipment_update,
)

router = Router(tags=["shipments"])


@router.get(
    "",
    response={200: ShipmentPage, **error_responses(400, 401)},
    operation_id="shipments_list",
    summary="List shipments",
)
def shipments_list(request: HttpRequest, params: Query[ShipmentListParams]) -> PageData[Shipment]:
    rows = shipments_filtered(
        viewer=request_user(request), query=params.q, status=params.status or "",
        kind=params.kind or "", filters=params.filters(),
    )  # fmt: skip
    return paginate(rows, order=DOCUMENT_SORTS[params.sort], params=params)


@router.get(
    "/{id}",
    response={200: ShipmentDetailOut, **error_responses(401, 404)},
    operation_id="shipments_get",
    summary="Get a shipment with its lines",
)
def shipments_get(request: HttpRequest, id: Path[Id]) -> Shipment:
    return shipment_get(viewer=request_user(request), pk=id)


@router.post(
    "",
    response={201: ShipmentDetailOut, **error_responses(400, 401, 403, 404, 409)},
    operation_id="shipments_create",
    summary="Create a draft shipment of an order (by default all it has left to ship)",
)
def shipments_create(request: HttpRequest, payload: ShipmentCreateIn) -> Status[Shipment]:
    actor = request_user(request)
    data = payload.data()
    order = order_get(viewer=actor, pk=data.pop("order_id"))
    shipment = shipment_create_from_order(
        actor=actor, order=order, lines=data.pop("lines", None), data=data
    )
    return Status(201, shipment_get(viewer=actor, pk=shipment.pk))


@router.patch(
    "/{id}",
    response={200: ShipmentDetailOut, **error_responses(400, 401, 403, 404, 409)},
    operation_id="shipments_update",
    summary="Change a draft shipment; `lines` replaces every line",
)
def shipments_update(request: HttpRequest, id: Path[Id], payload: ShipmentIn) -> Shipment:
    actor = request_user(request)
    shipment = shipment_update(actor=actor, shipment=shipment_get(viewer=actor, pk=id),
                               data=payload.data())  # fmt: skip
    return shipment_get(viewer=actor, pk=shipment.pk)


@router.post(
    "/{id}/post",
    response={200: ShipmentDetailOut, **error_responses(401, 403, 404, 409)},
    operation_id="shipments_post",
    summary="Post a draft shipment; the order becomes shipped when nothing is left",
)
def shipments_post(request: HttpRequest, id: Path[Id]) -> Shipment:
    actor = request_user(request)
    shipment = shipment_post(actor=actor, shipment=shipment_get(viewer=actor, pk=id))
    return shipment_get(viewer=actor, pk=shipment.pk)


@router.post(
    "/{id}/cancel",
    response={200: ShipmentDetailOut, **error_responses(401, 403, 404, 409)},
    operation_id="shipments_cancel",
    summary="Cancel a shipment; a shipped order goes back to its earlier status",
)
def shipments_cancel(request: HttpRequest, id: Path[Id]) -> Shipment:
    actor = request_user(request)
    shipment = shipment_cancel(actor=actor, shipment=shipment_get(viewer=actor, pk=id))
    return shipment_get(viewer=actor, pk=shipment.pk)
