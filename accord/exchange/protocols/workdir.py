"""The session's work folder: safe file names, appended uploads, hardened zip unpacking.

Everything 1C names is resolved inside the folder and nowhere else: a name is cleaned once
(`clean_name`), every existing component on the way is checked not to be a symlink, and
files are opened with O_NOFOLLOW. Archives are unpacked as a stream with a running byte
count, because the sizes a zip header declares are whatever its author wrote.

The folder keeps its own bookkeeping in `.accord/` (names starting with a dot are refused
from 1C, so it cannot be reached): how many bytes were uploaded, and which files came out of
an archive (those are never unpacked in turn: nested archives stay inert files).
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

CHUNK = 64 * 1024
MAX_NAME = 255
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
BOMB_RATIO = 200  # a member that inflates more than this ...
BOMB_MIN_SIZE = 10 * 1024 * 1024  # ... once past this size is a zip bomb
BOOKKEEPING = ".accord"
_UPLOADED = "uploaded"
_INERT = "inert"
# Names a web server might execute, or a browser render as active content.
SCRIPT_EXTENSIONS = frozenset(
    {
        "php", "php3", "php4", "php5", "php7", "php8", "phtml", "phar", "pht", "phps",
        "py", "pyc", "pyo", "pl", "cgi", "rb", "sh", "bash", "zsh", "ksh", "csh",
        "exe", "com", "bat", "cmd", "ps1", "vbs", "vbe", "wsf", "msi", "dll", "so",
        "js", "mjs", "cjs", "jsp", "jspx", "asp", "aspx", "ashx", "asmx", "cer", "war",
        "html", "htm", "shtml", "xhtml", "xht", "hta", "htaccess", "htpasswd", "svg", "svgz",
    }
)  # fmt: skip
# Where 1C-Bitrix keeps exchange files; 1C may name files with it (a name, not our temp dir).
_STRIP_PREFIXES = ("/tmp/", "upload/1c/webdata/", "/upload/1c/webdata/")  # noqa: S108
_DRIVE = re.compile(r"^[A-Za-z]:")
_XML_START = re.compile(rb"^(\xef\xbb\xbf)?\s*<\?xml")


class UnsafeNameError(ValueError):
    """A file name that must not be written; the message says why (in Russian, for 1C)."""


class UploadError(Exception):
    """An upload that cannot be stored; the message is for 1C."""


class ArchiveError(ValueError):
    """An archive that is refused or broken; the message is for 1C (and for people)."""


def max_upload() -> int:
    return int(settings.ACCORD_EXCHANGE_MAX_UPLOAD)


def max_members() -> int:
    return int(settings.ACCORD_EXCHANGE_MAX_ARCHIVE_MEMBERS)


# ---------------------------------------------------------------- names


def clean_name(raw: str) -> str:
    """The relative path (with `/`) that 1C's `filename` names, or UnsafeNameError.

    Like Bitrix: backslashes become slashes and a leading `/tmp/` or `upload/1c/webdata/`
    is dropped. Refused: NUL and control characters, absolute paths, drive letters, `..`,
    hidden components (`.htaccess`, and our own `.accord/`), script extensions, and names
    longer than 255 characters.
    """
    name = raw.strip()
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise UnsafeNameError("Недопустимые символы в имени файла.")
    name = name.replace("\\", "/")
    for prefix in _STRIP_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    if name.startswith("/") or _DRIVE.match(name):
        raise UnsafeNameError("Абсолютный путь к файлу недопустим.")
    parts = _components(name)
    cleaned = "/".join(parts)
    if len(cleaned) > MAX_NAME:
        raise UnsafeNameError("Слишком длинное имя файла.")
    suffixes = parts[-1].lower().split(".")[1:]
    if any(suffix.strip() in SCRIPT_EXTENSIONS for suffix in suffixes):
        raise UnsafeNameError("Файлы этого типа не принимаются.")
    return cleaned


def _components(name: str) -> list[str]:
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if not parts:
        raise UnsafeNameError("Не указано имя файла.")
    for part in parts:
        if part == "..":
            raise UnsafeNameError("Путь к файлу не может выходить за папку обмена.")
        if part.startswith("."):
            raise UnsafeNameError("Скрытые файлы не принимаются.")
        if len(part.encode("utf-8")) > MAX_NAME:
            raise UnsafeNameError("Слишком длинное имя файла.")
    return parts


def _directories(folder: Path, parts: list[str], *, create: bool) -> Path:
    """`folder/parts...` as a directory path, each component checked (and made if asked)."""
    current = folder
    for part in parts:
        current = current / part
        if current.is_symlink():
            raise UnsafeNameError("Путь к файлу содержит символическую ссылку.")
        if create:
            try:
                current.mkdir(exist_ok=True)
            except (FileExistsError, NotADirectoryError) as exc:
                raise UnsafeNameError("Путь к файлу занят файлом, а не папкой.") from exc
        if current.exists() and not current.is_dir():
            raise UnsafeNameError("Путь к файлу занят файлом, а не папкой.")
    return current


def _target(folder: Path, name: str, *, create_dirs: bool) -> Path:
    """`folder/name`, refusing a symlink anywhere on the way or a path outside the folder."""
    parts = name.split("/")
    target = _directories(folder, parts[:-1], create=create_dirs) / parts[-1]
    if target.is_symlink():
        raise UnsafeNameError("Путь к файлу содержит символическую ссылку.")
    if target.exists() and not target.is_file():
        raise UnsafeNameError("Имя файла занято папкой.")
    if not target.resolve().is_relative_to(folder.resolve()):
        raise UnsafeNameError("Путь к файлу не может выходить за папку обмена.")
    return target


def _open(path: Path, flags: int) -> int:
    return os.open(path, flags | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o640)


# ---------------------------------------------------------------- bookkeeping


def _bookkeeping(folder: Path) -> Path:
    path = folder / BOOKKEEPING
    path.mkdir(parents=True, exist_ok=True)
    return path


def uploaded_bytes(folder: Path) -> int:
    """How many bytes 1C has uploaded into this folder since `init`."""
    try:
        return int((folder / BOOKKEEPING / _UPLOADED).read_text() or 0)
    except (FileNotFoundError, ValueError):
        return 0


def _set_uploaded(folder: Path, value: int) -> None:
    (_bookkeeping(folder) / _UPLOADED).write_text(str(max(0, value)))


def _inert_names(folder: Path) -> set[str]:
    try:
        text = (folder / BOOKKEEPING / _INERT).read_text(encoding="utf-8")
    except FileNotFoundError:
        return set()
    return {line for line in text.split("\n") if line}


def _add_inert(folder: Path, names: set[str]) -> None:
    if names:
        with (_bookkeeping(folder) / _INERT).open("a", encoding="utf-8") as out:
            out.writelines(f"{name}\n" for name in sorted(names))


# ---------------------------------------------------------------- uploads


def append_upload(folder: Path, name: str, read: Callable[[int], bytes]) -> int:
    """Append the request body (read in chunks) to `folder/name`; answer the bytes added.

    1C cuts big files into parts sent under the same name, so parts are appended. A body
    that starts an XML document (`<?xml`, after an optional BOM) starts the file anew, as
    sgtpep's module does: a resent first part must not be glued to the old one, and no
    later part of an XML file can start with a declaration.

    Refuses (UploadError, nothing kept) an empty body for a file that does not exist yet
    and a body that would take the folder over the session's limit.
    """
    folder.mkdir(parents=True, exist_ok=True)
    target = _target(folder, name, create_dirs=False)
    first = read(CHUNK)
    existing = target.stat().st_size if target.exists() else 0
    if not first:
        if existing == 0:
            raise UploadError("Файл для импорта пуст.")
        return 0
    restart = existing > 0 and _XML_START.match(first) is not None
    used = uploaded_bytes(folder) - (existing if restart else 0)
    limit = max_upload()
    target = _target(folder, name, create_dirs=True)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if restart else os.O_APPEND)
    start = 0 if restart else existing
    fd = _open(target, flags)
    written = 0
    try:
        chunk = first
        while chunk:
            if used + written + len(chunk) > limit:
                raise UploadError(f"Превышен допустимый объем файлов обмена ({limit} байт).")
            view = memoryview(chunk)
            while view:
                done = os.write(fd, view)
                view = view[done:]
            written += len(chunk)
            chunk = read(CHUNK)
    except BaseException:
        os.ftruncate(fd, start)  # keep the file as it was before this part
        os.close(fd)
        if start == 0:
            target.unlink(missing_ok=True)
        raise
    os.close(fd)
    _set_uploaded(folder, used + written)
    return written


# ---------------------------------------------------------------- archives


def is_archive_file(path: Path) -> bool:
    """A zip by its first bytes (1C's temp names end in .zip, but do not trust names)."""
    try:
        with path.open("rb") as stream:
            head = stream.read(4)
    except OSError:
        return False
    return head in (ZIP_MAGIC, EMPTY_ZIP_MAGIC)


def pending_archives(folder: Path) -> list[Path]:
    """Uploaded archives not unpacked yet: top-level files named *.zip or starting `PK`.

    Only the top level is looked at: 1C uploads its archive there, and what an archive
    held (even another archive) is never unpacked.
    """
    if not folder.is_dir():
        return []
    inert = _inert_names(folder)
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.name in inert or entry.name.startswith(".") or entry.is_symlink():
            continue
        if entry.is_file() and (entry.suffix.lower() == ".zip" or is_archive_file(entry)):
            found.append(entry)
    return found


def _central_directory(path: Path) -> tuple[int, int]:
    """(entries, size of the central directory) from the end record, read before zipfile
    loads the whole directory into memory (a crafted one could be gigabytes)."""
    size = path.stat().st_size
    with path.open("rb") as stream:
        tail_len = min(size, 22 + 65535)
        stream.seek(size - tail_len)
        tail = stream.read(tail_len)
        at = tail.rfind(EMPTY_ZIP_MAGIC)
        if at < 0 or len(tail) - at < 22:
            raise ArchiveError("Файл не является zip-архивом или поврежден.")
        entries, cd_size = struct.unpack("<10xHI6x", tail[at : at + 22])
        if entries != 0xFFFF and cd_size != 0xFFFFFFFF:
            return entries, cd_size
        locator = tail[at - 20 : at] if at >= 20 else b""
        if not locator.startswith(b"PK\x06\x07"):
            raise ArchiveError("Файл не является zip-архивом или поврежден.")
        (offset,) = struct.unpack("<8xQ4x", locator)
        stream.seek(offset)
        record = stream.read(56)
        if len(record) < 56 or not record.startswith(b"PK\x06\x06"):
            raise ArchiveError("Файл не является zip-архивом или поврежден.")
        entries64, cd_size64 = struct.unpack("<32xQQ8x", record)
        return int(entries64), int(cd_size64)


def _member_name(info: zipfile.ZipInfo) -> str:
    name = info.filename
    if not info.flag_bits & 0x800:  # not flagged UTF-8: Windows archivers write cp866
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("cp866")
    return name


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def _member_path(info: zipfile.ZipInfo) -> str:
    """The member's relative path in the folder, or ArchiveError saying why not."""
    raw = _member_name(info)
    if _is_symlink(info):
        raise ArchiveError(f"Символическая ссылка в архиве: {raw}.")
    if info.flag_bits & 0x1:
        raise ArchiveError(f"Зашифрованный файл в архиве: {raw}.")
    if raw.replace("\\", "/").startswith("/") or _DRIVE.match(raw):
        raise ArchiveError(f"Абсолютный путь в архиве: {raw}.")
    try:
        return clean_name(raw)
    except UnsafeNameError as exc:
        raise ArchiveError(f"{exc} ({raw})") from exc


def unpack(folder: Path, archive: Path) -> int:
    """Unpack `archive` into `folder`, then delete it; answer the number of files.

    Refuses (ArchiveError) a broken archive, too many members, members named `..`, by an
    absolute path or a drive, symlinks, encrypted members, members inflating past the
    bomb ratio, and a total past the session's limit. The caller wipes the folder then.
    """
    limit, cap = max_upload(), max_members()
    entries, cd_size = _central_directory(archive)
    if entries > cap or cd_size > cap * 1024:
        raise ArchiveError(f"В архиве слишком много файлов (не более {cap}).")
    written = files = 0
    extracted: set[str] = set()
    try:
        with zipfile.ZipFile(archive) as bundle:
            infos = bundle.infolist()
            if len(infos) > cap:
                raise ArchiveError(f"В архиве слишком много файлов (не более {cap}).")
            for info in infos:
                name = _member_path(info)
                if info.is_dir():
                    _directories(folder, name.split("/"), create=True)
                    continue
                target = _target(folder, name, create_dirs=True)
                written += _extract(bundle, info, target, limit - written)
                extracted.add(name.split("/", 1)[0])
                files += 1
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error) as exc:
        raise ArchiveError(f"Архив поврежден: {exc}.") from exc
    except NotImplementedError as exc:
        raise ArchiveError(f"Неподдерживаемый метод сжатия: {exc}.") from exc
    except UnsafeNameError as exc:
        raise ArchiveError(str(exc)) from exc
    archive.unlink()
    _add_inert(folder, extracted)
    return files


def unpack_archive(archive: Path, folder: Path) -> int:
    """`unpack` for callers outside the protocol (an uploaded package, the command line)."""
    folder.mkdir(parents=True, exist_ok=True)
    return unpack(folder, archive)


def _extract(bundle: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, room: int) -> int:
    """Stream one member to `target`, counting bytes (never the header's sizes)."""
    packed = max(info.compress_size, 1)
    written = 0
    fd = _open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        with bundle.open(info) as source:
            while chunk := source.read(CHUNK):
                written += len(chunk)
                if written > room:
                    raise ArchiveError("Распакованный архив превышает допустимый объем.")
                if written > BOMB_MIN_SIZE and written > packed * BOMB_RATIO:
                    raise ArchiveError(f"Архив похож на zip-бомбу: {info.filename}.")
                view = memoryview(chunk)
                while view:
                    view = view[os.write(fd, view) :]
    finally:
        os.close(fd)
    return written
