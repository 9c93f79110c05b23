"""End to end: ../shared/tools/onec_emulator.py plays 1C against a live Accord.

The live server runs in a thread of the test process, and so does the background worker
(Accord's worker on django-tasks' database backend, not an immediate backend): `import`
calls are answered `progress` while the worker loads the file, exactly as in production.

With the in-memory SQLite of the test settings, the server thread and the worker thread
share one connection (as pytest-django does for the server), so a lock serialises them:
each request, and each task, runs alone on it. On PostgreSQL the lock costs nothing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections

from accord.billing.models import Payment
from accord.catalog.models import Price, Product, ProductGroup, Stock, Variant, Warehouse
from accord.core.worker import AccordWorker
from accord.exchange.models import ExchangeNode, ExchangeRun, RunStatus
from accord.exchange.node_services import node_add_or_update
from accord.sales.models import Order, OrderStatus
from tests.factories import _rouble, _unit_piece, order_for, own_company

pytestmark = [
    pytest.mark.shared,
    pytest.mark.timeout_sensitive,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def seeded_rows(transactional_db):
    """The rows the migrations seed (rouble, piece), which the flush after an earlier
    transactional test removed. serialized_rollback cannot be used: under xdist it
    re-inserts content types that exist and fails."""
    _rouble()
    _unit_piece()


LOGIN = "onec-e2e"
PASSWORD = "e2e-password-1"
NS = {"c": "urn:1C.ru:commerceml_2", "c3": "urn:1C.ru:commerceml_3"}
SAMPLES = "samples/1c"


class ThreadWorker:
    """Accord's worker loop in a thread: claims and runs queued tasks until stopped."""

    def __init__(self, lock: threading.RLock) -> None:
        self.lock = lock
        self.stopping = threading.Event()
        self.errors: list[BaseException] = []
        self.shared = {
            c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()
        }
        self.thread = threading.Thread(target=self._run, name="exchange-worker", daemon=True)

    def _run(self) -> None:
        for alias, connection in self.shared.items():
            connections[alias] = connection  # the one in-memory database
        worker = AccordWorker(interval=0.05)
        try:
            while not self.stopping.is_set():
                with self.lock:
                    task = worker.claim_next()
                    if task is not None:
                        worker.run_task(task)
                if task is None:
                    self.stopping.wait(0.05)
        except BaseException as exc:  # reported by stop()
            self.errors.append(exc)
        finally:
            if not self.shared:
                connections.close_all()

    def __enter__(self) -> ThreadWorker:
        for connection in self.shared.values():
            connection.inc_thread_sharing()
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.thread.join(timeout=60)
        for connection in self.shared.values():
            connection.dec_thread_sharing()
        assert not self.thread.is_alive(), "the worker did not stop"
        assert not self.errors, self.errors


class Exchange:
    """Runs the emulator against the live server, with the worker running meanwhile."""

    def __init__(self, url: str, emulator: Path, lock: threading.RLock) -> None:
        self.url = url
        self.emulator = emulator
        self.lock = lock

    def run(self, *args: str, url_path: str = "/exchange/1c/") -> dict[str, Any]:
        command = [
            sys.executable, str(self.emulator), "--url", self.url + url_path,
            "--user", LOGIN, "--password", PASSWORD, *args,
        ]  # fmt: skip
        with ThreadWorker(self.lock):
            done = subprocess.run(command, capture_output=True, text=True, timeout=600)
        lines = done.stdout.strip().splitlines()
        assert lines, done.stderr
        summary: dict[str, Any] = json.loads(lines[-1])
        assert done.returncode == 0, (summary, done.stderr[-3000:])
        assert summary["ok"] is True
        return summary


@pytest.fixture
def node(transactional_db: None) -> ExchangeNode:
    created, _new = node_add_or_update(name="1C e2e", login=LOGIN, password=PASSWORD)
    return created


@pytest.fixture
def exchange(live_server, shared_dir, monkeypatch, node) -> Exchange:
    lock = threading.RLock()
    handle = WSGIHandler.__call__

    def serialised(self: WSGIHandler, environ: Any, start_response: Any) -> Any:
        with lock:
            return handle(self, environ, start_response)

    monkeypatch.setattr(WSGIHandler, "__call__", serialised)
    return Exchange(live_server.url, shared_dir / "tools" / "onec_emulator.py", lock)


def _copy(shared_dir: Path, tmp_path: Path, pairs: dict[str, str]) -> list[str]:
    """Sample files under the names 1C gives them."""
    paths = []
    for sample, name in pairs.items():
        target = tmp_path / "upload" / name
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(shared_dir / SAMPLES / sample, target)
        paths.append(str(target))
    return paths


def _ids(path: str, tag: str) -> list[str]:
    """The `Ид` of every `tag` element of a CommerceML file (any namespace)."""
    found = []
    for element in ET.parse(path).getroot().iter():  # noqa: S314 (the shared samples)
        if element.tag.rsplit("}", 1)[-1] == tag:
            ident = next((c.text for c in element if c.tag.rsplit("}", 1)[-1] == "Ид"), None)
            found.append((ident or "").strip())
    return found


def _count(path: str, tag: str) -> int:
    root = ET.parse(path).getroot()  # noqa: S314 (the shared samples)
    return sum(1 for e in root.iter() if e.tag.rsplit("}", 1)[-1] == tag)


def _runs_done() -> list[ExchangeRun]:
    runs = list(ExchangeRun.objects.order_by("pk"))
    assert runs
    assert all(run.status == RunStatus.DONE for run in runs), [(r.filename, r.error) for r in runs]
    return runs


CATALOG = {
    "04_cml207_import0_1.xml": "import0_1.xml",
    "05_cml207_offers0_1_warehouses.xml": "offers0_1.xml",
}


@pytest.mark.parametrize(
    "options",
    [
        [],
        ["--zip", "no"],
        ["--zip", "no", "--chunk", "4096"],
        ["--chunk", "4096"],
        ["--challenge"],
        ["--bitrix-module"],
    ],
    ids=["zip", "no-zip", "no-zip-chunked", "zip-chunked", "challenge", "bitrix-module"],
)
def test_catalog_loads_products_prices_and_stock(exchange, shared_dir, tmp_path, options):
    catalog, offers = _copy(shared_dir, tmp_path, CATALOG)

    summary = exchange.run(*options, "catalog", catalog, offers)

    assert summary["zip"] is ("--zip" not in options)
    assert set(summary["polls"]) == {"import0_1.xml", "offers0_1.xml"}
    if "--chunk" in options and "--zip" in options:
        assert summary["requests"] > 30  # offers0_1.xml alone is 17 parts of 4 KB
    runs = _runs_done()
    assert {run.filename for run in runs} == {"import0_1.xml", "offers0_1.xml"}
    products = set(_ids(catalog, "Товар"))
    assert Product.objects.count() == len(products)
    offered = [i for i in _ids(offers, "Предложение") if i.split("#")[0] in products]
    assert offered
    assert Price.objects.count() == sum(1 for _ in offered)  # one price type in the sample
    assert Stock.objects.exists()


def test_catalog_through_bitrix_address(exchange, shared_dir, tmp_path):
    catalog, offers = _copy(shared_dir, tmp_path, CATALOG)

    exchange.run("catalog", catalog, offers, url_path="/bitrix/admin/1c_exchange.php")

    assert Product.objects.count() == len(set(_ids(catalog, "Товар")))


def test_catalog_31_trio_with_the_bitrix_module(exchange, shared_dir, tmp_path):
    files = _copy(
        shared_dir,
        tmp_path,
        {
            "16_cml31_classifier.xml": "import___1.xml",
            "17_cml31_offers_characteristics.xml": "offers___1.xml",
            "18_cml31_rests_14warehouses.xml": "rests___1.xml",
        },
    )

    summary = exchange.run("--bitrix-module", "catalog", *files)

    assert set(summary["polls"]) == {"import___1.xml", "offers___1.xml", "rests___1.xml"}
    runs = _runs_done()
    assert [run.package for run in runs] == ["catalog", "offers", "offers"]
    classifier = files[0]
    assert ProductGroup.objects.count() == _count(classifier, "Группа")
    assert Warehouse.objects.count() == len(set(_ids(classifier, "Склад")))
    # The trio carries no products (a classifier, offers and rests only): every offer is
    # reported against its 1C id, none is dropped silently, nothing else is written.
    offers = _ids(files[1], "Предложение")
    assert runs[1].totals()["failed"] == len(offers)
    assert set(runs[1].errors.values_list("external_id", flat=True)) == set(offers)
    assert not Product.objects.exists()
    assert not Variant.objects.exists()


def test_sale_query_sends_pending_orders_once_acknowledged(exchange, manager):
    order = order_for(manager)

    first = exchange.run("sale-query")
    second = exchange.run("sale-query")

    assert [d["number"] for d in first["documents"]] == [order.number]
    assert second["documents"] == []


def test_sale_query_for_the_bitrix_module_and_cp1251(exchange, node, manager):
    order = order_for(manager)
    node.answer_encoding = "windows-1251"
    node.save()

    summary = exchange.run("--bitrix-module", "sale-query")

    assert [d["number"] for d in summary["documents"]] == [order.number]


def test_sale_push_of_statuses_from_1c(exchange, shared_dir, tmp_path, manager):
    (path,) = _copy(
        shared_dir, tmp_path, {"14_cml209_documents_from_1c_with_statuses.xml": "orders-1_1.xml"}
    )
    own_company()  # payments and shipments 1C reports are registered in its name
    numbers = _ids(path, "Документ")
    for number in numbers:  # the orders 1C took from Accord earlier, by their numbers
        Order.objects.filter(pk=order_for(manager).pk).update(number=number)

    summary = exchange.run("sale-push", path)

    assert list(summary["polls"]) == ["orders-1_1.xml"]
    (run,) = _runs_done()
    assert run.counts["document"]["read"] == len(numbers)
    assert run.counts["document"]["updated"] == len(numbers)
    assert not run.errors.exists(), list(run.errors.values())
    # Both carry a payment number from 1C; the first also a shipment date.
    assert Payment.objects.count() == len(numbers)
    assert Order.objects.get(number=numbers[0]).status == OrderStatus.SHIPPED
