"""/api/v1/imports and /api/v1/import-profiles: upload a spreadsheet, map its columns,
check it (a dry run), load it, undo it; read its failed rows; keep mapping profiles.

The check and the load run in the background: they answer 202 with the import, whose
`status` and `progress` the client then polls with GET.
"""

from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field as NinjaField
from ninja import File, Form, Path, Query, Router, Schema, Status, UploadedFile

from accord.api.auth import request_user
from accord.api.errors import error_responses
from accord.api.pagination import PageData, paginate
from accord.api.schemas.common import Id
from accord.api.schemas.imports import (
    ImportErrorParams,
    ImportJobOut,
    ImportJobPage,
    ImportListParams,
    ImportMappingIn,
    ImportProfileIn,
    ImportProfileOut,
    ImportProfilePage,
    ImportProfileParams,
    ImportRowErrorPage,
)
from accord.core.errors import NotFoundError, ValidationFailedError
from accord.imports import services
from accord.imports.models import ImportJob, ImportObject, ImportProfile, ImportRowError

router = Router(tags=["imports"])
profiles_router = Router(tags=["imports"])

JOB_ORDER = ("-created_at", "-id")


class ImportUploadForm(Schema):
    """The form fields sent with the file (multipart/form-data)."""

    object: ImportObject = NinjaField(description="counterparties or products.")
    encoding: str = NinjaField("", description="utf-8, utf-8-sig or cp1251; detected if empty.")
    delimiter: str = NinjaField(
        "", description="One of , ; | or a tab, for a CSV file; detected if empty."
    )
    mapping: str = NinjaField(
        "",
        description="A mapping profile as a JSON string (docs/import.md); "
        "without it the columns are mapped from their names.",
    )


def _job(actor: Any, pk: int) -> ImportJob:
    """An import the actor sees; hidden and missing ones are the same 404."""
    job = ImportJob.objects.visible_to(actor).select_related("created_by").filter(pk=pk).first()
    if job is None:
        raise NotFoundError
    return job


def _jobs(actor: Any, params: ImportListParams) -> QuerySet[ImportJob]:
    jobs = ImportJob.objects.visible_to(actor)
    if params.q:
        jobs = jobs.filter(filename__icontains=params.q)
    if params.status:
        jobs = jobs.filter(status=params.status)
    if params.object:
        jobs = jobs.filter(object=params.object)
    return jobs


@router.get(
    "",
    response={200: ImportJobPage, **error_responses(400, 401)},
    operation_id="imports_list",
    summary="List imports (the caller's own; everyone's with admin.imports view)",
)
def imports_list(request: HttpRequest, params: Query[ImportListParams]) -> PageData[ImportJob]:
    return paginate(_jobs(request_user(request), params), order=JOB_ORDER, params=params)


@router.post(
    "",
    response={201: ImportJobOut, **error_responses(400, 401, 403)},
    operation_id="imports_create",
    summary="Upload a CSV or XLSX file to import",
    description="multipart/form-data with `file` and the form fields. The import waits "
    "for its mapping (status `new`) with the columns mapped from their names or from "
    "`mapping`; nothing is kept when the file cannot be read.",
)
def imports_create(
    request: HttpRequest, form: Form[ImportUploadForm], file: File[UploadedFile]
) -> Status[ImportJob]:
    actor = request_user(request)
    profile = None
    if form.mapping.strip():
        try:
            profile = json.loads(form.mapping)
        except ValueError:
            raise ValidationFailedError({"mapping": ["The mapping is not valid JSON."]}) from None
    job = services.import_upload(
        actor=actor, obj=form.object, filename=file.name or "upload", source=file,
        encoding=form.encoding, delimiter=form.delimiter, profile=profile,
    )  # fmt: skip
    return Status(201, _job(actor, job.pk))


@router.get(
    "/{id}",
    response={200: ImportJobOut, **error_responses(401, 404)},
    operation_id="imports_get",
    summary="Get an import: status, progress, counts, mapping",
)
def imports_get(request: HttpRequest, id: Path[Id]) -> ImportJob:
    return _job(request_user(request), id)


@router.put(
    "/{id}/mapping",
    response={200: ImportJobOut, **error_responses(400, 401, 403, 404, 409)},
    operation_id="imports_map",
    summary="Set the column mapping, key, policy and bad-row rule",
    description="The import goes back to `new`: check it again before loading.",
)
def imports_map(request: HttpRequest, id: Path[Id], payload: ImportMappingIn) -> ImportJob:
    actor = request_user(request)
    job = services.import_map(actor=actor, job=_job(actor, id), mapping=payload.data())
    return _job(actor, job.pk)


@router.post(
    "/{id}/check",
    response={202: ImportJobOut, **error_responses(400, 401, 403, 404, 409)},
    operation_id="imports_check",
    summary="Check the file against the mapping (a dry run that writes nothing)",
)
def imports_check(request: HttpRequest, id: Path[Id]) -> Status[ImportJob]:
    actor = request_user(request)
    job = services.import_check(actor=actor, job=_job(actor, id))
    return Status(202, _job(actor, job.pk))


@router.post(
    "/{id}/apply",
    response={202: ImportJobOut, **error_responses(400, 401, 403, 404, 409)},
    operation_id="imports_apply",
    summary="Load the file",
)
def imports_apply(request: HttpRequest, id: Path[Id]) -> Status[ImportJob]:
    actor = request_user(request)
    job = services.import_apply(actor=actor, job=_job(actor, id))
    return Status(202, _job(actor, job.pk))


@router.post(
    "/{id}/undo",
    response={200: ImportJobOut, **error_responses(401, 403, 404, 409)},
    operation_id="imports_undo",
    summary="Undo a loaded import",
    description="Removes the records it added and restores the values it changed; "
    "refused (409) when any of them was changed since.",
)
def imports_undo(request: HttpRequest, id: Path[Id]) -> ImportJob:
    actor = request_user(request)
    job = services.import_undo(actor=actor, job=_job(actor, id))
    return _job(actor, job.pk)


@router.get(
    "/{id}/errors",
    response={200: ImportRowErrorPage, **error_responses(400, 401, 404)},
    operation_id="imports_errors",
    summary="The rows a check or a load refused, with line, column and reason",
)
def imports_errors(
    request: HttpRequest, id: Path[Id], params: Query[ImportErrorParams]
) -> PageData[ImportRowError]:
    job = _job(request_user(request), id)
    errors = ImportRowError.objects.filter(job=job)
    if params.phase:
        errors = errors.filter(phase=params.phase)
    return paginate(errors, order=("phase", "line", "id"), params=params)


# ---------------------------------------------------------------- profiles


@profiles_router.get(
    "",
    response={200: ImportProfilePage, **error_responses(400, 401)},
    operation_id="import_profiles_list",
    summary="List the caller's mapping profiles",
)
def import_profiles_list(
    request: HttpRequest, params: Query[ImportProfileParams]
) -> PageData[ImportProfile]:
    profiles = ImportProfile.objects.filter(owner=request_user(request))
    if params.q:
        profiles = profiles.filter(name__icontains=params.q)
    if params.object:
        profiles = profiles.filter(object=params.object)
    return paginate(profiles, order=("name", "id"), params=params)


@profiles_router.post(
    "",
    response={201: ImportProfileOut, **error_responses(400, 401, 403)},
    operation_id="import_profiles_save",
    summary="Save a mapping profile (replaces the caller's profile of the same name)",
)
def import_profiles_save(request: HttpRequest, payload: ImportProfileIn) -> Status[ImportProfile]:
    profile = services.profile_save(
        actor=request_user(request), name=payload.name, mapping=payload.mapping()
    )
    return Status(201, profile)


@profiles_router.delete(
    "/{id}",
    response={204: None, **error_responses(401, 404)},
    operation_id="import_profiles_delete",
    summary="Delete one of the caller's mapping profiles",
)
def import_profiles_delete(request: HttpRequest, id: Path[Id]) -> Status[None]:
    actor = request_user(request)
    if not ImportProfile.objects.filter(owner=actor, pk=id).exists():
        raise NotFoundError
    services.profile_delete(actor=actor, profile_id=id)
    return Status(204, None)
