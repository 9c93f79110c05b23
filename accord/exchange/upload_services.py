"""A package uploaded by a person ("check before you import"): stored, unpacked, queued.

The file goes to `<exchange root>/<node>/uploads/<uuid>/<safe name>`; an archive is unpacked
there by the protocol's hardened helper. Each XML file becomes one run, queued when the
transaction commits; a refused upload leaves nothing behind.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path, PurePath
from typing import Any

from django.db import transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from accord.core.audit import log_action
from accord.core.errors import ValidationFailedError
from accord.exchange.models import ExchangeNode, ExchangeRun, RunSource
from accord.exchange.node_services import ADMIN_EXCHANGE, exchange_root
from accord.exchange.protocols.workdir import unpack_archive
from accord.exchange.run_services import run_create
from accord.users.access import require

SUFFIXES = (".xml", ".zip")


def _refuse(message: str) -> ValidationFailedError:
    return ValidationFailedError({"file": [message]}, message)


def safe_name(name: str) -> str:
    """The upload's base name, without folders or characters a file system may mind."""
    base = PurePath(name.replace("\\", "/")).name
    try:
        cleaned = get_valid_filename(base)
    except Exception:  # Django refuses names such as ".." outright
        cleaned = ""
    suffix = PurePath(base).suffix.lower()
    return cleaned if cleaned and not cleaned.startswith(".") else f"package{suffix}"


def _write(chunks: Iterable[bytes], target: Path) -> None:
    with target.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)


def _xml_files(folder: Path, stored: Path) -> list[Path]:
    if stored.suffix.lower() == ".xml":
        return [stored]
    try:
        unpack_archive(stored, folder)
    except ValueError as exc:
        raise _refuse(_("The archive was refused: %(reason)s") % {"reason": exc}) from None
    found = sorted(p for p in folder.rglob("*") if p.suffix.lower() == ".xml" and p.is_file())
    if not found:
        raise _refuse(_("The archive holds no .xml file."))
    return found


def upload_accept(
    *, actor: Any, node: ExchangeNode, name: str, chunks: Iterable[bytes], dry_run: bool
) -> list[ExchangeRun]:
    """Store an uploaded package and queue a run (check only, or import) per XML file."""
    require(actor, "change", ADMIN_EXCHANGE)
    filename = safe_name(name)
    suffix = PurePath(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise _refuse(_("Upload a .xml or a .zip file."))
    folder = exchange_root() / str(node.pk) / "uploads" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    try:
        stored = folder / filename
        _write(chunks, stored)
        files = _xml_files(folder, stored)
        with transaction.atomic():
            runs = [
                run_create(
                    node=node,
                    path=path,
                    filename=str(path.relative_to(folder)) if path != stored else filename,
                    source=RunSource.UPLOAD,
                    dry_run=dry_run,
                    created_by=actor,
                )
                for path in files
            ]
            log_action(
                actor=actor,
                action="exchange.package.uploaded",
                obj=node,
                changes={"file": filename, "dry_run": dry_run, "runs": [r.pk for r in runs]},
            )
            return runs
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
