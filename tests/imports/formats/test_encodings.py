"""S7: UTF-8, UTF-8 with a BOM and windows-1251 copies read the same; invalid bytes are named."""

import codecs

import pytest

from accord.imports.formats.tables import (
    BadRow,
    Dialect,
    TableError,
    detect,
    open_table,
)
from tests.imports.formats.helpers import bad, read_all, rows, write

TEXT = (
    "ИНН;Наименование;Город;Примечание\r\n"
    '7707083893;ООО "Ромашка";Москва;"многострочное\r\nпримечание; с точкой с запятой"\r\n'
    "500100732259;ИП Васильков Ёжик;Тверь;\r\n"
    '7736207543;"ПАО ""Сбербанк""";Санкт-Петербург;№ 5 — «кавычки»\r\n'
)
ENCODED = {
    "utf-8": TEXT.encode("utf-8"),
    "utf-8-sig": codecs.BOM_UTF8 + TEXT.encode("utf-8"),
    "cp1251": TEXT.encode("cp1251"),
}


@pytest.mark.parametrize("encoding", ENCODED)
def test_the_three_encodings_are_detected(tmp_path, encoding):
    assert detect(write(tmp_path, ENCODED[encoding])) == Dialect("csv", encoding, ";")


def test_the_three_encodings_give_identical_rows(tmp_path):
    results = {}
    for encoding, data in ENCODED.items():
        table, items = read_all(write(tmp_path, data, f"{encoding}.csv"))
        results[encoding] = (table.header, table.header_line, items)
    assert results["utf-8"] == results["utf-8-sig"] == results["cp1251"]
    header, _line, items = results["utf-8"]
    assert header == ("ИНН", "Наименование", "Город", "Примечание")
    assert rows(items) == [
        (
            2,
            (
                "7707083893",
                'ООО "Ромашка"',
                "Москва",
                "многострочное\nпримечание; с точкой с запятой",
            ),
        ),
        (4, ("500100732259", "ИП Васильков Ёжик", "Тверь", "")),
        (5, ("7736207543", 'ПАО "Сбербанк"', "Санкт-Петербург", "№ 5 — «кавычки»")),
    ]


def test_a_bom_never_leaks_into_the_first_name(tmp_path):
    path = write(tmp_path, codecs.BOM_UTF8 + b"inn,name\n1,2\n")
    for dialect in (None, Dialect("csv", "utf-8", ","), Dialect("csv", "cp1251", ",")):
        with open_table(path, dialect=dialect) as table:
            assert table.header == ("inn", "name")


def test_an_invalid_utf8_byte_is_named_with_its_line_and_column(tmp_path):
    lines = [TEXT.encode("utf-8").split(b"\r\n")[0], "1;Ёлка;Ок;".encode()]
    lines += ["2;Ёж;Ок;".encode() + b"\xff", "3;Ель;Ок;".encode()]
    path = write(tmp_path, b"\r\n".join(lines) + b"\r\n")
    assert detect(path).encoding == "utf-8"  # one bad byte does not make it windows-1251
    _table, items = read_all(path)
    assert items[1] == BadRow.of(
        "invalid_byte", 3, "2;Ёж;Ок;\ufffd", column=9, byte=0xFF, encoding="UTF-8"
    )
    assert items[1].reason == "invalid byte 0xFF for UTF-8 at column 9"
    assert rows(items) == [(2, ("1", "Ёлка", "Ок", "")), (4, ("3", "Ель", "Ок", ""))]


def test_the_undefined_windows_1251_byte_is_a_bad_row(tmp_path):
    data = (
        "имя;код\r\nпервый;1\r\nвто".encode("cp1251")
        + b"\x98"
        + "рой;2\r\nтретий;3\r\n".encode("cp1251")
    )
    path = write(tmp_path, data)
    assert detect(path).encoding == "cp1251"
    _table, items = read_all(path)
    assert bad(items) == [(3, "invalid_byte")]
    assert items[1].reason == "invalid byte 0x98 for windows-1251 at column 4"
    assert rows(items) == [(2, ("первый", "1")), (4, ("третий", "3"))]


def test_an_invalid_byte_inside_a_quoted_record_names_its_own_line(tmp_path):
    data = b'a,b\n1,"x\ny\xffz"\n2,w\n'
    _table, items = read_all(write(tmp_path, data), dialect=Dialect("csv", "utf-8", ","))
    assert items[0].line == 2
    assert items[0].reason == "invalid byte 0xFF for UTF-8 on line 3, column 2"
    assert items[0].raw == '1,"x\ny\ufffdz"'
    assert rows(items) == [(4, ("2", "w"))]


def test_windows_1251_after_a_long_ascii_start(tmp_path):
    data = b"code,name\r\n" + b"1,ascii\r\n" * 20_000 + "2,кириллица\r\n".encode("cp1251")
    path = write(tmp_path, data)
    assert detect(path).encoding == "cp1251"
    _table, items = read_all(path)
    assert items[-1].values == ("2", "кириллица")


def test_the_encoding_can_be_overridden(tmp_path):
    path = write(tmp_path, "a;b\r\nд;е\r\n".encode("koi8-r"))
    _table, items = read_all(path, dialect=Dialect("csv", "koi8-r", ";"))
    assert rows(items) == [(2, ("д", "е"))]
    _table, items = read_all(path, dialect=Dialect("csv", "KOI8_R", ""))
    assert rows(items) == [(2, ("д", "е"))]


@pytest.mark.parametrize("encoding", ["utf-16", "no-such-codec", "rot13", ""])
def test_unsupported_encodings(tmp_path, encoding):
    path = write(tmp_path, b"a;b\r\n1;2\r\n")
    if not encoding:  # blank: detected
        assert open_table(path, dialect=Dialect("csv", encoding, ";")).dialect.encoding == "utf-8"
        return
    with pytest.raises(TableError) as caught:
        open_table(path, dialect=Dialect("csv", encoding, ";"))
    assert caught.value.code == "bad_encoding"


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE])
def test_utf16_text_is_refused_with_a_clear_message(tmp_path, bom):
    path = write(tmp_path, bom + "a\tb\r\n".encode("utf-16-le"))
    with pytest.raises(TableError) as caught:
        detect(path)
    assert caught.value.code == "utf16"
    assert "UTF-16" in caught.value.message


def test_a_little_utf8_with_a_bad_byte_stays_utf8(tmp_path):
    # Read as windows-1251 the Cyrillic would load silently as mojibake; as UTF-8 one row fails.
    data = b"name,city\nAcme,\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0\nBeta,Tver\xff\n"
    assert detect(write(tmp_path, data)).encoding == "utf-8"
