"""/api/v1/reminders: the caller's reminders (active ones unless `all`), read, set, change
and delete one; snooze or dismiss it."""

from __future__ import annotations

from django.db.models import DateTimeField, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from accord.activities.models import Reminder
from accord.activities.reminder_services import (
    reminder_create,
    reminder_delete,
    reminder_dismiss,
    reminder_snooze,
    reminder_update,
)
from accord.activities.selectors import NO_DEADLINE, reminder_get, reminders_of
from accord.api.auth import request_user
from accord.api.errors import error_responses
from accord.api.pagination import PageData, paginate
from accord.api.schemas.activities import (
    ReminderCreateIn,
    ReminderIn,
    ReminderListParams,
    ReminderOut,
    ReminderPage,
    ReminderSnoozeIn,
)
from accord.api.schemas.common import Id

router = Router(tags=["reminders"])


@router.get(
    "",
    response={200: ReminderPage, **error_responses(400, 401)},
    operation_id="reminders_list",
    summary="List the caller's reminders, the next to fire first",
)
def reminders_list(request: HttpRequest, params: Query[ReminderListParams]) -> PageData[Reminder]:
    rows = reminders_of(viewer=request_user(request), include_done=params.all)
    # Keyset paging needs a value in every row: one that will not fire again sorts last.
    never = Value(NO_DEADLINE, output_field=DateTimeField())
    return paginate(
        rows.annotate(due=Coalesce("next_at", never)), order=("due", "id"), params=params
    )


@router.get(
    "/{id}",
    response={200: ReminderOut, **error_responses(401, 404)},
    operation_id="reminders_get",
    summary="Get a reminder",
)
def reminders_get(request: HttpRequest, id: Path[Id]) -> Reminder:
    return reminder_get(viewer=request_user(request), pk=id)


@router.post(
    "",
    response={201: ReminderOut, **error_responses(400, 401, 403)},
    operation_id="reminders_create",
    summary="Set a reminder, once or repeating",
)
def reminders_create(request: HttpRequest, payload: ReminderCreateIn) -> Status[Reminder]:
    actor = request_user(request)
    row = reminder_create(actor=actor, data=payload.data())
    return Status(201, reminder_get(viewer=actor, pk=row.pk))


@router.patch(
    "/{id}",
    response={200: ReminderOut, **error_responses(400, 401, 403, 404)},
    operation_id="reminders_update",
    summary="Change some fields of a reminder (it becomes active again)",
)
def reminders_update(request: HttpRequest, id: Path[Id], payload: ReminderIn) -> Reminder:
    actor = request_user(request)
    reminder_update(actor=actor, reminder=reminder_get(viewer=actor, pk=id), data=payload.data())
    return reminder_get(viewer=actor, pk=id)


@router.delete(
    "/{id}",
    response={204: None, **error_responses(401, 403, 404)},
    operation_id="reminders_delete",
    summary="Delete a reminder",
)
def reminders_delete(request: HttpRequest, id: Path[Id]) -> Status[None]:
    actor = request_user(request)
    reminder_delete(actor=actor, reminder=reminder_get(viewer=actor, pk=id))
    return Status(204, None)


@router.post(
    "/{id}/snooze",
    response={200: ReminderOut, **error_responses(400, 401, 403, 404)},
    operation_id="reminders_snooze",
    summary="Fire again after a delay; a repeating one goes on after",
)
def reminders_snooze(request: HttpRequest, id: Path[Id], payload: ReminderSnoozeIn) -> Reminder:
    actor = request_user(request)
    reminder_snooze(actor=actor, reminder=reminder_get(viewer=actor, pk=id), delay=payload.delay)
    return reminder_get(viewer=actor, pk=id)


@router.post(
    "/{id}/dismiss",
    response={200: ReminderOut, **error_responses(401, 403, 404)},
    operation_id="reminders_dismiss",
    summary="Stop a reminder for good",
)
def reminders_dismiss(request: HttpRequest, id: Path[Id]) -> Reminder:
    actor = request_user(request)
    reminder_dismiss(actor=actor, reminder=reminder_get(viewer=actor, pk=id))
    return reminder_get(viewer=actor, pk=id)
