"""/api/v1/notifications (the caller's bell) and /api/v1/counterparties/{id}/timeline (the
client's history as the caller may see it)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accord.activities.models import Notification
from accord.activities.notification_services import notify
from accord.core.models import AuditEvent
from accord.directory.models import Counterparty
from tests.conftest import rows_of
from tests.factories import (
    CounterpartyFactory,
    claim_for,
    interaction_for,
    invoice_draft,
    own_company,
    sales_pipeline,
)

pytestmark = pytest.mark.django_db

MISSING = 987_654_321


def _ring(user, title: str, minutes_ago: int = 0) -> Notification:
    (row,) = notify(recipients=[user], kind="reminder", title=title)
    Notification.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )
    return row


# ---------------------------------------------------------------- notifications


def test_the_bell_lists_the_callers_notifications_newest_first(
    api, manager, other_manager, django_assert_max_num_queries
):
    old = _ring(manager, "Старое", minutes_ago=30)
    middle = _ring(manager, "Среднее", minutes_ago=20)
    new = _ring(manager, "Новое", minutes_ago=10)
    _ring(other_manager, "Чужое")
    Notification.objects.filter(pk=old.pk).update(read_at=timezone.now())

    with django_assert_max_num_queries(6):
        first = api.get("/api/v1/notifications", {"limit": 2}).json()
    rest = api.get("/api/v1/notifications", {"limit": 2, "cursor": first["next_cursor"]}).json()
    unread = api.get("/api/v1/notifications", {"unread_only": "true"}).json()

    assert first["count"] == 3
    assert first["unread"] == 2
    assert [n["id"] for n in first["items"]] == [new.pk, middle.pk]
    assert [n["id"] for n in rest["items"]] == [old.pk]
    assert rest["items"][0]["read_at"] is not None
    assert {n["id"] for n in unread["items"]} == {new.pk, middle.pk}


def test_mark_some_or_all_read_touches_only_the_callers_own(api, manager, other_manager):
    mine = [_ring(manager, f"N{i}") for i in range(3)]
    theirs = _ring(other_manager, "Чужое")

    some = api.post("/api/v1/notifications/read", {"ids": [mine[0].pk, theirs.pk]})

    assert some.status_code == 200, some.json()
    assert some.json() == {"marked": 1, "unread": 2}
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert api.post("/api/v1/notifications/read", {}).json() == {"marked": 2, "unread": 0}
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert api.get("/api/v1/notifications").json()["unread"] == 0


@pytest.mark.parametrize("body", [{"ids": ["x"]}, {"ids": 5}, {"all": True}, [1, 2]])
def test_bad_read_requests_change_nothing(api, manager, body):
    _ring(manager, "N")
    before = rows_of([Notification])

    response = api.post("/api/v1/notifications/read", body)

    assert response.status_code == 400
    assert rows_of([Notification]) == before


# ---------------------------------------------------------------- the timeline


@pytest.fixture
def client_history(api, manager):
    """A client of the manager's with a deal moved once, an invoice, a claim, interactions."""
    sales_pipeline()
    own_company()
    created = api.post("/api/v1/counterparties", {"name": "ООО Ромашка"})
    assert created.status_code == 201, created.json()
    cp = created.json()["id"]
    deal = api.post("/api/v1/deals", {"title": "Поставка", "counterparty_id": cp}).json()
    stages = api.get(f"/api/v1/pipelines/{deal['pipeline_id']}").json()["stages"]
    api.post(f"/api/v1/deals/{deal['id']}/move", {"stage_id": stages[1]["id"]})
    counterparty = Counterparty.objects.get(pk=cp)
    invoice = invoice_draft(responsible=manager, counterparty=counterparty)
    claim = claim_for(manager, counterparty=counterparty)
    calls = [
        interaction_for(manager, counterparty=counterparty, subject=f"Звонок {i}",
                        starts_at=(timezone.now() + dt.timedelta(minutes=i)).isoformat())
        for i in range(3)
    ]  # fmt: skip
    return {"cp": cp, "deal": deal, "invoice": invoice, "claim": claim, "calls": calls}


def test_timeline_shows_everything_newest_first(api, client_history, django_assert_max_num_queries):
    cp = client_history["cp"]

    with django_assert_max_num_queries(20):
        response = api.get(f"/api/v1/counterparties/{cp}/timeline")

    assert response.status_code == 200, response.json()
    items = response.json()["items"]
    assert response.json()["next_cursor"] is None
    assert [i["at"] for i in items] == sorted((i["at"] for i in items), reverse=True)
    kinds = [i["kind"] for i in items]
    assert kinds[:3] == ["interaction"] * 3  # planned in the coming minutes: the newest
    assert {"stage", "invoice", "claim", "event"} <= set(kinds)
    assert kinds.count("stage") == 2  # the deal's creation and its move
    call = items[0]
    assert call["id"] == client_history["calls"][2].pk
    assert call["title"].endswith("Звонок 2")
    assert call["status"] == "planned"
    assert call["link"] == f"/api/v1/interactions/{call['id']}"
    move = next(i for i in items if i["kind"] == "stage")
    assert " → " in move["summary"]
    assert move["link"] == f"/api/v1/deals/{client_history['deal']['id']}"
    event = next(i for i in items if i["kind"] == "event")
    assert event["link"] is None
    assert event["group"] == "history"


def test_timeline_filters_by_group_and_pages_by_cursor(api, client_history):
    path = f"/api/v1/counterparties/{client_history['cp']}/timeline"

    calls = api.get(path, {"groups": "interactions"}).json()["items"]
    documents = api.get(path, {"groups": "documents,claims"}).json()["items"]
    first = api.get(path, {"limit": 4}).json()
    second = api.get(path, {"limit": 4, "cursor": first["next_cursor"]}).json()
    everything = api.get(path, {"limit": 100}).json()["items"]

    assert [i["id"] for i in calls] == [c.pk for c in reversed(client_history["calls"])]
    assert {i["kind"] for i in documents} == {"invoice", "claim"}
    assert len(first["items"]) == 4
    assert first["next_cursor"]
    paged = first["items"] + second["items"]
    assert [(i["kind"], i["id"]) for i in paged] == [(i["kind"], i["id"]) for i in everything][:8]
    bad = api.get(path, {"groups": "interactions,gossip"})
    assert bad.status_code == 400
    assert "groups" in bad.json()["fields"]
    assert api.get(path, {"cursor": "garbage"}).status_code == 400


def test_timeline_hides_what_the_caller_may_not_see(api, manager, other_manager, admin_user):
    mine = CounterpartyFactory(responsible=manager)
    interaction_for(manager, counterparty=mine, subject="Мой звонок")
    # Another manager's call with the same client (an administrator planned it for him).
    interaction_for(other_manager, counterparty=mine, actor=admin_user, subject="Чужой звонок")
    hidden = CounterpartyFactory(responsible=other_manager)
    events = AuditEvent.objects.count()

    items = api.get(f"/api/v1/counterparties/{mine.pk}/timeline").json()["items"]
    foreign = api.get(f"/api/v1/counterparties/{hidden.pk}/timeline")
    missing = api.get(f"/api/v1/counterparties/{MISSING}/timeline")

    calls = [i["title"] for i in items if i["kind"] == "interaction"]
    assert len(calls) == 1
    assert calls[0].endswith("Мой звонок")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    assert AuditEvent.objects.count() == events
