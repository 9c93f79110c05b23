import datetime as dt

import pytest
from django.utils import timezone

from accord.core.models import WorkerHeartbeat


def beat(seconds_ago: int) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id=f"w{seconds_ago}", hostname="h", pid=1, started_at=now,
        seen_at=now - dt.timedelta(seconds=seconds_ago),
    )  # fmt: skip


@pytest.mark.django_db
def test_healthz_is_ok_with_a_live_worker(client):
    beat(3)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() | {"worker_last_seen": None} == {
        "status": "ok", "database": "ok", "worker": "ok", "workers": 1, "worker_last_seen": None,
    }  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(("beats", "state"), [([], "missing"), ([600], "stale")])
def test_healthz_is_503_without_a_live_worker(client, beats, state):
    for seconds in beats:
        beat(seconds)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"] == state
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_healthz_refuses_writes(client):
    assert client.post("/healthz").status_code == 405
