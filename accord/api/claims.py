"""/api/v1/claims: list, read, register, change, move and delete claims from clients, and
the control report."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router, Status

from accord.activities.claim_selectors import (
    CLAIM_SORTS,
    ControlRow,
    claim_get,
    claims_control,
    claims_filtered,
    report_period,
)
from accord.activities.claim_services import claim_create, claim_delete, claim_move, claim_update
from accord.activities.models import Claim
from accord.api.auth import request_user
from accord.api.errors import error_responses
from accord.api.pagination import PageData, paginate
from accord.api.schemas.claims import (
    ClaimControlOut,
    ClaimControlParams,
    ClaimCreateIn,
    ClaimIn,
    ClaimListParams,
    ClaimMoveIn,
    ClaimOut,
    ClaimPage,
)
from accord.api.schemas.common import Id

router = Router(tags=["claims"])


@router.get(
    "",
    response={200: ClaimPage, **error_responses(400, 401)},
    operation_id="claims_list",
    summary="List claims",
)
def claims_list(request: HttpRequest, params: Query[ClaimListParams]) -> PageData[Claim]:
    rows = claims_filtered(viewer=request_user(request), query=params.q, filters=params.filters())
    return paginate(rows, order=CLAIM_SORTS[params.sort], params=params)


def _row(row: ControlRow) -> dict[str, Any]:
    who = row.responsible
    return {
        "responsible_id": who.pk if who else None,
        "responsible_name": str(who) if who else "",
        "open": row.open,
        "overdue": row.overdue,
        "registered": row.registered,
        "resolved": row.resolved,
        "rejected": row.rejected,
        "average_days": row.average_days,
    }


# Declared before "/{id}" so that "control" is never read as an id.
@router.get(
    "/control",
    response={200: ClaimControlOut, **error_responses(400, 401)},
    operation_id="claims_control",
    summary="The control report: claims per responsible manager",
)
def claims_control_report(
    request: HttpRequest, params: Query[ClaimControlParams]
) -> dict[str, Any]:
    today = timezone.localdate()
    date_from, date_to = report_period(params.date_from, params.date_to, today=today)
    report = claims_control(
        viewer=request_user(request), date_from=date_from, date_to=date_to, today=today
    )
    return {
        "date_from": report.date_from,
        "date_to": report.date_to,
        "rows": [_row(row) for row in report.rows],
        "total": _row(report.total),
    }


@router.get(
    "/{id}",
    response={200: ClaimOut, **error_responses(401, 404)},
    operation_id="claims_get",
    summary="Get a claim",
)
def claims_get(request: HttpRequest, id: Path[Id]) -> Claim:
    return claim_get(viewer=request_user(request), pk=id)


@router.post(
    "",
    response={201: ClaimOut, **error_responses(400, 401, 403)},
    operation_id="claims_create",
    summary="Register a claim",
)
def claims_create(request: HttpRequest, payload: ClaimCreateIn) -> Status[Claim]:
    actor = request_user(request)
    claim = claim_create(actor=actor, data=payload.data())
    return Status(201, claim_get(viewer=actor, pk=claim.pk))


@router.patch(
    "/{id}",
    response={200: ClaimOut, **error_responses(400, 401, 403, 404, 409)},
    operation_id="claims_update",
    summary="Change some fields of an open claim",
)
def claims_update(request: HttpRequest, id: Path[Id], payload: ClaimIn) -> Claim:
    actor = request_user(request)
    claim_update(actor=actor, claim=claim_get(viewer=actor, pk=id), data=payload.data())
    return claim_get(viewer=actor, pk=id)


@router.delete(
    "/{id}",
    response={204: None, **error_responses(401, 403, 404)},
    operation_id="claims_delete",
    summary="Delete a claim",
)
def claims_delete(request: HttpRequest, id: Path[Id]) -> Status[None]:
    actor = request_user(request)
    claim_delete(actor=actor, claim=claim_get(viewer=actor, pk=id))
    return Status(204, None)


@router.post(
    "/{id}/move",
    response={200: ClaimOut, **error_responses(400, 401, 403, 404, 409)},
    operation_id="claims_move",
    summary="Move a claim to another status",
)
def claims_move(request: HttpRequest, id: Path[Id], payload: ClaimMoveIn) -> Claim:
    actor = request_user(request)
    claim_move(
        actor=actor,
        claim=claim_get(viewer=actor, pk=id),
        status=payload.status,
        resolution=payload.resolution,
        comment=payload.comment,
    )
    return claim_get(viewer=actor, pk=id)
