"""The exchange pipeline on files the tests write: runs, mapping, idempotency, refusals.

Files are built here in the shape UT 11's standard module writes (CommerceML 2.07 with the
namespace and a BOM), so these tests need nothing from ../shared.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection, transaction

from accord.catalog.models import Price, Product, Stock, Variant
from accord.core.models import AuditEvent
from accord.exchange.models import (
    ExchangeRun,
    ExternalRef,
    MissingPolicy,
    OrderExport,
    RunSource,
    RunStatus,
)
from accord.exchange.node_services import node_add_or_update, session_open
from accord.exchange.order_services import orders_ack, orders_pending, orders_query
from accord.exchange.run_services import full_pass_finish, run_create, run_process
from accord.sales.models import OrderStatus
from tests.conftest import rows_of
from tests.factories import order_for, own_company

pytestmark = pytest.mark.django_db

NS = "urn:1C.ru:commerceml_2"
HEAD = f'\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация xmlns="{NS}" ВерсияСхемы="2.07" ДатаФормирования="2026-11-20T10:00:00">'
TAIL = "</КоммерческаяИнформация>"
GROUP = "a0000000-0000-0000-0000-000000000001"
PRICE_TYPE = "b0000000-0000-0000-0000-000000000001"
STORE = "c0000000-0000-0000-0000-000000000001"


def product_xml(pid: str, name: str, *, article: str = "", deleted: bool = False) -> str:
    status = ' Статус="Удален"' if deleted else ""
    return (
        f"<Товар{status}><Ид>{pid}</Ид><Артикул>{article}</Артикул><Наименование>{name}</Наименование>"
        '<БазоваяЕдиница Код="796 " НаименованиеПолное="Штука">шт</БазоваяЕдиница>'
        f"<Группы><Ид>{GROUP}</Ид></Группы>"
        "<СтавкиНалогов><СтавкаНалога><Наименование>НДС</Наименование><Ставка>20</Ставка></СтавкаНалога></СтавкиНалогов>"
        "</Товар>"
    )


def catalog_file(
    tmp_path: Path, products: dict[str, str], *, full: bool = True, name: str = "import0_1.xml"
) -> Path:
    body = "".join(
        product_xml(pid, title, article=f"A-{pid[-2:]}") for pid, title in products.items()
    )
    xml = (
        f"{HEAD}<Классификатор><Ид>cat</Ид><Наименование>Классификатор</Наименование>"
        f"<Группы><Группа><Ид>{GROUP}</Ид><Наименование>Насосы</Наименование></Группа></Группы></Классификатор>"
        f'<Каталог СодержитТолькоИзменения="{"false" if full else "true"}"><Ид>cat</Ид><ИдКлассификатора>cat</ИдКлассификатора>'
        f"<Наименование>Каталог</Наименование><Товары>{body}</Товары></Каталог>{TAIL}"
    )
    path = tmp_path / name
    path.write_text(xml, encoding="utf-8")
    return path


def offers_file(
    tmp_path: Path, offers: dict[str, tuple[str, str]], name: str = "offers0_1.xml"
) -> Path:
    body = "".join(
        f"<Предложение><Ид>{oid}</Ид><Наименование>x</Наименование>"
        f"<Цены><Цена><Представление> {price} RUB за шт</Представление><ИдТипаЦены>{PRICE_TYPE}</ИдТипаЦены>"
        f"<ЦенаЗаЕдиницу>{price}</ЦенаЗаЕдиницу><Валюта>RUB</Валюта></Цена></Цены>"
        f'<Количество>{qty}</Количество><Склад ИдСклада="{STORE}" КоличествоНаСкладе="{qty}"/></Предложение>'
        for oid, (price, qty) in offers.items()
    )
    xml = (
        f'{HEAD}<ПакетПредложений СодержитТолькоИзменения="false"><Ид>cat#</Ид><Наименование>Пакет</Наименование>'
        f"<ИдКаталога>cat</ИдКаталога><ТипыЦен><ТипЦены><Ид>{PRICE_TYPE}</Ид><Наименование>Розничная</Наименование>"
        f"<Валюта>RUB</Валюта></ТипЦены></ТипыЦен><Склады><Склад><Ид>{STORE}</Ид><Наименование>Основной</Наименование></Склад></Склады>"
        f"<Предложения>{body}</Предложения></ПакетПредложений>{TAIL}"
    )
    path = tmp_path / name
    path.write_text(xml, encoding="utf-8")
    return path


@pytest.fixture
def node(db):
    node, _created = node_add_or_update(name="УТ", login="ut", password="ut-password-1")
    return node


def load(node, path: Path, *, dry_run: bool = False) -> ExchangeRun:
    with transaction.atomic():
        run = run_create(
            node=node, path=path, filename=path.name, source=RunSource.CLI, dry_run=dry_run
        )
    run_process(run.pk)
    return ExchangeRun.objects.get(pk=run.pk)


P1, P2, P3 = (f"p000000{n}-0000-0000-0000-000000000000" for n in (1, 2, 3))


def test_catalog_then_offers_load_products_prices_and_stock(node, tmp_path):
    run = load(node, catalog_file(tmp_path, {P1: "Насос А", P2: "Насос Б"}))
    assert run.status == RunStatus.DONE, run.error
    assert run.counts["product"]["inserted"] == 2
    assert run.counts["group"]["inserted"] == 1
    offers = load(node, offers_file(tmp_path, {P1: ("1 500,50", "3"), f"{P2}#v1": ("99.00", "-2")}))
    assert offers.status == RunStatus.DONE, offers.error
    a = Product.objects.get(name="Насос А")
    assert (a.article, a.vat_rate, a.unit.code) == ("A-00", "20", "796")
    assert a.group.name == "Насосы"
    assert Price.objects.get(product=a).value == Decimal("1500.50")
    assert Stock.objects.get(product=a).quantity == Decimal(3)
    variant = Variant.objects.get(product__name="Насос Б")
    assert Price.objects.get(variant=variant).value == Decimal("99.00")
    assert Stock.objects.get(variant=variant).quantity == Decimal(-2)  # 1C sends negative stock
    assert ExternalRef.objects.filter(node=node, kind="variant", external_id=f"{P2}#v1").exists()


def test_reimport_changes_nothing_and_one_change_is_one_update(node, tmp_path):
    load(node, catalog_file(tmp_path, {P1: "Насос А", P2: "Насос Б"}))
    load(node, offers_file(tmp_path, {P1: ("10.00", "1")}))
    stamps = dict(Product.objects.values_list("pk", "updated_at"))
    before = rows_of([Product, Price, Stock])
    refs = list(ExternalRef.objects.order_by("pk").values_list("kind", "external_id", "object_id"))
    again = load(node, catalog_file(tmp_path, {P1: "Насос А", P2: "Насос Б"}))
    offers = load(node, offers_file(tmp_path, {P1: ("10.00", "1")}))
    assert again.totals()["inserted"] == again.totals()["updated"] == 0
    assert offers.totals()["inserted"] == offers.totals()["updated"] == 0
    assert rows_of([Product, Price, Stock]) == before
    assert (
        list(ExternalRef.objects.order_by("pk").values_list("kind", "external_id", "object_id"))
        == refs
    )
    assert dict(Product.objects.values_list("pk", "updated_at")) == stamps
    changed = load(node, catalog_file(tmp_path, {P1: "Насос А", P2: "Насос Б (новый)"}))
    assert changed.counts["product"] == {"read": 2, "inserted": 0, "updated": 1, "unchanged": 1,
                                         "skipped": 0, "failed": 0}  # fmt: skip


def test_dry_run_reports_and_writes_nothing(node, tmp_path):
    before = rows_of([Product, Price, ExternalRef])
    run = load(node, catalog_file(tmp_path, {P1: "Насос А", P2: "Насос Б"}), dry_run=True)
    assert run.status == RunStatus.DONE
    assert run.counts["product"]["inserted"] == 2
    assert rows_of([Product, Price, ExternalRef]) == before


@pytest.mark.parametrize(
    "content",
    [
        b"<?xml version='1.0'?><not-closed>",
        b"\x00\x01\x02 not xml at all",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    ],
    ids=["truncated", "binary", "xxe"],
)
def test_a_malformed_file_fails_its_run_and_writes_nothing(node, tmp_path, content):
    good = catalog_file(tmp_path, {P1: "Насос А"})
    # A good beginning and a broken end: the checking pass refuses before any batch commits.
    broken = tmp_path / "broken.xml"
    broken.write_bytes(
        content if content.startswith(b"\x00") else good.read_bytes()[:-40] + content
    )
    before = rows_of([Product, ExternalRef])
    run = load(node, broken)
    assert run.status == RunStatus.FAILED
    assert run.errors.filter(kind="file").exists()
    assert "root:" not in run.error  # nothing of /etc/passwd leaks into the reason
    assert rows_of([Product, ExternalRef]) == before


@pytest.mark.parametrize("encoding", ["utf-8", "windows-1251"])
def test_a_bad_byte_at_the_end_of_a_long_file_writes_nothing(node, tmp_path, monkeypatch, encoding):
    from accord.exchange import run_services

    monkeypatch.setattr(run_services, "BATCH", 2)  # many batches would commit before the end
    products = {f"p{n:07d}-0000-0000-0000-000000000000": f"Товар {n}" for n in range(9)}
    text = catalog_file(tmp_path, products).read_text(encoding="utf-8")
    text = text.replace("UTF-8", encoding).replace("Товар 8", "Товар 8 ЯЯЯ").lstrip("\ufeff")
    codec = "cp1251" if encoding == "windows-1251" else encoding
    bad = b"\x98" if encoding == "windows-1251" else b"\xff\xfe"  # no character in either
    path = tmp_path / "broken.xml"
    path.write_bytes(text.encode(codec).replace("ЯЯЯ".encode(codec), bad))
    before = rows_of([Product, ExternalRef, AuditEvent])
    run = load(node, path)
    assert run.status == RunStatus.FAILED
    assert run.errors.get(kind="file").message
    assert "line" in run.error
    assert rows_of([Product, ExternalRef, AuditEvent]) == before


def test_a_file_that_breaks_while_it_is_applied_fails_its_run(node, tmp_path, monkeypatch):
    """The checking pass saw a good file; the reader then meets a broken one (changed on
    disk): the error reaches the run from the reading thread."""
    from accord.exchange import run_services

    good = catalog_file(tmp_path, {P1: "Насос А", P2: "Насос Б"})
    checked = run_services._check(good)
    monkeypatch.setattr(run_services, "_check", lambda path: checked)
    broken = tmp_path / "broken.xml"
    broken.write_bytes(good.read_bytes()[:-40])
    run = load(node, broken)
    assert run.status == RunStatus.FAILED
    assert "Malformed XML" in run.error
    assert not [t for t in threading.enumerate() if t.name == "exchange-read-ahead"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a page cache of SQLite")
def test_a_run_gives_back_the_connections_page_cache(node, tmp_path):
    def cache_size() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return int(cursor.fetchone()[0])

    before = cache_size()
    assert load(node, catalog_file(tmp_path, {P1: "Насос А"})).status == RunStatus.DONE
    assert cache_size() == before


def test_a_bad_record_is_reported_and_the_others_load(node, tmp_path):
    long_name = "Я" * 300  # longer than a product name may be
    run = load(node, catalog_file(tmp_path, {P1: "Насос А", P2: long_name}))
    assert run.status == RunStatus.DONE
    assert run.counts["product"]["inserted"] == 1
    assert run.counts["product"]["failed"] == 1
    error = run.errors.get()
    assert error.external_id == P2
    assert "255" in error.message


def test_stop_on_error_stops_the_run(node, tmp_path):
    node.stop_on_error = True
    node.save()
    run = load(node, catalog_file(tmp_path, {P1: "Я" * 300, P2: "Насос Б"}))
    assert run.status == RunStatus.FAILED


def test_a_resumed_run_skips_committed_batches_and_ends_in_the_same_state(
    node, tmp_path, monkeypatch
):
    from accord.exchange import run_services

    monkeypatch.setattr(run_services, "BATCH", 2)
    products = {f"p{n:07d}-0000-0000-0000-000000000000": f"Товар {n}" for n in range(7)}
    path = catalog_file(tmp_path, products)
    with transaction.atomic():
        run = run_create(node=node, path=path, filename=path.name, source=RunSource.CLI)
    calls = {"n": 0}
    real_apply = run_services.Applier.apply

    def dying_apply(self, batch):  # the worker is killed while applying the third batch
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real_apply(self, batch)

    monkeypatch.setattr(run_services.Applier, "apply", dying_apply)
    with pytest.raises(KeyboardInterrupt):
        run_process(run.pk)
    assert not [t for t in threading.enumerate() if t.name == "exchange-read-ahead"]
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING
    assert run.position == 4  # 2 batches committed: the group and 3 products
    assert Product.objects.count() == 3
    monkeypatch.setattr(run_services.Applier, "apply", real_apply)
    ExchangeRun.objects.filter(pk=run.pk).update(heartbeat_at=None)  # the worker went silent
    run_process(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert sorted(Product.objects.values_list("name", flat=True)) == sorted(products.values())
    assert ExternalRef.objects.filter(kind="product").count() == 7


def test_full_package_deactivates_missing_products_when_the_node_says_so(node, tmp_path):
    node.missing_policy = MissingPolicy.DEACTIVATE
    node.save()
    load(node, catalog_file(tmp_path, {P1: "Насос А", P2: "Насос Б"}))
    load(node, catalog_file(tmp_path, {P1: "Насос А"}))  # a full package without Б
    assert Product.objects.get(name="Насос А").is_active
    assert not Product.objects.get(name="Насос Б").is_active
    partial = load(node, catalog_file(tmp_path, {P3: "Насос В"}, full=False))
    assert partial.status == RunStatus.DONE
    assert full_pass_finish(node) == 0
    assert Product.objects.get(name="Насос А").is_active  # a changes-only file retires nothing


def test_a_pass_begun_while_the_node_kept_missing_objects_retires_nothing(node, tmp_path):
    def load_in(session, path: Path) -> None:
        with transaction.atomic():
            run = run_create(
                node=node, path=path, filename=path.name, source=RunSource.HTTP, session=session
            )
        run_process(run.pk)

    first = session_open(node, "catalog")
    load_in(first, catalog_file(tmp_path, {P1: "Насос А", P2: "Насос Б"}))
    node.missing_policy = MissingPolicy.DEACTIVATE  # changed in the middle of 1C's pass
    node.save()
    load_in(first, catalog_file(tmp_path, {P3: "Насос В"}, name="import0_2.xml"))
    assert full_pass_finish(node) == 0
    assert Product.objects.filter(is_active=True).count() == 3
    second = session_open(node, "catalog")  # the next pass marks what it is sent
    load_in(second, catalog_file(tmp_path, {P1: "Насос А"}))
    load_in(second, catalog_file(tmp_path, {P3: "Насос В"}, name="import0_2.xml"))
    assert full_pass_finish(node) == 1
    assert list(Product.objects.filter(is_active=False).values_list("name", flat=True)) == [
        "Насос Б"
    ]


def order_status_file(
    tmp_path: Path, number: str, *, paid: bool, shipped: bool, total: str
) -> Path:
    requisites = [
        ("Номер по 1С", "ЗК-000017"),
        ("Дата по 1С", "2026-11-21T10:00:00"),
        ("Проведен", "true"),
    ]
    if paid:
        requisites += [
            ("Номер оплаты по 1С", "ПП-000001"),
            ("Дата оплаты по 1С", "2026-11-22T09:00:00"),
        ]
    if shipped:
        requisites += [
            ("Номер отгрузки по 1С", "РТ-000003"),
            ("Дата отгрузки по 1С", "2026-11-22T15:00:00"),
        ]
    values = "".join(
        f"<ЗначениеРеквизита><Наименование>{n}</Наименование><Значение>{v}</Значение></ЗначениеРеквизита>"
        for n, v in requisites
    )
    xml = (
        f"{HEAD}<Документ><Ид>d0000000-0000-0000-0000-000000000017</Ид><Номер>{number}</Номер><Дата>2026-11-20</Дата>"
        f"<ХозОперация>Заказ товара</ХозОперация><Роль>Продавец</Роль><Валюта>RUB</Валюта><Курс>1</Курс>"
        f"<Сумма>{total}</Сумма><ЗначенияРеквизитов>{values}</ЗначенияРеквизитов></Документ>{TAIL}"
    )
    path = tmp_path / "orders-1_1.xml"
    path.write_text(xml, encoding="utf-8")
    return path


def test_orders_go_to_1c_once_and_its_status_file_updates_and_pays_them(node, manager, tmp_path):
    own_company()
    order = order_for(manager)
    session = session_open(node, "sale")
    data, encoding = orders_query(session)
    assert data.startswith(b"<?xml")
    assert encoding == "utf-8"
    assert order.number.encode() in data
    assert list(orders_pending(node)) == [order]  # sent, but not acknowledged yet
    assert orders_ack(session) == 1
    assert list(orders_pending(node)) == []
    again, _ = orders_query(session_open(node, "sale"))
    assert order.number.encode() not in again  # not sent twice

    run = load(
        node,
        order_status_file(tmp_path, order.number, paid=True, shipped=True, total=str(order.total)),
    )
    assert run.status == RunStatus.DONE, list(run.errors.values_list("message", flat=True))
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    from accord.billing.models import Payment

    payment = Payment.objects.get(counterparty=order.counterparty)
    assert payment.amount == order.total
    assert payment.number == "ПП-000001"
    assert list(orders_pending(node)) == []  # what 1C told us is not echoed back to it
    assert OrderExport.objects.get(order=order).state == "exported"
    again = load(
        node,
        order_status_file(tmp_path, order.number, paid=True, shipped=True, total=str(order.total)),
    )
    assert again.counts["document"]["unchanged"] == 1
    assert Payment.objects.filter(counterparty=order.counterparty).count() == 1


def test_a_document_for_an_unknown_order_is_reported(node, tmp_path):
    run = load(
        node, order_status_file(tmp_path, "NO-SUCH", paid=False, shipped=False, total="1.00")
    )
    assert run.status == RunStatus.DONE
    assert run.counts["document"]["failed"] == 1
    assert "NO-SUCH" in run.errors.get().message


def test_a_node_without_catalog_in_refuses_a_catalog(node, tmp_path):
    node.catalog_in = False
    node.save()
    run = load(node, catalog_file(tmp_path, {P1: "Насос А"}))
    assert run.status == RunStatus.FAILED
    assert not Product.objects.exists()
