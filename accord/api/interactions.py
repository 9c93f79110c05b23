"""/api/v1/interactions: list, read, plan or record, change and delete interactions with
clients; complete one (and plan the next in the same step) or cancel it."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from accord.activities.interaction_services import (
    interaction_cancel,
    interaction_complete,
    interaction_create,
    interaction_delete,
    interaction_update,
)
from accord.activities.models import Interaction
from accord.activities.selectors import INTERACTION_SORTS, interaction_get, interactions_filtered
from accord.api.auth import request_user
from accord.api.errors import error_responses
from accord.api.pagination import PageData, paginate
from accord.api.schemas.activities import (
    InteractionCompletedOut,
    InteractionCompleteIn,
    InteractionCreateIn,
    InteractionIn,
    InteractionListParams,
    InteractionOut,
    InteractionPage,
)
from accord.api.schemas.common import Id

router = Router(tags=["interactions"])


@router.get(
    "",
    response={200: InteractionPage, **error_responses(400, 401)},
    operation_id="interactions_list",
    summary="List interactions",
)
def interactions_list(
    request: HttpRequest, params: Query[InteractionListParams]
) -> PageData[Interaction]:
    rows = interactions_filtered(
        viewer=request_user(request), query=params.q, filters=params.filters()
    ).prefetch_related("participants")
    return paginate(rows, order=INTERACTION_SORTS[params.sort], params=params)


@router.get(
    "/{id}",
    response={200: InteractionOut, **error_responses(401, 404)},
    operation_id="interactions_get",
    summary="Get an interaction",
)
def interactions_get(request: HttpRequest, id: Path[Id]) -> Interaction:
    return interaction_get(viewer=request_user(request), pk=id)


@router.post(
    "",
    response={201: InteractionOut, **error_responses(400, 401, 403)},
    operation_id="interactions_create",
    summary="Plan an interaction, or record one that happened (status done)",
)
def interactions_create(request: HttpRequest, payload: InteractionCreateIn) -> Status[Interaction]:
    actor = request_user(request)
    row = interaction_create(actor=actor, data=payload.data())
    return Status(201, interaction_get(viewer=actor, pk=row.pk))


@router.patch(
    "/{id}",
    response={200: InteractionOut, **error_responses(400, 401, 403, 404)},
    operation_id="interactions_update",
    summary="Change some fields of an interaction",
)
def interactions_update(request: HttpRequest, id: Path[Id], payload: InteractionIn) -> Interaction:
    actor = request_user(request)
    row = interaction_update(
        actor=actor, interaction=interaction_get(viewer=actor, pk=id), data=payload.data()
    )
    return interaction_get(viewer=actor, pk=row.pk)


@router.delete(
    "/{id}",
    response={204: None, **error_responses(401, 403, 404)},
    operation_id="interactions_delete",
    summary="Delete an interaction",
)
def interactions_delete(request: HttpRequest, id: Path[Id]) -> Status[None]:
    actor = request_user(request)
    interaction_delete(actor=actor, interaction=interaction_get(viewer=actor, pk=id))
    return Status(204, None)


@router.post(
    "/{id}/complete",
    response={200: InteractionCompletedOut, **error_responses(400, 401, 403, 404, 409)},
    operation_id="interactions_complete",
    summary="Mark a planned interaction done, and optionally plan the next one",
    description="Both are written, or neither when either is refused.",
)
def interactions_complete(
    request: HttpRequest, id: Path[Id], payload: InteractionCompleteIn
) -> dict[str, Interaction | None]:
    actor = request_user(request)
    done, follow_up = interaction_complete(
        actor=actor,
        interaction=interaction_get(viewer=actor, pk=id),
        result=payload.result(),
        follow_up=payload.follow_up.data() if payload.follow_up is not None else None,
    )
    return {
        "interaction": interaction_get(viewer=actor, pk=done.pk),
        "follow_up": interaction_get(viewer=actor, pk=follow_up.pk) if follow_up else None,
    }


@router.post(
    "/{id}/cancel",
    response={200: InteractionOut, **error_responses(401, 403, 404, 409)},
    operation_id="interactions_cancel",
    summary="Cancel a planned interaction",
)
def interactions_cancel(request: HttpRequest, id: Path[Id]) -> Interaction:
    actor = request_user(request)
    interaction_cancel(actor=actor, interaction=interaction_get(viewer=actor, pk=id))
    return interaction_get(viewer=actor, pk=id)
