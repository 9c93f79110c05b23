"""GET /api/v1/audit-events: read-only, admin.audit only, the filters of the audit page."""

from __future__ import annotations

import pytest

from accord.core.audit import client_ip, log_action
from accord.core.models import AuditEvent
from tests.factories import CounterpartyFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/audit-events"


@pytest.fixture
def trail(manager, other_manager):
    cp = CounterpartyFactory(responsible=manager)
    with client_ip("10.0.0.1"):
        log_action(actor=manager, action="directory.counterparty.updated", obj=cp,
                   changes={"name": ["A", "B"]})  # fmt: skip
    with client_ip("10.0.0.2"):
        log_action(actor=other_manager, action="users.login.failed", obj=other_manager)
    return cp


def test_a_manager_gets_403_and_the_refusal_is_recorded(api, manager, trail):
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    response = api.get(URL)

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    event = AuditEvent.objects.exclude(pk__in=before).get()
    assert (event.action, event.actor, event.object_type) == (
        "access.refused",
        manager,
        "admin.audit",
    )
    assert event.changes == {"method": "GET", "path": URL, "permission": "view"}


def test_a_refused_write_elsewhere_is_recorded_too(api, manager, db_state):
    cp = CounterpartyFactory(responsible=manager)
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    assert api.delete(f"/api/v1/counterparties/{cp.pk}").status_code == 403

    event = AuditEvent.objects.exclude(pk__in=before).get()
    assert (event.action, event.changes["method"]) == ("access.refused", "DELETE")
    assert event.changes["path"] == f"/api/v1/counterparties/{cp.pk}"


def test_a_404_is_not_recorded(api, other_manager):
    cp = CounterpartyFactory(responsible=other_manager)
    before = AuditEvent.objects.count()
    assert api.get(f"/api/v1/counterparties/{cp.pk}").status_code == 404
    assert AuditEvent.objects.count() == before


def test_the_list_has_the_shared_format(admin_api, trail, manager):
    body = admin_api.get(URL).json()  # the admin's own token was created first

    assert set(body) == {"count", "items", "next_cursor"}
    assert body["count"] == 3
    assert body["next_cursor"] is None
    first, second, token = body["items"]
    assert token["action"] == "users.token.created"
    assert first["action"] == "users.login.failed"
    assert first["ip"] == "10.0.0.2"
    assert second == {
        "id": second["id"],
        "at": second["at"],
        "actor_id": manager.pk,
        "actor_label": manager.username,
        "action": "directory.counterparty.updated",
        "object_type": "directory.counterparty",
        "object_id": str(trail.pk),
        "object_label": str(trail),
        "changes": {"name": ["A", "B"]},
        "ip": "10.0.0.1",
    }


@pytest.mark.parametrize(
    ("params", "actions"),
    [
        ({"action": "users.login"}, ["users.login.failed"]),
        ({"object_type": "directory.counterparty"}, ["directory.counterparty.updated"]),
        ({"ip": "10.0.0.1"}, ["directory.counterparty.updated"]),
        ({"date_from": "2000-01-01", "date_to": "2000-01-31"}, []),
    ],
)
def test_filters(admin_api, trail, params, actions):
    body = admin_api.get(URL, params).json()
    assert [item["action"] for item in body["items"]] == actions


def test_filter_by_actor(admin_api, trail, other_manager):
    body = admin_api.get(URL, {"actor": other_manager.pk}).json()
    assert [item["actor_id"] for item in body["items"]] == [other_manager.pk]


def test_bad_filters_are_a_400_naming_each_field(admin_api, trail):
    response = admin_api.get(URL, {"ip": "999.1.1.1", "date_from": "2026-02-02",
                                   "date_to": "2026-01-01"})  # fmt: skip
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"ip", "date_to"}


def test_keyset_pages_have_no_duplicates(admin_api, admin_user):
    for n in range(25):
        log_action(actor=admin_user, action=f"core.step{n:02d}.done")
    seen, cursor = [], None
    while True:
        params = {"limit": 10, "action": "core.step", **({"cursor": cursor} if cursor else {})}
        body = admin_api.get(URL, params).json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 25 == len(set(seen))
    assert seen == sorted(seen, reverse=True)


def test_there_is_no_write_operation(admin_api, trail):
    event = AuditEvent.objects.first()
    before = list(AuditEvent.objects.order_by("pk").values())
    assert admin_api.post(URL, {"action": "forged"}).status_code == 405
    assert admin_api.patch(f"{URL}/{event.pk}", {"action": "forged"}).status_code == 404
    assert admin_api.delete(f"{URL}/{event.pk}").status_code == 404
    assert list(AuditEvent.objects.order_by("pk").values()) == before


def test_list_query_budget(admin_api, admin_user, django_assert_max_num_queries):
    for _n in range(60):
        log_action(actor=admin_user, action="core.step.done")
    # the token with its user, the token's last use; the page with actors; the count: 4.
    with django_assert_max_num_queries(4):
        body = admin_api.get(URL).json()
    assert len(body["items"]) == 50
