"""/api/v1/claims: list with count and filters, register, get, patch, move, delete, the
control report; 404 for another manager's claim; refusals write nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accord.activities.models import Claim, Notification
from accord.core.models import AuditEvent
from tests.conftest import rows_of
from tests.factories import CounterpartyFactory, ProductFactory, claim_for, order_for

pytestmark = pytest.mark.django_db
TRACKED = (Claim, AuditEvent, Notification)


def test_list_pages_filters_and_keeps_a_query_budget(api, manager, other_manager,
                                                     django_assert_max_num_queries):  # fmt: skip
    for _ in range(5):
        claim_for(manager)
    claim_for(manager, severity="critical")
    claim_for(other_manager)
    api.get("/api/v1/claims")  # the token's first use writes last_used_at once

    # token -> user, roles, count, the page (counterparty joined): 4, for 3 rows or 200.
    with django_assert_max_num_queries(5):
        first = api.get("/api/v1/claims", {"limit": 3}).json()
    second = api.get("/api/v1/claims", {"limit": 3, "cursor": first["next_cursor"]}).json()

    assert first["count"] == 6
    assert (len(first["items"]), len(second["items"]), second["next_cursor"]) == (3, 3, None)
    assert first["items"][0]["number"] == "ПР-000006"
    assert api.get("/api/v1/claims", {"severity": "critical"}).json()["count"] == 1
    assert api.get("/api/v1/claims", {"status": "open"}).json()["count"] == 6
    assert api.get("/api/v1/claims", {"q": "ПР-000002"}).json()["count"] == 1
    assert api.get("/api/v1/claims", {"status": "lost"}).status_code == 400
    assert api.get("/api/v1/claims", {"offset": 4}).json()["count"] == 6


def test_register_get_patch_move_and_the_flow(api, manager):
    order = order_for(manager)
    product = ProductFactory()
    created = api.post("/api/v1/claims", {
        "subject": "Недопоставка", "order_id": order.pk, "product_id": product.pk,
        "severity": "high", "deadline": timezone.localdate().isoformat(),
    })  # fmt: skip
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["number"], body["status"], body["counterparty_id"], body["responsible_id"]) == (
        "ПР-000001", "registered", order.counterparty_id, manager.pk,
    )  # fmt: skip
    assert body["counterparty_name"] == order.counterparty.name
    url = f"/api/v1/claims/{body['id']}"

    patched = api.patch(url, {"description": "Не хватает 2 позиций", "deadline": None}).json()
    assert (patched["description"], patched["deadline"]) == ("Не хватает 2 позиций", None)

    review = api.post(f"{url}/move", {"status": "under_review"}).json()
    assert review["status"] == "under_review"
    refused = api.post(f"{url}/move", {"status": "resolved"})
    assert refused.status_code == 400
    assert list(refused.json()["fields"]) == ["resolution"]
    resolved = api.post(f"{url}/move", {"status": "resolved", "resolution": "Довезли"}).json()
    assert (resolved["status"], resolved["resolution"]) == ("resolved", "Довезли")
    assert resolved["closed_at"] is not None

    closed = api.patch(url, {"subject": "Другое"})
    assert closed.status_code == 409
    assert closed.json()["code"] == "claim_closed"
    wrong = api.post(f"{url}/move", {"status": "rejected", "resolution": "x"})
    assert (wrong.status_code, wrong.json()["code"]) == (409, "status_move")
    reopened = api.post(f"{url}/move", {"status": "under_review", "comment": "Снова"}).json()
    assert (reopened["status"], reopened["closed_at"]) == ("under_review", None)
    assert api.get(url).json()["number"] == "ПР-000001"


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"subject": ""}, {"subject"}),
        ({"deadline": "2001-01-01"}, {"deadline"}),
        ({"severity": "fatal"}, {"severity"}),
        ({"product_id": 987654}, {"product_id"}),
        ({"status": "resolved"}, {"status"}),
    ],
)
def test_bad_input_is_400_and_writes_nothing(api, manager, payload, fields):
    cp = CounterpartyFactory(responsible=manager)
    before = rows_of(TRACKED)
    answer = api.post("/api/v1/claims", {"subject": "Брак", "counterparty_id": cp.pk, **payload})
    assert answer.status_code == 400
    assert {key.split(".")[-1] for key in answer.json()["fields"]} >= fields, answer.json()
    assert rows_of(TRACKED) == before


def test_a_past_deadline_and_a_missing_subject_are_said_together(api, manager):
    cp = CounterpartyFactory(responsible=manager)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    answer = api.post("/api/v1/claims", {"counterparty_id": cp.pk, "deadline": yesterday})
    assert set(answer.json()["fields"]) == {"subject", "deadline"}


def test_delete_needs_the_permission(api, admin_api, manager):
    claim = claim_for(manager)
    before = rows_of(TRACKED)
    assert api.delete(f"/api/v1/claims/{claim.pk}").status_code == 403
    assert rows_of(TRACKED) == before
    assert admin_api.delete(f"/api/v1/claims/{claim.pk}").status_code == 204
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("patch", "", {"subject": "x"}),
        ("delete", "", None),
        ("post", "/move", {"status": "rejected", "resolution": "x"}),
    ],
)
def test_another_managers_claim_is_404(api, other_manager, method, suffix, body):
    claim = claim_for(other_manager)
    before = rows_of(TRACKED)
    send = getattr(api, method)
    args = () if body is None else (body,)
    foreign = send(f"/api/v1/claims/{claim.pk}{suffix}", *args)
    missing = send(f"/api/v1/claims/987654{suffix}", *args)
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    assert rows_of(TRACKED) == before


def test_control_report(api, manager, other_manager):
    claim_for(manager)
    claim_for(other_manager)
    today = timezone.localdate().isoformat()
    body = api.get("/api/v1/claims/control", {"date_from": today, "date_to": today}).json()
    assert [(r["responsible_id"], r["open"], r["registered"]) for r in body["rows"]] == [
        (manager.pk, 1, 1),
    ]  # fmt: skip
    assert body["total"]["open"] == 1
    assert body["total"]["responsible_id"] is None
    bad = api.get("/api/v1/claims/control", {"date_from": today, "date_to": "2000-01-01"})
    assert bad.status_code == 400
    assert list(bad.json()["fields"]) == ["date_to"]
