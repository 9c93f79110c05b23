"""init and file: the work folder, appended parts, names that must never be written."""

from __future__ import annotations

import os

import pytest

from accord.exchange.models import ExchangeRun
from accord.exchange.protocols import workdir
from tests.exchange.protocol.conftest import outside_files, text

pytestmark = pytest.mark.django_db


def test_init_answers_exactly_two_lines_without_a_trailing_lf(authed, node):
    answer = authed.call("init")

    assert answer.content == f"zip=yes\nfile_limit={node.file_limit}".encode()
    assert answer["Content-Type"] == "text/plain; charset=utf-8"


def test_init_follows_the_node_settings(authed, node):
    node.zip_allowed = False
    node.file_limit = 65536
    node.save()

    assert authed.lines("init") == ["zip=no", "file_limit=65536"]


def test_init_with_version_adds_sessid_and_version_like_bitrix(authed, node):
    lines = authed.lines("init", version="2.10")

    assert lines == [
        "zip=yes",
        f"file_limit={node.file_limit}",
        f"sessid={authed.sessid}",
        "version=2.09",
    ]


def test_init_empties_the_work_folder(authed):
    authed.upload("import.xml", b"<?xml version='1.0'?><a/>")
    assert (authed.folder / "import.xml").is_file()

    authed.lines("init")

    assert list(authed.folder.iterdir()) == []


def test_parts_are_appended_to_one_file(authed):
    authed.lines("init")
    parts = [b'<?xml version="1.0" encoding="UTF-8"?><a>', b"<b>middle</b>" * 1000, b"</a>"]

    for part in parts:
        assert authed.upload("import0_1.xml", part) == ["success"]

    assert (authed.folder / "import0_1.xml").read_bytes() == b"".join(parts)


def test_a_resent_first_part_starts_the_file_again(authed):
    authed.upload("import.xml", b"\xef\xbb\xbf<?xml version='1.0'?><a>")
    authed.upload("import.xml", b"</a>")

    authed.upload("import.xml", b"<?xml version='1.0'?><b/>")

    assert (authed.folder / "import.xml").read_bytes() == b"<?xml version='1.0'?><b/>"
    assert workdir.uploaded_bytes(authed.folder) == len(b"<?xml version='1.0'?><b/>")


def test_file_without_init_creates_the_folder(authed):
    assert not authed.folder.exists()

    assert authed.upload("offers.xml", b"<?xml version='1.0'?><a/>") == ["success"]

    assert (authed.folder / "offers.xml").is_file()


def test_sub_folders_are_kept_and_bitrix_prefixes_dropped(authed):
    authed.upload("import_files/ab/cd/picture.jpg", b"\xff\xd8jpeg")
    authed.upload("import_files\\ef\\other.png", b"\x89PNG")
    bitrix_tmp = "/tmp/import.xml"  # noqa: S108 (a name 1C-Bitrix sends, not a file here)
    authed.upload(bitrix_tmp, b"<?xml version='1.0'?><a/>")
    authed.upload("upload/1c/webdata/offers.xml", b"<?xml version='1.0'?><b/>")

    folder = authed.folder
    assert (folder / "import_files/ab/cd/picture.jpg").read_bytes() == b"\xff\xd8jpeg"
    assert (folder / "import_files/ef/other.png").read_bytes() == b"\x89PNG"
    assert (folder / "import.xml").is_file()
    assert (folder / "offers.xml").is_file()


UNSAFE = [
    "../escape.xml",
    "import_files/../../escape.xml",
    "..\\..\\escape.xml",
    "/etc/passwd",
    "C:\\Windows\\win.ini",
    "c:/evil.xml",
    "evil\x00.xml",
    "line\nbreak.xml",
    "shell.php",
    "shell.PHP",
    "shell.php.jpg",
    "page.html",
    "script.js",
    "run.sh",
    "tool.exe",
    "prog.py",
    "x.phtml",
    ".htaccess",
    "import_files/.hidden/x.jpg",
    ".accord/uploaded",
    "a" * 256 + ".xml",
    "d/" * 127 + "x.xml",
    "",
    "/",
]


@pytest.mark.parametrize("name", UNSAFE)
def test_unsafe_names_are_refused_and_nothing_is_written(authed, exchange_data, name):
    authed.lines("init")

    lines = authed.upload(name, b"<?xml version='1.0'?><evil/>")

    assert lines[0] == "failure"
    assert len(lines) == 2
    assert lines[1]
    assert [p for p in authed.folder.rglob("*") if p.is_file()] == []
    assert outside_files(exchange_data, authed.folder) == []


def test_a_symlink_in_the_path_is_refused(authed, tmp_path):
    authed.lines("init")
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, authed.folder / "import_files")

    lines = authed.upload("import_files/x.jpg", b"jpeg")

    assert lines[0] == "failure"
    assert list(outside.iterdir()) == []


def test_an_empty_body_for_a_new_file_is_refused(authed):
    authed.lines("init")

    assert authed.upload("import.xml", b"") == ["failure", "Файл для импорта пуст."]
    assert not (authed.folder / "import.xml").exists()


def test_an_empty_part_after_data_changes_nothing(authed):
    authed.upload("import.xml", b"<?xml version='1.0'?><a/>")

    assert authed.upload("import.xml", b"") == ["success"]
    assert (authed.folder / "import.xml").read_bytes() == b"<?xml version='1.0'?><a/>"


def test_the_session_upload_limit_is_enforced(authed, settings):
    settings.ACCORD_EXCHANGE_MAX_UPLOAD = 100_000
    authed.lines("init")
    assert authed.upload("import.xml", b"<?xml version='1.0'?>" + b"x" * 60_000) == ["success"]

    lines = authed.upload("import.xml", b"y" * 50_000)
    other = authed.upload("offers.xml", b"z" * 50_000)

    assert lines[0] == "failure"
    assert other[0] == "failure"
    assert (authed.folder / "import.xml").stat().st_size == 60_021  # the part was undone
    assert not (authed.folder / "offers.xml").exists()


def test_a_large_upload_is_streamed_to_disk(authed, settings):
    # Bigger than DATA_UPLOAD_MAX_MEMORY_SIZE: reading request.body would raise.
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < 3 * 1024 * 1024
    payload = b"<?xml version='1.0'?><a>" + os.urandom(3 * 1024 * 1024) + b"</a>"

    assert authed.upload("big.xml", payload) == ["success"]
    assert (authed.folder / "big.xml").read_bytes() == payload


def test_file_uploads_create_no_runs(authed):
    authed.upload("import.xml", b"<?xml version='1.0'?><a/>")

    assert not ExchangeRun.objects.exists()


def test_get_to_file_is_an_empty_body(authed):
    answer = authed.call("file", filename="import.xml")

    assert text(answer) == "failure\nФайл для импорта пуст."
