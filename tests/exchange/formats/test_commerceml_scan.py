"""`scan_package`, the run's checking pass: the reader's header, count and errors, unbuilt."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from accord.exchange.formats.commerceml import read_package
from accord.exchange.formats.commerceml.reader import scan_package
from accord.exchange.formats.errors import FormatError
from tests.exchange.formats.generate import write_import, write_offers
from tests.exchange.formats.helpers import FIXTURES, reencode

ROOT_OPEN = '<КоммерческаяИнформация ВерсияСхемы="2.07" ДатаФормирования="2024-01-01T00:00:00">'
ROOT_CLOSE = "</КоммерческаяИнформация>"


def same_as_reading(data: bytes) -> None:
    """The scan answers what a full read yields: the header and the number of records."""
    records = list(read_package(io.BytesIO(data)))
    assert scan_package(io.BytesIO(data)) == (records[0], len(records) - 1)


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.xml")), ids=lambda p: p.name)
def test_the_scan_of_every_fixture_matches_a_full_read(path: Path) -> None:
    same_as_reading(path.read_bytes())


def test_the_scan_matches_on_generated_catalogs(tmp_path: Path) -> None:
    same_as_reading(write_import(tmp_path / "import.xml", 300, rich=True).read_bytes())
    same_as_reading(write_offers(tmp_path / "offers.xml", 300).read_bytes())


def test_the_scan_matches_in_windows_1251_and_without_a_namespace() -> None:
    data = (FIXTURES / "import_207.xml").read_bytes()
    same_as_reading(reencode(data, "windows-1251", strip_namespace=True))


def test_the_scan_of_every_shared_sample_matches_a_full_read(shared_dir: Path) -> None:
    samples = sorted((shared_dir / "samples" / "1c").glob("*.xml"))
    assert samples
    for path in samples:
        same_as_reading(path.read_bytes())


def _catalog(body: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{ROOT_OPEN}<Каталог><Ид>c</Ид><Товары>'
        f"<Товар><Ид>p</Ид><Наименование>{body}</Наименование></Товар></Товары></Каталог>"
        f"{ROOT_CLOSE}"
    )


BROKEN = {
    "truncated": _catalog("Стол").encode()[:-60],
    "mismatched tag": f"{ROOT_OPEN}\n<Каталог>\n<Ид>c</Код>\n</Каталог>{ROOT_CLOSE}".encode(),
    "dtd": _catalog("x")
    .replace("<Комм", '<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><Комм')
    .encode(),
    "deep": (
        ROOT_OPEN + "<Каталог>" + "<a>" * 10_000 + "</a>" * 10_000 + "</Каталог>" + ROOT_CLOSE
    ).encode(),
    "foreign root": b'<?xml version="1.0"?><html><body>error</body></html>',
    "no package": f"{ROOT_OPEN}<Прочее/>{ROOT_CLOSE}".encode(),
    "utf-16": "<КоммерческаяИнформация/>".encode("utf-16"),
    "invalid utf-8 late": _catalog("Стол").encode().replace("Стол".encode(), b"\xd0\x28\xff"),
    "invalid windows-1251 late": _catalog("Стол")
    .replace("UTF-8", "windows-1251")
    .encode("cp1251")
    .replace("Стол".encode("cp1251"), b"\x98"),
    "control character": f"{ROOT_OPEN}<Каталог>\x01</Каталог>{ROOT_CLOSE}".encode(),
}


@pytest.mark.parametrize("data", list(BROKEN.values()), ids=list(BROKEN))
def test_the_scan_refuses_what_reading_refuses_with_the_same_message(data: bytes) -> None:
    with pytest.raises(FormatError) as reading:
        list(read_package(io.BytesIO(data)))
    with pytest.raises(FormatError) as scanning:
        scan_package(io.BytesIO(data))
    assert str(scanning.value) == str(reading.value)
