"""The background worker: runs queued tasks, enqueues due schedules, reports a heartbeat.

It reuses django-tasks-db's worker to claim and run tasks, and adds what Accord needs
between tasks: schedules and a heartbeat that /healthz reads.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid

from django.conf import settings
from django.db import OperationalError, close_old_connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from accord.core.models import WorkerHeartbeat
from accord.core.schedules import schedules_enqueue_due

logger = logging.getLogger(__name__)

HEARTBEAT_EVERY = 5.0  # seconds


class AccordWorker(Worker):
    """One worker process. Several may run at once: a task is claimed by exactly one."""

    def __init__(self, *, interval: float, max_tasks: int | None = None) -> None:
        super().__init__(
            queue_names=["*"],
            interval=interval,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=max_tasks,
            worker_id=f"{socket.gethostname()[:40]}-{os.getpid()}-{uuid.uuid4().hex[:6]}",
            excluded_queue_names=[],
        )
        self.started_at = timezone.now()
        self._last_beat = 0.0

    def beat(self) -> None:
        now = timezone.now()
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "hostname": socket.gethostname()[:200],
                "pid": os.getpid(),
                "started_at": self.started_at,
                "seen_at": now,
                "tasks_done": self._run_tasks,
            },
        )
        self._last_beat = time.monotonic()

    def tick(self) -> None:
        """The housekeeping between tasks: heartbeat and due schedules."""
        if time.monotonic() - self._last_beat >= HEARTBEAT_EVERY:
            self.beat()
        schedules_enqueue_due()

    def claim_next(self) -> DBTaskResult | None:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
            except OperationalError as exc:
                if not is_locked_database_exception(exc):
                    raise
                return None
        return task_result

    def run(self) -> None:
        logger.info("Accord worker %s started", self.worker_id)
        self.beat()
        while self.running:
            close_old_connections()
            self.tick()
            task_result = self.claim_next()
            if task_result is not None:
                self.run_task(task_result)
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                break
            close_old_connections()
            if self.running and task_result is None:
                time.sleep(self.interval)
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()


def run_worker(max_tasks: int | None = None) -> None:
    worker = AccordWorker(interval=settings.ACCORD_WORKER_POLL_SECONDS, max_tasks=max_tasks)
    worker.configure_signals()
    worker.run()
