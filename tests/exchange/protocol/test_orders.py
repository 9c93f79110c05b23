"""type=sale: query, success and info; type=catalog: deactivate and complete."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from accord.exchange.models import MissingPolicy, OrderExport, OrderExportState
from accord.exchange.protocols import commands
from accord.sales.models import OrderStatus
from tests.exchange.protocol.conftest import OneC, text
from tests.factories import order_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def sale(node) -> OneC:
    onec = OneC(Client(), kind="sale")
    assert onec.checkauth()[0] == "success"
    return onec


def _documents(body: bytes) -> list[str]:
    root = ET.fromstring(body)  # noqa: S314 (our own answer)
    return [
        (doc.findtext("{*}Номер") or doc.findtext("Номер") or "")
        for doc in root.iter()
        if doc.tag.rsplit("}", 1)[-1] == "Документ"
    ]


def test_query_answers_xml_with_its_charset_and_success_marks_the_orders(sale, manager):
    order = order_for(manager)

    answer = sale.call("query")

    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/xml; charset=utf-8"
    assert answer.content.startswith(b"<?xml")
    assert _documents(answer.content) == [order.number]
    assert OrderExport.objects.get(order=order).state == OrderExportState.PENDING

    assert sale.lines("success") == ["success"]

    assert OrderExport.objects.get(order=order).state == OrderExportState.EXPORTED
    assert _documents(sale.call("query").content) == []


def test_orders_not_acknowledged_are_sent_again(sale, manager):
    order = order_for(manager)
    sale.call("query")

    sale.checkauth()  # 1C failed to load them and starts over

    assert _documents(sale.call("query").content) == [order.number]


def test_query_passes_the_charset_through_and_never_a_bom(sale, monkeypatch):
    body = '<?xml version="1.0" encoding="windows-1251"?><КоммерческаяИнформация/>'
    monkeypatch.setattr(
        commands,
        "orders_query",
        lambda session, version="": (b"\xef\xbb\xbf" + body.encode("cp1251"), "windows-1251"),
    )

    answer = sale.call("query")

    assert answer["Content-Type"] == "application/xml; charset=windows-1251"
    assert answer.content == body.encode("cp1251")


def test_query_without_a_session_is_refused(node):
    answer = Client().get("/exchange/1c/?type=sale&mode=query")

    assert text(answer).startswith("failure\n")
    assert not OrderExport.objects.exists()


def test_info_lists_the_order_statuses_in_russian(sale):
    answer = sale.call("info")

    assert answer["Content-Type"] == "application/xml; charset=utf-8"
    assert answer.content.startswith('<?xml version="1.0" encoding="UTF-8"?><Справочник>'.encode())
    root = ET.fromstring(answer.content)  # noqa: S314 (our own answer)
    statuses = {e.findtext("Ид"): e.findtext("Название") for e in root.findall("Статусы/Элемент")}
    assert set(statuses) == set(OrderStatus.values)
    assert statuses["new"] == "Новый"
    assert root.find("ПлатежныеСистемы") is not None
    assert root.find("СлужбыДоставки") is not None


def test_deactivate_and_complete_end_the_full_pass(authed, node, monkeypatch):
    calls = []
    monkeypatch.setattr(commands, "full_pass_finish", lambda n: calls.append(n.pk) or 4)

    assert authed.lines("deactivate", timestamp="1700000000") == ["success", "4 deactivated"]
    assert authed.lines("complete") == ["success"]
    assert calls == [node.pk, node.pk]


def test_deactivate_without_a_pass_deactivates_nothing(authed, node):
    node.missing_policy = MissingPolicy.DEACTIVATE
    node.save()

    assert authed.lines("deactivate") == ["success", "0 deactivated"]
