"""The exchange's upkeep: silent runs queued again once, old work folders removed, and
nothing outside the exchange's folder or still in use touched."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accord.exchange.maintenance import runs_requeue_stale, workdirs_clean
from accord.exchange.models import ExchangeRun, ExchangeSession, RunSource, RunStatus
from accord.exchange.node_services import (
    exchange_root,
    node_add_or_update,
    session_open,
    session_workdir,
)
from accord.exchange.run_services import exchange_run_task, run_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.ACCORD_EXCHANGE_KEEP_DAYS = 7
    return settings.DATA_DIR


@pytest.fixture
def node(db):
    node, _created = node_add_or_update(name="УТ", login="ut", password="ut-password-1")
    return node


def _run(node, path, **fields) -> ExchangeRun:
    with transaction.atomic():  # the test's transaction never commits: nothing is queued
        run = run_create(node=node, path=path, filename=path.name, source=RunSource.UPLOAD)
    ExchangeRun.objects.filter(pk=run.pk).update(**fields)
    return ExchangeRun.objects.get(pk=run.pk)


def _queued(run: ExchangeRun) -> int:
    return DBTaskResult.objects.filter(
        task_path=exchange_run_task.module_path, args_kwargs__args=[run.pk]
    ).count()


def test_a_silent_run_is_queued_again_once(node, data_dir):
    long_ago = timezone.now() - dt.timedelta(minutes=10)
    silent = _run(node, data_dir / "a.xml", status=RunStatus.RUNNING, heartbeat_at=long_ago)
    alive = _run(node, data_dir / "b.xml", status=RunStatus.RUNNING, heartbeat_at=timezone.now())
    done = _run(node, data_dir / "c.xml", status=RunStatus.DONE, heartbeat_at=long_ago)
    assert runs_requeue_stale() == 1
    assert runs_requeue_stale() == 0  # its task is still waiting: not queued twice
    assert (_queued(silent), _queued(alive), _queued(done)) == (1, 0, 0)


def test_old_finished_work_folders_go_and_busy_ones_stay(node, data_dir):
    old = timezone.now() - dt.timedelta(days=30)
    finished = session_open(node, "catalog")
    busy = session_open(node, "catalog")
    fresh = session_open(node, "catalog")
    ExchangeSession.objects.filter(pk__in=[finished.pk, busy.pk]).update(last_seen_at=old)
    for session in (finished, busy, fresh):
        folder = session_workdir(session)
        folder.mkdir(parents=True)
        (folder / "import.xml").write_text("<x/>")
    with transaction.atomic():
        run = run_create(node=node, path=session_workdir(busy) / "import.xml",
                         filename="import.xml", source=RunSource.HTTP, session=busy)  # fmt: skip
    assert run.status == RunStatus.QUEUED
    upload = exchange_root() / str(node.pk) / "uploads" / "u1"
    upload.mkdir(parents=True)
    (upload / "offers.xml").write_text("<x/>")
    _run(node, upload / "offers.xml", status=RunStatus.DONE, finished_at=old)
    outside = data_dir / "keep-me"
    outside.mkdir()

    assert workdirs_clean() == 2

    assert not session_workdir(finished).exists()
    assert session_workdir(busy).exists()
    assert session_workdir(fresh).exists()
    assert not upload.exists()
    assert outside.exists()
    assert workdirs_clean() == 0
