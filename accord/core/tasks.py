"""Core background tasks."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from accord.core.models import WorkerHeartbeat


@task()
def heartbeats_prune_task(older_than_hours: int = 24) -> int:
    """Forget workers that have not been seen for a day (crashed, or moved host)."""
    cutoff = timezone.now() - dt.timedelta(hours=older_than_hours)
    deleted, _ = WorkerHeartbeat.objects.filter(seen_at__lt=cutoff).delete()
    return deleted
