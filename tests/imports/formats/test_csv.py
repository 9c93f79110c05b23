"""CSV records: quoting, line numbers, broken lines and how reading resumes after them."""

import pytest

from accord.imports.formats import csv_reader
from accord.imports.formats.tables import MESSAGES, BadRow, Dialect, Row, TableError, open_table
from tests.imports.formats.helpers import bad, read_all, rows, write

UTF8_COMMA = Dialect("csv", "utf-8", ",")


def test_rows_are_stripped_with_their_line_numbers(tmp_path):
    path = write(tmp_path, b"inn , name\n 7707083893 ,  Romashka \n500100732259,Vasilek\n")
    table, items = read_all(path)
    assert table.header == ("inn", "name")
    assert table.header_line == 1
    assert items == [
        Row(2, ("7707083893", "Romashka")),
        Row(3, ("500100732259", "Vasilek")),
    ]


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_line_endings_give_the_same_rows(tmp_path, newline):
    data = newline.join([b"a,b", b"1,2", b"", b"3,4", b""])
    _table, items = read_all(write(tmp_path, data))
    assert rows(items) == [(2, ("1", "2")), (4, ("3", "4"))]


def test_quoted_fields_with_delimiters_quotes_and_newlines(tmp_path):
    data = (
        b"name,note,city\r\n"
        b'"Romashka, LLC","said ""hello""\r\nand left",Moscow\r\n'
        b'"Vasilek","three\nphysical\rlines",Tver\r\n'
        b"Last,plain,Kazan\r\n"
    )
    _table, items = read_all(write(tmp_path, data))
    assert items == [
        Row(2, ("Romashka, LLC", 'said "hello"\nand left', "Moscow")),
        Row(4, ("Vasilek", "three\nphysical\nlines", "Tver")),
        Row(7, ("Last", "plain", "Kazan")),
    ]


def test_a_quote_inside_an_unquoted_field_is_text(tmp_path):
    data = 'name;size\nООО "Ромашка";Труба 1/2"\nnext;row\n'.encode()
    _table, items = read_all(write(tmp_path, data))
    assert rows(items) == [(2, ('ООО "Ромашка"', 'Труба 1/2"')), (3, ("next", "row"))]


def test_space_before_an_opening_quote_is_skipped(tmp_path):
    _table, items = read_all(write(tmp_path, b'a, b\n1, "x, y"\n'), dialect=UTF8_COMMA)
    assert rows(items) == [(2, ("1", "x, y"))]


def test_an_unterminated_quote_costs_one_row(tmp_path):
    data = b'a,b\n1,"never closed\n2,two\n3,three\n'
    _table, items = read_all(write(tmp_path, data))
    assert items[0] == BadRow.of("unterminated_quote", 2, '1,"never closed')
    assert rows(items) == [(3, ("2", "two")), (4, ("3", "three"))]


def test_an_unterminated_quote_at_the_end_of_the_file(tmp_path):
    _table, items = read_all(write(tmp_path, b'a,b\n1,one\n2,"open'))
    assert rows(items) == [(2, ("1", "one"))]
    assert bad(items) == [(3, "unterminated_quote")]


def test_a_stray_quote_that_meets_another_field_resumes_on_the_next_line(tmp_path):
    data = b'a,b,c\n1,"stray,x\n2,y,z\n3,"q",w\n4,u,v\n'
    _table, items = read_all(write(tmp_path, data))
    assert bad(items) == [(2, "quote_not_closed")]
    assert items[0].params["bad_line"] == 4
    assert rows(items) == [(3, ("2", "y", "z")), (4, ("3", "q", "w")), (5, ("4", "u", "v"))]


def test_a_quoted_field_open_past_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_reader, "MAX_RECORD_LINES", 5)
    lines = [b"a,b", b'1,"open'] + [b"%d,line" % n for n in range(2, 12)]
    _table, items = read_all(write(tmp_path, b"\n".join(lines) + b"\n"))
    assert bad(items) == [(2, "quote_too_long")]
    assert [line for line, _values in rows(items)] == list(range(3, 13))


def test_text_after_a_closing_quote(tmp_path):
    _table, items = read_all(write(tmp_path, b'a,b\n"abc"x,1\n2,3\n'))
    assert items[0] == BadRow.of("text_after_quote", 2, '"abc"x,1')
    assert rows(items) == [(3, ("2", "3"))]


def test_rows_after_a_multiline_field_keep_their_line_numbers(tmp_path):
    data = b'a,b\n1,"x\ny\nz"\n2,w\n"3\n",v\n4,u\n'
    _table, items = read_all(write(tmp_path, data))
    assert rows(items) == [
        (2, ("1", "x\ny\nz")),
        (5, ("2", "w")),
        (6, ("3", "v")),
        (8, ("4", "u")),
    ]


def test_wrong_column_counts_are_bad_rows(tmp_path):
    data = b"a,b,c\n1,2\n1,2,3,4\n1,2,3,,\n5,6,7\n"
    _table, items = read_all(write(tmp_path, data))
    assert items[0] == BadRow.of("columns", 2, "1,2", count=2, expected=3)
    assert items[0].reason == "2 columns where the header has 3"
    assert items[1].reason == "4 columns where the header has 3"
    assert rows(items) == [(4, ("1", "2", "3")), (5, ("5", "6", "7"))]


def test_a_quoted_record_with_the_wrong_width_keeps_its_whole_text(tmp_path):
    _table, items = read_all(write(tmp_path, b'a,b,c\n"x\ny",1\n2,3,4\n'))
    assert items[0] == BadRow.of("columns", 2, '"x\ny",1', count=2, expected=3)
    assert rows(items) == [(4, ("2", "3", "4"))]


def test_blank_lines_and_empty_rows_are_skipped(tmp_path):
    data = b"\n\n  \na;b\n\n;\n ; \n1;2\n\n"
    table, items = read_all(write(tmp_path, data))
    assert table.header_line == 4
    assert items == [Row(8, ("1", "2"))]


def test_missing_header_names_are_numbered_and_trailing_ones_dropped(tmp_path):
    table, items = read_all(write(tmp_path, b"inn,,name,,\n1,,x,,\n"))
    assert table.header == ("inn", "column 2", "name")
    assert items == [Row(2, ("1", "", "x"))]


def test_header_whitespace_is_folded(tmp_path):
    table, _items = read_all(write(tmp_path, b'"Birth\ndate",  Full   name\n1,2\n'))
    assert table.header == ("Birth date", "Full name")


@pytest.mark.parametrize(
    ("data", "code", "needle"),
    [
        (b"inn,name,INN\n", "duplicate_header", '"inn"'),
        (b"a,B, b ,a,c\n", "duplicate_header", 'header: "a", "B".'),
        (b"", "empty", ""),
        (b"\n \n,,,\n", "no_header", ""),
        (b'a,"b\n1,2\n', "bad_header", "unterminated quote"),
        (b"a,\xff\n", "bad_header", "invalid byte 0xFF for UTF-8"),
    ],
)
def test_header_errors(tmp_path, data, code, needle):
    path = write(tmp_path, data)
    with pytest.raises(TableError) as caught:
        open_table(path, dialect=UTF8_COMMA)
    assert caught.value.code == code
    assert needle in caught.value.message


def test_too_many_columns(tmp_path):
    path = write(tmp_path, b",".join(b"c%d" % i for i in range(12)) + b"\n")
    with pytest.raises(TableError) as caught:
        open_table(path, max_columns=10)
    assert caught.value.code == "too_many_columns"
    assert open_table(path, max_columns=12).header[-1] == "c11"


def test_excel_sep_line_is_skipped(tmp_path):
    table, items = read_all(write(tmp_path, b"sep=;\r\na;b\r\n1,5;2\r\n"))
    assert table.dialect.delimiter == ";"
    assert (table.header_line, table.header) == (2, ("a", "b"))
    assert items == [Row(3, ("1,5", "2"))]


def test_nul_makes_a_bad_row(tmp_path):
    _table, items = read_all(write(tmp_path, b"a,b\n1,x\x00y\n2,z\n"))
    assert items[0] == BadRow.of("nul", 2, "1,x\ufffdy", column=4)
    assert rows(items) == [(3, ("2", "z"))]


def test_an_over_long_line(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_reader, "MAX_LINE_BYTES", 64)
    monkeypatch.setattr(csv_reader, "CHUNK_BYTES", 16)
    data = b"a,b\n1," + b"x" * 200 + b"\r\n2,y\n3," + b"z" * 100 + b"\n4,w"
    _table, items = read_all(write(tmp_path, data))
    assert bad(items) == [(2, "line_too_long"), (4, "line_too_long")]
    assert rows(items) == [(3, ("2", "y")), (5, ("4", "w"))]


def test_a_field_longer_than_the_csv_limit(tmp_path):
    data = b'a,b\n1,"' + b"x" * 200_000 + b'"\n2,y\n'
    _table, items = read_all(write(tmp_path, data))
    assert bad(items) == [(2, "field_too_long")]
    assert rows(items) == [(3, ("2", "y"))]


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 64])
def test_block_boundaries_do_not_change_anything(tmp_path, monkeypatch, chunk):
    data = (
        ('\ufeffa;b\r\n1;"x\r\ny"\r\n\r\n2;\xff\r3;Я\r\n4;"q""q"\r5;five\n6;"open\r\n7;seven')
        .encode("utf-8")
        .replace(b"\xc3\xbf", b"\xff")
    )
    path = write(tmp_path, data)
    _table, expected = read_all(path)
    monkeypatch.setattr(csv_reader, "CHUNK_BYTES", chunk)
    _table, items = read_all(path)
    assert items == expected
    assert rows(items) == [
        (2, ("1", "x\ny")),
        (6, ("3", "Я")),
        (7, ("4", 'q"q')),
        (8, ("5", "five")),
        (10, ("7", "seven")),
    ]
    assert bad(items) == [(5, "invalid_byte"), (9, "unterminated_quote")]


def test_iteration_is_one_pass_and_close_is_safe(tmp_path):
    path = write(tmp_path, b"a\n1\n2\n")
    with open_table(path) as table:
        assert [item.line for item in table] == [2, 3]
        assert list(table) == []
    table.close()


def test_rows_estimate(tmp_path):
    path = write(tmp_path, b"a,b\n" + b"1,2\n" * 1000)
    with open_table(path) as table:
        assert table.rows_estimate() == 1000


def test_reasons_can_be_rendered_again_from_their_code(tmp_path):
    # A caller translating messages formats MESSAGES[code] (translated) with params.
    data = b'a,b\n1\n"x"y,2\n3,"open\n4,\xff\n5,\x00\n'
    _table, items = read_all(write(tmp_path, data), dialect=UTF8_COMMA)
    assert {item.code for item in items if isinstance(item, BadRow)} == {
        "columns", "text_after_quote", "unterminated_quote", "invalid_byte", "nul",
    }  # fmt: skip
    for item in items:
        if isinstance(item, BadRow):
            assert MESSAGES[item.code] % item.params == item.reason
    with pytest.raises(TableError) as caught:
        open_table(write(tmp_path, b"a,a\n", name="dup.csv"))
    assert MESSAGES[caught.value.code] % caught.value.params == caught.value.message
    assert str(caught.value) == caught.value.message + " (line 1)"
