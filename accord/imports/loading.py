"""The run of one import over its file: read rows, hand them to the object's loader in
batches, count the outcomes, keep the failed rows, report progress.

A check (dry run) and a load run the same code; the check's loader writes nothing. A load
writes each batch in its own transaction, so that the progress bar moves and memory stays
bounded; with `on_error=stop` a bad row stops the load and everything it wrote so far is
undone (the same undo a user can ask for later).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from django.db import transaction
from django.utils.translation import gettext as _

from accord.core.bulk import relax_commit
from accord.imports.formats.base import MESSAGES
from accord.imports.formats.tables import BadRow, Dialect, Row, TableError, open_table
from accord.imports.profiles import ImportMapping

BATCH_ROWS = 2000
OUTCOMES = ("inserted", "updated", "unchanged", "skipped", "failed")
SAMPLE_DIFFS = 20


@dataclass
class RowResult:
    line: int
    outcome: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, reason)
    note: str = ""
    diff: dict[str, list[Any]] = field(default_factory=dict)

    def fail(self, column: str, reason: str) -> None:
        self.errors.append((column, reason))

    @property
    def failed(self) -> bool:
        return bool(self.errors)

    @property
    def final(self) -> str:
        return "failed" if self.errors else (self.outcome or "unchanged")


@dataclass
class Batch:
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # line, field -> text
    results: list[RowResult] = field(default_factory=list)


class Loader(Protocol):
    def load(self, batch: Batch) -> None: ...


@dataclass
class FailedRow:
    line: int
    column: str
    reason: str
    values: list[str]


@dataclass
class Report:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    failed: list[FailedRow] = field(default_factory=list)
    sample_updates: list[dict[str, Any]] = field(default_factory=list)
    rows: int = 0
    seconds: float = 0.0
    stopped_at: int | None = None  # the line a stop-on-error load stopped at

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


class StopLoadError(Exception):
    """A bad row under `on_error=stop` during a load: roll the batch back."""


def run(
    *,
    path: Path,
    dialect: Dialect | None,
    mapping: ImportMapping,
    loader: Loader,
    write: bool,
    progress: Callable[[int], None] | None = None,
    max_failed_kept: int = 100_000,
) -> Report:
    """Read `path` and load it through `loader`; answers the counts and the failed rows.

    Raises TableError when the file as a whole cannot be read.
    """
    report = Report()
    started = time.perf_counter()
    stop = mapping.on_error == "stop"
    with open_table(path, dialect=dialect) as table:
        positions = _positions(table.header, mapping)
        for batch, raw in _batches(table, positions, report):
            if write:
                try:
                    with transaction.atomic():
                        relax_commit()
                        loader.load(batch)
                        if stop and any(r.failed for r in batch.results):
                            raise StopLoadError
                except StopLoadError:
                    pass
            else:
                loader.load(batch)
            _count(report, batch, raw, max_failed_kept)
            if stop and report.counts["failed"]:
                report.stopped_at = min(f.line for f in report.failed) if report.failed else 0
                if write:  # the batch was rolled back: none of its rows were written
                    for result in batch.results:
                        if not result.failed:
                            report.counts[result.final] -= 1
                break
            if progress is not None:
                progress(report.rows)
    report.seconds = time.perf_counter() - started
    return report


def translated(problem: BadRow | TableError) -> str:
    """The reader's message in the user's language (the readers speak English only)."""
    template = MESSAGES.get(problem.code) if problem.code else None
    if template is None:
        return problem.reason if isinstance(problem, BadRow) else problem.message
    try:
        return _(template) % problem.params
    except (KeyError, TypeError, ValueError):  # a translation that lost a placeholder
        return template % problem.params


def _positions(header: tuple[str, ...], mapping: ImportMapping) -> list[tuple[int, str]]:
    index = {name: i for i, name in enumerate(header)}
    missing = [column for column in mapping.columns if column not in index]
    if missing:
        raise TableError(_("The file has no column %(column)s.") % {"column": missing[0]})
    return [(index[column], name) for column, name in mapping.columns.items()]


def _batches(
    table: Any, positions: list[tuple[int, str]], report: Report
) -> Iterator[tuple[Batch, dict[int, list[str]]]]:
    """Batches of mapped rows; unreadable rows go straight to the report as failed."""
    batch, raw = Batch(), {}
    for item in table:
        report.rows += 1
        if isinstance(item, BadRow):
            report.counts["failed"] += 1
            report.failed.append(FailedRow(item.line, "", translated(item), [item.raw]))
            continue
        assert isinstance(item, Row)
        values = item.values
        cells = {name: values[i] for i, name in positions if values[i]}
        batch.rows.append((item.line, cells))
        raw[item.line] = list(values)
        if len(batch.rows) >= BATCH_ROWS:
            yield batch, raw
            batch, raw = Batch(), {}
    if batch.rows:
        yield batch, raw


def _count(report: Report, batch: Batch, raw: dict[int, list[str]], keep: int) -> None:
    for result in batch.results:
        outcome = result.final
        report.counts[outcome] += 1
        if outcome == "failed" and len(report.failed) < keep:
            column, reason = result.errors[0]
            reason = "; ".join(r for _c, r in result.errors) if len(result.errors) > 1 else reason
            report.failed.append(FailedRow(result.line, column, reason, raw[result.line]))
        elif outcome == "updated" and result.diff and len(report.sample_updates) < SAMPLE_DIFFS:
            report.sample_updates.append({"line": result.line, "changes": result.diff})
