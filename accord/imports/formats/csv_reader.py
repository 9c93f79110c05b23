"""CSV, read line by line so that one bad line costs one row, never the file.

Lines: the file is read in 1 MiB blocks and cut into physical lines on bytes (LF, CRLF or a
lone CR), so memory stays bounded whatever the file size, and every record knows the physical
line it starts on.

Decoding per line: each line's bytes are decoded on their own. A line with an invalid byte
(or, in windows-1251, the one undefined byte 0x98) becomes a BadRow naming its line and column,
and the lines around it load; decoding the whole file at once would fail all or nothing, or
hide the line behind a file offset.

Records: a line without a quote character is a whole record and is split on the delimiter
(the fast path). A line with one goes to the csv module in strict mode, fed one physical line
at a time: the module asks for the next line only while a quoted field is open, so it decides
where the record ends by the same quote rules it parses with (a bare quote inside an unquoted
field, `Pipe 1/2"`, opens nothing; counting quote characters would get that wrong). If the
field is still open after MAX_RECORD_LINES lines or MAX_RECORD_BYTES, or at the end of the
file, the quote is unterminated: the record's first line becomes a BadRow and reading resumes
at the line after it (the lines read ahead are replayed), so a stray quote costs one row, not
the rest of the file. Text after a closing quote (`"abc"x`) is handled the same way. The
lines inside an open quoted field hold only doubled quotes, so on replay each is one record
again: a line is read at most twice, however hostile the file.

Values are stripped; line breaks inside a quoted field become "\\n".
"""

from __future__ import annotations

import codecs
import csv
import os
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple, cast

from accord.imports.formats.base import (
    BadRow,
    Dialect,
    Row,
    Table,
    TableError,
    fit_row,
    make_header,
    render,
)
from accord.imports.formats.sniff import ENCODING_LABELS

CHUNK_BYTES = 1 << 20
MAX_LINE_BYTES = 1 << 20
MAX_RECORD_LINES = 100
MAX_RECORD_BYTES = 1 << 20

Line = tuple[int, bytes | None]  # (line number, bytes); None: over-long line, or (0, None): EOF
_EOF: Line = (0, None)


class _Problem(NamedTuple):
    """Why a record that parsed is still bad: an undecodable byte or a NUL."""

    code: str  # "invalid_byte" | "nul"
    line: int
    column: int
    params: dict[str, Any]


class _RecordOverflowError(Exception):
    """A quoted field runs past the record limits or into an over-long line."""


class _Splitter:
    """Cuts blocks of bytes into physical lines; an over-long line becomes None."""

    def __init__(self) -> None:
        self.carry = b""
        self.skipping = False  # dropping the rest of an over-long line
        self.drop_first = False  # the next line is the tail of an over-long line

    def push(self, chunk: bytes) -> list[bytes | None]:
        if self.skipping:
            cut = _first_break(chunk)
            if cut < 0:
                return []
            chunk, self.skipping, self.drop_first = chunk[cut:], False, True
        data = self.carry + chunk if self.carry else chunk
        body, self.carry = _split_tail(data)
        lines = self._lines(body)
        if len(self.carry) - self.carry.endswith(b"\r") > MAX_LINE_BYTES:
            lines.append(None)
            if self.carry.endswith(b"\r"):  # ended, but an LF may follow in the next block
                self.carry, self.drop_first = b"\r", True
            else:
                self.carry, self.skipping = b"", True
        return lines

    def finish(self) -> list[bytes | None]:
        lines = self._lines(self.carry)
        self.carry = b""
        return lines

    def _lines(self, body: bytes) -> list[bytes | None]:
        if not body:
            return []
        lines = body.splitlines()
        if self.drop_first:
            del lines[0]
            self.drop_first = False
        if lines and max(map(len, lines)) > MAX_LINE_BYTES:
            return [None if len(line) > MAX_LINE_BYTES else line for line in lines]
        return cast(list[bytes | None], lines)


def _first_break(data: bytes) -> int:
    ends = [p for p in (data.find(b"\n"), data.find(b"\r")) if p >= 0]
    return min(ends) if ends else -1


def _split_tail(data: bytes) -> tuple[bytes, bytes]:
    """Complete lines, and the unfinished last one (a final CR is kept: an LF may follow)."""
    if data.endswith(b"\n"):
        return data, b""
    end = len(data) - 1 if data.endswith(b"\r") else len(data)
    cut = max(data.rfind(b"\n", 0, end), data.rfind(b"\r", 0, end)) + 1
    return data[:cut], data[cut:]


class _Feed:
    """The csv module's input: the record's first line, then physical lines on demand."""

    def __init__(self, lines: Iterator[Line], decode: Callable[[int, bytes], Any]) -> None:
        self._lines = lines
        self._decode = decode
        self.first: str | None = None
        self.taken: list[Line] = []
        self.texts: list[str] = []
        self.size = 0
        self.problem: _Problem | None = None

    def start(self, text: str) -> None:
        self.first = text + "\n"
        self.taken, self.texts, self.size, self.problem = [], [], len(text), None

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        first = self.first
        if first is not None:
            self.first = None
            return first
        if len(self.taken) + 1 >= MAX_RECORD_LINES or self.size > MAX_RECORD_BYTES:
            raise _RecordOverflowError
        lineno, raw = next(self._lines)
        if raw is None:
            if not lineno:
                raise StopIteration  # end of file inside a quoted field
            self.taken.append((lineno, raw))
            raise _RecordOverflowError
        self.taken.append((lineno, raw))
        self.size += len(raw)
        text, problem = self._decode(lineno, raw)
        if self.problem is None:
            self.problem = problem
        self.texts.append(text)
        return text + "\n"


class CsvTable(Table):
    def __init__(self, path: Path, dialect: Dialect, *, max_columns: int = 500) -> None:
        self.dialect = dialect
        self._codec = "utf-8" if dialect.encoding == "utf-8-sig" else dialect.encoding
        self._label = ENCODING_LABELS.get(dialect.encoding, dialect.encoding)
        try:
            self._fh = open(path, "rb")  # noqa: SIM115 - closed by close()
            self._size = os.fstat(self._fh.fileno()).st_size
        except OSError as exc:
            raise TableError.of("io", error=exc.strerror or str(exc)) from None
        self._replay: deque[Line] = deque()
        self._lines = self._physical_lines()
        self._feed = _Feed(self._lines, self._decode)
        self._reader = csv.reader(
            self._feed,
            delimiter=dialect.delimiter,
            quotechar=dialect.quotechar,
            doublequote=True,
            skipinitialspace=True,
            strict=True,
        )
        self._sample = (0, 0, False)  # the first block's line breaks, size, and final break
        try:
            self.header_line, names = self._read_header()
            self.header = make_header(names, line=self.header_line, max_columns=max_columns)
        except BaseException as exc:
            self.close()
            if isinstance(exc, TableError) or not isinstance(exc, Exception):
                raise
            raise TableError.of("io", error=str(exc)) from exc
        self._items = self._guarded(len(self.header))

    def __iter__(self) -> Iterator[Row | BadRow]:
        return self._items

    def close(self) -> None:
        self._fh.close()

    def rows_estimate(self) -> int | None:
        """From the file size and the average line length in the first block."""
        breaks, size, ends_line = self._sample
        if not size:
            return 0
        if self._size <= size:  # the whole file
            return max(breaks + (0 if ends_line else 1) - self.header_line, 0)
        return max(round(self._size * breaks / size) - self.header_line, 0)

    # Lines ----------------------------------------------------------------------------------

    def _chunks(self) -> Iterator[list[bytes | None]]:
        read = self._fh.read
        splitter = _Splitter()
        chunk = read(max(CHUNK_BYTES, len(codecs.BOM_UTF8)))
        if chunk.startswith(codecs.BOM_UTF8):  # never part of the first header name
            chunk = chunk[len(codecs.BOM_UTF8) :] or read(CHUNK_BYTES)
        breaks = chunk.count(b"\n") or chunk.count(b"\r")
        self._sample = (breaks, len(chunk), chunk.endswith((b"\n", b"\r")))
        while chunk:
            yield splitter.push(chunk)
            chunk = read(CHUNK_BYTES)
        yield splitter.finish()

    def _physical_lines(self) -> Iterator[Line]:
        """(line number, bytes) for each physical line, the replayed ones first; then EOF
        forever, so that lines pushed back after the end are still read."""
        replay = self._replay
        lineno = 0
        for lines in self._chunks():
            for raw in lines:
                lineno += 1
                yield lineno, raw
                while replay:
                    yield replay.popleft()
        while True:
            while replay:
                yield replay.popleft()
            yield _EOF

    def _decode(self, lineno: int, raw: bytes) -> tuple[str, _Problem | None]:
        try:
            text = raw.decode(self._codec)
        except UnicodeDecodeError as exc:
            text = raw.decode(self._codec, "replace").replace("\x00", "\ufffd")
            column = len(raw[: exc.start].decode(self._codec, "replace")) + 1
            params = {"byte": raw[exc.start], "encoding": self._label}
            return text, _Problem("invalid_byte", lineno, column, params)
        nul = text.find("\x00")
        if nul >= 0:
            return text.replace("\x00", "\ufffd"), _Problem("nul", lineno, nul + 1, {})
        return text, None

    # Records --------------------------------------------------------------------------------

    def _read_header(self) -> tuple[int, list[str]]:
        first = True
        for lineno, raw in self._lines:
            if raw is None:
                if not lineno:
                    break
                reason = render("line_too_long", {"limit": MAX_LINE_BYTES})
                raise TableError.of("bad_header", line=lineno, reason=reason)
            record = self._record(lineno, raw)
            if isinstance(record, BadRow):
                raise TableError.of(
                    "bad_header", line=lineno, column=record.column, reason=record.reason
                )
            if record is None or not any(field.strip() for field in record[0]):
                continue
            if first and _is_sep_line(record[1]):
                first = False
                continue
            return lineno, record[0]
        raise TableError.of("no_header")

    def _guarded(self, width: int) -> Iterator[Row | BadRow]:
        try:
            yield from self._rows(width)
        except TableError:
            raise
        except Exception as exc:  # an I/O error halfway, memory...: still only TableError
            raise TableError.of("io", error=str(exc) or type(exc).__name__) from exc

    def _rows(self, width: int) -> Iterator[Row | BadRow]:
        """The hot loop: quote-free, decodable lines of the right width never leave it."""
        codec, quote, delimiter = self._codec, self.dialect.quotechar, self.dialect.delimiter
        strip = str.strip
        for lineno, raw in self._lines:
            if raw is None:
                if not lineno:
                    return
                yield BadRow.of("line_too_long", lineno, "", limit=MAX_LINE_BYTES)
                continue
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError:
                item = self._slow_row(lineno, raw, width, None)
            else:
                if quote not in text and "\x00" not in text:
                    values = tuple(map(strip, text.split(delimiter)))
                    if len(values) == width:
                        if any(values):
                            yield Row(lineno, values)
                        continue
                item = self._slow_row(lineno, raw, width, text)
            if item is not None:
                yield item

    def _slow_row(
        self, lineno: int, raw: bytes, width: int, text: str | None
    ) -> Row | BadRow | None:
        record = self._record(lineno, raw, text)
        if record is None or isinstance(record, BadRow):
            return record
        return fit_row(lineno, record[0], width, record[1])

    def _record(
        self, lineno: int, raw: bytes, text: str | None = None
    ) -> tuple[list[str], str] | BadRow | None:
        """The fields of the record starting on this line and its text, or a BadRow.
        `text` is the line already decoded, if it decoded."""
        problem = None
        if text is None or "\x00" in text:
            text, problem = self._decode(lineno, raw)
        if self.dialect.quotechar in text:
            return self._quoted(lineno, text, problem)
        if problem is not None:
            return _problem_row(lineno, problem, text)
        if not text.strip():
            return None
        return text.split(self.dialect.delimiter), text

    def _quoted(
        self, lineno: int, text: str, problem: _Problem | None
    ) -> tuple[list[str], str] | BadRow:
        feed = self._feed
        feed.start(text)
        try:
            fields = next(self._reader)
        except _RecordOverflowError:
            bad = BadRow.of(
                "quote_too_long", lineno, text, lines=MAX_RECORD_LINES, size=MAX_RECORD_BYTES
            )
            return self._resume(bad)
        except (csv.Error, StopIteration) as exc:
            bad = _csv_bad_row(lineno, text, exc)
            if feed.taken and bad.code == "text_after_quote":  # likely a stray opening quote
                bad = BadRow.of("quote_not_closed", lineno, text, bad_line=feed.taken[-1][0])
            return self._resume(bad)
        record_text = "\n".join([text, *feed.texts]) if feed.texts else text
        problem = problem or feed.problem
        if problem is not None:
            return _problem_row(lineno, problem, record_text)
        return fields, record_text

    def _resume(self, bad: BadRow) -> BadRow:
        """The record failed: read again from the line after its first one."""
        self._replay.extendleft(reversed(self._feed.taken))
        self._feed.taken = []
        return bad


def _is_sep_line(text: str) -> bool:
    """Excel's `sep=;` hint line, read before the header."""
    stripped = text.strip()
    return len(stripped) == 5 and stripped[:4].lower() == "sep="


def _problem_row(lineno: int, problem: _Problem, raw: str) -> BadRow:
    if problem.line == lineno:
        return BadRow.of(problem.code, lineno, raw, column=problem.column, **problem.params)
    return BadRow.of(
        problem.code + "_at", lineno, raw, column=problem.column, bad_line=problem.line,
        **problem.params,
    )  # fmt: skip


def _csv_bad_row(lineno: int, text: str, exc: BaseException) -> BadRow:
    message = str(exc)
    if isinstance(exc, StopIteration) or "unexpected end of data" in message:
        return BadRow.of("unterminated_quote", lineno, text)
    if "expected after" in message:
        return BadRow.of("text_after_quote", lineno, text)
    if "field larger than field limit" in message:
        return BadRow.of("field_too_long", lineno, text, limit=csv.field_size_limit())
    return BadRow.of("csv", lineno, text, error=message)
