"""/api/v1/contact-persons: list, read, create, change and delete contact persons; reveal a
VIP person's details (audited) and export the list as CSV (a GET that writes an audit
event: it records a read and changes no business data).
"""

from __future__ import annotations

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Path, Query, Router, Status

from accord.api.auth import request_user
from accord.api.counterparties import CSV_ANSWER
from accord.api.errors import error_responses
from accord.api.pagination import PageData, paginate
from accord.api.schemas.common import Id
from accord.api.schemas.contact_persons import (
    ContactPersonContactsOut,
    ContactPersonCreateIn,
    ContactPersonExportParams,
    ContactPersonIn,
    ContactPersonListParams,
    ContactPersonOut,
    ContactPersonPage,
)
from accord.directory.exports import contact_person_export
from accord.directory.models import ContactPerson
from accord.directory.selectors import (
    CONTACT_PERSON_SORTS,
    contact_person_get,
    contact_persons_filtered,
)
from accord.directory.services import (
    contact_person_create,
    contact_person_delete,
    contact_person_reveal,
    contact_person_update,
)

router = Router(tags=["contact persons"])


@router.get(
    "",
    response={200: ContactPersonPage, **error_responses(400, 401)},
    operation_id="contact_persons_list",
    summary="List contact persons",
)
def contact_persons_list(
    request: HttpRequest, params: Query[ContactPersonListParams]
) -> PageData[ContactPerson]:
    rows = contact_persons_filtered(
        viewer=request_user(request),
        query=params.q,
        counterparty_id=params.counterparty,
        filters=params.filters(),
    )
    return paginate(rows, order=CONTACT_PERSON_SORTS[params.sort], params=params)


@router.get(
    "/export.csv",
    response=error_responses(400, 401, 403),
    operation_id="contact_persons_export",
    summary="Export the contact person list as CSV",
    description="Every row the list shows for the same search and filters; audited.",
    openapi_extra=CSV_ANSWER,
)
def contact_persons_export(
    request: HttpRequest, params: Query[ContactPersonExportParams]
) -> StreamingHttpResponse:
    export = contact_person_export(
        actor=request_user(request),
        query=params.q,
        counterparty_id=params.counterparty,
        filters=params.filters(),
        sort=params.sort,
        include_vip=params.include_vip,
    )
    return StreamingHttpResponse(export.lines, headers=export.headers())


@router.get(
    "/{id}",
    response={200: ContactPersonOut, **error_responses(401, 404)},
    operation_id="contact_persons_get",
    summary="Get a contact person",
)
def contact_persons_get(request: HttpRequest, id: Path[Id]) -> ContactPerson:
    return contact_person_get(viewer=request_user(request), pk=id)


@router.post(
    "",
    response={201: ContactPersonOut, **error_responses(400, 401, 403)},
    operation_id="contact_persons_create",
    summary="Create a contact person",
)
def contact_persons_create(
    request: HttpRequest, payload: ContactPersonCreateIn
) -> Status[ContactPerson]:
    person = contact_person_create(actor=request_user(request), data=payload.data())
    return Status(201, person)


@router.patch(
    "/{id}",
    response={200: ContactPersonOut, **error_responses(400, 401, 403, 404)},
    operation_id="contact_persons_update",
    summary="Change some fields of a contact person",
)
def contact_persons_update(
    request: HttpRequest,
    id: Path[Id],
    payload: ContactPersonIn,
) -> ContactPerson:
    actor = request_user(request)
    person = contact_person_get(viewer=actor, pk=id)
    return contact_person_update(actor=actor, contact_person=person, data=payload.data())


@router.delete(
    "/{id}",
    response={204: None, **error_responses(401, 403, 404)},
    operation_id="contact_persons_delete",
    summary="Delete a contact person",
)
def contact_persons_delete(request: HttpRequest, id: Path[Id]) -> Status[None]:
    actor = request_user(request)
    contact_person_delete(actor=actor, contact_person=contact_person_get(viewer=actor, pk=id))
    return Status(204, None)


@router.post(
    "/{id}/reveal",
    response={200: ContactPersonContactsOut, **error_responses(401, 403, 404)},
    operation_id="contact_persons_reveal",
    summary="Reveal a VIP contact person's details",
    description="Needs the `reveal` permission; each call is written to the audit log.",
)
def contact_persons_reveal(request: HttpRequest, id: Path[Id]) -> ContactPersonContactsOut:
    actor = request_user(request)
    person = contact_person_get(viewer=actor, pk=id)
    shown = contact_person_reveal(actor=actor, contact_person=person)
    messengers = [{"service": s, "value": v} for s, v in shown.messengers]
    return ContactPersonContactsOut.model_validate(
        {"id": person.pk, "phones": shown.phones, "emails": shown.emails, "messengers": messengers}
    )
