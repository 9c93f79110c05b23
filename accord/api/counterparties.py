"""/api/v1/counterparties: list, read, create, change and delete counterparties."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from accord.api.auth import request_user
from accord.api.errors import error_responses
from accord.api.pagination import PageData, paginate
from accord.api.schemas.common import Id
from accord.api.schemas.counterparties import (
    CounterpartyCreateIn,
    CounterpartyIn,
    CounterpartyListParams,
    CounterpartyOut,
    CounterpartyPage,
)
from accord.directory.models import Counterparty
from accord.directory.selectors import COUNTERPARTY_SORTS, counterparties_filtered, counterparty_get
from accord.directory.services import (
    DuplicatePolicy,
    counterparty_create,
    counterparty_delete,
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
