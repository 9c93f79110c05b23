"""S10: whatever the bytes, only TableError leaves the readers, and each input is quick.

Deadlines are hypothesis settings (2 s an example), not timing asserts. ACCORD_FUZZ_EXAMPLES
raises the number of examples for a deeper run.
"""

import csv
import io
import os
import re
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from accord.imports.formats import csv_reader
from accord.imports.formats.tables import BadRow, Dialect, Row, TableError, open_table
from tests.imports.formats.helpers import sheet_xml, workbook_parts

FUZZ = settings(
    max_examples=int(os.environ.get("ACCORD_FUZZ_EXAMPLES", "300")),
    deadline=2000,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Pieces that reach every branch of the CSV reader: quotes, the four delimiters, the three
# line breaks, a BOM, bytes invalid in UTF-8 or windows-1251, NUL, Cyrillic, `sep=`.
TOKENS = [
    b'"', b'""', b",", b";", b"\t", b"|", b"\n", b"\r", b"\r\n", b" ", b"a", b"b", b"1",
    b"\xd0\xaf", b"\xef\xbb\xbf", b"\xff", b"\x98", b"\xc0", b"\x00", b"sep=", b"xyz" * 20,
]  # fmt: skip


def outcome(path: Path, **options) -> tuple | str:
    """The whole reading of a file as comparable data, or the TableError code."""
    try:
        with open_table(path, **options) as table:
            items = list(table)
            return (table.dialect, table.header, table.header_line, items)
    except TableError as exc:
        return exc.code or exc.message


def check_items(data: bytes, result: tuple | str) -> None:
    if isinstance(result, str):
        return
    _dialect, header, header_line, items = result
    physical = len(data.splitlines()) + 1
    last = header_line
    for item in items:
        assert isinstance(item, Row | BadRow)
        assert last < item.line <= physical
        last = item.line
        if isinstance(item, Row):
            assert len(item.values) == len(header)
            assert any(item.values)
            assert all(value == value.strip() and "\x00" not in value for value in item.values)
        else:
            assert item.reason
            assert "\x00" not in item.raw


@FUZZ
@given(data=st.binary(max_size=3000))
@example(data=b"PK\x03\x04")
@example(data=b'a,b\n"')
def test_arbitrary_bytes(tmp_path, data):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    check_items(data, outcome(path))


@pytest.fixture
def small_limits(monkeypatch):
    monkeypatch.setattr(csv_reader, "MAX_RECORD_LINES", 4)
    monkeypatch.setattr(csv_reader, "MAX_RECORD_BYTES", 60)
    monkeypatch.setattr(csv_reader, "MAX_LINE_BYTES", 50)
    return monkeypatch


@FUZZ
@given(
    data=st.lists(st.sampled_from(TOKENS), max_size=150).map(b"".join),
    chunk=st.integers(min_value=1, max_value=40),
)
@example(data=b'a,b\r\n1,"x' + b"\r\n2,y" * 6, chunk=3)
@example(data=b"a\r" + b"x" * 49 + b"\r\n1\r\n", chunk=52)
def test_csv_tokens_read_the_same_in_any_block_size(tmp_path, small_limits, data, chunk):
    path = tmp_path / "tokens.csv"
    path.write_bytes(data)
    whole = outcome(path)
    check_items(data, whole)
    for dialect in (None, Dialect("csv", "cp1251", ";"), Dialect("csv", "utf-8", "|", "'")):
        if dialect is not None:
            check_items(data, outcome(path, dialect=dialect))
    small_limits.setattr(csv_reader, "CHUNK_BYTES", chunk)
    assert outcome(path) == whole


VALUE = st.text(alphabet='ab Яж"\n\r,;|\t1', max_size=12)


@FUZZ
@given(
    table=st.integers(min_value=1, max_value=5).flatmap(
        lambda width: st.lists(st.lists(VALUE, min_size=width, max_size=width), max_size=12)
    ),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1251"]),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    newline=st.sampled_from(["\r\n", "\n", "\r"]),
)
def test_what_csv_writes_reads_back(tmp_path, table, encoding, delimiter, quoting, newline):
    # Python's writer leaves a field with a line break unquoted unless the break is part of
    # the line terminator: such a file is broken for any reader.
    assume(quoting == csv.QUOTE_ALL or not any(set(v) & {"\r", "\n"} for row in table for v in row))
    width = len(table[0]) if table else 1
    header = [f"col{i}" for i in range(width)]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator=newline)
    records = []
    for row in [header, *table]:
        start = out.tell()
        writer.writerow(row)
        records.append(out.getvalue()[start:])
    path = tmp_path / "written.csv"
    path.write_bytes(out.getvalue().encode(encoding))
    expected = [
        tuple(value.replace("\r\n", "\n").replace("\r", "\n").strip() for value in row)
        for row in table
    ]
    result = outcome(path, dialect=Dialect("csv", encoding, delimiter))
    assert not isinstance(result, str), result
    _dialect, read_header, _header_line, items = result
    assert read_header == tuple(header)
    assert all(isinstance(item, Row) for item in items), items
    assert [item.values for item in items] == [values for values in expected if any(values)]
    starts, line = [], 1
    for text in records:
        starts.append(line)
        line += len(re.split(r"\r\n|\r|\n", text)) - 1
    kept = [start for start, values in zip(starts[1:], expected, strict=True) if any(values)]
    assert [item.line for item in items] == kept


# XLSX ------------------------------------------------------------------------------------------


def _good_workbook() -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Клиенты")
    sheet.write_row(0, 0, ["ИНН", "Имя", "Дата", "Сумма"])
    date = book.add_format({"num_format": "dd.mm.yyyy"})
    for row in range(1, 6):
        sheet.write_number(row, 0, 7707083893 + row)
        sheet.write_string(row, 1, f"ООО Ромашка {row}")
        sheet.write_number(row, 2, 45000 + row, date)
        sheet.write_formula(row, 3, f"=A{row + 1}/3", None, (7707083893 + row) / 3)
    book.close()
    return out.getvalue()


GOOD = _good_workbook()
GOOD_PARTS = {
    info.filename: zipfile.ZipFile(io.BytesIO(GOOD)).read(info)
    for info in zipfile.ZipFile(io.BytesIO(GOOD)).infolist()
}


def check_xlsx(path: Path) -> None:
    result = outcome(path)
    if not isinstance(result, str):
        _dialect, header, _line, items = result
        for item in items:
            assert isinstance(item, Row | BadRow)
            if isinstance(item, Row):
                assert len(item.values) == len(header)


@FUZZ
@given(tail=st.binary(max_size=2000))
def test_arbitrary_bytes_as_a_zip(tmp_path, tail):
    path = tmp_path / "fuzz.xlsx"
    path.write_bytes(b"PK\x03\x04" + tail)
    check_xlsx(path)


@FUZZ
@given(edits=st.lists(st.tuples(st.integers(0, len(GOOD) - 1), st.integers(0, 255)), max_size=8))
def test_a_workbook_with_bytes_changed(tmp_path, edits):
    data = bytearray(GOOD)
    for position, value in edits:
        data[position] = value
    path = tmp_path / "mutated.xlsx"
    path.write_bytes(bytes(data))
    check_xlsx(path)


@FUZZ
@given(
    part=st.sampled_from(sorted(name for name in GOOD_PARTS if name.endswith((".xml", ".rels")))),
    at=st.floats(min_value=0, max_value=1),
    cut=st.integers(min_value=0, max_value=40),
    insert=st.sampled_from(
        [
            b"",
            b"<",
            b">",
            b'"',
            b"&",
            b"&amp;",
            b"<c>",
            b"</row>",
            b"<v>1</v>",
            b'r="XFD1048576"',
            b'uniqueCount="999999999999"',
            b"\x00",
            b"\xff",
            b"<!--",
            b"<![CDATA[",
            b"<x:c/>",
        ]
    ),
)
def test_a_workbook_with_its_xml_changed(tmp_path, part, at, cut, insert):
    parts = dict(GOOD_PARTS)
    xml = parts[part]
    position = int(at * len(xml))
    parts[part] = xml[:position] + insert + xml[position + cut :]
    path = tmp_path / "edited.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, content in parts.items():
            book.writestr(name, content)
    check_xlsx(path)


REFERENCE = st.one_of(
    st.none(),
    st.builds(
        "{}{}".format,
        st.sampled_from(["A", "B", "Z", "AA", "XFD", "XFE", "a", "$A", ""]),
        st.sampled_from(["1", "2", "3", "0", "01", "99", "1048576", "1048577", "99999999999", ""]),
    ),
)
VALUE_XML = st.sampled_from(
    [None, "<v>1</v>", "<v>7707083893</v>", "<v></v>", "<v>x</v>", "<is><t>text</t></is>"]
)


@st.composite
def sheets(draw):
    prefix = draw(st.sampled_from(["", "x"]))
    p = f"{prefix}:" if prefix else ""
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        reference = draw(REFERENCE)
        r = f' r="{reference}"' if reference is not None else ""
        cells = []
        for _ in range(draw(st.integers(0, 4))):
            cell_ref = draw(REFERENCE)
            attrs = f' r="{cell_ref}"' if cell_ref is not None else ""
            value = draw(VALUE_XML)
            kind = ' t="inlineStr"' if value and value.startswith("<is>") else ""
            if value is None:
                cells.append(f"<{p}c{attrs}/>")
            else:
                value = value.replace("<", f"<{p}").replace(f"<{p}/", f"</{p}")
                cells.append(f"<{p}c{attrs}{kind}>{value}</{p}c>")
        if not cells and draw(st.booleans()):
            rows.append(f"<{p}row{r}/>")
        else:
            rows.append(f"<{p}row{r}>{''.join(cells)}</{p}row>")
    return sheet_xml("".join(rows), prefix=prefix)


@FUZZ
@given(sheet=sheets())
@example(sheet=sheet_xml('<row><c r="A1"><v>1</v></c><c r="XFD1048576"><v>1</v></c></row>'))
def test_generated_sheets(tmp_path, sheet):
    path = tmp_path / "generated.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, content in workbook_parts([("S", sheet)]).items():
            book.writestr(name, content)
    check_xlsx(path)
