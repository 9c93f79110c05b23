"""/api/v1/audit-events: the audit trail, read-only, for holders of `view` on `admin.audit`.

The same filters as Settings -> Audit log, and the list format of every other resource.
There is no write operation: audit events are append-only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from accord.api.auth import request_user
from accord.api.errors import error_responses
from accord.api.pagination import ListParams, Paged, PageData, paginate
from accord.api.schemas.common import Id
from accord.core.audit import AccessRefusedError
from accord.core.audit_selectors import (
    AUDIT_FILTERS,
    AUDIT_ORDER,
    AUDIT_TYPE,
    audit_events_filtered,
    clean_audit_filters,
)
from accord.core.models import AuditEvent
from accord.users.access import can

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int
    at: dt.datetime
    actor_id: int | None = Field(description="The user who acted; null for the system.")
    actor_label: str = Field(description="The actor's login as it was at the time.")
    action: str = Field(
        description="`app.entity.past_tense`, e.g. `directory.counterparty.updated`."
    )
    object_type: str
    object_id: str
    object_label: str
    changes: dict[str, Any] = Field(description="`{field: [before, after]}` or a snapshot.")
    ip: str | None


class AuditEventPage(Paged[AuditEventOut]):
    pass


class AuditListParams(ListParams):
    """`q` searches the object's recorded name; the other filters are exact."""

    actor: Id | None = Field(None, description="Id of the acting user.")
    action: str = Field("", max_length=80, description="Action prefix, e.g. `users.login`.")
    object_type: str = Field("", max_length=80, description="e.g. `directory.counterparty`.")
    object_id: str = Field("", max_length=64)
    date_from: dt.date | None = Field(None, description="First day, inclusive.")
    date_to: dt.date | None = Field(None, description="Last day, inclusive.")
    ip: str = Field("", max_length=45, description="The client's IP address.")

    def filters(self) -> dict[str, Any]:
        return self.model_dump(include=set(AUDIT_FILTERS))


@router.get(
    "",
    response={200: AuditEventPage, **error_responses(400, 401, 403)},
    operation_id="audit_events_list",
    summary="List audit events",
)
def audit_events_list(request: HttpRequest, params: Query[AuditListParams]) -> PageData[AuditEvent]:
    viewer = request_user(request)
    if not can(viewer, "view", AUDIT_TYPE):
        raise AccessRefusedError("view", AUDIT_TYPE)
    rows = audit_events_filtered(viewer=viewer, filters=clean_audit_filters(params.filters()))
    return paginate(rows, order=AUDIT_ORDER, params=params)
