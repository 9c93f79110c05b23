"""Fixture files made in code: CSV bytes, workbooks from xlsxwriter or from raw XML parts."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from accord.imports.formats.tables import BadRow, Row, Table, open_table

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/></Types>'
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/officeDocument"/></Relationships>'
)


def write(tmp_path: Path, data: bytes, name: str = "table.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def read_all(path: Path, **options) -> tuple[Table, list[Row | BadRow]]:
    with open_table(path, **options) as table:
        return table, list(table)


def rows(items: list[Row | BadRow]) -> list[tuple[int, tuple[str, ...]]]:
    return [(item.line, item.values) for item in items if isinstance(item, Row)]


def bad(items: list[Row | BadRow]) -> list[tuple[int, str]]:
    return [(item.line, item.code) for item in items if isinstance(item, BadRow)]


def sheet_xml(cells: str, *, prefix: str = "") -> bytes:
    """A worksheet part around this `sheetData` content (tags written with `prefix:`)."""
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {xmlns}>'
        f"<{p}sheetData>{cells}</{p}sheetData></{p}worksheet>"
    ).encode()


def workbook_parts(
    sheets: list[tuple[str, bytes]] | None = None,
    *,
    shared: list[str] | None = None,
    unique_count: int | None = None,
    states: dict[str, str] | None = None,
) -> dict[str, bytes]:
    """The parts of a minimal .xlsx: one worksheet part per (name, sheet xml)."""
    sheets = sheets or [
        ("Sheet1", sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>'))
    ]
    states = states or {}
    entries = "".join(
        f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"'
        + (f' state="{states[name]}"' if name in states else "")
        + "/>"
        for i, (name, _xml) in enumerate(sheets, start=1)
    )
    relations = "".join(
        f'<Relationship Id="rId{i}" Type="{RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": PACKAGE_RELS,
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
            f"<sheets>{entries}</sheets></workbook>"
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships '
            f'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{relations}'
            "</Relationships>"
        ).encode(),
    }
    for i, (_name, xml) in enumerate(sheets, start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = xml
    if shared is not None:
        count = len(shared) if unique_count is None else unique_count
        items = "".join(f"<si><t>{escape(s)}</t></si>" for s in shared)
        parts["xl/sharedStrings.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="{len(shared)}" '
            f'uniqueCount="{count}">{items}</sst>'
        ).encode()
    return parts


def write_zip(tmp_path: Path, parts: dict[str, bytes], name: str = "book.xlsx") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for part, data in parts.items():
            book.writestr(part, data)
    return path


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'
