"""`accord exchange`: nodes, file imports, the orders file and the runs, from the command line.

accord exchange add-node NAME --login L --password P
accord exchange import FILE... --node NAME [--dry-run]
accord exchange export-orders --node NAME -o FILE
accord exchange runs [--node NAME] [--json] [--limit N]
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accord.core.errors import DomainError
from accord.exchange.models import COUNT_KEYS, ExchangeNode, ExchangeRun, RunSource, RunStatus
from accord.exchange.node_services import node_add_or_update
from accord.exchange.order_services import orders_export
from accord.exchange.protocols.workdir import unpack_archive
from accord.exchange.run_services import run_create, run_process


class Command(BaseCommand):
    help = "Exchange with 1C: add a node, import files, write the orders file, list runs."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add-node", help="Create a node, or set its login and password.")
        add.add_argument("name")
        add.add_argument("--login", required=True)
        add.add_argument("--password", required=True)
        imp = sub.add_parser("import", help="Load CommerceML files (xml or zip) as 1C sends them.")
        imp.add_argument("files", nargs="+")
        imp.add_argument("--node", required=True)
        imp.add_argument("--dry-run", action="store_true", help="Report, write nothing.")
        out = sub.add_parser("export-orders", help="Write the orders 1C has not taken yet.")
        out.add_argument("--node", required=True)
        out.add_argument("-o", "--output", required=True)
        runs = sub.add_parser("runs", help="List exchange runs, newest first.")
        runs.add_argument("--node")
        runs.add_argument("--json", action="store_true")
        runs.add_argument("--limit", type=int, default=50)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"].replace("-", "_")
        getattr(self, f"do_{action}")(options)

    def _node(self, name: str) -> ExchangeNode:
        node = ExchangeNode.objects.select_related("actor").filter(name=name).first()
        if node is None:
            raise CommandError(f"No exchange node named {name!r}.")
        return node

    def do_add_node(self, options: dict[str, Any]) -> None:
        try:
            node, created = node_add_or_update(
                name=options["name"], login=options["login"], password=options["password"]
            )
        except DomainError as exc:
            details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items())
            raise CommandError(f"{exc.message} {details}".strip()) from None
        verb = "created" if created else "updated"
        self.stdout.write(
            self.style.SUCCESS(f"Node {node.name} {verb}; 1C logs in as {node.login}.")
        )

    def do_import(self, options: dict[str, Any]) -> None:
        node = self._node(options["node"])
        failed = False
        with tempfile.TemporaryDirectory(prefix="accord-1c-") as scratch:
            for path in _expand(options["files"], Path(scratch)):
                with transaction.atomic():
                    run = run_create(node=node, path=path, filename=path.name,
                                     source=RunSource.CLI, dry_run=options["dry_run"])  # fmt: skip
                run_process(run.pk)
                run.refresh_from_db()
                self._report(run)
                failed |= run.status != RunStatus.DONE
        if failed:
            raise CommandError("Some files were not loaded (see above).")

    def _report(self, run: ExchangeRun) -> None:
        prefix = "would be " if run.dry_run else ""
        self.stdout.write(f"{run.filename}: {run.get_status_display()} ({run.package or '-'})")
        for kind, counts in sorted((run.counts or {}).items()):
            parts = ", ".join(f"{k} {prefix if k in ('inserted', 'updated') else ''}{counts.get(k, 0)}"
                              for k in COUNT_KEYS)  # fmt: skip
            self.stdout.write(f"  {kind}: {parts}")
        for error in run.errors.all()[:50]:
            self.stdout.write(f"  ! {error.kind} {error.external_id}: {error.message}")
        if run.error:
            self.stdout.write(self.style.ERROR(f"  {run.error}"))

    def do_export_orders(self, options: dict[str, Any]) -> None:
        node = self._node(options["node"])
        data, count = orders_export(node)
        Path(options["output"]).write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"{count} orders written to {options['output']}."))

    def do_runs(self, options: dict[str, Any]) -> None:
        runs = ExchangeRun.objects.select_related("node").prefetch_related("errors")
        if options["node"]:
            runs = runs.filter(node=self._node(options["node"]))
        rows = list(runs[: options["limit"]])
        if options["json"]:
            self.stdout.write(json.dumps([_as_json(r) for r in rows], ensure_ascii=False, indent=1))
            return
        for run in rows:
            totals = run.totals()
            self.stdout.write(
                f"{run.pk}\t{run.created_at:%Y-%m-%d %H:%M:%S}\t{run.node.name}\t{run.status}\t"
                f"{run.filename or run.direction}\tread {totals['read']}, new {totals['inserted']}, "
                f"changed {totals['updated']}, failed {totals['failed']}"
            )


def _as_json(run: ExchangeRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "node": run.node.name,
        "status": run.status,
        "direction": run.direction,
        "source": run.source,
        "dry_run": run.dry_run,
        "files": [run.filename] if run.filename else [],
        "package": run.package,
        "counts": {
            k: {c: int(v.get(c, 0)) for c in COUNT_KEYS} for k, v in (run.counts or {}).items()
        },
        "totals": run.totals(),
        "errors": run.errors.count(),
        "error": run.error,
        "created_at": run.created_at.isoformat(),
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }


def _expand(files: list[str], scratch: Path) -> list[Path]:
    """The XML files to load: the given ones, and those inside given zip archives."""
    result = []
    for name in files:
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"No such file: {name}")
        if path.suffix.lower() != ".zip":
            result.append(path)
            continue
        target = scratch / path.stem
        target.mkdir()
        copy = target / path.name
        shutil.copyfile(path, copy)
        try:
            unpack_archive(copy, target)
        except ValueError as exc:
            raise CommandError(f"{name}: {exc}") from None
        result.extend(sorted(p for p in target.rglob("*.xml") if p.is_file()))
    return result
