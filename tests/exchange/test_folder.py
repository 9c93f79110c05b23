"""The watched folder: settled files are taken once, loaded in 1C's order (catalog before
offers), archives unpacked, a bad file fails alone, and a run still going holds the rest."""

from __future__ import annotations

import os
import time
import zipfile

import pytest

from accord.catalog.models import Price, Product
from accord.exchange.folder_services import exchange_folders_task, folder_paths, folder_pickup
from accord.exchange.models import ExchangeNode, ExchangeRun, RunSource, RunStatus
from accord.exchange.run_services import run_create, run_process
from tests.exchange.test_runs import P1, P2, catalog_file, offers_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def watched(settings, tmp_path, node):
    settings.DATA_DIR = tmp_path / "data"
    folder = tmp_path / "from-1c"
    folder.mkdir()
    ExchangeNode.objects.filter(pk=node.pk).update(watch_folder=str(folder))
    node.refresh_from_db()
    return folder


@pytest.fixture
def node(db):
    from accord.exchange.node_services import node_add_or_update

    node, _created = node_add_or_update(name="УТ", login="ut", password="ut-password-1")
    return node


def _settle(*paths) -> None:
    """Make the files look written a minute ago (1C has finished with them)."""
    past = time.time() - 60
    for path in paths:
        os.utime(path, (past, past))


def test_settled_files_load_in_order_and_leave_the_folder(node, watched):
    offers = offers_file(watched, {P1: ("100.00", "5"), P2: ("200.00", "0")})
    catalog = catalog_file(watched, {P1: "Насос", P2: "Фильтр"})
    _settle(offers, catalog)

    runs = folder_pickup(node)

    assert [r.filename for r in runs] == ["import0_1.xml", "offers0_1.xml"]
    assert [r.status for r in ExchangeRun.objects.filter(pk__in=[r.pk for r in runs])] == [
        RunStatus.DONE, RunStatus.DONE,
    ]  # fmt: skip
    assert all(r.source == RunSource.FOLDER for r in runs)
    assert Product.objects.count() == 2
    assert Price.objects.count() == 2
    assert list(watched.iterdir()) == []
    inbox, done = folder_paths(node)
    assert list(inbox.iterdir()) == []
    assert sorted(p.name for p in done.rglob("*.xml")) == ["import0_1.xml", "offers0_1.xml"]
    assert folder_pickup(node) == []  # taken once


def test_a_file_still_being_written_waits(node, watched):
    catalog_file(watched, {P1: "Насос"})  # written just now
    assert folder_pickup(node) == []
    assert Product.objects.count() == 0
    assert [p.name for p in watched.iterdir()] == ["import0_1.xml"]


def test_an_archive_is_unpacked_and_loaded(node, watched, tmp_path):
    catalog = catalog_file(tmp_path, {P1: "Насос"})
    offers = offers_file(tmp_path, {P1: ("100.00", "5")})
    archive = watched / "package.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.write(offers, "offers0_1.xml")
        bundle.write(catalog, "import0_1.xml")
    _settle(archive)

    runs = folder_pickup(node)

    assert [r.filename for r in runs] == ["import0_1.xml", "offers0_1.xml"]
    assert Price.objects.count() == 1
    inbox, _done = folder_paths(node)
    assert list(inbox.iterdir()) == []


def test_a_broken_file_fails_alone_and_writes_nothing(node, watched):
    broken = watched / "import0_1.xml"
    broken.write_text("<КоммерческаяИнформация><Каталог>", encoding="utf-8")
    _settle(broken)

    [run] = folder_pickup(node)

    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert Product.objects.count() == 0
    assert list(watched.iterdir()) == []


def test_a_run_still_going_holds_the_files_after_it(node, watched):
    catalog = catalog_file(watched, {P1: "Насос"})
    offers = offers_file(watched, {P1: ("100.00", "5")})
    _settle(catalog, offers)
    inbox, _done = folder_paths(node)
    # A worker took the catalog and died: its run is still "running".
    held_dir = inbox / "held"
    held_dir.mkdir(parents=True)
    held = held_dir / "import0_1.xml"
    held.write_bytes(catalog.read_bytes())
    run_create(node=node, path=held, filename="import0_1.xml", source=RunSource.FOLDER,
               enqueue=False)  # fmt: skip
    catalog.unlink()

    assert folder_pickup(node) == []
    assert Product.objects.count() == 0
    assert next(inbox.rglob("offers0_1.xml")).exists()
    # The upkeep queued the silent run again and a worker finished it: the next pickup moves
    # its file along without loading it twice, then loads the offers.
    run_process(ExchangeRun.objects.get(path=str(held)).pk)
    runs = folder_pickup(node)
    assert [r.filename for r in runs] == ["offers0_1.xml"]
    assert ExchangeRun.objects.filter(filename="import0_1.xml").count() == 1
    assert Price.objects.count() == 1


def test_the_task_loads_every_enabled_nodes_folder(node, watched):
    catalog = catalog_file(watched, {P1: "Насос"})
    _settle(catalog)
    assert exchange_folders_task.call() == {"runs": 1}
    assert Product.objects.count() == 1
