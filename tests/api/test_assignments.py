"""/api/v1/assignments: boxes, filters and pages; give, change, move and note; the author is
notified on completion; a stranger's assignment is a 404 and a refusal writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from accord.activities.models import Assignment, AssignmentNote, Notification
from accord.core.models import AuditEvent
from tests.api.conftest import JsonClient, bearer
from tests.conftest import rows_of
from tests.factories import CounterpartyFactory, UserFactory, assignment_for

pytestmark = pytest.mark.django_db

TRACKED = (Assignment, Assignment.performers.through, AssignmentNote, Notification, AuditEvent)
MISSING = 987_654_321


def _in(days: float) -> str:
    return (timezone.now() + dt.timedelta(days=days)).isoformat()


@pytest.fixture
def other_api(other_manager) -> JsonClient:
    return JsonClient(Client(), bearer(other_manager.username))


def test_give_an_assignment_and_the_performer_sees_it(api, other_api, manager, other_manager):
    cp = CounterpartyFactory(responsible=manager)

    created = api.post(
        "/api/v1/assignments",
        {"subject": "Подготовить КП", "performer_ids": [other_manager.pk], "deadline": _in(3),
         "importance": "high", "counterparty_id": cp.pk},
    )  # fmt: skip

    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "new"
    assert body["author_id"] == manager.pk
    assert body["performers"] == [{"id": other_manager.pk, "name": str(other_manager)}]
    assert body["notes"] == []
    assert body["allowed_moves"] == ["cancelled"]  # the author may only cancel a new one
    seen = other_api.get(f"/api/v1/assignments/{body['id']}").json()
    assert set(seen["allowed_moves"]) == {"accepted", "in_progress", "done"}
    bell = other_api.get("/api/v1/notifications").json()
    assert bell["unread"] == 1
    assert bell["items"][0]["assignment_id"] == body["id"]


def test_boxes_filters_and_pages(api, manager, other_manager, django_assert_max_num_queries):
    cp = CounterpartyFactory(responsible=manager)
    given = [assignment_for(manager, performers=[other_manager], deadline=_in(i + 1))
             for i in range(4)]  # fmt: skip
    mine = assignment_for(other_manager, performers=[manager], counterparty_id=None)
    with_cp = assignment_for(manager, performers=[manager], counterparty_id=cp.pk)
    assignment_for(other_manager, performers=[other_manager])  # not the manager's business
    Assignment.objects.filter(pk=given[0].pk).update(deadline=timezone.now() - dt.timedelta(days=1))

    def ids(params):
        response = api.get("/api/v1/assignments", params)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["items"]]

    with django_assert_max_num_queries(10):
        first = api.get("/api/v1/assignments", {"box": "all", "limit": 4}).json()
    second = api.get(
        "/api/v1/assignments", {"box": "all", "limit": 4, "cursor": first["next_cursor"]}
    ).json()

    assert first["count"] == 6
    assert [r["id"] for r in first["items"]] == [g.pk for g in given]  # the nearest deadline first
    assert first["items"][0]["is_overdue"] is True
    assert {r["id"] for r in second["items"]} == {mine.pk, with_cp.pk}
    assert second["next_cursor"] is None
    assert set(ids({})) == {mine.pk, with_cp.pk}  # box=mine by default
    assert set(ids({"box": "given"})) == {g.pk for g in given} | {with_cp.pk}
    assert ids({"box": "all", "status": "overdue"}) == [given[0].pk]
    assert len(ids({"box": "all", "status": "open"})) == 6
    assert ids({"box": "all", "status": "done"}) == []
    assert set(ids({"box": "all", "performer": other_manager.pk})) == {g.pk for g in given}
    assert ids({"box": "all", "counterparty": cp.pk}) == [with_cp.pk]
    newest = ids({"box": "all", "sort": "-created_at", "limit": 2})
    assert newest == [with_cp.pk, mine.pk]
    assert api.get("/api/v1/assignments", {"box": "everything"}).status_code == 400
    assert api.get("/api/v1/assignments", {"status": "lost"}).status_code == 400


def test_done_notifies_the_author_who_checks_it(api, other_api, manager, other_manager):
    row = assignment_for(manager, performers=[other_manager])
    path = f"/api/v1/assignments/{row.pk}"
    api.post("/api/v1/notifications/read", {})

    accepted = other_api.post(f"{path}/move", {"status": "accepted"})
    started = other_api.post(f"{path}/move", {"status": "in_progress"})
    done = other_api.post(f"{path}/move", {"status": "done", "comment": "КП отправлено"})

    assert accepted.status_code == 200, accepted.json()
    assert started.json()["status"] == "in_progress"
    assert done.status_code == 200
    assert done.json()["status"] == "done"
    assert done.json()["result"] == "КП отправлено"
    assert done.json()["allowed_moves"] == []  # the performer waits for the author now
    assert [n["status_to"] for n in done.json()["notes"]] == ["accepted", "in_progress", "done"]
    bell = api.get("/api/v1/notifications").json()
    assert bell["unread"] == 3
    latest = bell["items"][0]
    assert latest["assignment_id"] == row.pk
    assert latest["kind"] == "assignment"
    assert latest["text"] == "КП отправлено"
    assert latest["read_at"] is None

    author_view = api.get(path).json()
    assert set(author_view["allowed_moves"]) == {"checked", "returned"}
    checked = api.post(f"{path}/move", {"status": "checked"})
    assert checked.status_code == 200
    assert checked.json()["checked_at"] is not None
    assert other_api.get("/api/v1/notifications").json()["items"][0]["title"].endswith("Checked")


def test_a_refused_move_is_409_and_writes_nothing(api, other_api, manager, other_manager):
    row = assignment_for(manager, performers=[other_manager])
    path = f"/api/v1/assignments/{row.pk}/move"
    before = rows_of(TRACKED)

    by_performer = other_api.post(path, {"status": "checked"})
    by_author = api.post(path, {"status": "done"})
    unknown = api.post(path, {"status": "lost"})

    assert by_performer.status_code == 409
    assert by_performer.json()["code"] == "status_move"
    assert by_author.status_code == 409
    assert unknown.status_code == 400
    assert rows_of(TRACKED) == before

    other_api.post(path, {"status": "done"})
    before = rows_of(TRACKED)
    no_reason = api.post(path, {"status": "returned"})
    assert no_reason.status_code == 400
    assert "comment" in no_reason.json()["fields"]
    assert rows_of(TRACKED) == before
    returned = api.post(path, {"status": "returned", "comment": "Добавьте скидку"})
    assert returned.json()["status"] == "returned"


def test_notes_from_both_sides(api, other_api, manager, other_manager):
    row = assignment_for(manager, performers=[other_manager])
    path = f"/api/v1/assignments/{row.pk}/notes"

    written = other_api.post(path, {"text": "Жду цены от поставщика"})

    assert written.status_code == 201, written.json()
    assert written.json()["author_id"] == other_manager.pk
    assert written.json()["text"] == "Жду цены от поставщика"
    assert api.get(f"/api/v1/assignments/{row.pk}").json()["notes"][0]["text"] == (
        "Жду цены от поставщика"
    )
    assert api.get("/api/v1/notifications").json()["items"][0]["text"] == "Жду цены от поставщика"
    before = rows_of(TRACKED)
    empty = api.post(path, {"text": "   "})
    assert empty.status_code == 400
    assert "text" in empty.json()["fields"]
    assert rows_of(TRACKED) == before


def test_only_the_author_changes_an_open_assignment(api, other_api, manager, other_manager):
    row = assignment_for(manager, performers=[other_manager])
    path = f"/api/v1/assignments/{row.pk}"

    patched = api.patch(
        path, {"subject": "Новое КП", "performer_ids": [other_manager.pk, manager.pk]}
    )
    assert patched.status_code == 200, patched.json()
    assert patched.json()["subject"] == "Новое КП"
    assert {p["id"] for p in patched.json()["performers"]} == {manager.pk, other_manager.pk}

    before = rows_of(TRACKED)
    by_performer = other_api.patch(path, {"subject": "Моё"})
    past = api.patch(path, {"deadline": _in(-1)})
    assert by_performer.status_code == 409
    assert past.status_code == 400
    assert "deadline" in past.json()["fields"]
    assert rows_of(TRACKED) == before


@pytest.mark.parametrize(
    "body",
    [
        {"subject": "x", "performer_ids": []},
        {"subject": "x", "performer_ids": ["@inactive"]},
        {"subject": "x", "performer_ids": ["@other"], "deadline": "2001-01-01T10:00:00+03:00"},
        {"subject": "", "performer_ids": ["@other"]},
        {"subject": "x", "performer_ids": ["@other"], "counterparty_id": "@hidden"},
        {"subject": "x", "performer_ids": ["@other"], "status": "done"},
    ],
    ids=["no-performer", "inactive", "past-deadline", "no-subject", "hidden-cp", "unknown-field"],
)
def test_bad_input_is_refused_and_writes_nothing(api, manager, other_manager, body):
    values = {
        "@inactive": UserFactory(is_active=False).pk,
        "@other": other_manager.pk,
        "@hidden": CounterpartyFactory(responsible=other_manager).pk,
    }
    body = {
        key: [values.get(v, v) for v in item] if isinstance(item, list) else values.get(item, item)
        for key, item in body.items()
    }
    before = rows_of(TRACKED)

    response = api.post("/api/v1/assignments", body)

    assert response.status_code == 400
    assert response.json()["fields"]
    assert rows_of(TRACKED) == before


def test_a_strangers_assignment_is_a_404_like_a_missing_one(api, other_manager):
    row = assignment_for(other_manager, performers=[UserFactory(roles=["manager"])])
    before = rows_of(TRACKED)

    for method, suffix, body in [
        ("get", "", None),
        ("patch", "", {"subject": "Taken over"}),
        ("post", "/move", {"status": "cancelled"}),
        ("post", "/notes", {"text": "hello"}),
    ]:
        answers = []
        for pk in (row.pk, MISSING):
            send = getattr(api, method)
            path = f"/api/v1/assignments/{pk}{suffix}"
            answers.append(send(path) if body is None else send(path, body))
        assert [a.status_code for a in answers] == [404, 404], (method, suffix)
        assert answers[0].json() == answers[1].json()
    assert rows_of(TRACKED) == before
