"""Imports whose worker died: marked failed by the upkeep; a half-done load is undone."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from accord.core.errors import ConflictError
from accord.directory.models import Counterparty
from accord.imports.models import ImportJob, ImportStatus
from accord.imports.services import (
    import_apply,
    import_check,
    import_map,
    import_undo,
    import_upload,
    imports_fail_stale,
)
from accord.imports.tasks import imports_upkeep_task
from tests.factories import valid_inn

pytestmark = pytest.mark.django_db
MAPPING = {"object": "counterparties", "columns": {"Name": "name", "INN": "inn"},
           "key": "inn_kpp"}  # fmt: skip


@pytest.fixture(autouse=True)
def _data_dir(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path


def _job(actor: Any) -> ImportJob:
    data = io.BytesIO(f"Name,INN\nАльфа,{valid_inn(1)}\nБета,{valid_inn(2)}\n".encode())
    job = import_upload(actor=actor, obj="counterparties", filename="c.csv", source=data)
    return import_map(actor=actor, job=job, mapping=MAPPING)


def test_a_silent_worker_fails_the_job(manager: Any) -> None:
    job = _job(manager)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.APPLYING, heartbeat_at=timezone.now() - dt.timedelta(minutes=11)
    )
    fresh = _job(manager)
    ImportJob.objects.filter(pk=fresh.pk).update(
        status=ImportStatus.CHECKING, heartbeat_at=timezone.now()
    )
    assert imports_upkeep_task.call() == {"failed_stale": 1}
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "worker stopped" in job.message
    assert fresh.status == ImportStatus.CHECKING
    assert imports_fail_stale() == 0


def test_a_load_that_failed_halfway_is_undone_not_reloaded(manager: Any) -> None:
    job = import_apply(actor=manager, job=import_check(actor=manager, job=_job(manager),
                                                       run_now=True), run_now=True)  # fmt: skip
    assert Counterparty.objects.count() == 2
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED)  # died after writing
    job.refresh_from_db()
    with pytest.raises(ConflictError, match="halfway"):
        import_map(actor=manager, job=job, mapping=MAPPING)
    with pytest.raises(ConflictError, match="halfway"):
        import_check(actor=manager, job=job, run_now=True)
    import_undo(actor=manager, job=job)
    assert not Counterparty.objects.exists()
