"""The watched folder: 1C (or a script) drops CommerceML files into a node's `watch_folder`
and the worker imports them (`exchange_folders_task`, every minute).

A file is taken once it has not changed for SETTLE (1C may still be writing it): it is
moved into the node's inbox (`<data>/exchange/<node>/folder/inbox/`, archives unpacked
there), so it is never taken twice. The inbox is then loaded one file at a time in the order
1C writes them (catalog, then offers, prices, stock, documents), each as a run of its own;
a loaded file moves to `folder/done/<run>/`, where the upkeep removes it later. A file whose
run is still going (a worker died) waits for that run: the order is kept across restarts.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import uuid
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from accord.core.audit import log_action
from accord.exchange.models import ExchangeNode, ExchangeRun, RunSource, RunStatus
from accord.exchange.node_services import exchange_root
from accord.exchange.protocols.workdir import ArchiveError, unpack_archive
from accord.exchange.run_services import run_create, run_process

logger = logging.getLogger(__name__)

SETTLE = dt.timedelta(seconds=30)
SUFFIXES = (".xml", ".zip")
# The order 1C writes a package in: the catalog first, documents last.
ORDER = ("import", "offers", "prices", "rests", "orders", "documents")


def folder_paths(node: ExchangeNode) -> tuple[Path, Path]:
    """The node's inbox and the folder of loaded files."""
    base = exchange_root() / str(node.pk) / "folder"
    return base / "inbox", base / "done"


def _rank(path: Path) -> tuple[int, str]:
    name = path.name.lower()
    for i, prefix in enumerate(ORDER):
        if name.startswith(prefix):
            return i, str(path)
    return len(ORDER), str(path)


def _settled(folder: Path, now: dt.datetime) -> list[Path]:
    limit = (now - SETTLE).timestamp()
    found = []
    for path in folder.iterdir():
        if path.name.startswith(".") or path.suffix.lower() not in SUFFIXES:
            continue
        try:
            if path.is_file() and path.stat().st_mtime <= limit:
                found.append(path)
        except FileNotFoundError:  # taken by another worker a moment ago
            continue
    return found


def _take(node: ExchangeNode, inbox: Path, now: dt.datetime) -> list[str]:
    """Move the settled files of the watched folder into the inbox; answer their names."""
    watched = Path(node.watch_folder)
    if not watched.is_dir():
        logger.warning("Node %s: the watched folder %s is not there.", node.pk, watched)
        return []
    taken = []
    for path in _settled(watched, now):
        target = inbox / uuid.uuid4().hex
        target.mkdir(parents=True)
        try:
            moved = Path(shutil.move(str(path), str(target / path.name)))
        except FileNotFoundError:  # another worker took it
            shutil.rmtree(target, ignore_errors=True)
            continue
        taken.append(path.name)
        if moved.suffix.lower() == ".zip":
            try:
                unpack_archive(moved, target)
            except ArchiveError as exc:
                logger.error("Node %s: archive %s refused: %s", node.pk, path.name, exc)
                shutil.move(str(moved), str(target / f"{moved.name}.refused"))
                continue
            moved.unlink(missing_ok=True)
    return taken


def _waiting(inbox: Path) -> list[Path]:
    files = [p for p in inbox.rglob("*") if p.is_file() and p.suffix.lower() == ".xml"]
    return sorted(files, key=_rank)


def _done(run: ExchangeRun, path: Path, done: Path) -> None:
    target = done / str(run.pk)
    target.mkdir(parents=True, exist_ok=True)
    moved = Path(shutil.move(str(path), str(target / path.name)))
    ExchangeRun.objects.filter(pk=run.pk).update(path=str(moved))


def folder_pickup(node: ExchangeNode, *, now: dt.datetime | None = None) -> list[ExchangeRun]:
    """Take the node's settled files and load the inbox in order; answer the runs made."""
    inbox, done = folder_paths(node)
    inbox.mkdir(parents=True, exist_ok=True)
    taken = _take(node, inbox, now or timezone.now())
    if taken:
        log_action(
            actor=node.actor,
            action="exchange.folder.taken",
            obj=node,
            changes={"folder": node.watch_folder, "files": taken},
        )
    runs = []
    for path in _waiting(inbox):
        earlier = ExchangeRun.objects.filter(node=node, path=str(path)).order_by("-pk").first()
        if earlier is not None and earlier.status in (RunStatus.QUEUED, RunStatus.RUNNING):
            break  # loaded by a run that is still going: the files after it wait for it
        if earlier is not None:  # that run ended after its worker came back
            _done(earlier, path, done)
            continue
        with transaction.atomic():
            run = run_create(
                node=node,
                path=path,
                filename=str(path.relative_to(inbox)).split("/", 1)[-1],
                source=RunSource.FOLDER,
                enqueue=False,
            )
        run_process(run.pk)
        _done(run, path, done)
        runs.append(run)
    for folder in sorted(inbox.iterdir(), reverse=True):
        if folder.is_dir() and not any(p.suffix.lower() == ".xml" for p in folder.rglob("*")):
            shutil.rmtree(folder, ignore_errors=True)  # what is left of an unpacked archive
    return runs


@task()
def exchange_folders_task() -> dict[str, int]:
    """Background: load what 1C dropped into the watched folders of the enabled nodes."""
    nodes = ExchangeNode.objects.filter(enabled=True).exclude(watch_folder="")
    loaded = 0
    for node in nodes:
        try:
            loaded += len(folder_pickup(node))
        except OSError as exc:  # an unreachable share must not stop the other nodes
            logger.error("Node %s: the watched folder failed: %s", node.pk, exc)
    return {"runs": loaded}
