"""Zip archives: unpacked on the first import, hardened against hostile archives."""

from __future__ import annotations

import io
import zipfile

import pytest

from accord.exchange.models import ExchangeRun
from accord.exchange.protocols import workdir
from tests.exchange.protocol.conftest import catalog_xml, outside_files

pytestmark = pytest.mark.django_db

UNPACKED = ["progress", "Распаковка архива завершена."]


def make_zip(members: dict[str, bytes], *, infos: list[zipfile.ZipInfo] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        for info in infos or []:
            archive.writestr(info, b"/etc/passwd")
    return buffer.getvalue()


def upload_in_parts(onec, name: str, payload: bytes, part: int) -> None:
    for start in range(0, len(payload), part):
        assert onec.upload(name, payload[start : start + part]) == ["success"]


def assert_refused_and_cleaned(onec, exchange_data, lines: list[str]) -> None:
    assert lines[0] == "failure"
    assert lines[1].startswith("Ошибка распаковки архива.")
    assert [p for p in onec.folder.rglob("*") if p.is_file()] == []
    assert outside_files(exchange_data, onec.folder) == []
    assert not ExchangeRun.objects.exists()


def test_an_archive_is_unpacked_on_the_first_import(authed):
    authed.lines("init")
    archive = make_zip(
        {
            "import0_1.xml": catalog_xml(),
            "offers0_1.xml": b"<?xml version='1.0'?><x/>",
            "import_files/ab/picture.jpg": b"\xff\xd8jpeg",
        }
    )
    upload_in_parts(authed, "v8_1A2B_3c.zip", archive, 200)

    first = authed.lines("import", filename="import0_1.xml")

    assert first == UNPACKED
    folder = authed.folder
    assert (folder / "import0_1.xml").read_bytes() == catalog_xml()
    assert (folder / "import_files/ab/picture.jpg").read_bytes() == b"\xff\xd8jpeg"
    assert not (folder / "v8_1A2B_3c.zip").exists()
    assert not ExchangeRun.objects.exists()

    second = authed.lines("import", filename="import0_1.xml")

    assert second[0] == "progress"  # queued for the worker now
    run = ExchangeRun.objects.get()
    assert run.filename == "import0_1.xml"
    assert run.path == str(folder / "import0_1.xml")


def test_an_archive_is_recognised_by_its_content(authed):
    authed.upload("package.bin", make_zip({"import.xml": catalog_xml()}))

    assert authed.lines("import", filename="import.xml") == UNPACKED
    assert (authed.folder / "import.xml").is_file()


def test_zip64_end_records_are_read(authed, monkeypatch):
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 1)  # makes zipfile write zip64 records
    archive = make_zip({"import.xml": catalog_xml(), "offers.xml": b"<?xml version='1.0'?><x/>"})
    monkeypatch.undo()
    authed.upload("v8_1.zip", archive)

    assert authed.lines("import", filename="import.xml") == UNPACKED
    assert (authed.folder / "offers.xml").is_file()


@pytest.mark.parametrize(
    "member",
    [
        "../evil.xml",
        "import_files/../../evil.xml",
        "..\\evil.xml",
        "/etc/evil.xml",
        "C:/evil.xml",
        "evil.php",
    ],
)
def test_zip_slip_members_are_refused(authed, exchange_data, member):
    authed.upload("v8_1.zip", make_zip({"import.xml": catalog_xml(), member: b"owned"}))

    lines = authed.lines("import", filename="import.xml")

    assert_refused_and_cleaned(authed, exchange_data, lines)


def test_symlink_members_are_refused(authed, exchange_data):
    link = zipfile.ZipInfo("import_files/link")
    link.external_attr = 0o120777 << 16
    authed.upload("v8_1.zip", make_zip({"import.xml": catalog_xml()}, infos=[link]))

    lines = authed.lines("import", filename="import.xml")

    assert_refused_and_cleaned(authed, exchange_data, lines)
    assert "ссылка" in lines[1]


def test_encrypted_members_are_refused(authed, exchange_data):
    archive = bytearray(make_zip({"import.xml": catalog_xml()}))
    archive[6] |= 0x1  # "encrypted" in the local header's flags ...
    archive[archive.rfind(b"PK\x01\x02") + 8] |= 0x1  # ... and in the central directory
    authed.upload("v8_1.zip", bytes(archive))

    assert_refused_and_cleaned(authed, exchange_data, authed.lines("import", filename="import.xml"))


def test_a_zip_bomb_is_refused(authed, exchange_data):
    bomb = make_zip({"import.xml": b"<?xml version='1.0'?>" + b"\0" * (24 * 1024 * 1024)})
    assert len(bomb) < 100_000
    authed.upload("v8_1.zip", bomb)

    lines = authed.lines("import", filename="import.xml")

    assert_refused_and_cleaned(authed, exchange_data, lines)
    assert "zip-бомб" in lines[1]


def test_the_unpacked_total_is_capped(authed, exchange_data, settings):
    settings.ACCORD_EXCHANGE_MAX_UPLOAD = 50_000
    authed.upload("v8_1.zip", make_zip({"a.xml": b"a" * 30_000, "b.xml": b"b" * 30_000}))

    lines = authed.lines("import", filename="a.xml")

    assert_refused_and_cleaned(authed, exchange_data, lines)


def test_too_many_members_are_refused(authed, exchange_data, settings):
    settings.ACCORD_EXCHANGE_MAX_ARCHIVE_MEMBERS = 10
    authed.upload("v8_1.zip", make_zip({f"import_files/{i}.jpg": b"x" for i in range(11)}))

    lines = authed.lines("import", filename="import.xml")

    assert_refused_and_cleaned(authed, exchange_data, lines)
    assert "слишком много" in lines[1]


@pytest.mark.parametrize(
    "payload",
    [
        b"PK\x03\x04" + b"garbage" * 100,
        b"not a zip at all",
        b"",  # replaced below by a truncated archive
    ],
)
def test_a_corrupt_archive_fails_and_the_folder_is_cleaned(authed, exchange_data, payload):
    if not payload:
        whole = make_zip({"import.xml": catalog_xml(200)})
        payload = whole[: len(whole) // 2] + whole[-22:]  # members cut, end record kept
    authed.upload("import.xml", catalog_xml())
    authed.upload("v8_1.zip", payload)

    lines = authed.lines("import", filename="import.xml")

    assert_refused_and_cleaned(authed, exchange_data, lines)


def test_a_member_with_a_bad_crc_fails(authed, exchange_data):
    archive = bytearray(make_zip({"import.xml": catalog_xml()}))
    archive[14] ^= 0xFF  # the CRC-32 in the local header ...
    central = archive.rfind(b"PK\x01\x02")
    archive[central + 16] ^= 0xFF  # ... and in the central directory
    authed.upload("v8_1.zip", bytes(archive))

    assert_refused_and_cleaned(authed, exchange_data, authed.lines("import", filename="import.xml"))


def test_nested_archives_are_kept_but_never_unpacked(authed):
    inner = make_zip({"inner.xml": catalog_xml()})
    authed.upload("v8_1.zip", make_zip({"import.xml": catalog_xml(), "inner.zip": inner}))

    assert authed.lines("import", filename="import.xml") == UNPACKED
    assert (authed.folder / "inner.zip").read_bytes() == inner

    assert authed.lines("import", filename="import.xml")[0] == "progress"  # not unpacked again
    nested = authed.lines("import", filename="inner.zip")

    assert nested[0] == "failure"
    assert "Вложенные архивы" in nested[1]
    assert not (authed.folder / "inner.xml").exists()
    assert ExchangeRun.objects.filter(filename="inner.zip").count() == 0


def test_unpack_archive_for_uploads_and_the_command_line(tmp_path):
    target = tmp_path / "package"
    target.mkdir()
    archive = target / "package.zip"
    archive.write_bytes(make_zip({"a/import.xml": catalog_xml()}))

    assert workdir.unpack_archive(archive, target) == 1
    assert (target / "a/import.xml").is_file()

    archive.write_bytes(make_zip({"../x.xml": b"x"}))
    with pytest.raises(ValueError, match="папку обмена"):
        workdir.unpack_archive(archive, target)
