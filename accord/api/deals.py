"""/api/v1/deals: list, read, create, change and move deals."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from accord.api.auth import request_user
from accord.api.errors import error_responses
from accord.api.pagination import PageData, paginate
from accord.api.schemas.common import Id
from accord.api.schemas.sales import (
    DealCreateIn,
    DealIn,
    DealListParams,
    DealMoveIn,
    DealOut,
    DealPage,
)
from accord.sales.models import Deal
from accord.sales.selectors import DEAL_SORTS, deal_get, deals_filtered
from accord.sales.services import deal_create, deal_move, deal_update

router = Router(tags=["deals"])


@router.get(
    "",
    response={200: DealPage, **error_responses(400, 401)},
    operation_id="deals_list",
    summary="List deals",
)
def deals_list(request: HttpRequest, params: Query[DealListParams]) -> PageData[Deal]:
    rows = deals_filtered(
        viewer=request_user(request), query=params.q, filters=params.filters()
    ).prefetch_related("participants")
    return paginate(rows, order=DEAL_SORTS[params.sort], params=params)


@router.get(
    "/{id}",
    response={200: DealOut, **error_responses(401, 404)},
    operation_id="deals_get",
    summary="Get a deal",
)
def deals_get(request: HttpRequest, id: Path[Id]) -> Deal:
    return deal_get(viewer=request_user(request), pk=id)


@router.post(
    "",
    response={201: DealOut, **error_responses(400, 401, 403)},
    operation_id="deals_create",
    summary="Create a deal",
)
def deals_create(request: HttpRequest, payload: DealCreateIn) -> Status[Deal]:
    actor = request_user(request)
    deal = deal_create(actor=actor, data=payload.data())
    return Status(201, deal_get(viewer=actor, pk=deal.pk))


@router.patch(
    "/{id}",
    response={200: DealOut, **error_responses(400, 401, 403, 404)},
    operation_id="deals_update",
    summary="Change some fields of a deal",
)
def deals_update(request: HttpRequest, id: Path[Id], payload: DealIn) -> Deal:
    actor = request_user(request)
    deal = deal_update(actor=actor, deal=deal_get(viewer=actor, pk=id), data=payload.data())
    return deal_get(viewer=actor, pk=deal.pk)


@router.post(
    "/{id}/move",
    response={200: DealOut, **error_responses(400, 401, 403, 404)},
    operation_id="deals_move",
    summary="Move a deal to another stage of its pipeline",
)
def deals_move(request: HttpRequest, id: Path[Id], payload: DealMoveIn) -> Deal:
    actor = request_user(request)
    deal = deal_move(
        actor=actor,
        deal=deal_get(viewer=actor, pk=id),
        to_stage=payload.stage_id,
        lost_reason=payload.lost_reason_id,
    )
    return deal_get(viewer=actor, pk=deal.pk)
