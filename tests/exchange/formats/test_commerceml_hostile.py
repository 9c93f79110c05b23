"""Hostile and broken input: every case ends in a FormatError, nothing is fetched or read."""

from __future__ import annotations

import io
import itertools
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from accord.exchange.formats.commerceml import read_package
from accord.exchange.formats.commerceml.safety import MAX_DEPTH, make_parser
from accord.exchange.formats.errors import FormatError
from tests.exchange.formats.helpers import read

ROOT_OPEN = '<КоммерческаяИнформация ВерсияСхемы="2.07" ДатаФормирования="2024-01-01T00:00:00">'
ROOT_CLOSE = "</КоммерческаяИнформация>"


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A local port that records whether anything connected to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)
    yield server
    server.close()


def nobody_connected(server: socket.socket) -> bool:
    try:
        connection, _address = server.accept()
    except BlockingIOError:
        return True
    connection.close()
    return False


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-CONTENT-42")
    return path


def failure(data: bytes) -> FormatError:
    with pytest.raises(FormatError) as caught:
        read(data)
    return caught.value


def catalog(body: str, *, prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}{ROOT_OPEN}'
        f"<Каталог><Ид>c</Ид><Товары><Товар><Ид>p</Ид><Наименование>{body}</Наименование>"
        f"</Товар></Товары></Каталог>{ROOT_CLOSE}"
    ).encode()


@pytest.mark.parametrize("target", ["file:///etc/passwd", "SECRET", "http://127.0.0.1:PORT/x"])
def test_external_entities_are_refused_without_reading_or_fetching(
    target: str, secret_file: Path, listener: socket.socket
) -> None:
    url = target.replace("SECRET", secret_file.as_uri())
    url = url.replace("PORT", str(listener.getsockname()[1]))
    data = catalog(
        "&xxe;", prolog=f'<!DOCTYPE КоммерческаяИнформация [<!ENTITY xxe SYSTEM "{url}">]>'
    )
    error = failure(data)
    assert "DTD is not allowed" in error.message
    assert "TOP-SECRET" not in str(error)
    assert "root:" not in str(error)
    assert nobody_connected(listener)


def test_an_external_dtd_is_refused_without_fetching(listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    data = catalog(
        "x", prolog=f'<!DOCTYPE КоммерческаяИнформация SYSTEM "http://127.0.0.1:{port}/cml.dtd">'
    )
    assert "DTD is not allowed" in failure(data).message
    assert nobody_connected(listener)


def test_billion_laughs_is_refused() -> None:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">'
        for n in range(1, 10)
    )
    data = catalog("&lol9;", prolog=f"<!DOCTYPE КоммерческаяИнформация [{entities}]>")
    error = failure(data)
    assert "DTD is not allowed" in error.message
    assert error.line == 2


def test_the_parser_itself_resolves_nothing_even_when_given_a_dtd(
    secret_file: Path, listener: socket.socket
) -> None:
    """Second line of defence: libxml2 is configured to expand and fetch nothing."""
    port = listener.getsockname()[1]
    data = (
        f'<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://127.0.0.1:{port}/r.dtd" ['
        f'<!ENTITY file SYSTEM "{secret_file.as_uri()}">'
        f'<!ENTITY web SYSTEM "http://127.0.0.1:{port}/e">'
        '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        "<r><f>&file;</f><w>&web;</w><c>&c;</c></r>"
    ).encode()
    parser = make_parser()
    texts: list[str] = []
    try:
        parser.feed(data)
        parser.close()
    except Exception as error:  # any refusal is fine: what matters is what leaked
        texts.append(str(error))
    texts.extend(str(element.text) for _event, element in parser.read_events())
    assert not any("TOP-SECRET" in text for text in texts)
    assert not any("aaaaaaaaaa" * 10 in text for text in texts)
    assert nobody_connected(listener)


def test_deep_nesting_is_refused() -> None:
    data = ROOT_OPEN + "<Каталог>" + "<a>" * 10_000 + "</a>" * 10_000 + "</Каталог>" + ROOT_CLOSE
    error = failure(data.encode())
    assert f"deeper than {MAX_DEPTH} levels" in error.message


def test_nesting_just_past_the_limit_is_refused() -> None:
    data = ROOT_OPEN + "<Каталог>" + "<a>" * (MAX_DEPTH + 5)  # truncated while deep
    assert f"deeper than {MAX_DEPTH} levels" in failure(data.encode()).message


class _Stream(io.RawIOBase):
    """A file made on the fly from parts, so a 50 MB body never sits in memory at once."""

    def __init__(self, parts: Iterator[bytes]) -> None:
        self._parts = parts
        self._buffer = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray) -> int:  # type: ignore[override]
        while not self._buffer:
            part = next(self._parts, b"")
            if not part:
                return 0
            self._buffer = memoryview(part)
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


def stream(parts: Iterator[bytes]) -> io.BufferedReader:
    return io.BufferedReader(_Stream(parts), buffer_size=2**20)


def _huge_text(megabytes: int) -> Iterator[bytes]:
    yield (ROOT_OPEN + "<Каталог><Товары><Товар><Ид>p</Ид><Наименование>").encode()
    block = b"x" * 2**20
    for _ in range(megabytes):
        yield block
    yield ("</Наименование></Товар></Товары></Каталог>" + ROOT_CLOSE).encode()


def test_a_50_mb_text_node_is_refused() -> None:
    with pytest.raises(FormatError) as caught:
        for _record in read_package(stream(_huge_text(50))):
            pass
    assert "larger than 10 MB" in caught.value.message


def test_a_huge_attribute_value_is_refused() -> None:
    opening = "<Товар>".encode()
    huge = '<Товар Статус="'.encode() + b"y" * (11 * 2**20) + b'">'
    data = catalog("x").replace(opening, huge)
    assert "larger than 10 MB" in failure(data).message


def test_an_absurdly_long_element_name_is_malformed_xml() -> None:
    data = catalog("<" + "Б" * 60_000 + "/>")
    error = failure(data)
    assert error.message.startswith("Malformed XML: Name too long")


def _junk(megabytes: int) -> Iterator[bytes]:
    yield (ROOT_OPEN + "<Каталог><Ид>c</Ид>").encode()
    block = b"<x/>" * (2**20 // 4)
    for _ in range(megabytes):
        yield block
    yield ("<Товары/></Каталог>" + ROOT_CLOSE).encode()


def test_a_flood_of_unknown_elements_is_refused_before_memory_runs_away() -> None:
    with pytest.raises(FormatError) as caught:
        for _record in read_package(stream(_junk(8))):
            pass
    assert "holds more than 1000000 elements" in caught.value.message


def _big_text_objects(megabytes: int) -> Iterator[bytes]:
    yield (ROOT_OPEN + "<Каталог><Ид>c</Ид>").encode()
    block = b"<x>" + b"y" * (2**20 - 7) + b"</x>"
    for _ in range(megabytes):
        yield block
    yield ("<Товары/></Каталог>" + ROOT_CLOSE).encode()


def test_a_flood_of_big_unknown_values_is_refused_before_memory_runs_away() -> None:
    with pytest.raises(FormatError) as caught:
        for _record in read_package(stream(_big_text_objects(40))):
            pass
    assert "larger than 32 MB" in caught.value.message


def test_a_foreign_root_is_refused_before_the_rest_is_read() -> None:
    endless = itertools.chain(
        [b"<?xml version='1.0'?>\n<html><body>"], itertools.repeat(b"<p>x</p>" * 1000)
    )
    with pytest.raises(FormatError) as caught:
        for _record in read_package(stream(endless)):
            pass
    assert "the root element is <html>" in caught.value.message
    assert caught.value.line == 2


def test_truncated_xml_reports_malformed_xml_with_a_line() -> None:
    data = catalog("Стол")[:-60]
    error = failure(data)
    assert error.message.startswith("Malformed XML")
    assert error.line is not None


def test_a_mismatched_tag_reports_its_line() -> None:
    data = f'<?xml version="1.0"?>\n{ROOT_OPEN}\n<Каталог>\n<Ид>c</Код>\n</Каталог>{ROOT_CLOSE}'
    error = failure(data.encode())
    assert error.line == 4
    assert "(line 4)" in str(error)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"   \n ", "The file has no root element"),
        (b"PK\x03\x04\x14\x00\x00\x00", "not XML"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not XML"),
        (b"success\nsessid=1\n", "not XML"),
        ("<КоммерческаяИнформация/>".encode("utf-16"), "Unsupported encoding"),
        (b'<?xml version="1.0"?><html><body>error</body></html>', "root element is <html>"),
        (f"{ROOT_OPEN}<Прочее/>{ROOT_CLOSE}".encode(), "holds no Классификатор"),
        (b'<?xml version="1.0"', "ends inside its XML declaration"),
        (b"<!-- only a comment", "ends inside its XML declaration or a comment"),
        (f"{ROOT_OPEN}&undefined;{ROOT_CLOSE}".encode(), "Malformed XML"),
        (f"{ROOT_OPEN}<Каталог>\x01</Каталог>{ROOT_CLOSE}".encode(), "Malformed XML"),
    ],
)
def test_non_commerceml_input_is_refused_with_a_clear_message(data: bytes, message: str) -> None:
    assert message in failure(data).message


def test_a_path_that_does_not_exist_is_not_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read(tmp_path / "missing.xml")
