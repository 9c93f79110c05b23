"""Shipment pages: the list and card with query budgets, create from an order with edited
quantities, post and cancel by POST, the print view, the order card's block, and 404 for
another manager's shipment or order."""

from __future__ import annotations

import pytest

from accord.core.models import AuditEvent
from accord.sales.models import Order, Shipment, ShipmentLine
from accord.sales.shipment_services import shipment_post
from tests.conftest import rows_of
from tests.factories import ProductFactory, order_for, shipment_for

pytestmark = pytest.mark.django_db
TABLES = (Order, Shipment, ShipmentLine, AuditEvent)


def _order(owner):
    return order_for(owner, lines=[
        {"product_id": ProductFactory(name="Кабель ВВГ").pk, "quantity": "10", "price": "120"},
        {"product_id": ProductFactory(kind="service", name="Монтаж").pk, "quantity": "1",
         "price": "500"},
    ])  # fmt: skip


def test_list_filters_and_keeps_a_query_budget(manager_client, manager, other_manager,
                                               django_assert_max_num_queries):  # fmt: skip
    for _ in range(20):
        shipment_for(manager)
    posted = shipment_post(actor=manager, shipment=shipment_for(manager))
    shipment_for(other_manager)
    with django_assert_max_num_queries(10):
        response = manager_client.get("/shipments/")
    assert response.status_code == 200
    assert response.context["result"].count.value == 21
    shipped = manager_client.get("/shipments/", {"status": "shipped"}).context["result"]
    assert [s.pk for s in shipped.page.items] == [posted.pk]


def test_card_shows_lines_and_totals_with_a_query_budget(manager_client, manager,
                                                         django_assert_max_num_queries):  # fmt: skip
    shipment = shipment_for(manager, order=_order(manager))
    with django_assert_max_num_queries(10):
        response = manager_client.get(f"/shipments/{shipment.pk}/")
    html = response.content.decode()
    for text in (shipment.number, "Кабель ВВГ", "Монтаж", "1,700", 'id="shipment-post"'):
        assert text in html, text


def test_create_from_order_with_edited_quantities(manager_client, manager):
    order = _order(manager)
    cable, work = order.lines.all()
    form = manager_client.get(f"/orders/{order.pk}/ship/")
    assert f'name="qty_{cable.pk}"' in form.content.decode()
    assert form.context["form"].rows[0].value == "10"
    response = manager_client.post(f"/orders/{order.pk}/ship/", {
        "kind": "goods", "date": "2026-11-20", f"qty_{cable.pk}": "4", f"qty_{work.pk}": "",
    })  # fmt: skip
    shipment = Shipment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/shipments/{shipment.pk}/"
    assert [(ln.order_line_id, str(ln.quantity)) for ln in shipment.lines.all()] == [
        (cable.pk, "4.000"),
    ]  # fmt: skip


def test_create_refused_over_remainder_shows_the_row_error(manager_client, manager):
    order = _order(manager)
    cable, _work = order.lines.all()
    before = rows_of(TABLES)
    response = manager_client.post(f"/orders/{order.pk}/ship/", {
        "kind": "goods", f"qty_{cable.pk}": "11",
    })  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].rows[0].errors
    assert rows_of(TABLES) == before


def test_post_marks_order_shipped_then_cancel_puts_it_back(manager_client, manager):
    order = _order(manager)
    shipment = shipment_for(manager, order=order)
    assert manager_client.get(f"/shipments/{shipment.pk}/post/").status_code == 405
    manager_client.post(f"/shipments/{shipment.pk}/post/")
    order.refresh_from_db()
    assert order.status == "shipped"
    block = manager_client.get(f"/orders/{order.pk}/shipments/").content.decode()
    assert shipment.number in block
    assert 'id="create-shipment"' not in block
    manager_client.post(f"/shipments/{shipment.pk}/cancel/")
    order.refresh_from_db()
    assert order.status == "new"
    assert 'id="create-shipment"' in manager_client.get(
        f"/orders/{order.pk}/shipments/").content.decode()  # fmt: skip


def test_second_post_says_why_and_changes_nothing(manager_client, manager):
    shipment = shipment_post(actor=manager, shipment=shipment_for(manager))
    before = rows_of(TABLES)
    response = manager_client.post(f"/shipments/{shipment.pk}/post/", follow=True)
    assert "Only a draft shipment can be posted." in response.content.decode()
    assert rows_of(TABLES) == before


@pytest.mark.parametrize("kind", ["goods", "services"])
def test_print_view(manager_client, manager, kind):
    shipment = shipment_for(manager, order=_order(manager), kind=kind)
    html = manager_client.get(f"/shipments/{shipment.pk}/print/").content.decode()
    title = "Товарная накладная" if kind == "goods" else "Акт"
    assert title in html
    assert f"№ {shipment.number} от " in html
    assert "Всего наименований 2, на сумму 1\xa0700,00" in html
    signs = ("Отпустил", "Получил") if kind == "goods" else ("Исполнитель", "Заказчик")
    for sign in signs:
        assert sign in html


@pytest.mark.parametrize("suffix", ["", "edit/", "print/"])
def test_another_managers_shipment_is_404(manager_client, other_manager, suffix):
    shipment = shipment_for(other_manager)
    assert manager_client.get(f"/shipments/{shipment.pk}/{suffix}").status_code == 404
    assert manager_client.get(f"/shipments/987654/{suffix}").status_code == 404


def test_another_managers_shipment_cannot_be_posted(manager_client, other_manager):
    shipment = shipment_for(other_manager)
    before = rows_of(TABLES)
    for step in ("post", "cancel"):
        assert manager_client.post(f"/shipments/{shipment.pk}/{step}/").status_code == 404
    for url in (f"/orders/{shipment.order_id}/ship/", f"/orders/{shipment.order_id}/shipments/"):
        assert manager_client.get(url).status_code == 404
    assert rows_of(TABLES) == before


def test_edit_a_draft_then_posted_one_is_refused(manager_client, manager):
    order = _order(manager)
    cable, work = order.lines.all()
    shipment = shipment_for(manager, order=order)
    form = manager_client.get(f"/shipments/{shipment.pk}/edit/").context["form"]
    assert [row.value for row in form.rows] == ["10", "1"]
    response = manager_client.post(f"/shipments/{shipment.pk}/edit/", {
        "kind": "goods", "notes": "Самовывоз", f"qty_{cable.pk}": "2", f"qty_{work.pk}": "0",
    })  # fmt: skip
    assert response.status_code == 302
    shipment.refresh_from_db()
    assert (shipment.notes, str(shipment.total)) == ("Самовывоз", "240.00")
    shipment_post(actor=manager, shipment=shipment)
    before = rows_of(TABLES)
    refused = manager_client.post(f"/shipments/{shipment.pk}/edit/", {"kind": "services"},
                                  follow=True)  # fmt: skip
    assert "Only a draft shipment can be changed." in refused.content.decode()
    assert rows_of(TABLES) == before
