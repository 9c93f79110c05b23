"""Schedules: validate them on save, and turn due ones into queued background tasks.

`schedules_enqueue_due` runs on every tick of every worker. A schedule is claimed with a
compare-and-set on `next_run_at`, so with several workers each due run is enqueued once.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from croniter import croniter
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task

from accord.core.errors import ValidationFailedError
from accord.core.models import Schedule

logger = logging.getLogger(__name__)


def next_run(cron: str, after: dt.datetime) -> dt.datetime:
    """The first time after `after` that `cron` fires, in the server's time zone."""
    local = timezone.localtime(after)
    return croniter(cron, local).get_next(dt.datetime)


def resolve_task(task_path: str) -> Task[Any, Any]:
    """The task object at `task_path`; only tasks of Accord itself may be scheduled."""
    if not task_path.startswith("accord."):
        raise ValidationFailedError({"task_path": ["Only Accord's own tasks can be scheduled."]})
    try:
        obj = import_string(task_path)
    except ImportError:
        raise ValidationFailedError({"task_path": [f"No task named {task_path}."]}) from None
    if not isinstance(obj, Task):
        raise ValidationFailedError({"task_path": [f"{task_path} is not a background task."]})
    return obj


def schedule_save(
    *, name: str, task_path: str, cron: str, kwargs: dict[str, Any] | None = None
) -> Schedule:
    """Create or update the schedule called `name`, refusing a bad cron or task."""
    if not croniter.is_valid(cron):
        raise ValidationFailedError({"cron": [f"{cron!r} is not a valid cron expression."]})
    resolve_task(task_path)
    schedule, _created = Schedule.objects.update_or_create(
        name=name,
        defaults={
            "task_path": task_path,
            "cron": cron,
            "kwargs": kwargs or {},
            "next_run_at": next_run(cron, timezone.now()),
        },
    )
    return schedule


def schedules_enqueue_due(now: dt.datetime | None = None) -> int:
    """Enqueue every enabled schedule whose time has come; answer how many were enqueued."""
    now = now or timezone.now()
    enqueued = 0
    due = Schedule.objects.filter(enabled=True, next_run_at__lte=now).order_by("next_run_at")
    for schedule in due:
        following = next_run(schedule.cron, now)
        with transaction.atomic():
            claimed = Schedule.objects.filter(
                pk=schedule.pk, next_run_at=schedule.next_run_at
            ).update(next_run_at=following, last_run_at=now)
            if not claimed:
                continue  # another worker took this run
            try:
                result = resolve_task(schedule.task_path).enqueue(**schedule.kwargs)
            except ValidationFailedError:
                logger.error("Schedule %s names an unknown task; disabled it.", schedule.name)
                Schedule.objects.filter(pk=schedule.pk).update(enabled=False)
                continue
            Schedule.objects.filter(pk=schedule.pk).update(last_task_id=str(result.id))
            enqueued += 1
    return enqueued
