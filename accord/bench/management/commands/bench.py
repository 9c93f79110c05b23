"""`accord bench web|exchange`: print measured figures as a table and one JSON line.

accord bench web [--runs N] [--user LOGIN] [--seed N]
accord bench exchange [--products N] [--seed N]   (writes N products: use a scratch database)
accord bench timeline [--events N] [--runs N]     (writes a client with N events: scratch database)
accord bench import [--rows N] [--seed N]         (imports N clients: scratch database)
accord bench dedup [--records N] [--seed N] [--json]  (writes N records: scratch database)
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from accord.bench import dedup, exchange, imports, timeline, web
from accord.directory.models import Counterparty


class Command(BaseCommand):
    help = "Measure Accord's pages and API on the demo data (see ../shared/docs/targets.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "name",
            choices=["web", "exchange", "timeline", "import", "dedup"],
            help="which benchmark to run",
        )
        parser.add_argument("--rows", type=int, default=100_000, help="import: spreadsheet rows")
        parser.add_argument("--records", type=int, default=100_000, help="dedup: records written")
        parser.add_argument("--json", action="store_true", help="dedup: end with one JSON line")
        parser.add_argument("--events", type=int, default=10_000, help="timeline: client events")
        parser.add_argument("--products", type=int, default=100_000, help="exchange: catalog size")
        parser.add_argument("--runs", type=int, default=50, help="requests per scenario")
        parser.add_argument("--user", default="admin", help="the demo user to measure as")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["name"] == "exchange":
            self.bench_exchange(products=options["products"], seed=options["seed"])
            return
        if options["name"] == "import":
            self.bench_import(rows=options["rows"], seed=options["seed"])
            return
        if options["name"] == "dedup":
            self.bench_dedup(
                records=options["records"], seed=options["seed"], as_json=options["json"]
            )
            return
        if options["runs"] < 1:
            raise CommandError("--runs must be at least 1.")
        if options["name"] == "timeline":
            self.bench_timeline(
                events=options["events"], runs=options["runs"], seed=options["seed"]
            )
            return
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

    def bench_exchange(self, *, products: int, seed: int) -> None:
        if products < 1:
            raise CommandError("--products must be at least 1.")
        steps, sizes = exchange.run(products=products, seed=seed)
        files = ", ".join(f"{name} {mb:.1f} MB" for name, mb in sizes.items())
        self.stdout.write(f"bench exchange: {connection.vendor}, {products:,} products ({files})")
        self.stdout.write(f"{'step':<18} {'seconds':>9} {'records':>9} {'rows/s':>9}  status")
        for step in steps:
            self.stdout.write(
                f"{step.name:<18} {step.seconds:>9.2f} {step.records:>9} "
                f"{step.rows_per_second:>9.0f}  {step.status}"
            )
        first = steps[0].seconds + steps[1].seconds
        rss = exchange.peak_rss_mb()
        self.stdout.write(f"catalog loaded in {first:.1f} s; peak RSS {rss:.0f} MB")
        summary = {
            "bench": "exchange",
            "database": connection.vendor,
            "products": products,
            "load_seconds": round(first, 2),
            "reload_seconds": round(steps[2].seconds + steps[3].seconds, 2),
            "peak_rss_mb": round(rss, 1),
            "steps": {
                s.name: {"seconds": round(s.seconds, 2), "records": s.records,
                         "rows_per_second": round(s.rows_per_second), "status": s.status,
                         "counts": s.counts}
                for s in steps
            },
        }  # fmt: skip
        self.stdout.write(json.dumps(summary, ensure_ascii=False))

    def bench_timeline(self, *, events: int, runs: int, seed: int) -> None:
        if events < 1:
            raise CommandError("--events must be at least 1.")
        try:
            cp, timings = timeline.run(events=events, runs=runs, seed=seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"bench timeline: {connection.vendor}, one client with {events:,} events "
            f"(#{cp.pk}), as a manager, {runs} runs per scenario (in-process, no network)"
        )
        self.stdout.write(
            f"{'scenario':<30} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}"
        )
        for t in timings:
            self.stdout.write(
                f"{t.name:<30} {t.p50_ms:>8.1f} {t.p95_ms:>8.1f} {t.max_ms:>8.1f} {t.queries:>8}"
            )
        summary = {
            "bench": "timeline",
            "database": connection.vendor,
            "events": events,
            "results": {t.name: t.as_dict() for t in timings},
        }
        self.stdout.write(json.dumps(summary, ensure_ascii=False))

    def bench_import(self, *, rows: int, seed: int) -> None:
        if rows < 1:
            raise CommandError("--rows must be at least 1.")
        steps, extra = imports.run(rows=rows, seed=seed)
        files = ", ".join(f"{name} {mb} MB" for name, mb in extra["sizes_mb"].items())
        self.stdout.write(f"bench import: {connection.vendor}, {rows:,} clients ({files})")
        self.stdout.write(f"{'step':<18} {'seconds':>9} {'rows':>9} {'rows/s':>9}  counts")
        for step in steps:
            counts = ", ".join(f"{k} {v}" for k, v in step.counts.items() if v)
            self.stdout.write(
                f"{step.name:<18} {step.seconds:>9.2f} {step.rows:>9} "
                f"{step.rows_per_second:>9.0f}  {counts}"
            )
        self.stdout.write(f"peak RSS {extra['peak_rss_mb']:.0f} MB")
        summary = {
            "bench": "import",
            "database": connection.vendor,
            "rows": rows,
            "peak_rss_mb": extra["peak_rss_mb"],
            "steps": {
                s.name: {"seconds": round(s.seconds, 2), "rows_per_second": round(s.rows_per_second),
                         "counts": s.counts}
                for s in steps
            },
        }  # fmt: skip
        self.stdout.write(json.dumps(summary, ensure_ascii=False))

    def bench_dedup(self, *, records: int, seed: int, as_json: bool) -> None:
        if records < 2:
            raise CommandError("--records must be at least 2.")
        for line in dedup.report(dedup.run(records=records, seed=seed), as_json=as_json):
            self.stdout.write(line)
