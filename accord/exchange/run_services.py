"""Runs: one file through the exchange, in the background, resumable, in committed batches.

A run is created for a file (by the protocol's `import`, the command line or an upload) and
processed by `exchange_run_task` in the worker:

1. a checking pass reads the whole file; a malformed or hostile file fails the run here,
   before anything is written;
2. the applying pass hands records to `mapping.Applier` in batches of BATCH; each batch
   commits together with the run's `position`, so a killed worker loses at most one batch
   and the run, taken up again, skips what is committed and ends in the same state.

A run whose worker stopped sending heartbeats for STALE_AFTER is taken up again by the next
poll of 1C (`import_request`); a run started from an upload has no such poll yet.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from accord.exchange.formats.commerceml.reader import read_package
from accord.exchange.formats.errors import FormatError
from accord.exchange.formats.records import PackageHeader, PackageKind, Record
from accord.exchange.mapping import Applier, StopRunError, retire_missing
from accord.exchange.models import (
    ExchangeNode,
    ExchangeRun,
    ExchangeRunError,
    ExchangeSession,
    MissingPolicy,
    RunDirection,
    RunSource,
    RunStatus,
)

logger = logging.getLogger(__name__)

BATCH = 2000
STALE_AFTER = dt.timedelta(seconds=60)
MAX_ERRORS_KEPT = 10_000


class RunLostError(Exception):
    """Another worker took the run over (this one was too slow): stop quietly."""


class DryRunRollbackError(Exception):
    """Raised at the end of a check-only run to roll back everything it applied."""


def run_create(
    *,
    node: ExchangeNode,
    path: Path,
    filename: str,
    source: str,
    dry_run: bool = False,
    created_by: Any = None,
    session: ExchangeSession | None = None,
) -> ExchangeRun:
    """A queued run for a file; its task is enqueued when the transaction commits."""
    run = ExchangeRun.objects.create(
        node=node,
        session=session,
        direction=RunDirection.IN,
        source=source,
        dry_run=dry_run,
        filename=filename[:255],
        path=str(path),
        created_by=created_by if getattr(created_by, "is_authenticated", False) else None,
        step=_("Waiting for the worker."),
    )
    transaction.on_commit(lambda: exchange_run_task.enqueue(run.pk))
    return run


def locate(folder: Path, filename: str) -> Path | None:
    """The file 1C names, in the session's folder: by its relative path, else by its base
    name anywhere below (an archive may hold it in a sub-folder)."""
    direct = folder / filename
    if direct.is_file() and direct.resolve().is_relative_to(folder.resolve()):
        return direct
    base = Path(filename).name
    for found in sorted(folder.rglob(base)):
        if found.is_file() and not found.is_symlink():
            return found
    return None


def import_request(*, session: ExchangeSession, filename: str, folder: Path) -> ExchangeRun | None:
    """The run of `filename` in this session, created (and queued) on the first call.

    Answers None when no such file was uploaded. A run whose worker went silent is queued
    again, so 1C's polling itself keeps a run alive across restarts.
    """
    run = ExchangeRun.objects.filter(session=session, filename=filename[:255]).first()
    if run is None:
        path = locate(folder, filename)
        if path is None:
            return None
        return run_create(
            node=session.node, path=path, filename=filename, source=RunSource.HTTP, session=session
        )
    if _is_stale(run):
        exchange_run_task.enqueue(run.pk)
    return run


def _is_stale(run: ExchangeRun) -> bool:
    if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        return False
    last = run.heartbeat_at or run.created_at
    return timezone.now() - last > STALE_AFTER


def _claim(run_id: int) -> tuple[ExchangeRun, str] | None:
    """Take the run for this worker, unless another live worker has it or it is finished."""
    token = uuid.uuid4().hex
    now = timezone.now()
    free = Q(status=RunStatus.QUEUED) | Q(
        status=RunStatus.RUNNING, heartbeat_at__lt=now - STALE_AFTER
    )
    free |= Q(status=RunStatus.RUNNING, heartbeat_at__isnull=True)
    taken = ExchangeRun.objects.filter(free, pk=run_id).update(
        status=RunStatus.RUNNING, claimed_by=token, heartbeat_at=now
    )
    if not taken:
        return None
    run = ExchangeRun.objects.select_related("node", "node__actor").get(pk=run_id)
    if run.started_at is None:
        run.started_at = now
        ExchangeRun.objects.filter(pk=run_id).update(started_at=now)
    return run, token


def _save_progress(run: ExchangeRun, token: str, applier: Applier, step: str) -> None:
    """Write position, counts and errors; refuse if another worker took the run over."""
    owned = ExchangeRun.objects.select_for_update().filter(pk=run.pk, claimed_by=token).exists()
    if not owned:
        raise RunLostError
    run.counts, run.step, run.heartbeat_at = applier.counts, step, timezone.now()
    ExchangeRun.objects.filter(pk=run.pk).update(
        position=run.position, counts=run.counts, step=step, heartbeat_at=run.heartbeat_at
    )
    kept = ExchangeRunError.objects.filter(run=run).count()
    room = max(0, MAX_ERRORS_KEPT - kept)
    ExchangeRunError.objects.bulk_create(
        [
            ExchangeRunError(run=run, kind=kind, external_id=ext[:200], message=message)
            for kind, ext, message in applier.take_errors()[:room]
        ]
    )


def _finish(run: ExchangeRun, status: str, step: str, error: str = "") -> None:
    run.status, run.step, run.error, run.finished_at = status, step, error, timezone.now()
    ExchangeRun.objects.filter(pk=run.pk).update(
        status=status, step=step[:300], error=error, finished_at=run.finished_at, counts=run.counts
    )


def _records(path: Path) -> Iterator[Record]:
    with path.open("rb") as stream:
        yield from read_package(stream)


def _check(path: Path) -> tuple[PackageHeader, int]:
    """Read the whole file once: its header and how many records it holds."""
    records = _records(path)
    header = next(records, None)
    if not isinstance(header, PackageHeader):
        raise FormatError(_("The file holds no CommerceML package."))
    return header, sum(1 for _record in records)


def _refusal(node: ExchangeNode, header: PackageHeader) -> str | None:
    if header.kind in (PackageKind.CATALOG, PackageKind.OFFERS) and not node.catalog_in:
        return _("This node does not load the catalog from 1C.")
    if header.kind == PackageKind.DOCUMENTS and not node.statuses_in:
        return _("This node does not load orders from 1C.")
    return None


def run_process(run_id: int) -> None:
    """Process a run to its end (the body of `exchange_run_task`)."""
    claimed = _claim(run_id)
    if claimed is None:
        return
    run, token = claimed
    try:
        _process(run, token)
    except RunLostError:
        logger.info("Exchange run %s was taken over by another worker.", run.pk)
    except FormatError as exc:
        ExchangeRunError.objects.create(run=run, kind="file", external_id="", message=exc.message)
        _finish(run, RunStatus.FAILED, _("The file was refused."), str(exc))
    except StopRunError as exc:
        _finish(run, RunStatus.FAILED, _("Stopped on the first error."), str(exc))
    except Exception as exc:
        logger.exception("Exchange run %s failed", run.pk)
        _finish(run, RunStatus.FAILED, _("Internal error."), f"{type(exc).__name__}: {exc}")


def _process(run: ExchangeRun, token: str) -> None:
    path = Path(run.path)
    if not path.is_file():
        raise FormatError(
            _("The file %(name)s is gone from the work folder.") % {"name": run.filename}
        )
    ExchangeRun.objects.filter(pk=run.pk).update(step=_("Checking the file."))
    header, total = _check(path)
    refusal = _refusal(run.node, header)
    if refusal:
        ExchangeRunError.objects.create(run=run, kind="file", message=refusal)
        _finish(run, RunStatus.FAILED, refusal, refusal)
        return
    full = header.kind == PackageKind.CATALOG and not header.only_changes
    ExchangeRun.objects.filter(pk=run.pk).update(package=header.kind, full_package=full)
    run.package, run.full_package = header.kind, full
    if full and not run.dry_run:
        _full_pass_start(run)
    applier = Applier(run.node, header, counts=run.counts or {})
    if run.dry_run:
        try:
            with transaction.atomic():
                _apply_all(run, token, applier, path, total, commit=False)
                raise DryRunRollbackError
        except DryRunRollbackError:
            pass
        _save_errors_only(run, applier)
    else:
        _apply_all(run, token, applier, path, total, commit=True)
        if run.source != RunSource.HTTP and run.full_package:
            full_pass_finish(run.node)  # a file from the command line is a whole pass
    run.counts = applier.counts
    totals = run.totals()
    _finish(
        run,
        RunStatus.DONE,
        _("Done: %(read)d read, %(inserted)d new, %(updated)d changed, %(failed)d failed.")
        % totals,
    )


def _apply_all(
    run: ExchangeRun, token: str, applier: Applier, path: Path, total: int, *, commit: bool
) -> None:
    records = _records(path)
    next(records)  # the header
    done = run.position if commit else 0
    records = itertools.islice(records, done, None)
    while batch := list(itertools.islice(records, BATCH)):
        step = _("Loaded %(done)d of %(total)d records.") % {
            "done": done + len(batch),
            "total": total,
        }
        if commit:
            with transaction.atomic():
                applier.apply(batch)
                run.position = done + len(batch)
                _save_progress(run, token, applier, step)
        else:
            applier.apply(batch)
            ExchangeRun.objects.filter(pk=run.pk).update(step=step, heartbeat_at=timezone.now())
        done += len(batch)


def _save_errors_only(run: ExchangeRun, applier: Applier) -> None:
    """After a check-only run rolled back: keep what it found."""
    ExchangeRunError.objects.bulk_create(
        [
            ExchangeRunError(run=run, kind=kind, external_id=ext[:200], message=message)
            for kind, ext, message in applier.take_errors()[:MAX_ERRORS_KEPT]
        ]
    )


# ---------------------------------------------------------------- full packages


def _full_pass_start(run: ExchangeRun) -> None:
    """Note when a full catalog started arriving, unless a pass is already under way."""
    ExchangeNode.objects.filter(pk=run.node_id, full_pass_started_at__isnull=True).update(
        full_pass_started_at=run.started_at or timezone.now()
    )


def full_pass_finish(node: ExchangeNode) -> int:
    """End a full catalog pass: apply the node's policy to products 1C did not send.

    Called by the protocol's `deactivate`/`complete`, when an offers file follows the
    catalog (1C sends every catalog portion first), and after a full file from the command
    line. Answers how many products and variants were deactivated.
    """
    node.refresh_from_db(fields=["full_pass_started_at", "missing_policy"])
    started = node.full_pass_started_at
    if started is None:
        return 0
    with transaction.atomic():
        ExchangeNode.objects.filter(pk=node.pk).update(full_pass_started_at=None)
        if node.missing_policy != MissingPolicy.DEACTIVATE:
            return 0
        return retire_missing(node, since=started)


@task()
def exchange_run_task(run_id: int) -> None:
    """Background: process an exchange run (idempotent: a finished run is left alone)."""
    run_process(run_id)
