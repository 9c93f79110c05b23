"""The real worker loop against the real database backend."""

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accord.core.models import Schedule, WorkerHeartbeat
from accord.core.schedules import schedule_save
from accord.core.tasks import heartbeats_prune_task
from accord.core.worker import AccordWorker


@pytest.mark.django_db(transaction=True)
def test_worker_runs_a_queued_task_and_records_the_result():
    WorkerHeartbeat.objects.create(
        worker_id="gone", hostname="old", pid=1, started_at=timezone.now(),
        seen_at=timezone.now() - timezone.timedelta(days=3),
    )  # fmt: skip
    result = heartbeats_prune_task.enqueue(older_than_hours=24)
    worker = AccordWorker(interval=0, max_tasks=1)
    worker.run()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "SUCCESSFUL"
    assert row.return_value == 1
    assert not WorkerHeartbeat.objects.filter(worker_id="gone").exists()
    # A worker that stops cleanly removes its own heartbeat.
    assert not WorkerHeartbeat.objects.filter(worker_id=worker.worker_id).exists()


@pytest.mark.django_db(transaction=True)
def test_worker_tick_beats_and_enqueues_due_schedules():
    schedule = schedule_save(
        name="prune", task_path="accord.core.tasks.heartbeats_prune_task", cron="* * * * *"
    )
    Schedule.objects.filter(pk=schedule.pk).update(next_run_at=timezone.now())
    worker = AccordWorker(interval=0)
    worker.tick()
    beat = WorkerHeartbeat.objects.get(worker_id=worker.worker_id)
    assert beat.pid > 0
    assert DBTaskResult.objects.filter(task_path=schedule.task_path).count() == 1
