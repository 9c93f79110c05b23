"""/api/v1/process-templates and /api/v1/processes: administrators define templates (bad ones
refused with every field named, nothing written), managers start processes on their objects,
the step routed by a condition reaches the head through the assignments API, and lists
answer `count`."""

from __future__ import annotations

import pytest
from django.test import Client

from accord.activities.models import Assignment, ProcessInstance, ProcessStep, ProcessTemplate
from accord.core.models import AuditEvent
from accord.users.models import Role
from tests.api.conftest import JsonClient, bearer
from tests.conftest import rows_of
from tests.factories import DealFactory, UserFactory, process_for, process_template

pytestmark = pytest.mark.django_db
TRACKED = (ProcessTemplate, ProcessStep, ProcessInstance, Assignment)


def state():
    return rows_of((*TRACKED, AuditEvent))


@pytest.fixture
def head(db):
    return UserFactory(username="head", roles=["head"])


def approval(head):
    return {
        "name": "Approval of a large deal",
        "object_kind": "deal",
        "steps": [
            {"key": "check", "name": "Check the deal", "next_key": "quote",
             "transitions": [{"field": "amount", "op": "gt", "value": 100000, "next": "approve"}]},
            {"key": "approve", "name": "Approve", "assignee_kind": "role",
             "assignee_role_id": Role.objects.get(code="head").pk, "next_key": "quote"},
            {"key": "quote", "name": "Prepare the quote"},
        ],
    }  # fmt: skip


def test_an_administrator_creates_reads_and_changes_a_template(admin_api, api, head):
    created = admin_api.post("/api/v1/process-templates", approval(head))
    assert created.status_code == 201, created.json()
    body = created.json()
    assert [s["key"] for s in body["steps"]] == ["check", "approve", "quote"]
    assert body["steps"][0]["transitions"] == [
        {"field": "amount", "op": "gt", "value": "100000", "next": "approve"}
    ]

    listed = api.get("/api/v1/process-templates").json()  # a manager may read them
    assert (listed["count"], listed["items"][0]["id"]) == (1, body["id"])
    assert api.get(f"/api/v1/process-templates/{body['id']}").status_code == 200

    changed = admin_api.patch(f"/api/v1/process-templates/{body['id']}", {"is_active": False})
    assert changed.status_code == 200
    assert changed.json()["is_active"] is False
    assert admin_api.delete(f"/api/v1/process-templates/{body['id']}").status_code == 204
    assert not ProcessTemplate.objects.exists()


def test_a_bad_template_is_refused_naming_every_field(admin_api, head):
    nobody = Role.objects.create(code="nobody", name="Nobody", rules={})
    before = state()
    bad = approval(head)
    bad["steps"][2]["next_key"] = "check"  # a circle
    answer = admin_api.post("/api/v1/process-templates", bad)
    assert answer.status_code == 400
    assert "check → quote → check" in answer.json()["fields"]["steps"][0]

    bad = approval(head)
    bad["steps"][0]["transitions"][0]["field"] = "discount"
    answer = admin_api.post("/api/v1/process-templates", bad)
    assert answer.status_code == 400
    assert "discount" in answer.json()["fields"]["steps.0.transitions.0.field"][0]

    bad = approval(head)
    bad["steps"][1]["assignee_role_id"] = nobody.pk
    answer = admin_api.post("/api/v1/process-templates", bad)
    assert "Nobody" in answer.json()["fields"]["steps.1.assignee_role_id"][0]
    assert state() == before


def test_a_manager_may_not_write_templates(api, admin_user, head):
    template = process_template(actor=admin_user)
    before = state()
    assert api.post("/api/v1/process-templates", approval(head)).status_code == 403
    patched = api.patch(f"/api/v1/process-templates/{template.pk}", {"name": "Mine"})
    assert patched.status_code == 403
    assert api.delete(f"/api/v1/process-templates/{template.pk}").status_code == 403
    assert state() == before


def test_a_manager_starts_a_process_and_the_condition_routes_it_to_the_head(
    api, manager, admin_api, head
):
    template_id = admin_api.post("/api/v1/process-templates", approval(head)).json()["id"]
    deal = DealFactory(responsible=manager, amount=250_000)

    started = api.post(
        "/api/v1/processes",
        {"template_id": template_id, "object_kind": "deal", "object_id": deal.pk},
    )
    assert started.status_code == 201, started.json()
    process = started.json()
    assert (process["status"], process["current_step_key"]) == ("running", "check")
    assert [h["id"] for h in process["holders"]] == [manager.pk]

    moved = api.post(f"/api/v1/assignments/{process['assignment_id']}/move", {"status": "done"})
    assert moved.status_code == 200, moved.json()

    now = api.get(f"/api/v1/processes/{process['id']}").json()
    assert now["current_step_key"] == "approve"
    assert [h["id"] for h in now["holders"]] == [head.pk]
    assert [h["step_key"] for h in now["history"]] == ["check", "approve"]
    head_api = JsonClient(Client(), bearer(head.username))
    assert head_api.get(f"/api/v1/processes/{process['id']}").status_code == 200
    held = head_api.get("/api/v1/processes", {"holder": head.pk}).json()
    assert (held["count"], held["items"][0]["id"]) == (1, process["id"])


def test_lists_count_and_filter(api, manager, other_manager, admin_user):
    template = process_template(actor=admin_user)
    mine = [process_for(manager, template=template) for _ in range(3)]
    process_for(other_manager, template=template)

    page = api.get("/api/v1/processes", {"limit": 2}).json()
    assert page["count"] == 3
    assert len(page["items"]) == 2
    assert page["next_cursor"]
    rest = api.get("/api/v1/processes", {"limit": 2, "cursor": page["next_cursor"]}).json()
    assert {p["id"] for p in page["items"] + rest["items"]} == {p.pk for p in mine}
    one = api.get("/api/v1/processes", {"object_kind": "deal", "object_id": mine[0].object_id})
    assert [p["id"] for p in one.json()["items"]] == [mine[0].pk]
    assert api.get("/api/v1/processes", {"status": "finished"}).json()["count"] == 0
    assert api.get("/api/v1/processes", {"sort": "waiting"}).json()["count"] == 3


def test_another_managers_process_and_deal_are_missing(api, other_manager, admin_user):
    template = process_template(actor=admin_user)
    theirs = process_for(other_manager, template=template)
    deal = DealFactory(responsible=other_manager)
    before = state()
    assert api.get(f"/api/v1/processes/{theirs.pk}").status_code == 404
    assert api.post(f"/api/v1/processes/{theirs.pk}/cancel", {}).status_code == 404
    start = api.post(
        "/api/v1/processes",
        {"template_id": template.pk, "object_kind": "deal", "object_id": deal.pk},
    )
    assert start.status_code == 404
    assert state() == before


def test_cancel_and_a_second_start_is_a_conflict(api, manager, admin_user):
    template = process_template(actor=admin_user)
    instance = process_for(manager, template=template)
    again = api.post(
        "/api/v1/processes",
        {"template_id": template.pk, "object_kind": "deal", "object_id": instance.object_id},
    )
    assert again.status_code == 409
    cancelled = api.post(f"/api/v1/processes/{instance.pk}/cancel", {"reason": "Не нужно"})
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["history"][0]["status"] == "cancelled"
