"""What a table reader answers: the dialect, the header, rows and bad rows, and its one error.

Messages are English and rendered from the templates in MESSAGES, which are marked with
`gettext_noop` so that makemessages finds them; a caller that shows them in another language
translates `MESSAGES[code]` and formats it with `params` (pure Python: no Django here).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any


def gettext_noop(message: str) -> str:
    """Marks a message for extraction; translation happens in the caller."""
    return message


MESSAGES: dict[str, str] = {
    # The whole file (TableError).
    "io": gettext_noop("The file cannot be read: %(error)s"),
    "empty": gettext_noop("The file is empty."),
    "no_header": gettext_noop("The file has no header row."),
    "binary": gettext_noop(
        "The file is not CSV text (it contains NUL bytes). Upload a CSV file (UTF-8 or "
        "windows-1251) or an Excel .xlsx workbook."
    ),
    "utf16": gettext_noop(
        "The file is UTF-16 text, which is not supported. Save it as CSV UTF-8 and upload it again."
    ),
    "xls": gettext_noop(
        "The file is an old Excel 97-2003 (.xls) workbook or an encrypted one. Save it as "
        ".xlsx or CSV and upload it again."
    ),
    "encrypted": gettext_noop(
        "The workbook is protected with a password. Remove the password, save it and upload it "
        "again."
    ),
    "not_xlsx": gettext_noop(
        "The file is a zip archive but not an Excel .xlsx workbook (ODS and XLSB are not "
        "supported): save it as .xlsx or CSV."
    ),
    "named_xlsx": gettext_noop(
        "The file is named %(filename)s but is not an Excel workbook; it may be damaged."
    ),
    "bad_xlsx": gettext_noop("The workbook is damaged and cannot be read: %(error)s"),
    "xlsx_too_large": gettext_noop(
        "The workbook is too large to read (%(what)s). Split it or save it as CSV."
    ),
    "no_sheet": gettext_noop("The workbook has no worksheet named %(sheet)s."),
    "no_sheets": gettext_noop("The workbook has no worksheet."),
    "bad_encoding": gettext_noop("Unsupported encoding %(encoding)s."),
    "bad_delimiter": gettext_noop("Unsupported delimiter %(delimiter)r."),
    "bad_quotechar": gettext_noop("Unsupported quote character %(quotechar)r."),
    "bad_header": gettext_noop("The header row cannot be read: %(reason)s"),
    "duplicate_header": gettext_noop("Duplicate column names in the header: %(names)s."),
    "too_many_columns": gettext_noop(
        "The header has %(count)s columns; at most %(limit)s are allowed."
    ),
    # One row (BadRow).
    "invalid_byte": gettext_noop("invalid byte 0x%(byte)02X for %(encoding)s at column %(column)s"),
    "invalid_byte_at": gettext_noop(
        "invalid byte 0x%(byte)02X for %(encoding)s on line %(bad_line)s, column %(column)s"
    ),
    "nul": gettext_noop("NUL character at column %(column)s"),
    "nul_at": gettext_noop("NUL character on line %(bad_line)s, column %(column)s"),
    "unterminated_quote": gettext_noop(
        "unterminated quote: the quoted field that starts on this line is never closed"
    ),
    "quote_too_long": gettext_noop(
        "unterminated quote: the quoted field that starts on this line is not closed within "
        "%(lines)s lines or %(size)s bytes"
    ),
    "text_after_quote": gettext_noop(
        'text after a closing quote (a quote inside a quoted field must be doubled: "")'
    ),
    "field_too_long": gettext_noop("a field is longer than %(limit)s characters"),
    "line_too_long": gettext_noop("the line is longer than %(limit)s bytes"),
    "quote_not_closed": gettext_noop(
        "the quoted field that starts on this line is not closed properly (the text on line "
        "%(bad_line)s does not fit it)"
    ),
    "csv": gettext_noop("malformed CSV: %(error)s"),
    "columns": gettext_noop("%(count)s columns where the header has %(expected)s"),
}


def render(code: str, params: Mapping[str, Any]) -> str:
    return MESSAGES[code] % dict(params)


class TableError(Exception):
    """The whole file cannot be read. `message` is for the user; `code` and `params` let a
    caller translate it (see MESSAGES). Constructed with a plain message it has no code."""

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        code: str = "",
        params: Mapping[str, Any] | None = None,
    ) -> None:
        where = ""
        if line is not None:
            where = f" (line {line}" + (f", column {column})" if column is not None else ")")
        super().__init__(f"{message}{where}")
        self.message = message
        self.line = line
        self.column = column
        self.code = code
        self.params: Mapping[str, Any] = params or {}

    @classmethod
    def of(
        cls, code: str, *, line: int | None = None, column: int | None = None, **params: Any
    ) -> TableError:
        params = {"line": line, "column": column, **params}
        return cls(render(code, params), line=line, column=column, code=code, params=params)


@dataclass(frozen=True, slots=True)
class Dialect:
    """How a file is read. Blank `encoding` or `delimiter` on a CSV dialect are detected."""

    kind: str  # "csv" | "xlsx"
    encoding: str = ""  # "utf-8", "utf-8-sig", "cp1251" ("" for xlsx)
    delimiter: str = ""  # ",", ";", "\t", "|"
    quotechar: str = '"'


@dataclass(frozen=True, slots=True)
class Row:
    line: int  # CSV: the physical line where the record starts; XLSX: the sheet row number
    values: tuple[str, ...]  # exactly len(header) strings, stripped


@dataclass(frozen=True, slots=True)
class BadRow:
    """A record that cannot be read; `raw` is its text for the "failed rows" file."""

    line: int
    reason: str
    raw: str
    column: int | None = None
    code: str = ""
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def of(
        cls, code: str, line: int, raw: str, *, column: int | None = None, **params: Any
    ) -> BadRow:
        params = {"line": line, "column": column, **params}
        return cls(line, render(code, params), raw, column, code, params)


class Table:
    """An open table: the header is read on opening, rows stream on iteration (one pass)."""

    dialect: Dialect
    header: tuple[str, ...]
    header_line: int

    def __iter__(self) -> Iterator[Row | BadRow]:
        raise NotImplementedError

    def rows_estimate(self) -> int | None:
        """Data rows expected, for a progress bar; None when unknown."""
        return None

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Table:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def make_header(names: list[str], *, line: int, max_columns: int) -> tuple[str, ...]:
    """Header names: runs of whitespace (line breaks in a wrapped header cell) made one space,
    a BOM dropped, trailing blanks cut, other blanks named "column N"; duplicates (ignoring
    case), a NUL and too many columns are TableErrors."""
    if names:
        names = [names[0].replace("\ufeff", ""), *names[1:]]
    names = [" ".join(name.split()) for name in names]
    for index, name in enumerate(names, start=1):
        if "\x00" in name:
            reason = render("nul", {"column": index})
            raise TableError.of("bad_header", line=line, column=index, reason=reason)
    while names and not names[-1]:
        names.pop()
    if not names:
        raise TableError.of("no_header", line=line)
    if len(names) > max_columns:
        raise TableError.of("too_many_columns", line=line, count=len(names), limit=max_columns)
    names = [name or f"column {i}" for i, name in enumerate(names, start=1)]
    keys = [name.casefold() for name in names]
    repeated = {key for key in keys if keys.count(key) > 1}
    if repeated:
        first = [
            name for i, name in enumerate(names) if keys[i] in repeated and keys.index(keys[i]) == i
        ]
        raise TableError.of(
            "duplicate_header", line=line, names=", ".join(f'"{name}"' for name in first)
        )
    return tuple(names)


def fit_row(line: int, fields: list[str], width: int, raw: str) -> Row | BadRow | None:
    """A record's fields as a Row of exactly `width` values, a BadRow, or None when blank.

    Extra trailing fields are tolerated only when empty (a trailing delimiter)."""
    values = tuple([value.strip() for value in fields])
    count = len(values)
    if count != width:
        if count < width or any(values[width:]):
            if not any(values):
                return None
            return BadRow.of("columns", line, raw, count=count, expected=width)
        values = values[:width]
    if not any(values):
        return None
    return Row(line, values)
