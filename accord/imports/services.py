"""Writes of the import: upload a file, set its mapping, check it (a dry run that writes
nothing), load it, undo it; and saved mapping profiles.

Checking and loading run in the background worker (`tasks.py`); the CLI runs them in its
own process with `run_now=True`. Each step is audited.
"""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.core.audit import log_action
from accord.core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailedError,
)
from accord.directory.models import PropertyDefinition
from accord.imports.fields import suggest
from accord.imports.formats.tables import Dialect, TableError, detect, open_table, rows_estimate
from accord.imports.loading import Loader, Report, run, translated
from accord.imports.models import (
    ImportJob,
    ImportObject,
    ImportPolicy,
    ImportProfile,
    ImportRowError,
    ImportStatus,
    OnError,
    RowPhase,
)
from accord.imports.profiles import ImportMapping, default_key, parse_mapping
from accord.imports.undo import undo_records
from accord.users.access import can

OBJECT_TYPES: dict[str, str] = {
    ImportObject.COUNTERPARTIES: "directory.counterparty",
    ImportObject.PRODUCTS: "catalog.product",
}
ENCODINGS = ("utf-8", "utf-8-sig", "cp1251")
DELIMITERS = (",", ";", "\t", "|")


def imports_dir() -> Path:
    return Path(settings.DATA_DIR) / "imports"


def _may_import(actor: Any, obj: str) -> None:
    object_type = OBJECT_TYPES[obj]
    if not (can(actor, "add", object_type) or can(actor, "change", object_type)):
        raise PermissionDeniedError(_("You may not add or change these records."))


def custom_codes(obj: str) -> list[tuple[str, str]]:
    if obj != ImportObject.COUNTERPARTIES:
        return []
    return list(
        PropertyDefinition.objects.filter(target="counterparty").values_list("code", "name")
    )


# ---------------------------------------------------------------- upload and mapping


def import_upload(
    *,
    actor: Any,
    obj: str,
    filename: str,
    source: IO[bytes],
    encoding: str = "",
    delimiter: str = "",
    profile: Mapping[str, Any] | None = None,
) -> ImportJob:
    """A new import of the uploaded file, its columns mapped from their names (or from
    `profile`). Nothing is kept when the file cannot be read."""
    if obj not in ImportObject.values:
        raise ValidationFailedError({"object": [_("Choose what to import.")]})
    _may_import(actor, obj)
    errors: dict[str, list[str]] = {}
    if encoding and encoding not in ENCODINGS:
        errors["encoding"] = [_("Choose one of: %(allowed)s.") % {"allowed": ", ".join(ENCODINGS)}]
    if delimiter and delimiter not in DELIMITERS:
        errors["delimiter"] = [_("Choose a comma, a semicolon, a tab or a vertical bar.")]
    if errors:
        raise ValidationFailedError(errors)
    folder = imports_dir() / f"upload-{uuid.uuid4().hex}"
    folder.mkdir(parents=True)
    path = folder / (Path(filename).name or "upload")
    try:
        size = _save(source, path)
        dialect, header, total = _read_head(path, filename, encoding, delimiter)
        mapping = _initial_mapping(obj, header, profile)
        with transaction.atomic():
            job = ImportJob.objects.create(
                object=obj,
                filename=Path(filename).name[:255] or "upload",
                path="",
                size=size,
                dialect=_dialect_json(dialect),
                header=list(header),
                mapping=mapping.as_json() if isinstance(mapping, ImportMapping) else mapping,
                rows_total=total,
                created_by=actor,
                updated_by=actor,
            )
            final = imports_dir() / str(job.pk)
            shutil.rmtree(final, ignore_errors=True)
            folder.rename(final)
            job.path = str(final / path.name)
            job.save(update_fields=["path"])
            log_action(actor=actor, action="imports.job.created", obj=job,
                       changes={"file": job.filename, "size": size, "object": obj})  # fmt: skip
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return job


def _save(source: IO[bytes], path: Path) -> int:
    limit = settings.ACCORD_IMPORT_MAX_UPLOAD
    size = 0
    with path.open("wb") as out:
        while chunk := source.read(1024 * 1024):
            size += len(chunk)
            if size > limit:
                raise ValidationFailedError(
                    {"file": [_("The file is larger than %(mb)d MB.") % {"mb": limit // 1024**2}]}
                )
            out.write(chunk)
    if size == 0:
        raise ValidationFailedError({"file": [_("The file is empty.")]})
    return size


def _read_head(
    path: Path, filename: str, encoding: str, delimiter: str
) -> tuple[Dialect, tuple[str, ...], int | None]:
    try:
        dialect = detect(path, filename=filename)
        if dialect.kind == "csv" and (encoding or delimiter):
            dialect = Dialect(
                kind="csv",
                encoding=encoding or dialect.encoding,
                delimiter=delimiter or dialect.delimiter,
                quotechar=dialect.quotechar,
            )
        with open_table(path, dialect=dialect) as table:
            header = table.header
        return dialect, header, rows_estimate(path)
    except TableError as exc:
        raise ValidationFailedError({"file": [_table_message(exc)]}) from None


def _table_message(exc: TableError) -> str:
    message = translated(exc)
    if exc.line:
        return _("Line %(line)d: %(message)s") % {"line": exc.line, "message": message}
    return message


def _dialect_json(dialect: Dialect) -> dict[str, str]:
    return {
        "kind": dialect.kind,
        "encoding": dialect.encoding,
        "delimiter": dialect.delimiter,
        "quotechar": dialect.quotechar,
    }


def job_dialect(job: ImportJob) -> Dialect:
    return Dialect(**job.dialect)


def _initial_mapping(
    obj: str, header: tuple[str, ...], profile: Mapping[str, Any] | None
) -> ImportMapping | dict[str, Any]:
    codes = custom_codes(obj)
    if profile is not None:
        return parse_mapping(profile, obj=obj, header=header, custom_codes=[c for c, _n in codes])
    # A suggestion need not be complete: the user finishes it on the mapping step.
    return {
        "object": obj,
        "columns": suggest(header, obj, codes),
        "key": default_key(obj),
        "policy": ImportPolicy.UPSERT,
        "on_error": OnError.SKIP,
    }


def undoable(job: ImportJob) -> bool:
    """A finished load, or one that failed halfway (its written batches stay until undone)."""
    if job.status == ImportStatus.DONE:
        return True
    return job.status == ImportStatus.FAILED and job.records.exists()


def _refuse_partial(job: ImportJob) -> None:
    if job.status == ImportStatus.FAILED and job.records.exists():
        raise ConflictError(
            "import_partial",
            _("This load failed halfway: undo what it wrote, then start a new import."),
        )


def import_map(*, actor: Any, job: ImportJob, mapping: Mapping[str, Any]) -> ImportJob:
    """Set the column mapping, key, policy and bad-row rule; a new mapping needs a new check."""
    job = _own(actor, job)
    if job.status not in (ImportStatus.NEW, ImportStatus.CHECKED, ImportStatus.FAILED):
        raise ConflictError("import_state", _("This import can no longer be changed."))
    _refuse_partial(job)
    codes = [code for code, _name in custom_codes(job.object)]
    parsed = parse_mapping(mapping, obj=job.object, header=job.header, custom_codes=codes)
    with transaction.atomic():
        job.mapping = parsed.as_json()
        job.status = ImportStatus.NEW
        job.check_counts = {}
        job.updated_by = actor
        job.save(update_fields=["mapping", "status", "check_counts", "updated_by", "updated_at"])
        log_action(actor=actor, action="imports.job.mapped", obj=job, changes=job.mapping)
    return job


def _own(actor: Any, job: ImportJob) -> ImportJob:
    """The job, locked, if `actor` may work on it (only its author may)."""
    try:
        locked = ImportJob.objects.visible_to(actor).get(pk=job.pk)
    except ImportJob.DoesNotExist:
        raise NotFoundError(_("There is no such import.")) from None
    if locked.created_by_id != actor.pk:
        raise PermissionDeniedError(_("Only the author of an import may run or undo it."))
    return locked


def job_mapping(job: ImportJob) -> ImportMapping:
    codes = [code for code, _name in custom_codes(job.object)]
    return parse_mapping(job.mapping, obj=job.object, header=job.header, custom_codes=codes)


# ---------------------------------------------------------------- check and load


def import_check(*, actor: Any, job: ImportJob, run_now: bool = False) -> ImportJob:
    """Check the file against the mapping without writing (counts, errors, sample changes)."""
    job = _own(actor, job)
    if job.status not in (ImportStatus.NEW, ImportStatus.CHECKED, ImportStatus.FAILED):
        raise ConflictError("import_state", _("This import has already been loaded."))
    _refuse_partial(job)
    job_mapping(job)  # refuses an incomplete mapping before anything is queued
    _start(job, ImportStatus.CHECKING)
    log_action(actor=actor, action="imports.job.checked", obj=job, changes={})
    return _launch(job, "check", run_now)


def import_apply(*, actor: Any, job: ImportJob, run_now: bool = False) -> ImportJob:
    """Load the file. With "stop on a bad row", a check that found bad rows refuses it."""
    job = _own(actor, job)
    if job.status not in (ImportStatus.NEW, ImportStatus.CHECKED):
        raise ConflictError("import_state", _("This import cannot be loaded now."))
    mapping = job_mapping(job)
    failed = job.check_counts.get("failed", 0)
    if job.status == ImportStatus.CHECKED and mapping.on_error == OnError.STOP and failed:
        raise ConflictError(
            "bad_rows",
            _("The check found %(n)d bad rows and the import stops on a bad row: fix them, "
              "or choose to skip bad rows.") % {"n": failed},
        )  # fmt: skip
    _start(job, ImportStatus.APPLYING)
    log_action(actor=actor, action="imports.job.applied", obj=job, changes={})
    return _launch(job, "apply", run_now)


def _start(job: ImportJob, status: str) -> None:
    job.status = status
    job.rows_done = 0
    job.message = ""
    job.heartbeat_at = timezone.now()
    job.save(update_fields=["status", "rows_done", "message", "heartbeat_at", "updated_at"])


def _launch(job: ImportJob, step: str, run_now: bool) -> ImportJob:
    if run_now:
        import_run(job.pk, step)
        job.refresh_from_db()
        return job
    from accord.imports.tasks import import_run_task

    transaction.on_commit(lambda: import_run_task.enqueue(job.pk, step))
    return job


def _loader(job: ImportJob, mapping: ImportMapping, *, dry_run: bool) -> Loader:
    actor = job.created_by
    if job.object == ImportObject.PRODUCTS:
        from accord.imports.product_loader import ProductLoader

        return ProductLoader(actor=actor, mapping=mapping, dry_run=dry_run, job_id=job.pk)
    from accord.imports.counterparty_loader import CounterpartyLoader

    return CounterpartyLoader(actor=actor, mapping=mapping, dry_run=dry_run, job_id=job.pk)


def import_run(job_id: int, step: str) -> None:
    """The body of the background task: run the check or the load of one import."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    expected = ImportStatus.CHECKING if step == "check" else ImportStatus.APPLYING
    if job.status != expected:
        return  # already finished, or the user changed it meanwhile
    write = step == "apply"

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(rows_done=done, heartbeat_at=timezone.now())

    try:
        mapping = job_mapping(job)
        loader = _loader(job, mapping, dry_run=not write)
        report = run(path=Path(job.path), dialect=job_dialect(job), mapping=mapping,
                     loader=loader, write=write, progress=progress)  # fmt: skip
    except (TableError, ValidationFailedError, PermissionDeniedError) as exc:
        message = _table_message(exc) if isinstance(exc, TableError) else str(exc.message)
        _finish_failed(job, message)
        return
    except Exception as exc:  # an unexpected fault: say so on the job rather than hang
        _finish_failed(job, _("The import failed: %(error)s") % {"error": exc})
        raise
    _finish(job, report, write)


def _finish_failed(job: ImportJob, message: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.FAILED, message=message[:2000], finished_at=timezone.now()
    )


def _finish(job: ImportJob, report: Report, write: bool) -> None:
    phase = RowPhase.APPLY if write else RowPhase.CHECK
    now = timezone.now()
    with transaction.atomic():
        job.refresh_from_db()
        ImportRowError.objects.filter(job=job, phase=phase).delete()
        ImportRowError.objects.bulk_create(
            (ImportRowError(job=job, phase=phase, line=f.line, column=f.column[:255],
                            reason=f.reason, values=f.values) for f in report.failed),
            batch_size=2000,
        )  # fmt: skip
        job.rows_total = report.rows
        job.rows_done = report.rows
        if write:
            job.counts = report.counts
            job.applied_at = job.applied_at or now
            job.finished_at = now
            job.status = ImportStatus.DONE
            if report.stopped_at is not None:
                undo_records(job)
                job.status = ImportStatus.STOPPED
                job.counts = {**dict.fromkeys(report.counts, 0), "failed": report.counts["failed"]}
                job.message = _("Line %(line)d is bad and the import stops on a bad row: "
                                "nothing was loaded.") % {"line": report.stopped_at}  # fmt: skip
        else:
            job.check_counts = report.counts
            job.sample_updates = report.sample_updates
            job.checked_at = now
            job.status = ImportStatus.CHECKED
        job.save()


def import_undo(*, actor: Any, job: ImportJob) -> ImportJob:
    """Remove what the import added and restore what it changed, if nobody touched them."""
    job = _own(actor, job)
    if not undoable(job):
        raise ConflictError("import_state", _("Only a loaded import can be undone."))
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        undone = undo_records(locked)
        locked.status = ImportStatus.UNDONE
        locked.undone_at = timezone.now()
        locked.updated_by = actor
        locked.save(update_fields=["status", "undone_at", "updated_by", "updated_at"])
        log_action(actor=actor, action="imports.job.undone", obj=locked, changes=undone)
    return locked


def import_delete_file(*, job: ImportJob) -> None:
    shutil.rmtree(Path(job.path).parent, ignore_errors=True)


# ---------------------------------------------------------------- profiles


def profile_save(
    *, actor: Any, name: str, mapping: Mapping[str, Any], obj: str | None = None
) -> ImportProfile:
    """Save (or replace) the actor's profile `name`."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailedError({"name": [_("Name the profile.")]})
    if len(name) > 100:
        raise ValidationFailedError({"name": [_("At most %(n)d characters.") % {"n": 100}]})
    kind = obj or (mapping.get("object") if isinstance(mapping, Mapping) else None)
    if kind in ImportObject.values:
        _may_import(actor, str(kind))
    codes = [code for code, _n in custom_codes(str(kind))] if kind else []
    parsed = parse_mapping(mapping, obj=obj, custom_codes=codes)
    with transaction.atomic():
        profile, created = ImportProfile.objects.update_or_create(
            owner=actor, name=name,
            defaults={"object": parsed.object, "settings": parsed.as_json(), "updated_by": actor},
        )  # fmt: skip
        log_action(actor=actor, action="imports.profile." + ("created" if created else "updated"),
                   obj=profile, changes=parsed.as_json())  # fmt: skip
    return profile


def profile_delete(*, actor: Any, profile_id: int) -> None:
    profile = ImportProfile.objects.filter(owner=actor, pk=profile_id).first()
    if profile is None:
        raise NotFoundError(_("There is no such profile."))
    with transaction.atomic():
        log_action(actor=actor, action="imports.profile.deleted", obj=profile,
                   changes=profile.settings)  # fmt: skip
        profile.delete()


# ---------------------------------------------------------------- upkeep

STALE_AFTER = dt.timedelta(minutes=10)


def imports_fail_stale(*, now: dt.datetime | None = None) -> int:
    """Mark failed the checks and loads whose worker went silent (it died or was killed),
    so that their page stops waiting; a load's written batches can then be undone."""
    limit = (now or timezone.now()) - STALE_AFTER
    return ImportJob.objects.filter(
        status__in=(ImportStatus.CHECKING, ImportStatus.APPLYING), heartbeat_at__lt=limit
    ).update(
        status=ImportStatus.FAILED,
        message=_("The worker stopped while running this import. Check it again, or undo "
                  "what a load wrote."),
        finished_at=timezone.now(),
    )  # fmt: skip
