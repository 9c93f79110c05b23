"""An order made in 1C (not in Accord) comes with its buyer and lines: Accord creates it once,
links it to 1C's id and does not send it back; one with a product Accord does not know is
reported and writes nothing."""

from __future__ import annotations

import pytest

from accord.directory.models import Counterparty
from accord.exchange.models import ExternalRef, OrderExport, RefKind, RunStatus
from accord.exchange.order_services import orders_pending
from accord.sales.models import Order, OrderStatus
from tests.conftest import rows_of
from tests.exchange.test_runs import HEAD, P1, P2, TAIL, catalog_file, load

DOC = "e0000000-0000-0000-0000-000000000001"
BUYER = "f0000000-0000-0000-0000-000000000001"


def order_file(tmp_path, lines: list[tuple[str, str, str, str]], *, posted: bool = True):
    """An order 1C made: buyer ООО «Север» and (product id, name, quantity, price) lines."""
    goods = "".join(
        f"<Товар><Ид>{pid}</Ид><Наименование>{name}</Наименование>"
        '<БазоваяЕдиница Код="796">шт</БазоваяЕдиница>'
        f"<ЦенаЗаЕдиницу>{price}</ЦенаЗаЕдиницу><Количество>{qty}</Количество>"
        f"<Сумма>{float(price) * float(qty):.2f}</Сумма>"
        "<СтавкиНалогов><СтавкаНалога><Наименование>НДС</Наименование><Ставка>20</Ставка>"
        "</СтавкаНалога></СтавкиНалогов></Товар>"
        for pid, name, qty, price in lines
    )
    total = sum(float(p) * float(q) for _i, _n, q, p in lines)
    xml = (
        f"{HEAD}<Документ><Ид>{DOC}</Ид><Номер>УТ-000321</Номер><Дата>2026-11-20</Дата>"
        "<ХозОперация>Заказ товара</ХозОперация><Роль>Продавец</Роль><Валюта>RUB</Валюта>"
        f"<Курс>1</Курс><Сумма>{total:.2f}</Сумма>"
        f"<Контрагенты><Контрагент><Ид>{BUYER}</Ид><Наименование>ООО «Север»</Наименование>"
        "<ОфициальноеНаименование>ООО «Север»</ОфициальноеНаименование>"
        "<ИНН>7707083893</ИНН><КПП>773601001</КПП><Роль>Покупатель</Роль></Контрагент></Контрагенты>"
        f"<Товары>{goods}</Товары><ЗначенияРеквизитов><ЗначениеРеквизита>"
        f"<Наименование>Проведен</Наименование><Значение>{'true' if posted else 'false'}</Значение>"
        f"</ЗначениеРеквизита></ЗначенияРеквизитов></Документ>{TAIL}"
    )
    path = tmp_path / "documents.xml"
    path.write_text(xml, encoding="utf-8")
    return path


@pytest.fixture
def node(db):
    from accord.exchange.node_services import node_add_or_update

    node, _created = node_add_or_update(name="УТ", login="ut", password="ut-password-1")
    return node


@pytest.mark.django_db
def test_an_order_made_in_1c_is_created_once(node, tmp_path):
    from tests.factories import _rouble, _unit_piece

    _rouble(), _unit_piece()
    load(node, catalog_file(tmp_path, {P1: "Насос", P2: "Фильтр"}))
    lines = [(P1, "Насос", "2", "1500.00"), (P2, "Фильтр", "1", "300.00")]

    run = load(node, order_file(tmp_path, lines))

    assert run.status == RunStatus.DONE, list(run.errors.values_list("message", flat=True))
    assert run.counts["document"]["inserted"] == 1
    order = Order.objects.get()
    assert order.counterparty.inn == "7707083893"
    assert order.total == 3300
    assert order.lines.count() == 2
    assert order.status == OrderStatus.CONFIRMED  # posted in 1C
    assert "УТ-000321" in order.notes
    assert ExternalRef.objects.get(kind=RefKind.ORDER).object_id == order.pk
    assert list(orders_pending(node)) == []  # 1C has it: not sent back
    assert OrderExport.objects.get(order=order).state == "exported"

    again = load(node, order_file(tmp_path, lines))

    assert again.counts["document"]["unchanged"] == 1
    assert Order.objects.count() == 1
    assert Counterparty.objects.count() == 1


@pytest.mark.django_db
def test_an_order_with_an_unknown_product_is_reported_and_writes_nothing(node, tmp_path):
    load(node, catalog_file(tmp_path, {P1: "Насос"}))
    before = rows_of((Order, Counterparty))

    run = load(node, order_file(tmp_path, [(P2, "Фильтр", "1", "300.00")]))

    assert run.counts["document"]["failed"] == 1
    assert "Фильтр" in run.errors.get().message
    assert rows_of((Order, Counterparty)) == before
