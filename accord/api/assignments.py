"""/api/v1/assignments: list (given to me, by me, or all I see), read, give and change
assignments; move one along its statuses and write progress notes.

Every answer carries the statuses the caller may move the assignment to now
(`allowed_moves`): performers accept, start and finish it, its author checks or returns it.
"""

from __future__ import annotations

from django.db.models import DateTimeField, Prefetch, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from accord.activities.assignment_services import (
    assignment_create,
    assignment_move,
    assignment_note_add,
    assignment_update,
)
from accord.activities.models import Assignment, AssignmentNote
from accord.activities.selectors import (
    ASSIGNMENT_SORTS,
    NO_DEADLINE,
    assignment_get,
    assignments_filtered,
)
from accord.api.auth import request_user
from accord.api.errors import error_responses
from accord.api.pagination import PageData, paginate
from accord.api.schemas.activities import (
    AssignmentCreateIn,
    AssignmentIn,
    AssignmentListParams,
    AssignmentMoveIn,
    AssignmentNoteIn,
    AssignmentNoteOut,
    AssignmentOut,
    AssignmentPage,
)
from accord.api.schemas.common import Id

router = Router(tags=["assignments"])


def _sortable(rows: QuerySet[Assignment], sort: str) -> QuerySet[Assignment]:
    if sort == "deadline":
        # Keyset paging needs a value in every row: no deadline sorts as the far future.
        no_deadline = Value(NO_DEADLINE, output_field=DateTimeField())
        return rows.annotate(due=Coalesce("deadline", no_deadline))
    return rows


@router.get(
    "",
    response={200: AssignmentPage, **error_responses(400, 401)},
    operation_id="assignments_list",
    summary="List assignments",
)
def assignments_list(
    request: HttpRequest, params: Query[AssignmentListParams]
) -> PageData[Assignment]:
    rows = assignments_filtered(
        viewer=request_user(request), box=params.box, filters=params.filters()
    ).prefetch_related(Prefetch("notes", queryset=AssignmentNote.objects.select_related("author")))
    return paginate(
        _sortable(rows, params.sort), order=ASSIGNMENT_SORTS[params.sort], params=params
    )


@router.get(
    "/{id}",
    response={200: AssignmentOut, **error_responses(401, 404)},
    operation_id="assignments_get",
    summary="Get an assignment with its notes",
)
def assignments_get(request: HttpRequest, id: Path[Id]) -> Assignment:
    return assignment_get(viewer=request_user(request), pk=id)


@router.post(
    "",
    response={201: AssignmentOut, **error_responses(400, 401, 403)},
    operation_id="assignments_create",
    summary="Give an assignment; its performers are notified",
)
def assignments_create(request: HttpRequest, payload: AssignmentCreateIn) -> Status[Assignment]:
    actor = request_user(request)
    row = assignment_create(actor=actor, data=payload.data())
    return Status(201, assignment_get(viewer=actor, pk=row.pk))


@router.patch(
    "/{id}",
    response={200: AssignmentOut, **error_responses(400, 401, 403, 404, 409)},
    operation_id="assignments_update",
    summary="Change an open assignment (its author only)",
)
def assignments_update(request: HttpRequest, id: Path[Id], payload: AssignmentIn) -> Assignment:
    actor = request_user(request)
    assignment_update(
        actor=actor, assignment=assignment_get(viewer=actor, pk=id), data=payload.data()
    )
    return assignment_get(viewer=actor, pk=id)


@router.post(
    "/{id}/move",
    response={200: AssignmentOut, **error_responses(400, 401, 403, 404, 409)},
    operation_id="assignments_move",
    summary="Move an assignment to another status",
    description="Only to one of its `allowed_moves` (409 otherwise); returning the result "
    "needs a `comment`. The other side is notified.",
)
def assignments_move(request: HttpRequest, id: Path[Id], payload: AssignmentMoveIn) -> Assignment:
    actor = request_user(request)
    assignment_move(
        actor=actor,
        assignment=assignment_get(viewer=actor, pk=id),
        status=payload.status,
        comment=payload.comment,
    )
    return assignment_get(viewer=actor, pk=id)


@router.post(
    "/{id}/notes",
    response={201: AssignmentNoteOut, **error_responses(400, 401, 403, 404, 409)},
    operation_id="assignments_note_add",
    summary="Write a progress note (the author or a performer)",
)
def assignments_note_add(
    request: HttpRequest, id: Path[Id], payload: AssignmentNoteIn
) -> Status[AssignmentNote]:
    actor = request_user(request)
    note = assignment_note_add(
        actor=actor, assignment=assignment_get(viewer=actor, pk=id), text_=payload.text
    )
    return Status(201, note)
