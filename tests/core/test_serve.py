"""`accord serve` end to end: gunicorn and the worker start, /healthz turns green, and a
task enqueued through the database is run by the real worker process."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def accord(*args: str, env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "accord.cli", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        **kwargs,
    )


def get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (localhost)
            return response.status, json.load(response)
    except urllib.error.HTTPError as err:
        return err.code, json.load(err)


@pytest.mark.timeout_sensitive
def test_serve_runs_web_and_worker(tmp_path):
    env = {
        **os.environ,
        "ACCORD_DATA_DIR": str(tmp_path),
        "ACCORD_DATABASE_URL": "",
        "ACCORD_WORKER_POLL_MS": "100",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    accord("migrate", "--no-input", env=env)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "accord.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        deadline, status, body = time.monotonic() + 60, 0, {}
        while time.monotonic() < deadline:
            try:
                status, body = get_json(f"http://127.0.0.1:{port}/healthz")
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        assert (status, body.get("database"), body.get("worker")) == (200, "ok", "ok"), body
        script = (
            "from accord.core.tasks import heartbeats_prune_task as t;"
            "print(t.enqueue(older_than_hours=1).id)"
        )
        task_id = accord("shell", "--no-imports", "-c", script, env=env).stdout.strip()
        check = f"from django_tasks_db.models import DBTaskResult as R; print(R.objects.get(pk='{task_id}').status)"
        deadline, state = time.monotonic() + 30, ""
        while time.monotonic() < deadline and state != "SUCCESSFUL":
            state = accord("shell", "--no-imports", "-c", check, env=env).stdout.strip()
            time.sleep(0.3)
        assert state == "SUCCESSFUL"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
