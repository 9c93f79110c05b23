"""/api/v1/interactions: list with filters and pages, CRUD, complete with a follow-up, cancel;
another manager's interaction is a 404 and a refusal writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from accord.activities.models import Interaction, InteractionStatus
from accord.core.models import AuditEvent
from tests.api.conftest import JsonClient, bearer
from tests.conftest import rows_of
from tests.factories import ContactPersonFactory, CounterpartyFactory, DealFactory, interaction_for

pytestmark = pytest.mark.django_db

TRACKED = (Interaction, Interaction.participants.through, AuditEvent)
MISSING = 987_654_321


def _at(days: float) -> str:
    return (timezone.now() + dt.timedelta(days=days)).isoformat()


@pytest.fixture
def other_api(other_manager) -> JsonClient:
    return JsonClient(Client(), bearer(other_manager.username))


def test_list_pages_filters_and_counts_only_visible_rows(
    api, manager, other_manager, django_assert_max_num_queries
):
    cp = CounterpartyFactory(responsible=manager)
    deal = DealFactory(responsible=manager, counterparty=cp)
    overdue = interaction_for(manager, counterparty=cp, starts_at=_at(-3), subject="Просрочен")
    upcoming = interaction_for(manager, counterparty=cp, starts_at=_at(3), deal_id=deal.pk)
    today = interaction_for(manager, counterparty=cp, kind="meeting", status="done",
                            starts_at=timezone.now().isoformat(), subject="Встреча сегодня")  # fmt: skip
    interaction_for(manager, kind="note", status="done", starts_at=_at(-5))
    interaction_for(manager, kind="email", starts_at=_at(10))
    interaction_for(other_manager, starts_at=_at(-1))

    with django_assert_max_num_queries(8):
        first = api.get("/api/v1/interactions", {"limit": 3}).json()
    second = api.get("/api/v1/interactions", {"limit": 3, "cursor": first["next_cursor"]}).json()
    by_offset = api.get("/api/v1/interactions", {"limit": 2, "offset": 4}).json()

    def ids(params):
        response = api.get("/api/v1/interactions", params)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["items"]}

    assert first["count"] == 5
    assert [r["starts_at"] for r in first["items"]] == sorted(
        (r["starts_at"] for r in first["items"]), reverse=True
    )
    assert len(second["items"]) == 2
    assert second["next_cursor"] is None
    assert len({r["id"] for r in first["items"] + second["items"]}) == 5
    assert len(by_offset["items"]) == 1
    assert ids({"when": "overdue"}) == {overdue.pk}
    assert upcoming.pk in ids({"when": "upcoming"})
    assert today.pk in ids({"when": "today"})
    assert ids({"kind": "meeting"}) == {today.pk}
    assert ids({"deal": deal.pk}) == {upcoming.pk}
    assert ids({"counterparty": cp.pk}) == {overdue.pk, upcoming.pk, today.pk}
    assert ids({"q": "Просроч"}) == {overdue.pk}
    assert len(ids({"status": "done"})) == 2
    assert ids({"responsible": other_manager.pk}) == set()
    assert api.get("/api/v1/interactions", {"when": "yesterday"}).status_code == 400
    assert api.get("/api/v1/interactions", {"cursor": "garbage"}).status_code == 400


def test_create_get_patch_and_cancel(api, manager):
    cp = CounterpartyFactory(responsible=manager)
    person = ContactPersonFactory(counterparty=cp)

    created = api.post(
        "/api/v1/interactions",
        {"kind": "call", "counterparty_id": cp.pk, "contact_person_id": person.pk,
         "starts_at": _at(1), "direction": "incoming"},
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "planned"
    assert body["subject"]  # the kind's name by default
    assert body["responsible_id"] == manager.pk
    assert body["counterparty_name"] == cp.name
    path = f"/api/v1/interactions/{body['id']}"

    assert api.get(path).json()["contact_person_id"] == person.pk
    patched = api.patch(path, {"subject": "Уточнить сроки", "participant_ids": [manager.pk]})
    assert patched.status_code == 200, patched.json()
    assert patched.json()["subject"] == "Уточнить сроки"
    assert patched.json()["participant_ids"] == [manager.pk]

    cancelled = api.post(f"{path}/cancel", {})
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    again = api.post(f"{path}/cancel", {})
    assert again.status_code == 409
    assert again.json()["code"] == "status_move"
    actions = AuditEvent.objects.filter(object_id=str(body["id"])).values_list("action", flat=True)
    assert set(actions) >= {"activities.interaction.created", "activities.interaction.updated",
                            "activities.interaction.cancelled"}  # fmt: skip


def test_delete_needs_the_delete_right(api, admin_api, manager):
    row = interaction_for(manager)
    before = rows_of(TRACKED)

    refused = api.delete(f"/api/v1/interactions/{row.pk}")  # the manager role may not delete

    assert refused.status_code == 403
    assert rows_of(TRACKED) == before
    assert admin_api.delete(f"/api/v1/interactions/{row.pk}").status_code == 204
    assert not Interaction.objects.filter(pk=row.pk).exists()
    assert AuditEvent.objects.filter(action="activities.interaction.deleted").count() == 1
    assert admin_api.get(f"/api/v1/interactions/{row.pk}").status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "visit"},
        {"kind": "call", "duration_minutes": 5000},
        {"kind": "call", "unknown": 1},
        {"kind": "call"},  # no counterparty
        {"kind": "call", "starts_at": "tomorrow"},
    ],
    ids=["kind", "duration", "unknown-field", "no-counterparty", "bad-date"],
)
def test_bad_input_is_refused_and_writes_nothing(api, manager, body):
    cp = CounterpartyFactory(responsible=manager)
    if "counterparty" not in str(body) and body != {"kind": "call"}:
        body = {**body, "counterparty_id": cp.pk}
    before = rows_of(TRACKED)

    response = api.post("/api/v1/interactions", body)

    assert response.status_code == 400
    assert response.json()["fields"]
    assert rows_of(TRACKED) == before


def test_links_the_caller_cannot_see_are_refused(api, manager, other_manager):
    cp = CounterpartyFactory(responsible=manager)
    hidden_cp = CounterpartyFactory(responsible=other_manager)
    hidden_deal = DealFactory(responsible=other_manager)
    before = rows_of(TRACKED)

    on_hidden = api.post("/api/v1/interactions", {"kind": "call", "counterparty_id": hidden_cp.pk})
    with_deal = api.post(
        "/api/v1/interactions",
        {"kind": "call", "counterparty_id": cp.pk, "deal_id": hidden_deal.pk},
    )

    assert on_hidden.status_code == 400
    assert "counterparty_id" in on_hidden.json()["fields"]
    assert with_deal.status_code == 400
    assert "deal_id" in with_deal.json()["fields"]
    assert rows_of(TRACKED) == before


def test_another_managers_interaction_is_a_404_like_a_missing_one(
    api, other_api, manager, other_manager
):
    row = interaction_for(other_manager)
    before = rows_of(TRACKED)

    for method, suffix, body in [
        ("get", "", None),
        ("patch", "", {"subject": "Taken over"}),
        ("post", "/complete", {"outcome": "x"}),
        ("post", "/cancel", {}),
        ("delete", "", None),
    ]:
        answers = []
        for pk in (row.pk, MISSING):
            send = getattr(api, method)
            path = f"/api/v1/interactions/{pk}{suffix}"
            answers.append(send(path) if body is None else send(path, body))
        assert [a.status_code for a in answers] == [404, 404], (method, suffix)
        assert answers[0].json() == answers[1].json()
    assert rows_of(TRACKED) == before
    assert other_api.get(f"/api/v1/interactions/{row.pk}").status_code == 200


def test_complete_and_plan_the_follow_up_in_one_step(api, manager):
    cp = CounterpartyFactory(responsible=manager)
    person = ContactPersonFactory(counterparty=cp)
    deal = DealFactory(responsible=manager, counterparty=cp)
    row = interaction_for(manager, counterparty=cp, contact_person_id=person.pk, deal_id=deal.pk,
                          starts_at=_at(-0.1))  # fmt: skip
    friday = (timezone.now() + dt.timedelta(days=4)).replace(microsecond=0)

    response = api.post(
        f"/api/v1/interactions/{row.pk}/complete",
        {"outcome": "Договорились о встрече", "call_result": "answered", "duration_minutes": 12,
         "follow_up": {"starts_at": friday.isoformat(), "subject": "Перезвонить в пятницу"}},
    )  # fmt: skip

    assert response.status_code == 200, response.json()
    done, follow_up = response.json()["interaction"], response.json()["follow_up"]
    assert done["status"] == "done"
    assert done["outcome"] == "Договорились о встрече"
    assert done["call_result"] == "answered"
    assert done["duration_minutes"] == 12
    assert done["completed_at"] is not None
    assert follow_up["status"] == "planned"
    assert follow_up["follows_id"] == row.pk
    assert follow_up["subject"] == "Перезвонить в пятницу"
    assert dt.datetime.fromisoformat(follow_up["starts_at"]) == friday
    assert (follow_up["counterparty_id"], follow_up["contact_person_id"], follow_up["deal_id"]) == (
        cp.pk, person.pk, deal.pk,
    )  # fmt: skip
    assert api.get(f"/api/v1/interactions/{follow_up['id']}").status_code == 200
    assert AuditEvent.objects.filter(action="activities.interaction.completed").count() == 1

    again = api.post(f"/api/v1/interactions/{row.pk}/complete", {})
    assert again.status_code == 409
    assert again.json()["code"] == "status_move"


def test_complete_without_follow_up_answers_null(api, manager):
    row = interaction_for(manager)

    response = api.post(f"/api/v1/interactions/{row.pk}/complete", {"outcome": "Ок"})

    assert response.status_code == 200
    assert response.json()["follow_up"] is None
    assert Interaction.objects.get(pk=row.pk).status == InteractionStatus.DONE


@pytest.mark.parametrize(
    "body",
    [
        {"outcome": "x", "follow_up": {"subject": "no date"}},
        {"outcome": "x", "follow_up": {"starts_at": _at(2), "contact_person_id": MISSING}},
        {"outcome": "x", "call_result": "maybe", "follow_up": {"starts_at": _at(2)}},
        {"duration_minutes": -1},
    ],
    ids=["follow-up-without-date", "follow-up-bad-contact", "bad-call-result", "bad-duration"],
)
def test_a_refused_completion_writes_neither(api, manager, body):
    row = interaction_for(manager)
    before = rows_of(TRACKED)

    response = api.post(f"/api/v1/interactions/{row.pk}/complete", body)

    assert response.status_code == 400
    assert response.json()["fields"]
    assert rows_of(TRACKED) == before
