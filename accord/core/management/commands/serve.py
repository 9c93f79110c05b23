"""`accord serve`: the web server (gunicorn, WSGI) and a background worker, together.

One command for a one-machine install. For several machines, run `accord serve --no-worker`
on web hosts and `accord worker` on worker hosts (docs/deploy.md).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Accord over HTTP with gunicorn and run a background worker beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Web worker processes (default 2 x cores + 1).",
        )
        parser.add_argument("--no-worker", action="store_true", help="Do not start a task worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        workers = options["workers"] or (2 * (os.cpu_count() or 1) + 1)
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        bind = f"{options['host']}:{options['port']}"
        web = [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--bind", bind, "--workers", str(workers), "--access-logfile", "-",
            "--timeout", "120", "--graceful-timeout", "10",
        ]  # fmt: skip
        procs = [subprocess.Popen(web)]  # noqa: S603
        if not options["no_worker"]:
            worker = [sys.executable, "-m", "accord.cli", "worker"]
            procs.append(subprocess.Popen(worker))  # noqa: S603
        self.stdout.write(self.style.SUCCESS(f"Accord is running on http://{bind}/ (Ctrl+C stops)"))
        self._supervise(procs)

    def _supervise(self, procs: list[subprocess.Popen[bytes]]) -> None:
        """Wait until a child exits or we are told to stop; then stop all children."""
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while not stopping and all(p.poll() is None for p in procs):
                time.sleep(0.5)
        finally:
            for p in procs:
                if p.poll() is None:
                    p.terminate()
            for p in procs:
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()
