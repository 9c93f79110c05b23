"""/api/v1/counterparties: list, read, create, change and delete counterparties; reveal a
VIP counterparty's contact details (audited) and export the list as CSV.

VIP contact details are masked in every answer but the reveal (`directory.masking`). The
export is a GET that writes an audit event: it records a read and changes no business data.
"""

from __future__ import annotations

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Path, Query, Router, Status

from accord.api.auth import request_user
from accord.api.errors import error_responses
from accord.api.pagination import PageData, paginate
from accord.api.schemas.common import Id
from accord.api.schemas.counterparties import (
    CounterpartyContactsOut,
    CounterpartyCreateIn,
    CounterpartyExportParams,
    CounterpartyIn,
    CounterpartyListParams,
    CounterpartyOut,
    CounterpartyPage,
)
from accord.directory.exports import counterparty_export
from accord.directory.models import Counterparty
from accord.directory.selectors import COUNTERPARTY_SORTS, counterparties_filtered, counterparty_get
from accord.directory.services import (
    DuplicatePolicy,
    counterparty_create,
    counterparty_delete,
    counterparty_reveal,
    counterparty_update,
)

router = Router(tags=["counterparties"])

ALLOW_DUPLICATES = Query(
    False,
    description="Save even when a counterparty with the same INN (and KPP) exists.",
)


def _duplicates(allow: bool) -> DuplicatePolicy:
    return DuplicatePolicy.ALLOW if allow else DuplicatePolicy.REFUSE_SAME_INN


@router.get(
    "",
    response={200: CounterpartyPage, **error_responses(400, 401)},
    operation_id="counterparties_list",
    summary="List counterparties",
)
def counterparties_list(
    request: HttpRequest, params: Query[CounterpartyListParams]
) -> PageData[Counterparty]:
    rows = counterparties_filtered(
        viewer=request_user(request), query=params.q, filters=params.filters()
    )
    return paginate(rows, order=COUNTERPARTY_SORTS[params.sort], params=params)


CSV_ANSWER = {
    "responses": {
        200: {
            "description": "CSV: UTF-8 with a byte order mark, `;` between fields.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
}


@router.get(
    "/export.csv",
    response=error_responses(400, 401, 403),
    operation_id="counterparties_export",
    summary="Export the counterparty list as CSV",
    description="Every row the list shows for the same search and filters; audited.",
    openapi_extra=CSV_ANSWER,
)
def counterparties_export(
    request: HttpRequest, params: Query[CounterpartyExportParams]
) -> StreamingHttpResponse:
    export = counterparty_export(
        actor=request_user(request),
        query=params.q,
        filters=params.filters(),
        sort=params.sort,
        include_vip=params.include_vip,
    )
    return StreamingHttpResponse(export.lines, headers=export.headers())


@router.get(
    "/{id}",
    response={200: CounterpartyOut, **error_responses(401, 404)},
    operation_id="counterparties_get",
    summary="Get a counterparty",
)
def counterparties_get(request: HttpRequest, id: Path[Id]) -> Counterparty:
    return counterparty_get(viewer=request_user(request), pk=id, with_contacts=False)


@router.post(
    "",
    response={201: CounterpartyOut, **error_responses(400, 401, 403, 409)},
    operation_id="counterparties_create",
    summary="Create a counterparty",
)
def counterparties_create(
    request: HttpRequest, payload: CounterpartyCreateIn, allow_duplicates: bool = ALLOW_DUPLICATES
) -> Status[Counterparty]:
    counterparty = counterparty_create(
        actor=request_user(request), data=payload.data(), duplicates=_duplicates(allow_duplicates)
    )
    return Status(201, counterparty)


@router.patch(
    "/{id}",
    response={200: CounterpartyOut, **error_responses(400, 401, 403, 404, 409)},
    operation_id="counterparties_update",
    summary="Change some fields of a counterparty",
)
def counterparties_update(
    request: HttpRequest,
    id: Path[Id],
    payload: CounterpartyIn,
    allow_duplicates: bool = ALLOW_DUPLICATES,
) -> Counterparty:
    actor = request_user(request)
    return counterparty_update(
        actor=actor,
        counterparty=counterparty_get(viewer=actor, pk=id, with_contacts=False),
        data=payload.data(),
        duplicates=_duplicates(allow_duplicates),
    )


@router.delete(
    "/{id}",
    response={204: None, **error_responses(401, 403, 404)},
    operation_id="counterparties_delete",
    summary="Delete a counterparty",
)
def counterparties_delete(request: HttpRequest, id: Path[Id]) -> Status[None]:
    actor = request_user(request)
    counterparty_delete(
        actor=actor, counterparty=counterparty_get(viewer=actor, pk=id, with_contacts=False)
    )
    return Status(204, None)


@router.post(
    "/{id}/reveal",
    response={200: CounterpartyContactsOut, **error_responses(401, 403, 404)},
    operation_id="counterparties_reveal",
    summary="Reveal a VIP counterparty's contact details",
    description="Needs the `reveal` permission; each call is written to the audit log.",
)
def counterparties_reveal(request: HttpRequest, id: Path[Id]) -> CounterpartyContactsOut:
    actor = request_user(request)
    cp = counterparty_get(viewer=actor, pk=id, with_contacts=False)
    shown = counterparty_reveal(actor=actor, counterparty=cp)
    return CounterpartyContactsOut(
        id=cp.pk,
        phone=shown.phone,
        email=shown.email,
        legal_address=shown.legal_address,
        actual_address=shown.actual_address,
    )
