"""/api/v1/notifications: the caller's bell, newest first, with the unread count; mark some
or all of them read."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from accord.activities.notification_services import notifications_mark_read
from accord.activities.selectors import notifications_of, unread_count
from accord.api.auth import request_user
from accord.api.errors import error_responses
from accord.api.pagination import paginate
from accord.api.schemas.activities import (
    NotificationListParams,
    NotificationPage,
    NotificationReadIn,
    NotificationReadOut,
)

router = Router(tags=["notifications"])


@router.get(
    "",
    response={200: NotificationPage, **error_responses(400, 401)},
    operation_id="notifications_list",
    summary="List the caller's notifications, newest first",
)
def notifications_list(request: HttpRequest, params: Query[NotificationListParams]) -> Any:
    viewer = request_user(request)
    rows = notifications_of(viewer=viewer, unread_only=params.unread_only)
    page = paginate(rows, order=("-created_at", "-id"), params=params)
    return {
        "count": page.count,
        "items": page.items,
        "next_cursor": page.next_cursor,
        "unread": unread_count(viewer=viewer),
    }


@router.post(
    "/read",
    response={200: NotificationReadOut, **error_responses(400, 401)},
    operation_id="notifications_read",
    summary="Mark the caller's notifications read: those named by `ids`, or all",
)
def notifications_read(request: HttpRequest, payload: NotificationReadIn) -> dict[str, int]:
    actor = request_user(request)
    marked = notifications_mark_read(actor=actor, ids=payload.ids)
    return {"marked": marked, "unread": unread_count(viewer=actor)}
