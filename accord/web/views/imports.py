"""The import wizard: the import log, the upload, the job page that shows the step the job
is in (the column mapping, the progress of a check or a load, the check's result, the
load's result), the failed rows as a CSV to fix, undo, and saved mapping profiles.

Every write goes through one service of `accord.imports.services`, which checks the
permission again; a refusal of permission is the 403 it is, any other refusal is shown.
The check and the load run in the background worker; while they run, the job page asks
for its step block every 2 seconds.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.errors import DomainError, PermissionDeniedError
from accord.core.pagination import InvalidCursorError, keyset_page
from accord.imports import services
from accord.imports.fields import fields_for
from accord.imports.formats.tables import Row, TableError, open_table
from accord.imports.models import (
    ImportJob,
    ImportKey,
    ImportObject,
    ImportPolicy,
    ImportProfile,
    ImportRowError,
    ImportStatus,
    OnError,
    RowPhase,
)
from accord.users.access import can
from accord.web.forms.errors import MESSAGES, DomainForm, apply_domain_error, attempt
from accord.web.forms.imports import MappingForm, ProfileUploadForm, UploadForm
from accord.web.views.base import AuthedRequest, error_detail, go, is_fragment

LOG, NEW, JOB = "imports/list.html", "imports/new.html", "imports/job.html"
UNDO, PROFILES, PROFILE_DELETE = "imports/undo.html", "imports/profiles.html", "imports/delete.html"
PAGE_SIZE = 50
ERRORS_SHOWN = 200
SAMPLES = 3
SAMPLE_SCAN = 50  # rows read at most to find the sample values (bad rows are skipped)
RUNNING = (ImportStatus.CHECKING, ImportStatus.APPLYING)
OUTCOMES = ("inserted", "updated", "unchanged", "skipped", "failed")


def importable(user: Any) -> list[tuple[str, Any]]:
    """The objects the user may import: those he may add or change."""
    return [
        (value, label)
        for value, label in ImportObject.choices
        if can(user, "add", services.OBJECT_TYPES[value])
        or can(user, "change", services.OBJECT_TYPES[value])
    ]


def job_or_404(request: AuthedRequest, pk: int) -> ImportJob:
    """An import the user may see; hidden and missing ones are the same 404."""
    job = ImportJob.objects.visible_to(request.user).select_related("created_by").filter(pk=pk)
    found = job.first()
    if found is None:
        raise Http404
    return found


def profile_or_404(request: AuthedRequest, pk: int) -> ImportProfile:
    profile = ImportProfile.objects.filter(owner=request.user, pk=pk).first()
    if profile is None:
        raise Http404
    return profile


def _refuse_or_show(form: DomainForm, exc: DomainError) -> None:
    """A refusal of permission is a 403; any other refusal is shown on the form: its
    messages on their fields, the others on top (and a summary only if none is)."""
    if isinstance(exc, PermissionDeniedError):
        raise exc
    apply_domain_error(form, exc, summary=False)
    if not form.non_field_errors():
        form.add_error(None, error_summary(exc))


def error_summary(exc: DomainError) -> str:
    return str(MESSAGES.get(exc.code, exc.message))


# ---------------------------------------------------------------- the import log


@login_required
@require_GET
def import_list(request: AuthedRequest) -> HttpResponse:
    jobs = ImportJob.objects.visible_to(request.user).select_related("created_by")
    error = ""
    try:
        page = keyset_page(
            jobs, order=["-created_at", "-id"], cursor=request.GET.get("cursor"), size=PAGE_SIZE
        )
    except InvalidCursorError:
        error = _("This page link is out of date. Start again from the first page.")
        page = keyset_page(jobs, order=["-created_at", "-id"], cursor=None, size=PAGE_SIZE)
    context = {"page": page, "error": error, "may_import": bool(importable(request.user))}
    return render(request, f"{LOG}#results" if is_fragment(request) else LOG, context)


# ---------------------------------------------------------------- upload


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request: AuthedRequest) -> HttpResponse:
    objects = importable(request.user)
    if not objects:
        raise PermissionDenied(_("You may not add or change counterparties or products."))
    allowed = {value for value, _label in objects}
    profiles = [p for p in ImportProfile.objects.filter(owner=request.user) if p.object in allowed]
    form = UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        objects=objects,
        profiles=profiles,
    )
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_upload(actor=request.user, **form.to_service())
        except DomainError as exc:
            _refuse_or_show(form, exc)
        else:
            return go(request, job.get_absolute_url())
    status = 400 if form.is_bound else 200
    return render(request, NEW, {"form": form}, status=status)


# ---------------------------------------------------------------- the job page


def samples(job: ImportJob) -> list[list[str]]:
    """The first values of each column, to help map it (empty when the file is unreadable)."""
    per_column: list[list[str]] = [[] for _column in job.header]
    if not job.path or not Path(job.path).exists():
        return per_column
    try:
        with open_table(Path(job.path), dialect=services.job_dialect(job)) as table:
            found = 0
            for number, item in enumerate(table):
                if number >= SAMPLE_SCAN or found >= SAMPLES:
                    break
                if not isinstance(item, Row):
                    continue
                found += 1
                for index, value in enumerate(item.values[: len(per_column)]):
                    if value:
                        per_column[index].append(value)
    except (TableError, OSError, ValueError):
        return per_column
    return per_column


def mapping_form(job: ImportJob, data: Any = None) -> MappingForm:
    return MappingForm(
        data,
        obj=job.object,
        header=job.header,
        mapping=job.mapping or {},
        custom=services.custom_codes(job.object),
    )


def _labels(job: ImportJob) -> dict[str, str]:
    labels = {item.name: str(item.label) for item in fields_for(job.object)}
    labels |= {f"{name}_id": label for name, label in labels.items() if name.endswith("_id")}
    labels["custom"] = _("Custom properties")
    return labels


def _shown(value: Any) -> str:
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def update_samples(job: ImportJob) -> list[dict[str, Any]]:
    """The check's sample of updates: line, and field: old → new."""
    labels = _labels(job)
    rows = []
    for sample in job.sample_updates or []:
        changes = [
            {"field": labels.get(name, name), "old": _shown(pair[0]), "new": _shown(pair[1])}
            for name, pair in (sample.get("changes") or {}).items()
            if isinstance(pair, list | tuple) and len(pair) == 2
        ]
        rows.append({"line": sample.get("line"), "changes": changes})
    return rows


def counts_rows(counts: dict[str, int], *, planned: bool) -> list[tuple[str, str, int]]:
    """(outcome, label, number) in the order people read them."""
    if planned:
        labels = {"inserted": _("To insert"), "updated": _("To update"),
                  "unchanged": _("Unchanged"), "skipped": _("Skipped"), "failed": _("Bad rows")}  # fmt: skip
    else:
        labels = {"inserted": _("Inserted"), "updated": _("Updated"),
                  "unchanged": _("Unchanged"), "skipped": _("Skipped"), "failed": _("Bad rows")}  # fmt: skip
    return [(name, labels[name], int(counts.get(name, 0) or 0)) for name in OUTCOMES]


def step_of(job: ImportJob) -> str:
    if job.status in RUNNING:
        return "running"
    if job.status == ImportStatus.CHECKED:
        return "checked"
    if job.status == ImportStatus.NEW or (
        job.status == ImportStatus.FAILED and not job.records.exists()
    ):
        return "mapping"
    return "finished"


def dialect_label(job: ImportJob) -> str:
    """How the file is read, in a few words: "CSV · UTF-8 · delimiter ;" or "XLSX"."""
    dialect = job.dialect or {}
    kind = str(dialect.get("kind") or "").upper()
    if kind != "CSV":
        return kind or "—"
    delimiter = str(dialect.get("delimiter") or "")
    shown = {"\t": _("tab"), " ": _("space")}.get(delimiter, delimiter)
    parts = [kind, str(dialect.get("encoding") or "").upper()]
    if shown:
        parts.append(_("delimiter %(delimiter)s") % {"delimiter": shown})
    return " · ".join(part for part in parts if part)


def mapping_summary(job: ImportJob) -> list[tuple[str, str]]:
    mapping = job.mapping or {}
    keys, policies, rules = (
        dict(ImportKey.choices),
        dict(ImportPolicy.choices),
        dict(OnError.choices),
    )
    columns = len(mapping.get("columns") or {})
    return [
        (_("Columns"), _("%(n)d of %(total)d loaded") % {"n": columns, "total": len(job.header)}),
        (_("Key"), str(keys.get(mapping.get("key", ""), mapping.get("key") or "—"))),
        (_("Policy"), str(policies.get(mapping.get("policy", ""), "—"))),
        (_("A bad row"), str(rules.get(mapping.get("on_error", ""), "—"))),
    ]


def job_context(
    request: AuthedRequest, job: ImportJob, form: MappingForm | None = None
) -> dict[str, Any]:
    step = step_of(job)
    context: dict[str, Any] = {
        "job": job,
        "step": step,
        "running": step == "running",
        "mine": job.created_by_id == request.user.pk,
        "dialect": dialect_label(job),
        "mapping_summary": mapping_summary(job),
        "can_undo": step == "finished" and services.undoable(job),
    }
    if step == "mapping":
        form = form or mapping_form(job)
        values = samples(job)
        context |= {
            "form": form,
            "columns": list(zip(form.column_fields(), values, strict=True)),
            "mapping_errors": [str(e) for e in form.non_field_errors()],
        }
    phase = RowPhase.CHECK if step == "checked" else RowPhase.APPLY
    if step in ("checked", "finished"):
        errors = ImportRowError.objects.filter(job=job, phase=phase)
        counts = job.check_counts if step == "checked" else job.counts
        context |= {
            "phase": phase,
            "counts": counts_rows(counts or {}, planned=step == "checked"),
            "errors": list(errors.order_by("line", "id")[:ERRORS_SHOWN]),
            "errors_total": errors.count(),
            "updates": update_samples(job) if step == "checked" else [],
        }
    return context


def render_job(
    request: AuthedRequest, job: ImportJob, form: MappingForm | None = None, status: int = 200
) -> HttpResponse:
    template = f"{JOB}#step" if is_fragment(request) else JOB
    return render(request, template, job_context(request, job, form), status=status)


@login_required
@require_GET
def import_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The job in its step; while it runs, htmx asks for the step block every 2 seconds."""
    return render_job(request, job_or_404(request, pk))


@login_required
@require_POST
def import_map(request: AuthedRequest, pk: int) -> HttpResponse:
    """Save the mapping and check the file ("Check"), or save it as a profile."""
    job = job_or_404(request, pk)
    form = mapping_form(job, request.POST)
    saving = request.POST.get("action") == "profile"
    if form.is_valid():
        name = form.cleaned_data.get("profile_name") or ""
        try:
            if saving:
                profile = services.profile_save(
                    actor=request.user, name=name, mapping=form.to_service(), obj=job.object
                )
                messages.success(request, _("Profile “%(name)s” saved.") % {"name": profile.name})
            else:
                job = services.import_map(actor=request.user, job=job, mapping=form.to_service())
                services.import_check(actor=request.user, job=job)
        except DomainError as exc:
            _refuse_or_show(form, exc)
        else:
            return go(request, job.get_absolute_url())
    job.refresh_from_db()
    if step_of(job) != "mapping":  # the job moved on meanwhile: show where it is
        messages.error(request, _("This import can no longer be changed."))
        return go(request, job.get_absolute_url())
    return render(request, JOB, job_context(request, job, form), status=400)


def _act(request: AuthedRequest, job: ImportJob, call: Any, done: str) -> HttpResponse:
    """Run a button's service call; a refusal of permission is a 403, others a message."""
    try:
        call()
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        messages.error(request, error_detail(exc))
    else:
        if done:
            messages.success(request, done)
    return go(request, job.get_absolute_url())


@login_required
@require_POST
def import_remap(request: AuthedRequest, pk: int) -> HttpResponse:
    """Back from the check's result to the mapping step, with the mapping in force."""
    job = job_or_404(request, pk)
    return _act(request, job, lambda: services.import_map(
        actor=request.user, job=job, mapping=job.mapping), "")  # fmt: skip


@login_required
@require_POST
def import_apply(request: AuthedRequest, pk: int) -> HttpResponse:
    job = job_or_404(request, pk)
    return _act(request, job, lambda: services.import_apply(actor=request.user, job=job), "")


@login_required
@require_http_methods(["GET", "POST"])
def import_undo(request: AuthedRequest, pk: int) -> HttpResponse:
    """Confirm, then undo: refused, with the records in the way, when any was touched."""
    job = job_or_404(request, pk)
    form = DomainForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.import_undo(actor=request.user, job=job)
        except DomainError as exc:
            _refuse_or_show(form, exc)
        else:
            messages.success(request, _("The import is undone."))
            return go(request, job.get_absolute_url())
    in_modal = is_fragment(request)
    context = {"job": job, "form": form, "in_modal": in_modal}
    # htmx swaps only a 2xx answer into the dialog, so a refusal there answers 200.
    status = 400 if form.errors and not in_modal else 200
    return render(request, f"{UNDO}#confirm" if in_modal else UNDO, context, status=status)


# ---------------------------------------------------------------- the failed rows as CSV


class _Echo:
    def write(self, value: str) -> str:
        return value


def error_lines(job: ImportJob, phase: str) -> Iterator[str]:
    """The file's header plus "Line" and "Error", then each failed row as the file had it.

    An unreadable row has its raw text in the first column. UTF-8 with BOM, for Excel.
    """
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow([*job.header, _("Line"), _("Error")])
    width = len(job.header)
    errors = ImportRowError.objects.filter(job=job, phase=phase).order_by("line", "id")
    for error in errors.iterator(chunk_size=2000):
        values = [str(v) for v in (error.values or [])][:width]
        values += [""] * (width - len(values))
        reason = f"{error.column}: {error.reason}" if error.column else error.reason
        yield writer.writerow([*values, error.line, reason])


@login_required
@require_GET
def import_errors(request: AuthedRequest, pk: int) -> StreamingHttpResponse:
    job = job_or_404(request, pk)
    phase = request.GET.get("phase") or (
        RowPhase.CHECK if job.status == ImportStatus.CHECKED else RowPhase.APPLY
    )
    if phase not in RowPhase.values:
        raise Http404
    stem = Path(job.filename).stem or "import"
    name = f"{stem}-{_('errors')}-{job.pk}.csv"
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in error_lines(job, phase)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = _attachment(name)
    return response


def _attachment(name: str) -> str:
    from urllib.parse import quote

    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


# ---------------------------------------------------------------- profiles


@login_required
@require_http_methods(["GET", "POST"])
def import_profiles(request: AuthedRequest) -> HttpResponse:
    """The user's own profiles, and a profile to add from a JSON file."""
    form = ProfileUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            data = form.to_service()
            profile = services.profile_save(actor=request.user, name=data["name"],
                                            mapping=data["mapping"])  # fmt: skip
        except DomainError as exc:
            _refuse_or_show(form, exc)
        else:
            messages.success(request, _("Profile “%(name)s” saved.") % {"name": profile.name})
            return go(request, reverse("web:import_profiles"))
    context = {
        "profiles": ImportProfile.objects.filter(owner=request.user),
        "form": form,
        "may_import": bool(importable(request.user)),
    }
    return render(request, PROFILES, context, status=400 if form.errors else 200)


@login_required
@require_GET
def import_profile_export(request: AuthedRequest, pk: int) -> HttpResponse:
    profile = profile_or_404(request, pk)
    body = json.dumps(profile.settings, ensure_ascii=False, indent=2) + "\n"
    response = HttpResponse(body.encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = _attachment(f"{profile.name}.json")
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_profile_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    profile = profile_or_404(request, pk)
    form = DomainForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and attempt(
        form, lambda: services.profile_delete(actor=request.user, profile_id=profile.pk)
    ):
        messages.success(request, _("Profile “%(name)s” deleted.") % {"name": profile.name})
        return go(request, reverse("web:import_profiles"))
    template = f"{PROFILE_DELETE}#confirm" if is_fragment(request) else PROFILE_DELETE
    context = {"profile": profile, "form": form, "in_modal": is_fragment(request)}
    return render(request, template, context)
