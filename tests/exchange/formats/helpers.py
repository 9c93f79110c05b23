"""Reading helpers shared by the CommerceML tests."""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from accord.exchange.formats.commerceml import read_package
from accord.exchange.formats.records import PackageHeader, Record

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "commerceml"

T = TypeVar("T")

_DECLARED = re.compile(rb"""encoding=["']([^"']+)["']""")
_DEFAULT_NS = re.compile(r'\s+xmlns="urn:1C\.ru:commerceml[^"]*"')


def read(source: Path | bytes) -> list[Record]:
    if isinstance(source, bytes):
        return list(read_package(io.BytesIO(source)))
    return list(read_package(source))


def only(records: list[Record], kind: type[T]) -> list[T]:
    return [record for record in records if isinstance(record, kind)]


def counts(records: list[Record]) -> dict[str, int]:
    return dict(Counter(type(record).__name__ for record in records))


def header(records: list[Record]) -> PackageHeader:
    first = records[0]
    assert isinstance(first, PackageHeader)
    return first


def decode(data: bytes) -> str:
    """The text of a sample, in the encoding its declaration names."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    declared = _DECLARED.search(data[:200])
    return data.decode(declared.group(1).decode("ascii") if declared else "utf-8")


def reencode(
    data: bytes, encoding: str, *, bom: bool = False, strip_namespace: bool = False
) -> bytes:
    """The same document in another encoding (declaration rewritten), optionally without a
    BOM or without its default namespace."""
    text = decode(data)
    text = re.sub(r"""encoding=["'][^"']+["']""", f'encoding="{encoding}"', text, count=1)
    if strip_namespace:
        text = _DEFAULT_NS.sub("", text, count=1)
    body = text.encode("cp1251" if encoding == "windows-1251" else encoding, "xmlcharrefreplace")
    return (b"\xef\xbb\xbf" if bom else b"") + body


def without_header_encoding(records: list[Record]) -> list[Record]:
    """Records with the header's encoding and namespace blanked, for re-encoding checks."""
    return [replace(header(records), encoding="", namespace=""), *records[1:]]
