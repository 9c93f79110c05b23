"""Reading a CSV or XLSX table: `detect` the dialect, `open_table`, iterate its rows.

    with open_table(path) as table:          # the dialect is detected when not given
        table.header                         # ("ИНН", "Наименование", ...)
        for item in table:                   # Row(line, values) or BadRow(line, reason, raw)
            ...

Nothing but TableError leaves `detect`, `open_table` or the iteration, whatever the bytes; a
bad record is a BadRow in the stream, and the rows after it still load. How CSV is read is told
in csv_reader, how encodings and delimiters are guessed in sniff, and how a workbook is checked
before calamine reads it in xlsx_reader.
"""

from __future__ import annotations

import os
from pathlib import Path

from accord.imports.formats.base import (
    MESSAGES,
    BadRow,
    Dialect,
    Row,
    Table,
    TableError,
)
from accord.imports.formats.csv_reader import CsvTable
from accord.imports.formats.sniff import (
    DELIMITERS,
    ENCODINGS,
    SAMPLE_BYTES,
    check_delimiter,
    check_quotechar,
    detect_delimiter,
    detect_encoding,
    normalize_encoding,
    sample_text,
    sniff_kind,
)
from accord.imports.formats.xlsx_reader import XlsxTable, xlsx_rows_estimate

__all__ = [
    "DELIMITERS",
    "ENCODINGS",
    "MESSAGES",
    "BadRow",
    "Dialect",
    "Row",
    "Table",
    "TableError",
    "detect",
    "open_table",
    "rows_estimate",
]

MAX_COLUMNS = 500


def detect(path: Path | str, *, filename: str = "") -> Dialect:
    """The dialect of this file: kind, and for CSV the encoding and the delimiter."""
    return _detect(Path(path), filename=filename, partial=None)


def open_table(
    path: Path | str,
    *,
    dialect: Dialect | None = None,
    filename: str = "",
    max_columns: int = MAX_COLUMNS,
    sheet: str | None = None,
) -> Table:
    """Open a table and read its header. A CSV dialect with a blank encoding or delimiter
    has the blank detected; `sheet` names the worksheet (default: the first visible one)."""
    path = Path(path)
    if dialect is None or dialect.kind == "csv":  # a given CSV dialect still has its blanks
        dialect = _detect(path, filename=filename, partial=dialect)  # filled, and binary refused
    if dialect.kind == "xlsx":
        return XlsxTable(path, max_columns=max_columns, sheet=sheet)
    if dialect.kind != "csv":
        raise TableError(f"Unknown table kind {dialect.kind!r}.", code="kind")
    encoding = normalize_encoding(dialect.encoding)
    check_delimiter(dialect.delimiter, dialect.quotechar)
    dialect = Dialect("csv", encoding, dialect.delimiter, dialect.quotechar)
    return CsvTable(path, dialect, max_columns=max_columns)


def rows_estimate(path: Path | str) -> int | None:
    """Data rows to expect, cheaply, for a progress bar; None when it cannot tell."""
    try:
        path = Path(path)
        dialect = detect(path)
        if dialect.kind == "xlsx":
            return xlsx_rows_estimate(path)
        size = os.path.getsize(path)
        with open(path, "rb") as fh:
            head = fh.read(SAMPLE_BYTES)
        breaks = head.count(b"\n") or head.count(b"\r")
        if size <= len(head):
            return max(breaks - (1 if head.endswith((b"\n", b"\r")) else 0), 0)
        return max(round(size * breaks / max(len(head), 1)) - 1, 0)
    except (TableError, OSError, ValueError):
        return None


def _detect(path: Path, *, filename: str, partial: Dialect | None) -> Dialect:
    quotechar = partial.quotechar if partial is not None else '"'
    check_quotechar(quotechar)
    try:
        with open(path, "rb") as fh:
            head = fh.read(SAMPLE_BYTES)
            kind = sniff_kind(head, filename, fh)
            if kind == "xlsx":
                return Dialect("xlsx")
            if partial is not None and partial.encoding:
                encoding = normalize_encoding(partial.encoding)
            else:
                encoding = detect_encoding(head, fh)
    except OSError as exc:
        raise TableError.of("io", error=exc.strerror or str(exc)) from None
    delimiter = partial.delimiter if partial is not None else ""
    if not delimiter:
        text = sample_text(head, encoding, at_eof=len(head) < SAMPLE_BYTES)
        delimiter = detect_delimiter(text, quotechar=quotechar, complete=len(head) < SAMPLE_BYTES)
    return Dialect("csv", encoding, delimiter, quotechar)
