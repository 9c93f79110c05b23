"""/api/v1/shipments: list, get, create from an order (all or some lines), patch drafts,
post and cancel; 404 for another manager's shipment; refusals write nothing."""

from __future__ import annotations

import pytest

from accord.core.models import AuditEvent
from accord.sales.models import Order, Shipment, ShipmentLine
from tests.conftest import rows_of
from tests.factories import ProductFactory, order_for, shipment_for

pytestmark = pytest.mark.django_db
TABLES = (Order, Shipment, ShipmentLine, AuditEvent)


def _order(owner):
    return order_for(owner, lines=[
        {"product_id": ProductFactory(vat_rate="20").pk, "quantity": "5", "price": "120"},
    ])  # fmt: skip


def test_list_pages_filters_and_keeps_a_query_budget(api, manager, other_manager,
                                                     django_assert_max_num_queries):  # fmt: skip
    for _ in range(5):
        shipment_for(manager)
    shipment_for(other_manager)
    with django_assert_max_num_queries(8):
        first = api.get("/api/v1/shipments", {"limit": 3}).json()
    second = api.get("/api/v1/shipments", {"limit": 3, "cursor": first["next_cursor"]}).json()
    assert first["count"] == 5
    assert (len(first["items"]), len(second["items"]), second["next_cursor"]) == (3, 2, None)
    assert api.get("/api/v1/shipments", {"status": "shipped"}).json()["count"] == 0
    assert api.get("/api/v1/shipments", {"kind": "goods"}).json()["count"] == 5
    assert api.get("/api/v1/shipments", {"status": "nonsense"}).status_code == 400


def test_create_partial_patch_post_cancel(api, manager):
    order = _order(manager)
    line = order.lines.get()
    created = api.post("/api/v1/shipments", {
        "order_id": order.pk, "lines": [{"order_line_id": line.pk, "quantity": "2"}],
    })  # fmt: skip
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["status"], body["kind"], body["total"]) == ("draft", "goods", "240.00")
    assert body["number"].startswith("РН-")
    assert body["lines"][0]["order_line_id"] == line.pk

    patched = api.patch(f"/api/v1/shipments/{body['id']}", {
        "notes": "Самовывоз", "lines": [{"order_line_id": line.pk, "quantity": "5"}],
    }).json()  # fmt: skip
    assert (patched["notes"], patched["total"]) == ("Самовывоз", "600.00")

    posted = api.post(f"/api/v1/shipments/{body['id']}/post", {}).json()
    assert posted["status"] == "shipped"
    assert api.get(f"/api/v1/orders/{order.pk}").json()["status"] == "shipped"

    refused = api.patch(f"/api/v1/shipments/{body['id']}", {"notes": "поправка"})
    assert refused.status_code == 409
    again = api.post("/api/v1/shipments", {"order_id": order.pk})
    assert (again.status_code, again.json()["code"]) == (409, "order_fully_shipped")

    cancelled = api.post(f"/api/v1/shipments/{body['id']}/cancel", {}).json()
    assert cancelled["status"] == "cancelled"
    assert api.get(f"/api/v1/orders/{order.pk}").json()["status"] == "new"


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([{"order_line_id": 999999, "quantity": "1"}], "lines.0.order_line_id"),
        ([{"quantity": "1"}], "lines.0.order_line_id"),
        ("@line:6", "lines.0.quantity"),
        ("@line:0", "lines.0.quantity"),
    ],
)
def test_bad_lines_are_400_and_write_nothing(api, manager, lines, field):
    order = _order(manager)
    if isinstance(lines, str):
        lines = [{"order_line_id": order.lines.get().pk, "quantity": lines.split(":")[1]}]
    before = rows_of(TABLES)
    answer = api.post("/api/v1/shipments", {"order_id": order.pk, "lines": lines})
    assert answer.status_code == 400, answer.json()
    assert any(field in key for key in answer.json()["fields"]), answer.json()
    assert rows_of(TABLES) == before


def test_another_managers_order_cannot_be_shipped(api, manager, other_manager):
    order = _order(other_manager)
    before = rows_of(TABLES)
    foreign = api.post("/api/v1/shipments", {"order_id": order.pk})
    missing = api.post("/api/v1/shipments", {"order_id": 987654})
    assert foreign.status_code == missing.status_code == 404
    assert rows_of(TABLES) == before


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("get", ""), ("patch", ""), ("post", "/post"), ("post", "/cancel")],
)
def test_another_managers_shipment_is_404(api, other_manager, method, suffix):
    shipment = shipment_for(other_manager)
    send = getattr(api, method)
    args = () if method == "get" else ({"notes": "x"} if method == "patch" else {},)
    foreign = send(f"/api/v1/shipments/{shipment.pk}{suffix}", *args)
    missing = send(f"/api/v1/shipments/987654{suffix}", *args)
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    shipment.refresh_from_db()
    assert (shipment.status, shipment.notes) == ("draft", "")
