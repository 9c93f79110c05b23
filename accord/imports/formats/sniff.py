"""Guessing what a file is: the kind (CSV or XLSX), the encoding and the delimiter.

Encoding: a BOM decides; otherwise the first block of up to 64 KiB holding non-ASCII bytes is
decoded as UTF-8, and the file is UTF-8 when its valid non-ASCII characters are at least twice
its invalid bytes, else windows-1251. Russian text in windows-1251 is almost never valid UTF-8
(every lowercase letter breaks it), so the bias costs nothing there, while a UTF-8 file with
one broken line stays UTF-8 with one bad row instead of loading silently as mojibake.

Delimiter: each candidate parses the first lines with the csv module (quotes respected, so
commas inside quoted fields do not count); the one whose rows most often have as many fields as
the header wins, a header of two or more fields first, then more columns, then the order
`, ; TAB |`. An Excel `sep=;` first line decides outright.
"""

from __future__ import annotations

import codecs
import csv
import re
from typing import IO

from accord.imports.formats.base import TableError

SAMPLE_BYTES = 64 * 1024
ENCODING_PROBE_BYTES = 8 * 1024 * 1024  # how far to look for the first non-ASCII byte
DELIMITERS = (",", ";", "\t", "|")
SAMPLE_RECORDS = 100

ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")  # an entry, an empty or a spanned zip
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2: .xls, or an encrypted .xlsx
UTF16_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

# ASCII-compatible encodings without state: lines are split on the bytes CR and LF.
ENCODINGS = (
    "utf-8",
    "utf-8-sig",
    "cp1251",
    "koi8-r",
    "cp866",
    "iso8859-5",
    "mac-cyrillic",
    "cp1252",
    "iso8859-1",
    "ascii",
)
ENCODING_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp1251": "windows-1251"}

_SEP_LINE = re.compile(r"\A\s*sep=(.)\s*\Z", re.IGNORECASE)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def sniff_kind(head: bytes, filename: str = "", fh: IO[bytes] | None = None) -> str:
    """The kind of file: "xlsx" for a zip, "csv" for text; a TableError for the rest."""
    if not head:
        raise TableError.of("empty")
    if head[:4] in ZIP_MAGICS:
        return "xlsx"
    if head.startswith(CFB_MAGIC):
        raise cfb_error(fh) if fh is not None else TableError.of("xls")
    if head.startswith(UTF16_BOMS) and b"\x00" in head[:512]:  # its commas and line breaks
        raise TableError.of("utf16")
    if head.count(b"\x00") > max(4, len(head) // 100):  # a stray NUL is a bad line, not this
        if filename.lower().endswith((".xlsx", ".xlsm", ".xls")):
            raise TableError.of("named_xlsx", filename=filename)
        raise TableError.of("binary")
    return "csv"


def cfb_error(fh: IO[bytes]) -> TableError:
    """An OLE2 file: an encrypted workbook (it holds an EncryptedPackage stream) or an .xls."""
    fh.seek(0)
    data = fh.read(ENCODING_PROBE_BYTES)
    if ENCRYPTED_PACKAGE in data:
        return TableError.of("encrypted")
    return TableError.of("xls")


def normalize_encoding(name: str) -> str:
    try:
        codec = codecs.lookup(name).name
    except (LookupError, TypeError, ValueError):
        raise TableError.of("bad_encoding", encoding=name) from None
    if codec not in ENCODINGS:
        raise TableError.of("bad_encoding", encoding=name)
    return codec


def check_quotechar(quotechar: str) -> None:
    if len(quotechar) != 1 or quotechar in "\r\n" or quotechar.isalnum() or quotechar.isspace():
        raise TableError.of("bad_quotechar", quotechar=quotechar)


def check_delimiter(delimiter: str, quotechar: str) -> None:
    check_quotechar(quotechar)
    if (
        len(delimiter) != 1
        or delimiter in "\r\n\"'"
        or delimiter == quotechar
        or delimiter.isalnum()
        or (delimiter.isspace() and delimiter != "\t")
    ):
        raise TableError.of("bad_delimiter", delimiter=delimiter)


def detect_encoding(head: bytes, fh: IO[bytes]) -> str:
    """The encoding of a CSV file whose first bytes are `head` (fh is positioned after it)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    sample, at_eof = _non_ascii_sample(head, fh)
    if sample is None:
        return "utf-8"  # pure ASCII as far as we looked: UTF-8 reads it the same
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(sample, final=at_eof)
    invalid = text.count("\ufffd")
    if not invalid:
        return "utf-8"
    non_ascii = len(text) - len(text.encode("ascii", "ignore")) - invalid
    return "utf-8" if non_ascii >= 2 * invalid else "cp1251"


def _non_ascii_sample(head: bytes, fh: IO[bytes]) -> tuple[bytes | None, bool]:
    """The first block of up to SAMPLE_BYTES holding a non-ASCII byte, or None; and whether
    it ends the file. The blocks before it are pure ASCII, so it starts on a character."""
    block, seen = head, len(head)
    at_eof = len(block) < SAMPLE_BYTES
    while block.isascii():
        if at_eof or seen >= ENCODING_PROBE_BYTES:
            return None, at_eof
        block = fh.read(SAMPLE_BYTES)
        seen += len(block)
        at_eof = len(block) < SAMPLE_BYTES
    return block, at_eof


def sample_text(head: bytes, encoding: str, at_eof: bool) -> str:
    """The head decoded leniently and cut after its last complete line."""
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    text = codecs.getincrementaldecoder(codec)("replace").decode(head, final=at_eof)
    if not at_eof:
        cut = max(text.rfind("\n"), text.rfind("\r"))
        text = text[:cut] if cut > 0 else text
    return text


def detect_delimiter(text: str, *, quotechar: str = '"', complete: bool = True) -> str:
    """The delimiter of this CSV sample (`complete`: the sample is the whole file)."""
    lines = _LINE_BREAK.split(text, maxsplit=SAMPLE_RECORDS * 4)[: SAMPLE_RECORDS * 4]
    first = next((line for line in lines if line.strip()), "")
    sep = _SEP_LINE.match(first)
    if sep and sep.group(1) != quotechar:
        try:
            check_delimiter(sep.group(1), quotechar)
            return sep.group(1)
        except TableError:
            pass
    best, best_score = DELIMITERS[0], (False, -1.0, 0, 0)
    for rank, delimiter in enumerate(DELIMITERS):
        if delimiter == quotechar:
            continue
        counts = _field_counts(lines, delimiter, quotechar, complete=complete)
        if not counts:
            continue
        width = counts[0]
        consistency = sum(1 for count in counts if count == width) / len(counts)
        score = (width > 1, consistency, width, -rank)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _field_counts(lines: list[str], delimiter: str, quotechar: str, *, complete: bool) -> list[int]:
    counts: list[int] = []
    try:
        reader = csv.reader(
            (line + "\n" for line in lines),
            delimiter=delimiter,
            quotechar=quotechar,
            skipinitialspace=True,
        )
        for fields in reader:
            if any(field.strip() for field in fields):
                counts.append(len(fields))
            if len(counts) > SAMPLE_RECORDS:
                break
    except (csv.Error, TypeError, ValueError):
        pass
    if not complete and len(counts) > 1 and len(counts) <= SAMPLE_RECORDS:
        counts.pop()  # the sample may end inside the last record
    return counts
