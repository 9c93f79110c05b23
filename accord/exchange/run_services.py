"""Runs: one file through the exchange, in the background, resumable, in committed batches.

A run is created for a file (by the protocol's `import`, the command line or an upload) and
processed by `exchange_run_task` in the worker:

1. a checking pass reads the whole file (`scan_package`: parsed and counted, objects not
   built); a malformed or hostile file fails the run here, before anything is written;
2. the applying pass hands records to `mapping.Applier` in batches of BATCH (on
   PostgreSQL a thread reads the next batch while one is written); each batch commits
   together with the run's `position`, so a killed worker loses at most one batch and the
   run, taken up again, skips what is committed and ends in the same state.

A run whose worker stopped sending heartbeats for STALE_AFTER is taken up again by the next
poll of 1C (`import_request`), or by the worker's upkeep (`maintenance.runs_requeue_stale`).
"""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import logging
import queue
import threading
import uuid
from collections.abc import Generator, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from accord.exchange.formats.commerceml.reader import read_package, scan_package
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
READ_AHEAD = 1  # batches read while one is written: see _ReadAhead
SQLITE_RUN_CACHE_KB = 8_000  # see _bounded_cache
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
    enqueue: bool = True,
) -> ExchangeRun:
    """A queued run for a file; its task is enqueued when the transaction commits (unless
    the caller runs it itself, in order: the watched folder)."""
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
    if enqueue:
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


def _records(path: Path) -> Generator[Record, None, None]:
    with path.open("rb") as stream:
        yield from read_package(stream)


def _check(path: Path) -> tuple[PackageHeader, int]:
    """Read the whole file once, cheaply: its header and how many records it holds.

    Every FormatError of the file surfaces here, before the first batch is written.
    """
    with path.open("rb") as stream:
        return scan_package(stream)


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
        with _frozen_heap(), _bounded_cache():
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


@contextmanager
def _frozen_heap() -> Iterator[None]:
    """Keep the garbage collector's full passes to what the run allocates.

    A worker holds a few hundred thousand long-lived objects (Django, the apps, the URL
    conf). A run of 100,000 records sets off dozens of full collections, each walking all
    of them: a fifth of the run's time, measured. Frozen for the run, they are skipped;
    unfrozen afterwards, anything among them that became garbage is collected as before.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextmanager
def _bounded_cache() -> Iterator[None]:
    """On SQLite, a smaller page cache for the run's connection while it runs.

    The default (64 MB per connection, config/settings.py) fills up over a large catalog
    and is the largest part of a worker's memory that grows with the file (T4: peak RSS
    150 MB whatever its size); a 100,000-product run measured no slower with
    SQLITE_RUN_CACHE_KB, since pages missing from it are still in the OS's file cache. The
    old size is put back afterwards.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{int(SQLITE_RUN_CACHE_KB)}")
    try:
        yield
    finally:
        # A connection that broke during the run is thrown away: its cache size is moot.
        with suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


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
    marking = not run.dry_run and not header.only_changes and _in_full_pass(run.node_id)
    applier = Applier(run.node, header, counts=run.counts or {}, mark_seen=marking)
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
    done = run.position if commit else 0
    read = _batches(path, skip=done)
    batches: _ReadAhead | _Inline = (
        _Inline(read) if connection.vendor == "sqlite" else _ReadAhead(read)
    )
    try:
        for batch in batches:
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
    finally:
        batches.close()


def _batches(path: Path, *, skip: int) -> Generator[list[Record], None, None]:
    """The file's records after the header and the first `skip`, BATCH at a time."""
    records = _records(path)
    next(records)  # the header
    rest = itertools.islice(records, skip, None)
    try:
        while batch := list(itertools.islice(rest, BATCH)):
            yield batch
    finally:
        records.close()


_END = object()


class _Inline:
    """Batches read when they are asked for (SQLite: see _ReadAhead)."""

    def __init__(self, batches: Generator[list[Record], None, None]) -> None:
        self._batches = batches

    def __iter__(self) -> Iterator[list[Record]]:
        return self._batches

    def close(self) -> None:
        self._batches.close()


class _ReadAhead:
    """Batches read by a thread of their own while the previous batch is written.

    Reading a batch is Python work; writing it is mostly the database server's. Overlapped
    on the machine's second core, a run takes about the longer of the two instead of their
    sum. At most READ_AHEAD batches wait, so memory stays bounded; `close` stops the
    thread. Not for SQLite: its work is in this process, in many short calls that each
    give up the GIL and then wait for the reading thread to hand it back (measured: the
    same time for a new catalog, a fifth more for an unchanged one).
    """

    def __init__(self, batches: Generator[list[Record], None, None]) -> None:
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=READ_AHEAD)
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._read, args=(batches,), name="exchange-read-ahead", daemon=True
        )
        self._thread.start()

    def _read(self, batches: Generator[list[Record], None, None]) -> None:
        try:
            for batch in batches:
                if not self._put(batch):
                    return
            self._put(_END)
        except Exception as exc:  # handed to the run, which reports it as it would its own
            self._put(exc)
        finally:
            batches.close()

    def _put(self, item: Any) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
            except queue.Full:
                continue
            return True
        return False

    def __iter__(self) -> Iterator[list[Record]]:
        while (item := self._queue.get()) is not _END:
            if isinstance(item, Exception):
                raise item
            yield item

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


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
    """Note when a full catalog started arriving, unless a pass is already under way.

    Only a node that deactivates missing objects keeps a pass: while one is under way, runs
    mark every ref they are sent (`ExternalRef.seen_at`), which for a node that keeps them
    would be one wasted update per product. A pass whose first file came while the node
    kept missing objects (its policy changed in the middle of a 1C session) marks nothing
    and so retires nothing.
    """
    node = ExchangeNode.objects.get(pk=run.node_id)
    if node.full_pass_started_at is not None or node.missing_policy != MissingPolicy.DEACTIVATE:
        return
    earlier = ExchangeRun.objects.filter(
        session_id=run.session_id, full_package=True, pk__lt=run.pk
    )
    if run.session_id is not None and earlier.exists():
        return
    ExchangeNode.objects.filter(pk=run.node_id, full_pass_started_at__isnull=True).update(
        full_pass_started_at=run.started_at or timezone.now()
    )


def _in_full_pass(node_id: int) -> bool:
    return ExchangeNode.objects.filter(pk=node_id, full_pass_started_at__isnull=False).exists()


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
