"""Upkeep of the exchange, run by the worker every five minutes (`exchange_upkeep_task`).

- A run whose worker died is queued again even when no 1C poll comes to do it (a package
  checked or imported from the web page has no poll): at most one pending task per run.
- The work folders of sessions and uploads whose runs have all ended are removed after
  ACCORD_EXCHANGE_KEEP_DAYS, so the data folder does not grow with every exchange.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accord.exchange.models import ExchangeRun, ExchangeSession, RunStatus
from accord.exchange.node_services import exchange_root, session_workdir
from accord.exchange.run_services import STALE_AFTER, exchange_run_task

ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)
TASK_PATH = exchange_run_task.module_path


def _pending(run_id: int) -> bool:
    """A task for this run is already waiting in the queue."""
    return DBTaskResult.objects.filter(
        task_path=TASK_PATH, status=TaskResultStatus.READY, args_kwargs__args=[run_id]
    ).exists()


def runs_requeue_stale(*, now: dt.datetime | None = None) -> int:
    """Queue again the active runs nobody works on; answer how many."""
    limit = (now or timezone.now()) - STALE_AFTER
    silent = ExchangeRun.objects.filter(status__in=ACTIVE).filter(
        Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, created_at__lt=limit)
    )
    queued = 0
    for run_id in silent.values_list("pk", flat=True):
        if not _pending(run_id):
            exchange_run_task.enqueue(run_id)
            queued += 1
    return queued


def _remove(folder: Path) -> bool:
    root = exchange_root().resolve()
    target = folder.resolve()
    if root not in target.parents or not target.is_dir():
        return False  # never anything outside the exchange's own folder
    shutil.rmtree(target, ignore_errors=True)
    return True


def workdirs_clean(*, now: dt.datetime | None = None) -> int:
    """Remove the work folders whose runs all ended more than the kept days ago."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.ACCORD_EXCHANGE_KEEP_DAYS)
    removed = 0
    busy_sessions = ExchangeRun.objects.filter(
        Q(status__in=ACTIVE) | Q(finished_at__gte=cutoff), session__isnull=False
    ).values("session_id")
    old = ExchangeSession.objects.filter(last_seen_at__lt=cutoff).exclude(pk__in=busy_sessions)
    for session in old.iterator():
        removed += _remove(session_workdir(session))
    uploads = ExchangeRun.objects.filter(session__isnull=True).values_list(
        "node_id", "path", "status", "finished_at"
    )
    busy: set[Path] = set()
    ended: set[Path] = set()
    for node_id, path, status, finished in uploads.iterator():
        folder = _upload_folder(node_id, Path(path))
        if folder is None:
            continue
        if status in ACTIVE or (finished is not None and finished >= cutoff):
            busy.add(folder)
        else:
            ended.add(folder)
    for folder in ended - busy:
        removed += _remove(folder)
    return removed


def _upload_folder(node_id: int, path: Path) -> Path | None:
    """The folder of its own that holds a file uploaded or taken from the watched folder
    (`<exchange>/<node>/uploads/<id>/`, `<exchange>/<node>/folder/done/<run>/`), or None."""
    node = exchange_root() / str(node_id)
    for base in (node / "uploads", node / "folder" / "done"):
        try:
            relative = path.relative_to(base)
        except ValueError:
            continue
        return base / relative.parts[0] if relative.parts else None
    return None


@task()
def exchange_upkeep_task() -> dict[str, int]:
    return {"requeued": runs_requeue_stale(), "folders_removed": workdirs_clean()}
