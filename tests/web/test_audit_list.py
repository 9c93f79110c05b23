"""Settings -> Audit log: who may see it, its exact filters, paging, and refusals recorded."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from accord.core.audit import client_ip, log_action
from accord.core.models import AuditEvent
from tests.factories import CounterpartyFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/settings/audit/"


def _rows(response) -> list[str]:
    return re.findall(
        r'<div class="muted small mono">([a-z0-9_.]+)</div>', response.content.decode()
    )


@pytest.fixture
def trail(manager, other_manager):
    cp = CounterpartyFactory(responsible=manager)
    with client_ip("10.0.0.1"):
        log_action(actor=manager, action="users.login.succeeded", obj=manager)
        log_action(actor=manager, action="directory.counterparty.updated", obj=cp,
                   changes={"name": ["A", "B"]})  # fmt: skip
    with client_ip("10.0.0.2"):
        log_action(actor=other_manager, action="users.login.failed", obj=other_manager)
    old = AuditEvent.objects.create(
        at=timezone.now() - dt.timedelta(days=10), actor=other_manager,
        actor_label=other_manager.username, action="users.logout",
    )  # fmt: skip
    return {"cp": cp, "old": old}


def test_a_manager_is_refused_and_the_refusal_is_recorded(manager_client, manager):
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    with client_ip("192.0.2.5"):
        response = manager_client.get(URL, REMOTE_ADDR="192.0.2.5")

    assert response.status_code == 403
    new = AuditEvent.objects.exclude(pk__in=before)
    assert new.count() == 1
    event = new.get()
    assert (event.action, event.actor, event.ip) == ("access.refused", manager, "192.0.2.5")
    assert event.object_type == "admin.audit"
    assert event.changes == {"method": "GET", "path": URL, "permission": "view"}


def test_a_404_is_not_recorded(manager_client, other_manager):
    cp = CounterpartyFactory(responsible=other_manager)
    before = AuditEvent.objects.count()
    assert manager_client.get(f"/counterparties/{cp.pk}/").status_code == 404
    assert AuditEvent.objects.count() == before


def test_the_admin_sees_every_event_newest_first(admin_client, trail):
    response = admin_client.get(URL)
    assert response.status_code == 200
    assert _rows(response) == [
        "users.login.failed",
        "directory.counterparty.updated",
        "users.login.succeeded",
        "users.logout",
    ]
    assert "4 events" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"action": "users.login"}, {"users.login.succeeded", "users.login.failed"}),
        ({"object_type": "directory.counterparty"}, {"directory.counterparty.updated"}),
        ({"ip": "10.0.0.2"}, {"users.login.failed"}),
        ({"date_to": (timezone.localdate() - dt.timedelta(days=5)).isoformat()}, {"users.logout"}),
        (
            {"date_from": timezone.localdate().isoformat(), "action": "users."},
            {"users.login.succeeded", "users.login.failed"},
        ),
    ],
)
def test_filters_are_exact(admin_client, trail, params, expected):
    response = admin_client.get(URL, params)
    assert set(_rows(response)) == expected


def test_filter_by_actor_and_object_id(admin_client, trail, manager):
    by_actor = admin_client.get(URL, {"actor": manager.pk})
    assert set(_rows(by_actor)) == {"users.login.succeeded", "directory.counterparty.updated"}
    by_id = admin_client.get(
        URL, {"object_type": "directory.counterparty", "object_id": trail["cp"].pk}
    )
    assert _rows(by_id) == ["directory.counterparty.updated"]


def test_bad_filters_are_explained(admin_client, trail):
    response = admin_client.get(URL, {"ip": "not-an-ip", "date_from": "yesterday"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Some filters are not valid." in html
    assert "date_from" in html
    assert "ip" in html
    assert _rows(response) == []


def test_paging_is_keyset_without_duplicates(admin_client, admin_user):
    for n in range(120):
        log_action(actor=admin_user, action=f"core.step{n:03d}.done")
    seen: list[str] = []
    params: dict[str, str] = {"action": "core.step"}
    while True:
        response = admin_client.get(URL, params, HTTP_HX_REQUEST="true")
        seen += _rows(response)
        found = re.search(
            r'href="\?([^"]+)"\s+hx-get="[^"]+"\s+rel="next"', response.content.decode()
        )
        if not found:
            break
        params = dict(p.split("=", 1) for p in found.group(1).replace("&amp;", "&").split("&"))
    assert len(seen) == 120 == len(set(seen))
    assert seen[0] == "core.step119.done"


def test_a_role_with_the_audit_view_may_read_it(client, trail):
    from accord.users.models import Role

    auditor_role = Role.objects.create(code="auditor", name="Auditor",
                                       rules={"admin.audit": {"actions": ["view"], "scope": "all"}})  # fmt: skip
    auditor = UserFactory(username="auditor")
    auditor.roles.set([auditor_role])
    client.force_login(auditor)
    response = client.get(URL)
    assert response.status_code == 200
    assert 'href="/settings/audit/"' in response.content.decode()  # the sidebar and the tab


def test_the_page_writes_nothing_and_has_no_edit_or_delete(admin_client, trail):
    before = list(AuditEvent.objects.order_by("pk").values())
    html = admin_client.get(URL).content.decode()
    page = html[html.index('id="audit-filters"') : html.index("</main>")]
    assert 'method="get"' in html[html.index('<form id="audit-filters"') :][:200]
    assert "<form" not in page.split("</form>", 1)[1]
    assert "hx-post" not in page
    assert admin_client.post(URL).status_code == 405
    assert list(AuditEvent.objects.order_by("pk").values()) == before


def test_audit_list_query_budget(admin_client, admin_user, django_assert_max_num_queries):
    users = [UserFactory() for _ in range(5)]
    for n in range(60):
        log_action(actor=users[n % 5], action="directory.counterparty.updated",
                   obj=CounterpartyFactory(responsible=users[n % 5]),
                   changes={"responsible_id": [users[0].pk, users[1].pk]})  # fmt: skip

    # session, user (a superuser: no roles); the page of events with actors, the capped
    # count; the users named in changes; the counterparties for VIP masking (persons: none
    # on this page); the actor choices: 7, whatever the page holds.
    with django_assert_max_num_queries(7):
        response = admin_client.get(URL)
    assert len(_rows(response)) == 50
