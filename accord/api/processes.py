"""/api/v1/processes: business processes (list for status control, read with history, start
on an object, cancel) and /api/v1/process-templates: their templates (read by whoever may
start processes or sees the settings; created, changed and deleted by administrators)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from accord.activities.models import PROCESS, PROCESS_SETTINGS, ProcessInstance, ProcessTemplate
from accord.activities.process_selectors import (
    PROCESS_SORTS,
    attach_current,
    process_get,
    process_history,
    process_object_get,
    process_template_get,
    process_templates_filtered,
    processes_filtered,
)
from accord.activities.process_services import (
    process_cancel,
    process_start,
    process_template_delete,
    process_template_save,
)
from accord.api.auth import request_user
from accord.api.errors import error_responses
from accord.api.pagination import PageData, paginate
from accord.api.schemas.common import Id
from accord.api.schemas.processes import (
    ProcessCancelIn,
    ProcessDetailOut,
    ProcessListParams,
    ProcessPage,
    ProcessStartIn,
    TemplateCreateIn,
    TemplateIn,
    TemplateListParams,
    TemplateOut,
    TemplatePage,
)
from accord.core.audit import AccessRefusedError
from accord.users.access import can
from accord.users.models import User

router = Router(tags=["processes"])
templates_router = Router(tags=["process templates"])


def _detail(actor: User, pk: int) -> ProcessInstance:
    instance = process_get(viewer=actor, pk=pk)
    instance.history = process_history(instance)  # type: ignore[attr-defined]
    return instance


def _may_read_templates(actor: User) -> None:
    """Templates are read by whoever may start a process or sees the process settings."""
    if not (can(actor, "add", PROCESS) or can(actor, "view", PROCESS_SETTINGS)):
        raise AccessRefusedError("view", PROCESS_SETTINGS)


# ---------------------------------------------------------------- processes


@router.get(
    "",
    response={200: ProcessPage, **error_responses(400, 401)},
    operation_id="processes_list",
    summary="List processes (status control)",
    description="Each with its current step, who holds it, since when and whether it is late.",
)
def processes_list(
    request: HttpRequest, params: Query[ProcessListParams]
) -> PageData[ProcessInstance]:
    rows = processes_filtered(viewer=request_user(request), query=params.q,
                              filters=params.filters())  # fmt: skip
    page = paginate(rows, order=PROCESS_SORTS[params.sort], params=params)
    attach_current(page.items)
    return page


@router.get(
    "/{id}",
    response={200: ProcessDetailOut, **error_responses(401, 404)},
    operation_id="processes_get",
    summary="Get a process with the steps it went through",
)
def processes_get(request: HttpRequest, id: Path[Id]) -> ProcessInstance:
    return _detail(request_user(request), id)


@router.post(
    "",
    response={201: ProcessDetailOut, **error_responses(400, 401, 403, 404, 409)},
    operation_id="processes_start",
    summary="Start a process of a template on an object",
    description="The first step becomes an assignment for the user it routes to.",
)
def processes_start(request: HttpRequest, payload: ProcessStartIn) -> Status[ProcessInstance]:
    actor = request_user(request)
    obj = process_object_get(viewer=actor, kind=payload.object_kind, pk=payload.object_id)
    instance = process_start(actor=actor, template=payload.template_id, obj=obj)
    return Status(201, _detail(actor, instance.pk))


@router.post(
    "/{id}/cancel",
    response={200: ProcessDetailOut, **error_responses(400, 401, 403, 404, 409)},
    operation_id="processes_cancel",
    summary="Cancel a running process and its open assignment",
)
def processes_cancel(
    request: HttpRequest, id: Path[Id], payload: ProcessCancelIn
) -> ProcessInstance:
    actor = request_user(request)
    process_cancel(actor=actor, process=process_get(viewer=actor, pk=id), reason=payload.reason)
    return _detail(actor, id)


# ---------------------------------------------------------------- templates


@templates_router.get(
    "",
    response={200: TemplatePage, **error_responses(400, 401, 403)},
    operation_id="process_templates_list",
    summary="List process templates with their steps",
)
def process_templates_list(
    request: HttpRequest, params: Query[TemplateListParams]
) -> PageData[ProcessTemplate]:
    _may_read_templates(request_user(request))
    rows = process_templates_filtered(
        query=params.q, object_kind=params.object_kind or "", active=params.is_active
    )
    return paginate(rows, order=("name", "id"), params=params)


@templates_router.get(
    "/{id}",
    response={200: TemplateOut, **error_responses(401, 403, 404)},
    operation_id="process_templates_get",
    summary="Get a process template with its steps",
)
def process_templates_get(request: HttpRequest, id: Path[Id]) -> ProcessTemplate:
    _may_read_templates(request_user(request))
    return process_template_get(pk=id)


@templates_router.post(
    "",
    response={201: TemplateOut, **error_responses(400, 401, 403)},
    operation_id="process_templates_create",
    summary="Create a process template with its steps (administrators)",
    description="Refused (400, naming each field) when the steps form a cycle, a step cannot "
    "be reached from the first, a condition tests an unknown field or a role has nobody.",
)
def process_templates_create(
    request: HttpRequest, payload: TemplateCreateIn
) -> Status[ProcessTemplate]:
    template = process_template_save(actor=request_user(request), data=payload.data())
    return Status(201, process_template_get(pk=template.pk))


@templates_router.patch(
    "/{id}",
    response={200: TemplateOut, **error_responses(400, 401, 403, 404)},
    operation_id="process_templates_update",
    summary="Change a process template; `steps` replaces every step (administrators)",
)
def process_templates_update(
    request: HttpRequest, id: Path[Id], payload: TemplateIn
) -> ProcessTemplate:
    template = process_template_get(pk=id)
    process_template_save(actor=request_user(request), data=payload.data(), instance=template)
    return process_template_get(pk=id)


@templates_router.delete(
    "/{id}",
    response={204: None, **error_responses(401, 403, 404, 409)},
    operation_id="process_templates_delete",
    summary="Delete a template that never ran (administrators); switch others off instead",
)
def process_templates_delete(request: HttpRequest, id: Path[Id]) -> Status[None]:
    process_template_delete(actor=request_user(request), template=process_template_get(pk=id))
    return Status(204, None)
