"""XLSX: cell values as text, sheet row numbers, and workbooks calamine must never be handed."""

import datetime
import io
import struct
import zipfile
from importlib.metadata import version

import pytest
import xlsxwriter

from accord.imports.formats import xlsx_reader
from accord.imports.formats.tables import BadRow, Dialect, Row, TableError, detect, open_table
from tests.imports.formats.helpers import (
    inline,
    read_all,
    sheet_xml,
    workbook_parts,
    write,
    write_zip,
)


def test_calamine_is_the_version_the_guard_mirrors():
    # The zip check in xlsx_reader follows what calamine 0.9 reads and allocates; an upgrade
    # must re-check it (the sparse and uniqueCount tests below abort the process if it fails).
    assert version("python-calamine").startswith("0.9.")


def make_book(path, rows, *, start=(0, 0), formats=None, sheets=None):
    book = xlsxwriter.Workbook(path)
    for name in sheets or []:
        book.add_worksheet(name)
    sheet = book.add_worksheet("Data")
    styles = {key: book.add_format({"num_format": fmt}) for key, fmt in (formats or {}).items()}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = (start[0] + r, start[1] + c)
            if isinstance(value, tuple):  # (value, format key)
                if isinstance(value[0], datetime.date | datetime.time):
                    sheet.write_datetime(*cell, value[0], styles[value[1]])
                else:
                    sheet.write_number(*cell, value[0], styles[value[1]])
            elif value is not None:
                sheet.write(*cell, value)
    book.close()
    return path


def test_values_come_out_as_a_user_expects(tmp_path):
    formats = {
        "date": "dd.mm.yyyy",
        "datetime": "dd.mm.yyyy hh:mm:ss",
        "time": "hh:mm",
        "duration": "[h]:mm:ss",
    }
    path = make_book(
        tmp_path / "values.xlsx",
        [
            [
                "ИНН",
                "Телефон",
                "Сумма",
                "Дата",
                "Момент",
                "Время",
                "Длительность",
                "VIP",
                2024,
                "Пусто",
            ],
            [
                7707083893,
                79161234567,
                1234.56,
                (datetime.date(2024, 2, 29), "date"),
                (datetime.datetime(2024, 2, 29, 13, 45, 7, 600_000), "datetime"),
                (datetime.time(9, 30), "time"),
                (1.5, "duration"),
                True,
                "  текст  ",
                None,
            ],
            [123456789012345678, -0.0, 0.1 + 0.2, 0.00001, 1e20, -2.5, 1 / 3, False, 12, None],
        ],
        formats=formats,
    )
    table, items = read_all(path)
    assert table.dialect == Dialect("xlsx")
    assert table.header == (
        "ИНН", "Телефон", "Сумма", "Дата", "Момент", "Время", "Длительность", "VIP", "2024", "Пусто",
    )  # fmt: skip
    assert items == [
        Row(
            2,
            (
                "7707083893",
                "79161234567",
                "1234.56",
                "2024-02-29",
                "2024-02-29T13:45:08",
                "09:30:00",
                "36:00:00",
                "true",
                "текст",
                "",
            ),
        ),
        Row(
            3,
            (
                "123456789012346000",
                "0",
                "0.3",
                "0.00001",
                "100000000000000000000",
                "-2.5",
                "0.333333333333333",
                "false",
                "12",
                "",
            ),
        ),
    ]


def test_error_cells_and_formulas(tmp_path):
    path = tmp_path / "formulas.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["a", "b", "c"])
    sheet.write_formula(1, 0, "=1/0", None, "#DIV/0!")
    sheet.write_formula(1, 1, "=2+2", None, 4)
    sheet.write_formula(1, 2, '="x"&"y"', None, "xy")
    book.close()
    _table, items = read_all(path)
    assert items == [Row(2, ("", "4", "xy"))]


def test_line_numbers_are_sheet_rows(tmp_path):
    path = make_book(
        tmp_path / "offset.xlsx",
        [["a", "b"], [1, 2], [None, None], [None, None], [3, 4]],
        start=(4, 2),
    )
    table, items = read_all(path)
    assert (table.header_line, table.header) == (5, ("a", "b"))
    assert items == [Row(6, ("1", "2")), Row(9, ("3", "4"))]


def test_a_value_beyond_the_header_is_a_bad_row(tmp_path):
    path = make_book(tmp_path / "wide.xlsx", [["a", "b"], [1, 2, None], [3, 4, "stray"], [5]])
    _table, items = read_all(path)
    assert items == [
        Row(2, ("1", "2")),
        BadRow.of("columns", 3, "3,4,stray", column=3, count=3, expected=2),
        Row(4, ("5", "")),
    ]


def test_header_names(tmp_path):
    path = make_book(
        tmp_path / "header.xlsx", [[None, "Дата\nрождения", None, " x ", None], [1, 2, 3, 4]]
    )
    table, items = read_all(path)
    assert table.header == ("column 1", "Дата рождения", "column 3", "x")
    assert items == [Row(2, ("1", "2", "3", "4"))]


def test_duplicate_header_names(tmp_path):
    path = make_book(tmp_path / "dup.xlsx", [["ИНН", "инн"], [1, 2]])
    with pytest.raises(TableError) as caught:
        open_table(path)
    assert caught.value.code == "duplicate_header"
    assert caught.value.line == 1


def test_an_empty_sheet_has_no_header(tmp_path):
    path = make_book(tmp_path / "empty.xlsx", [])
    with pytest.raises(TableError) as caught:
        open_table(path)
    assert caught.value.code == "no_header"


def test_nul_in_a_cell(tmp_path):
    path = make_book(tmp_path / "nul.xlsx", [["a", "b"], ["x\x00y", 1], ["ok", 2]])
    _table, items = read_all(path)
    assert items == [BadRow.of("nul", 2, "x\ufffdy,1", column=1), Row(3, ("ok", "2"))]


def test_the_first_visible_worksheet_or_a_named_one(tmp_path):
    parts = workbook_parts(
        [
            ("Hidden", sheet_xml('<row r="1">' + inline("A1", "hidden") + "</row>")),
            ("Shown", sheet_xml('<row r="1">' + inline("A1", "shown") + "</row>")),
            ("Other", sheet_xml('<row r="1">' + inline("A1", "other") + "</row>")),
        ],
        states={"Hidden": "hidden"},
    )
    path = write_zip(tmp_path, parts)
    assert open_table(path).header == ("shown",)
    assert open_table(path, sheet="Other").header == ("other",)
    assert open_table(path, sheet="Hidden").header == ("hidden",)
    with pytest.raises(TableError) as caught:
        open_table(path, sheet="Missing")
    assert caught.value.code == "no_sheet"


def test_prefixed_tags_and_cells_without_references(tmp_path):
    cells = (
        '<x:row r="2"><x:c r="B2" t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c>'
        '<x:c t="inlineStr"><x:is><x:t>b</x:t></x:is></x:c></x:row>'
        "<x:row><x:c/><x:c><x:v>1</x:v></x:c><x:c><x:v>2</x:v></x:c></x:row>"
    )
    path = write_zip(tmp_path, workbook_parts([("S", sheet_xml(cells, prefix="x"))]))
    table, items = read_all(path)
    assert (table.header_line, table.header) == (2, ("a", "b"))
    assert items == [Row(3, ("1", "2"))]


# Workbooks calamine must not see ---------------------------------------------------------------


def _refused(path, code, monkeypatch=None):
    with pytest.raises(TableError) as caught:
        xlsx_reader.inspect_workbook(path, None)  # the guard, before calamine is ever called
    assert caught.value.code == code
    with pytest.raises(TableError):
        open_table(path)
    return caught.value


def test_a_sparse_sheet_spanning_the_whole_grid(tmp_path):
    # Two cells, a few hundred bytes: calamine would allocate a 16384 x 1048576 grid and abort.
    cells = (
        '<row r="1">'
        + inline("A1", "a")
        + '</row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    )
    path = write_zip(tmp_path, workbook_parts([("S", sheet_xml(cells))]))
    error = _refused(path, "xlsx_too_large")
    assert "1048576 rows × 16384 columns" in error.message


def test_a_sparse_sheet_written_without_references(tmp_path):
    cells = (
        "<row><c><v>1</v></c></row>"
        + "<row/>" * 100
        + "<row>"
        + "<c/>" * 16_000
        + "<c><v>2</v></c></row>"
    )
    path = write_zip(tmp_path, workbook_parts([("S", sheet_xml(cells))]))
    error = _refused(path, "xlsx_too_large")
    assert "102 rows × 16001 columns" in error.message


def test_a_sparse_but_real_sheet_is_read(tmp_path):
    cells = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 101))
    cells += '<row r="2000"><c r="CV2000" t="inlineStr"><is><t>note</t></is></c></row>'
    path = write_zip(tmp_path, workbook_parts([("S", sheet_xml(cells))]))
    table, items = read_all(path)
    assert table.header == ("1",)
    assert len(items) == 100  # 99 rows, and the note beyond the header's one column
    assert items[-1].code == "columns"


def test_a_zip_bomb_part(tmp_path):
    cells = '<row r="1">' + inline("A1", "a") + "</row>" + " " * (40 << 20)
    path = write_zip(tmp_path, workbook_parts([("S", sheet_xml(cells))]))
    error = _refused(path, "xlsx_too_large")
    assert "unpacks" in error.message


def test_a_reference_beyond_excel_limits(tmp_path):
    cells = '<row r="1"><c r="A1"><v>1</v></c><c r="A99999999999"><v>2</v></c></row>'
    path = write_zip(tmp_path, workbook_parts([("S", sheet_xml(cells))]))
    _refused(path, "bad_xlsx")


def test_a_huge_shared_string_count(tmp_path):
    cells = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    parts = workbook_parts([("S", sheet_xml(cells))], shared=["a"], unique_count=4_000_000_000)
    _refused(write_zip(tmp_path, parts), "bad_xlsx")


def test_styled_empty_cells_far_away_are_fine(tmp_path):
    # Excel writes formatted empty cells; calamine skips them, and so does the third pass.
    cells = (
        '<row r="1">' + inline("A1", "a") + inline("B1", "b") + "</row>"
        '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>2</v></c></row>'
        '<row r="1048576"><c r="XFD1048576" s="1"/></row>'
    )
    path = write_zip(tmp_path, workbook_parts([("S", sheet_xml(cells))]))
    table, items = read_all(path)
    assert table.header == ("a", "b")
    assert items == [Row(2, ("1", "2"))]


def test_each_pass_of_the_grid_bound(tmp_path, monkeypatch):
    calls = []
    for name in ("_usual_bound", "_last_row", "_walk_bound"):
        original = getattr(xlsx_reader, name)

        def spy(*args, _original=original, _name=name, **kwargs):
            calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(xlsx_reader, name, spy)
    monkeypatch.setattr(xlsx_reader, "MAX_CELLS", 3000)
    rows = [
        f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>1</v></c></row>'
        for r in range(2, 151)
    ]
    header = '<row r="1">' + inline("A1", "a") + inline("B1", "b") + "</row>"

    small = write_zip(
        tmp_path, workbook_parts([("S", sheet_xml(header + "".join(rows[:50])))]), "small.xlsx"
    )
    assert open_table(small).header == ("a", "b")
    assert calls == ["_usual_bound"]  # two-digit rows, up to 26 columns: 99 x 26 fits

    calls.clear()
    deep = write_zip(
        tmp_path, workbook_parts([("S", sheet_xml(header + "".join(rows)))]), "deep.xlsx"
    )
    _table, items = read_all(deep)
    assert len(items) == 149
    assert calls == ["_usual_bound", "_last_row", "_walk_bound"]  # 999 x 26, 150 x 26, 150 x 2

    calls.clear()
    monkeypatch.setattr(xlsx_reader, "MAX_CELLS", 150 * 26)
    _table, items = read_all(deep)
    assert calls == ["_usual_bound", "_last_row"]


def test_a_part_that_inflates_past_its_declared_size(tmp_path):
    cells = '<row r="1">' + inline("A1", "a") + "</row>" + "<!-- padding -->" * 10_000
    path = write_zip(tmp_path, workbook_parts([("S", sheet_xml(cells))]))
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                struct.pack_into("<I", data, start + size_at, 1000)
            start += 4
    path.write_bytes(bytes(data))
    _refused(path, "bad_xlsx")


def test_a_part_declared_too_large(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_reader, "MAX_SHEET_PART", 100)
    path = write_zip(tmp_path, workbook_parts())
    _refused(path, "xlsx_too_large")


def test_too_many_entries(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_reader, "MAX_ENTRIES", 5)
    parts = workbook_parts()
    parts.update({f"xl/media/image{i}.png": b"x" for i in range(5)})
    _refused(write_zip(tmp_path, parts), "xlsx_too_large")


def test_duplicate_entries(tmp_path):
    parts = workbook_parts()
    path = write_zip(tmp_path, parts)
    with zipfile.ZipFile(path, "a") as book:
        book.writestr(
            "XL/Worksheets/Sheet1.xml", sheet_xml('<row r="1"><c r="XFD1"><v>1</v></c></row>')
        )
    _refused(path, "bad_xlsx")


def test_duplicate_sheet_names(tmp_path):
    one = sheet_xml('<row r="1">' + inline("A1", "a") + "</row>")
    parts = workbook_parts([("Same", one), ("same", one)])
    _refused(write_zip(tmp_path, parts), "bad_xlsx")


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda good: good[: len(good) // 2], "bad_xlsx"),
        (lambda good: b"PK\x03\x04" + b"\x00" * 100, "bad_xlsx"),
        (lambda good: good.replace(b"xl/workbook.xml", b"xl/notebook.xml"), "not_xlsx"),
        (
            lambda good: good.replace(b"xl/_rels/workbook.xml.rels", b"xl/_rels/workbook.xml.relz"),
            "bad_xlsx",
        ),
    ],
)
def test_damaged_workbooks(tmp_path, make, code):
    good = write_zip(tmp_path, workbook_parts()).read_bytes()
    path = write(tmp_path, make(good), name="damaged.xlsx")
    assert detect(path).kind == "xlsx"
    _refused(path, code)


def test_a_zip_that_is_not_a_workbook(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    error = _refused(write(tmp_path, buffer.getvalue(), name="table.ods"), "not_xlsx")
    assert "ODS" in error.message


def test_iteration_and_close(tmp_path):
    path = make_book(tmp_path / "rows.xlsx", [["a"], [1], [2]])
    with open_table(path) as table:
        assert table.rows_estimate() == 2
        assert [item.line for item in table] == [2, 3]
        assert list(table) == []
    table.close()
