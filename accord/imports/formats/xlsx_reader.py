"""XLSX through python-calamine, after checking that calamine can read the file safely.

calamine builds a sheet as one dense grid spanning its used cells and reserves the shared
strings from their declared count. A 6 KB file with a value in A1 and one in XFD1048576, or an
`uniqueCount` of four billion, makes it ask for hundreds of gigabytes, and a failed Rust
allocation aborts the process instead of raising. So the zip is checked with the standard
library first: the number of entries, no duplicate names, the declared sizes, every part
calamine reads decompressed once (zipfile stops at the declared size and checks the CRC, so a
part cannot inflate past what it declares), the shared-string count against the part's size,
and the grid the chosen sheet spans, which must stay under MAX_CELLS and within GRID_RATIO
times the cells in use (GRID_FLOOR at least): a few hundred bytes must not make us walk
millions of empty cells.

The grid is bounded in up to three passes over the sheet's XML, cheapest first: with the cell
references written the usual way (`<c r="B7"`, as Excel, LibreOffice and the common libraries
write them) a few regex searches give the widest column and the longest row number, which
bound the grid for nearly every real file; then the exact last row; and only for unusual XML
(prefixed tags, cells without references) a tag-by-tag walk that follows calamine's own rules.

Cells become the text a user expects: integral numbers without ".0" and never in exponent
notation (an INN 7707083893 typed as a number stays 7707083893), other numbers with the 15
significant digits Excel shows (0.1 + 0.2 is "0.3"), booleans "true"/"false", dates
YYYY-MM-DD, date-times YYYY-MM-DDTHH:MM:SS and times HH:MM:SS (rounded to the second),
durations H:MM:SS, error cells (#N/A...) and empty cells "".
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import html
import io
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, NamedTuple, TypeVar

from python_calamine import CalamineWorkbook, PasswordError

from accord.imports.formats.base import (
    BadRow,
    Dialect,
    Row,
    Table,
    TableError,
    make_header,
)

T = TypeVar("T")

MAX_ENTRIES = 10_000
MAX_SMALL_PART = 64 << 20  # workbook.xml, its relationships, styles.xml
MAX_SHARED_STRINGS = 256 << 20
MAX_SHEET_PART = 512 << 20
MAX_RATIO = 250  # unpacked / packed, for a part over RATIO_FROM bytes: a zip bomb beyond it
RATIO_FROM = 32 << 20
MAX_CELLS = 8_000_000  # the dense grid: about 32 bytes a cell in calamine
GRID_FLOOR = 250_000  # a sparse sheet may span this many cells whatever it holds
GRID_RATIO = 20  # ... or this many times the cells it holds
MAX_ROW = 1_048_576
MAX_COLUMN = 16_384
CHUNK = 1 << 20

WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
PACKAGE_RELS = "_rels/.rels"
STYLES = "xl/styles.xml"
SHARED_STRINGS = "xl/sharedStrings.xml"

_ATTRS = rb"((?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*(/?)>"
_ATTR = re.compile(rb"([^\s=/>]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_RELATIONSHIP = re.compile(rb"<(?:[\w.\-]+:)?Relationship" + _ATTRS)
_SHEET = re.compile(rb"<(?:[\w.\-]+:)?sheet" + _ATTRS)
_SST = re.compile(rb"<(?:[\w.\-]+:)?sst" + _ATTRS)
_DIMENSION = re.compile(rb"<(?:[\w.\-]+:)?dimension" + _ATTRS)

# Pass 1: cells written `<c r="B7"`, and anything else that could be a cell.
_ODD_CELL = re.compile(rb"<c(?! r=\")[\s>/]")
_PREFIXED_CELL = re.compile(rb":c[\s>/]")
_BAD_REFERENCE = re.compile(rb"<c r=\"(?![A-Z]{1,3}[1-9][0-9]{0,6}\")")
_WIDE_COLUMNS = re.compile(rb"<c r=\"([A-Z]{2,3})[0-9]")
_ROW_DIGITS = [re.compile(rb"<c r=\"[A-Z]{1,3}[0-9]{%d}\"" % n) for n in range(7, 0, -1)]
_ROWS_OF = {n: re.compile(rb"<c r=\"[A-Z]{1,3}([0-9]{%d})\"" % n) for n in range(1, 8)}
# Pass 3: every cell and row tag, the way calamine walks them.
_TAG = re.compile(rb"<(/?)(?:[\w.\-]+:)?(c|row)" + _ATTRS)
_ANY_TAG = re.compile(rb"</?(?:[\w.\-]+:)?(?:c|row)[\s>/]")
_REFERENCE = re.compile(rb"\A([A-Za-z]*)([0-9]+)\Z")


class _Sheet(NamedTuple):
    name: str
    paths: tuple[str, ...]  # the parts calamine may read for it (versions resolve differently)
    visible: bool
    worksheet: bool


class XlsxTable(Table):
    def __init__(self, path: Path, *, max_columns: int = 500, sheet: str | None = None) -> None:
        self.dialect = Dialect("xlsx")
        self.sheet_name = inspect_workbook(path, sheet)
        _probe_in_child(path, self.sheet_name)
        self._book = _calamine(lambda: CalamineWorkbook.from_path(str(path)))
        try:
            data = _calamine(lambda: self._book.get_sheet_by_name(self.sheet_name))
            self._height = data.height
            start = data.start
            self._first_column = start[1] + 1 if start else 1
            # iter_rows starts at the sheet's first row, whatever the first used row is.
            self._rows = enumerate(data.iter_rows(), start=1)
            self.header_line, names = _calamine(self._read_header)
            self.header = make_header(names, line=self.header_line, max_columns=max_columns)
        except BaseException:
            self.close()
            raise
        self._items = self._guarded(len(self.header))

    def __iter__(self) -> Iterator[Row | BadRow]:
        return self._items

    def close(self) -> None:
        with contextlib.suppress(Exception):  # already closed
            self._book.close()

    def rows_estimate(self) -> int | None:
        return max(self._height - 1, 0)

    def _read_header(self) -> tuple[int, list[str]]:
        for number, cells in self._rows:
            values = [_cell_text(value) for value in cells]
            if any(values):
                return number, values
        raise TableError.of("no_header")

    def _guarded(self, width: int) -> Iterator[Row | BadRow]:
        try:
            yield from self._read_rows(width)
        except TableError:
            raise
        except (GeneratorExit, KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # calamine, or a Rust panic (not an Exception)
            raise TableError.of("bad_xlsx", error=_short(exc)) from None

    def _read_rows(self, width: int) -> Iterator[Row | BadRow]:
        text = _cell_text
        for number, cells in self._rows:
            values = [value.strip() if type(value) is str else text(value) for value in cells]
            if len(values) != width:
                if len(values) > width and any(values[width:]):
                    yield self._wide_row(number, values, width)
                    continue
                values = values[:width] + [""] * (width - len(values))
            if not any(values):
                continue
            if "\x00" in "".join(values):
                column = next(i for i, v in enumerate(values) if "\x00" in v)
                yield BadRow.of("nul", number, _raw(values), column=self._first_column + column)
                continue
            yield Row(number, tuple(values))

    def _wide_row(self, number: int, values: list[str], width: int) -> BadRow:
        count = max(i for i, value in enumerate(values) if value) + 1
        return BadRow.of(
            "columns", number, _raw(values[:count]), column=self._first_column + width,
            count=count, expected=width,
        )  # fmt: skip


def _raw(values: list[str]) -> str:
    """A bad row as one CSV line, for the file of failed rows."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([v.replace("\x00", "\ufffd") for v in values])
    return out.getvalue()


# Cells -----------------------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.datetime):
        return _round_second(value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        moment = datetime.datetime.combine(datetime.date(2000, 1, 1), value)
        return _round_second(moment).time().isoformat()
    if isinstance(value, datetime.timedelta):
        return _duration_text(value)
    return "" if value is None else str(value).strip()


def _number_text(value: float) -> str:
    if value.is_integer() and -1e15 < value < 1e15:
        return str(int(value))
    text = f"{value:.15g}"
    if "e" in text and value == value and value not in (float("inf"), float("-inf")):
        text = format(Decimal(text), "f")
    return text


def _round_second(moment: datetime.datetime) -> datetime.datetime:
    if moment.microsecond >= 500_000:
        moment += datetime.timedelta(seconds=1)
    return moment.replace(microsecond=0)


def _duration_text(value: datetime.timedelta) -> str:
    seconds = round(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    minutes, second = divmod(abs(seconds), 60)
    hours, minute = divmod(minutes, 60)
    return f"{sign}{hours}:{minute:02d}:{second:02d}"


# calamine --------------------------------------------------------------------------------------


def _probe_in_child(path: Path, sheet: str) -> None:
    """Read the sheet once in a forked child first: on some damaged workbooks calamine
    aborts the whole process (a Rust panic or a failed allocation), which no exception can
    catch. A child that dies makes the file a TableError; the parent then reads a file that
    is known to be readable. Where fork is unavailable the file is read directly."""
    if not hasattr(os, "fork"):
        return
    pid = os.fork()
    if pid == 0:  # the child: read everything, report by dying or not
        with contextlib.suppress(BaseException):  # an ordinary error is the parent's to report
            book = CalamineWorkbook.from_path(str(path))
            for _row in book.get_sheet_by_name(sheet).iter_rows():
                pass
        os._exit(0)
    _pid, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status) or os.waitstatus_to_exitcode(status) != 0:
        raise TableError.of("bad_xlsx", error="the reader crashed on this file")


def _calamine(call: Callable[[], T]) -> T:
    try:
        return call()
    except TableError:
        raise
    except PasswordError:
        raise TableError.of("encrypted") from None
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # CalamineError, or a Rust panic (not an Exception)
        raise TableError.of("bad_xlsx", error=_short(exc)) from None


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


# The zip check ---------------------------------------------------------------------------------


def inspect_workbook(path: Path, sheet: str | None) -> str:
    """Check that calamine can read this workbook safely; the name of the sheet to read."""
    try:
        with zipfile.ZipFile(path) as book:
            return _inspect(book, sheet)
    except TableError:
        raise
    except RuntimeError as exc:  # an encrypted entry
        code = "encrypted" if "encrypted" in str(exc) else "bad_xlsx"
        raise TableError.of(code, error=_short(exc)) from None
    except OSError as exc:
        raise TableError.of("io", error=exc.strerror or str(exc)) from None
    except Exception as exc:  # BadZipFile, EOFError, NotImplementedError, struct.error...
        raise TableError.of("bad_xlsx", error=_short(exc)) from None


def _inspect(book: zipfile.ZipFile, sheet: str | None) -> str:
    entries = _entries(book)
    workbook, rels = entries.get(WORKBOOK.lower()), entries.get(WORKBOOK_RELS.lower())
    if workbook is None:
        raise TableError.of("not_xlsx")
    if rels is None:
        raise TableError.of("bad_xlsx", error="no workbook relationships")
    relationships = _relationships(_read(book, rels, MAX_SMALL_PART))
    chosen = _choose(_sheets(_read(book, workbook, MAX_SMALL_PART), relationships), sheet)
    for small in (STYLES, PACKAGE_RELS):
        if small.lower() in entries:
            _read(book, entries[small.lower()], MAX_SMALL_PART)
    if SHARED_STRINGS.lower() in entries:
        _check_shared_strings(book, entries[SHARED_STRINGS.lower()])
    parts = [entries[path.lower()] for path in chosen.paths if path.lower() in entries]
    if not parts:
        raise TableError.of("bad_xlsx", error=f"no part for the sheet {chosen.name}")
    for part in parts:
        _check_grid(book, part)
    return chosen.name


def _entries(book: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Entries by lower-case name (calamine looks names up ignoring case)."""
    infos = book.infolist()
    if len(infos) > MAX_ENTRIES:
        raise TableError.of("xlsx_too_large", what=f"{len(infos)} entries")
    entries: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        key = info.filename.lower()
        if key in entries:
            raise TableError.of("bad_xlsx", error=f"duplicate entry {info.filename}")
        if info.flag_bits & 0x1:
            raise TableError.of("encrypted")
        entries[key] = info
        total += info.file_size
    if total > 2 * MAX_SHEET_PART:
        raise TableError.of("xlsx_too_large", what=f"{total >> 20} MB unpacked")
    return entries


def _open(book: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> IO[bytes]:
    if info.file_size > limit:
        raise TableError.of("xlsx_too_large", what=f"{info.filename}: {info.file_size >> 20} MB")
    if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise TableError.of(
            "xlsx_too_large", what=f"{info.filename} unpacks {MAX_RATIO} times over"
        )
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise TableError.of("bad_xlsx", error=f"unsupported compression in {info.filename}")
    return book.open(info)


def _read(book: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    with _open(book, info, limit) as part:
        return part.read()


def _chunks(book: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> Iterator[bytes]:
    """The part's bytes in pieces that end before a `<`, so no tag is cut in two."""
    carry = b""
    with _open(book, info, limit) as part:
        while block := part.read(CHUNK):
            data = carry + block
            cut = data.rfind(b"<")
            if cut <= 0 and len(data) <= 16 * CHUNK:
                carry = data
                continue
            if cut <= 0:  # no tag to keep whole: a huge text node
                cut = len(data)
            carry = data[cut:]
            yield data[:cut]
    if carry:
        yield carry


def _attributes(raw: bytes) -> dict[bytes, bytes]:
    return {
        m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
        for m in _ATTR.finditer(raw)
    }


def _relationships(data: bytes) -> dict[bytes, str]:
    found: dict[bytes, str] = {}
    for match in _RELATIONSHIP.finditer(data):
        attributes = _attributes(match.group(1))
        found[attributes.get(b"Id", b"")] = attributes.get(b"Target", b"").decode(
            "utf-8", "replace"
        )
    return found


def _sheets(data: bytes, relationships: dict[bytes, str]) -> list[_Sheet]:
    """The sheets in workbook order, with the parts calamine may read for each."""
    sheets = []
    for match in _SHEET.finditer(data):
        attributes = _attributes(match.group(1))
        name = html.unescape(attributes.get(b"name", b"").decode("utf-8", "replace"))
        state = attributes.get(b"state", b"visible")
        rid = attributes.get(b"r:id", attributes.get(b"relationships:id"))
        target = relationships.get(rid, "") if rid is not None else ""
        paths = _part_paths(target) + _part_paths(html.unescape(target))
        worksheet = any(path.split("/")[1:2] == ["worksheets"] for path in paths)
        sheets.append(_Sheet(name, tuple(dict.fromkeys(paths)), state == b"visible", worksheet))
    names = [sheet.name.casefold() for sheet in sheets]
    if len(set(names)) != len(names):
        raise TableError.of("bad_xlsx", error="two sheets have the same name")
    return sheets


def _part_paths(target: str) -> list[str]:
    """Where calamine looks for a sheet's relationship target: "/xl/a" is "xl/a", "a" is
    "xl/a"; "xl/a" is "xl/a" in older versions and "xl/xl/a" in newer ones."""
    if target.startswith("/"):
        return [target[1:], "xl" + target]
    return ["xl/" + target, target] if target.startswith("xl/") else ["xl/" + target]


def _choose(sheets: list[_Sheet], name: str | None) -> _Sheet:
    if name is not None:
        for sheet in sheets:
            if sheet.name == name and sheet.worksheet:
                return sheet
        raise TableError.of("no_sheet", sheet=name)
    worksheets = [sheet for sheet in sheets if sheet.worksheet]
    if not worksheets:
        raise TableError.of("no_sheets")
    return next((sheet for sheet in worksheets if sheet.visible), worksheets[0])


def _check_shared_strings(book: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """calamine reserves `uniqueCount` strings up front: it must fit the part's size."""
    head = b""
    for chunk in _chunks(book, info, MAX_SHARED_STRINGS):  # read it all: size and CRC
        if len(head) < CHUNK:
            head += chunk[: CHUNK - len(head)]
    match = _SST.search(head)
    if match is None:
        raise TableError.of("bad_xlsx", error="no shared strings table")
    declared = _attributes(match.group(1)).get(b"uniqueCount")
    if declared is None:
        return
    if not declared.isdigit() or int(declared) > max(info.file_size // 16, 1024):
        raise TableError.of("bad_xlsx", error="shared strings count out of range")


def _grid_limit(cells: int) -> int:
    """Cells the grid may span: a few times the cells in use, at least GRID_FLOOR (so a
    sheet may be sparse), never more than MAX_CELLS."""
    return min(MAX_CELLS, max(GRID_FLOOR, GRID_RATIO * cells))


def _check_grid(book: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    """The grid calamine will allocate for this sheet must stay under the limit."""
    bound = _usual_bound(book, part)
    if bound is not None:
        rows, columns, cells = bound
        if rows * columns <= _grid_limit(cells):
            return
        rows = _last_row(book, part, digits=len(str(rows)))
        if rows * columns <= _grid_limit(cells):
            return
    rows, columns, cells = _walk_bound(book, part)
    if rows * columns > _grid_limit(cells):
        raise TableError.of("xlsx_too_large", what=f"{rows} rows × {columns} columns used")


def _usual_bound(book: zipfile.ZipFile, part: zipfile.ZipInfo) -> tuple[int, int, int] | None:
    """(rows, columns, cells) bounding every cell, when all cells are written `<c r="B7"`;
    else None. Formatted empty cells count as cells here."""
    digits, columns, cells = 0, 0, 0
    for chunk in _chunks(book, part, MAX_SHEET_PART):
        if _ODD_CELL.search(chunk) or _PREFIXED_CELL.search(chunk) or _BAD_REFERENCE.search(chunk):
            return None
        for pattern, length in zip(_ROW_DIGITS, range(7, 0, -1), strict=True):
            if length <= digits:
                break
            if pattern.search(chunk):
                digits = length
                break
        cells += chunk.count(b'<c r="')
        for letters in set(_WIDE_COLUMNS.findall(chunk)):
            columns = max(columns, _column_number(letters))
    if not cells:
        return (0, 0, 0)
    return (10**digits - 1, max(columns, 26), cells)


def _last_row(book: zipfile.ZipFile, part: zipfile.ZipInfo, *, digits: int) -> int:
    """The largest row number among references with this many digits (the most there are)."""
    pattern = _ROWS_OF[min(max(digits, 1), 7)]
    last = 0
    for chunk in _chunks(book, part, MAX_SHEET_PART):
        rows = pattern.findall(chunk)
        if rows:
            last = max(last, max(map(int, rows)))
    return last


def _walk_bound(book: zipfile.ZipFile, part: zipfile.ZipInfo) -> tuple[int, int, int]:
    """(rows, columns, cells in use) from row 1 / column A to the last cell calamine may keep, following
    its rules: a cell's `r` when it has one, else the row's `r` or count and the cell count;
    a self-closing cell is empty. Unparseable tags refuse the file."""
    walk = _Walk()
    for chunk in _chunks(book, part, MAX_SHEET_PART):
        matched = 0
        for closing, name, attributes, empty in _TAG.findall(chunk):
            matched += 1
            walk.tag(closing == b"/", name == b"row", attributes, empty == b"/")
        if matched != len(_ANY_TAG.findall(chunk)):
            raise TableError.of("bad_xlsx", error="malformed cell tags")
    return walk.rows, walk.columns, walk.cells


class _Walk:
    def __init__(self) -> None:
        self.row_seen = 0  # calamine's row index if it sees self-closing rows
        self.row_unseen = 0  # ... and if it does not
        self.column = 0
        self.rows = 0
        self.columns = 0
        self.cells = 0

    def tag(self, closing: bool, is_row: bool, attributes: bytes, empty: bool) -> None:
        if is_row:
            self._row(closing, attributes, empty)
        elif not closing:
            self._cell(attributes, empty)

    def _row(self, closing: bool, attributes: bytes, empty: bool) -> None:
        if closing:
            self.row_seen += 1
            self.row_unseen += 1
            self.column = 0
            return
        reference = _attributes(attributes).get(b"r")
        row = _reference(reference)[0] if reference is not None else None
        if row is not None:
            self.row_seen = row
            if not empty:
                self.row_unseen = row
        if empty:
            self.row_seen += 1

    def _cell(self, attributes: bytes, empty: bool) -> None:
        reference = _attributes(attributes).get(b"r")
        if reference is not None:
            row, column = _reference(reference)
            if column is None:
                raise TableError.of("bad_xlsx", error="a cell reference without a column")
        else:
            row, column = max(self.row_seen, self.row_unseen), self.column
        self.column = column + 1
        if not empty:
            self.rows = max(self.rows, row + 1)
            self.columns = max(self.columns, column + 1)
            self.cells += 1


def _reference(raw: bytes) -> tuple[int, int | None]:
    """A cell or row reference as 0-based (row, column), checked against Excel's limits."""
    match = _REFERENCE.match(raw)
    if match is None or int(match.group(2)) == 0:
        raise TableError.of("bad_xlsx", error="a malformed cell reference")
    row = int(match.group(2)) - 1
    column = _column_number(match.group(1).upper()) - 1 if match.group(1) else None
    if row >= MAX_ROW or (column is not None and column >= MAX_COLUMN):
        raise TableError.of("bad_xlsx", error="a cell reference beyond the sheet's limits")
    return row, column


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


# The estimate ----------------------------------------------------------------------------------


def xlsx_rows_estimate(path: Path) -> int | None:
    """Rows below the header from the chosen sheet's `<dimension ref="A1:J100001">`."""
    try:
        with zipfile.ZipFile(path) as book:
            entries = _entries(book)
            rels = _read(book, entries[WORKBOOK_RELS.lower()], MAX_SMALL_PART)
            workbook = _read(book, entries[WORKBOOK.lower()], MAX_SMALL_PART)
            sheets = _sheets(workbook, _relationships(rels))
            chosen = _choose(sheets, None)
            info = next(entries[p.lower()] for p in chosen.paths if p.lower() in entries)
            with _open(book, info, MAX_SHEET_PART) as part:
                head = part.read(64 * 1024)
        match = _DIMENSION.search(head)
        if match is None:
            return None
        ref = _attributes(match.group(1)).get(b"ref", b"")
        ends = [_reference(end)[0] for end in ref.split(b":")]
        return max(ends[-1] - ends[0], 0)
    except Exception:
        return None
