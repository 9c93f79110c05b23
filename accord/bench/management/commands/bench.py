"""`accord bench web [--runs N] [--user LOGIN] [--seed N]`: print timings as a table and JSON."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from accord.bench import web
from accord.directory.models import Counterparty


class Command(BaseCommand):
    help = "Measure Accord's pages and API on the demo data (see ../shared/docs/targets.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", choices=["web"], help="which benchmark to run")
        parser.add_argument("--runs", type=int, default=50, help="requests per scenario")
        parser.add_argument("--user", default="admin", help="the demo user to measure as")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["runs"] < 1:
            raise CommandError("--runs must be at least 1.")
        try:
            timings = web.run(runs=options["runs"], seed=options["seed"], username=options["user"])
        except web.NoDataError as exc:
            raise CommandError(str(exc)) from None
        rows = Counterparty.objects.count()
        self.stdout.write(
            f"bench web: {connection.vendor}, {rows:,} counterparties, as {options['user']}, "
            f"{options['runs']} runs per scenario (in-process, no network)"
        )
        self.stdout.write(
            f"{'scenario':<28} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}"
        )
        for t in timings:
            self.stdout.write(
                f"{t.name:<28} {t.p50_ms:>8.1f} {t.p95_ms:>8.1f} {t.max_ms:>8.1f} {t.queries:>8}"
                + ("" if t.status == 200 else f"  (HTTP {t.status})")
            )
        summary = {
            "bench": "web",
            "database": connection.vendor,
            "counterparties": rows,
            "user": options["user"],
            "results": {t.name: t.as_dict() for t in timings},
        }
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
