"""`accord worker`: run background tasks and schedules until stopped."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from accord.core.worker import run_worker


class Command(BaseCommand):
    help = "Run the background worker: queued tasks, due schedules and a heartbeat."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--max-tasks", type=int, default=None, help="Stop after this many tasks (for tests)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run_worker(max_tasks=options["max_tasks"])
