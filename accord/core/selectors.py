"""Reads of core state: the health of the database and of the background workers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from accord.core.models import WorkerHeartbeat


@dataclass(frozen=True)
class Health:
    database: str
    worker: str
    workers: int
    last_seen: dt.datetime | None

    @property
    def ok(self) -> bool:
        return self.database == "ok" and self.worker == "ok"


def health_check() -> Health:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return Health(database="unavailable", worker="unknown", workers=0, last_seen=None)
    fresh_after = timezone.now() - dt.timedelta(seconds=settings.ACCORD_WORKER_STALE_SECONDS)
    beats = list(WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True))
    live = [seen for seen in beats if seen >= fresh_after]
    state = "ok" if live else "stale" if beats else "missing"
    return Health(
        database="ok", worker=state, workers=len(live), last_seen=beats[0] if beats else None
    )
