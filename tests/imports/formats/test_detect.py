"""What a file is: CSV or XLSX, and which delimiter; and the cheap row estimate."""

import pytest
import xlsxwriter

from accord.imports.formats.tables import (
    Dialect,
    TableError,
    detect,
    open_table,
    rows_estimate,
)
from tests.imports.formats.helpers import write


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter_is_detected(tmp_path, delimiter):
    rows = [["inn", "name", "city"], ["7707083893", "Romashka", "Moscow"], ["1", "2", "3"]]
    data = "\r\n".join(delimiter.join(row) for row in rows).encode()
    assert detect(write(tmp_path, data)).delimiter == delimiter


def test_commas_inside_quoted_fields_do_not_count(tmp_path):
    data = 'name;address;sum\n"Romashka, LLC";"Moscow, Lenina st., 1";1,5\n"A, B, C";"x, y";2,75\n'
    assert detect(write(tmp_path, data.encode())).delimiter == ";"


def test_a_comma_file_with_quoted_semicolons(tmp_path):
    data = 'name,note\n"a;b;c","x;y"\n"d;e","f"\n'
    assert detect(write(tmp_path, data.encode())).delimiter == ","


def test_a_quoted_field_with_newlines_in_the_sample(tmp_path):
    data = 'a|b\n"line one\nline, two; three"|x\n2|y\n'
    assert detect(write(tmp_path, data.encode())).delimiter == "|"


def test_a_single_column_keeps_its_commas(tmp_path):
    path = write(tmp_path, b"name\nRomashka, LLC\nVasilek, LLC\n")
    dialect = detect(path)
    assert dialect.delimiter != ","
    with open_table(path) as table:
        assert [row.values for row in table] == [("Romashka, LLC",), ("Vasilek, LLC",)]


def test_the_sep_hint_wins(tmp_path):
    assert detect(write(tmp_path, b"sep=|\na,b|c\n1,2|3\n")).delimiter == "|"


def test_a_partial_dialect_has_its_blanks_detected(tmp_path):
    path = write(tmp_path, "a;b\nд;е\n".encode("cp1251"))
    with open_table(path, dialect=Dialect("csv", "", ";")) as table:
        assert table.dialect == Dialect("csv", "cp1251", ";")
    with open_table(path, dialect=Dialect("csv", "cp1251", "")) as table:
        assert table.dialect == Dialect("csv", "cp1251", ";")


@pytest.mark.parametrize("delimiter", ["", "ab", "\n", '"', "x", "1", " "])
def test_bad_delimiters(tmp_path, delimiter):
    path = write(tmp_path, b"a,b\n")
    if not delimiter:
        assert open_table(path, dialect=Dialect("csv", "utf-8", delimiter)).dialect.delimiter == ","
        return
    with pytest.raises(TableError) as caught:
        open_table(path, dialect=Dialect("csv", "utf-8", delimiter))
    assert caught.value.code == "bad_delimiter"


def test_xlsx_is_told_by_its_content_not_its_name(tmp_path):
    path = tmp_path / "export.csv"
    book = xlsxwriter.Workbook(path)
    book.add_worksheet().write_row(0, 0, ["a", "b"])
    book.close()
    assert detect(path) == Dialect("xlsx")
    assert detect(path, filename="export.csv").kind == "xlsx"


def test_a_tsv_named_xls_is_read_as_text(tmp_path):
    path = write(tmp_path, b"a\tb\n1\t2\n", name="bank.xls")
    assert detect(path, filename="bank.xls") == Dialect("csv", "utf-8", "\t")


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"", "", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00", "", "binary"),
        (b"\x00\x01\x02\x03\x04\x05" * 10, "book.xlsx", "named_xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "", "xls"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + b"\x00" * 600
            + "EncryptedPackage".encode("utf-16-le"),
            "",
            "encrypted",
        ),
    ],
)
def test_files_that_are_not_tables(tmp_path, data, filename, code):
    path = write(tmp_path, data, name="upload")
    with pytest.raises(TableError) as caught:
        detect(path, filename=filename)
    assert caught.value.code == code
    with pytest.raises(TableError):
        open_table(path, filename=filename)


def test_a_missing_file(tmp_path):
    with pytest.raises(TableError) as caught:
        detect(tmp_path / "gone.csv")
    assert caught.value.code == "io"
    with pytest.raises(TableError):
        open_table(tmp_path / "gone.csv", dialect=Dialect("csv", "utf-8", ","))


def test_rows_estimate(tmp_path):
    assert rows_estimate(write(tmp_path, b"a,b\n" + b"1,2\n" * 10)) == 10
    big = rows_estimate(write(tmp_path, b"a,b\n" + b"12345,67890\n" * 100_000, name="big.csv"))
    assert big is not None
    assert 95_000 < big < 105_000
    assert rows_estimate(tmp_path / "missing.csv") is None
    path = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    for row in range(51):
        sheet.write_row(row, 0, [f"r{row}", row])
    book.close()
    assert rows_estimate(path) == 50


def test_text_that_starts_like_a_zip_or_a_bom_is_still_text(tmp_path):
    assert detect(write(tmp_path, b"PK;Name\n1;x\n")) == Dialect("csv", "utf-8", ";")
    cp1251 = "яю;код\r\nэх;1\r\n".encode("cp1251")  # starts with FF FE, the UTF-16 BOM
    assert detect(write(tmp_path, cp1251, name="b.csv")) == Dialect("csv", "cp1251", ";")


@pytest.mark.parametrize("quotechar", ["", "ab", "\n", "a", " "])
def test_bad_quote_characters(tmp_path, quotechar):
    path = write(tmp_path, b"a,b\n1,2\n")
    for dialect in (Dialect("csv", "", "", quotechar), Dialect("csv", "utf-8", ",", quotechar)):
        with pytest.raises(TableError) as caught:
            open_table(path, dialect=dialect)
        assert caught.value.code == "bad_quotechar"


def test_another_quote_character(tmp_path):
    path = write(tmp_path, b"a;b\n'x;y';\"z\"\n")
    with open_table(path, dialect=Dialect("csv", "", "", "'")) as table:
        assert [row.values for row in table] == [("x;y", '"z"')]
