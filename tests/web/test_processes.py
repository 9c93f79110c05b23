"""Process pages: the status control (filters, holder, query budget), the card with its
history, cancelling, the block on a deal's card that starts a process, and Settings ->
process templates (the editor with conditions; refusals shown on their rows, nothing
written; 403 for a manager)."""

from __future__ import annotations

import pytest
from django.test import Client

from accord.activities.assignment_services import assignment_move
from accord.activities.models import (
    Assignment,
    ProcessInstance,
    ProcessStatus,
    ProcessStep,
    ProcessTemplate,
)
from accord.core.models import AuditEvent
from accord.users.models import Role
from tests.conftest import rows_of
from tests.factories import DealFactory, UserFactory, process_for, process_template

pytestmark = pytest.mark.django_db
TRACKED = (ProcessTemplate, ProcessStep, ProcessInstance, Assignment, AuditEvent)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def head(db):
    return UserFactory(username="head", roles=["head"])


def routed(admin_user, head):
    """A deal above 100 000 goes to a head after the responsible's check."""
    return process_template(
        name="Approval", actor=admin_user,
        steps=[
            {"key": "check", "name": "Check the deal", "next_key": "",
             "transitions": [{"field": "amount", "op": "gt", "value": 100000, "next": "approve"}]},
            {"key": "approve", "name": "Approve the deal", "assignee_kind": "role",
             "assignee_role_id": Role.objects.get(code="head").pk},
        ],
    )  # fmt: skip


def done(user, instance):
    assignment = Assignment.objects.get(process=instance, status="new")
    assignment_move(actor=user, assignment=assignment, status="done")


# ---------------------------------------------------------------- status control and card


def test_status_control_shows_step_holder_and_keeps_a_query_budget(
    manager, manager_client, other_manager, admin_user, head, django_assert_max_num_queries
):
    template = routed(admin_user, head)
    for _ in range(12):
        process_for(manager, template=template)
    big = process_for(manager, template=template, obj=DealFactory(responsible=manager,
                                                                   amount=500_000))  # fmt: skip
    done(manager, big)
    process_for(other_manager, template=template)

    # session, user, roles, the filters' templates and users, count, page, the open
    # assignments and their performers: 9, for 13 rows or 50.
    with django_assert_max_num_queries(9):
        response = manager_client.get("/processes/")
    assert response.status_code == 200
    assert response.context["result"].count.value == 13
    html = response.content.decode()
    assert "Approve the deal" in html
    assert str(head) in html

    held = manager_client.get("/processes/", {"holder": head.pk}).context["result"]
    assert [p.pk for p in held.page.items] == [big.pk]
    htmx = manager_client.get("/processes/", {"sort": "waiting"}, HTTP_HX_REQUEST="true")
    assert 'id="process-results"' in htmx.content.decode()
    assert "<html" not in htmx.content.decode()
    finished = manager_client.get("/processes/", {"status": "finished"}).context["result"]
    assert finished.page.items == []


def test_the_card_shows_the_history_and_hides_from_others(
    manager, manager_client, other_manager, admin_user, head
):
    instance = process_for(manager, template=routed(admin_user, head),
                           obj=DealFactory(responsible=manager, amount=200_000))  # fmt: skip
    done(manager, instance)

    response = manager_client.get(f"/processes/{instance.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Check the deal" in html
    assert "Approve the deal" in html
    assert 'id="process-cancel"' in html
    assert client_for(other_manager).get(f"/processes/{instance.pk}/").status_code == 404
    # The head holds the step: he sees the card, and may not cancel what he did not start
    # unless his scope is the department's (the built-in head's is).
    assert client_for(head).get(f"/processes/{instance.pk}/").status_code == 200


def test_cancel_from_the_card(manager, manager_client, admin_user):
    instance = process_for(manager, template=process_template(actor=admin_user))
    response = manager_client.post(f"/processes/{instance.pk}/cancel/", {"reason": "Не нужно"})
    assert response.status_code == 302
    instance.refresh_from_db()
    assert instance.status == ProcessStatus.CANCELLED
    assert AuditEvent.objects.get(action="activities.process.cancelled").changes["reason"] == (
        "Не нужно"
    )


# ---------------------------------------------------------------- a deal's block


def test_a_deal_card_loads_its_processes_block(manager, manager_client, admin_user):
    deal = DealFactory(responsible=manager)
    process_template(name="Onboarding", actor=admin_user)
    card = manager_client.get(f"/deals/{deal.pk}/").content.decode()
    assert f"/processes/object/{deal.pk}/?kind=deal" in card

    block = manager_client.get(f"/processes/object/{deal.pk}/?kind=deal").content.decode()
    assert "Onboarding" in block
    assert 'id="process-start"' in block


def test_starting_a_process_from_the_block(manager, manager_client, admin_user):
    deal = DealFactory(responsible=manager)
    template = process_template(name="Onboarding", actor=admin_user)

    response = manager_client.post(f"/processes/start/{deal.pk}/?kind=deal",
                                   {"template_id": template.pk})  # fmt: skip

    instance = ProcessInstance.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/processes/{instance.pk}/"
    assert (instance.object_id, instance.started_by) == (deal.pk, manager)
    # A second start of the same process is refused in the block (htmx) and writes nothing.
    before = rows_of(TRACKED)
    again = manager_client.post(f"/processes/start/{deal.pk}/?kind=deal",
                                {"template_id": template.pk}, HTTP_HX_REQUEST="true")  # fmt: skip
    assert "already running" in again.content.decode()
    assert rows_of(TRACKED) == before


def test_the_block_of_another_managers_deal_is_missing(manager_client, other_manager):
    deal = DealFactory(responsible=other_manager)
    assert manager_client.get(f"/processes/object/{deal.pk}/?kind=deal").status_code == 404
    assert manager_client.get(f"/processes/object/{deal.pk}/?kind=nonsense").status_code == 404


# ---------------------------------------------------------------- settings: the editor


def editor_data(steps, **header):
    data = {
        "name": "Approval of a large deal", "description": "", "object_kind": "deal",
        "trigger": "manual", "pipeline_id": "", "is_active": "on",
        "steps-TOTAL_FORMS": str(len(steps)), "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "50", **header,
    }  # fmt: skip
    for i, step in enumerate(steps):
        conditions = step.pop("conditions", [])
        row = {"assignee_kind": "responsible", "deadline_hours": "24",
               "slots": str(max(2, len(conditions) + 1)), **step}  # fmt: skip
        for j, (field, op, value, following) in enumerate(conditions):
            row.update({f"c{j}_field": field, f"c{j}_op": op, f"c{j}_value": value,
                        f"c{j}_next": following})  # fmt: skip
        data.update({f"steps-{i}-{name}": value for name, value in row.items()})
    return data


def test_an_administrator_builds_a_routed_template(admin_client, head):
    role = Role.objects.get(code="head")
    data = editor_data([
        {"key": "check", "name": "Check the deal", "next_key": "quote",
         "conditions": [("amount", "gt", "100 000", "approve")]},
        {"key": "approve", "name": "Approve", "assignee_kind": "role",
         "assignee_role_id": str(role.pk), "next_key": "quote"},
        {"key": "quote", "name": "Prepare the quote"},
    ])  # fmt: skip

    response = admin_client.post("/settings/processes/new/", data)

    template = ProcessTemplate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/settings/processes/{template.pk}/"
    check = template.steps.get(key="check")
    assert check.transitions == [
        {"field": "amount", "op": "gt", "value": "100000", "next": "approve"}
    ]
    assert template.steps.get(key="approve").assignee_role == role
    page = admin_client.get(f"/settings/processes/{template.pk}/").content.decode()
    assert 'value="100000"' in page
    listing = admin_client.get("/settings/processes/").content.decode()
    assert "Approval of a large deal" in listing


def test_the_editor_shows_each_refusal_on_its_row_and_writes_nothing(admin_client):
    before = rows_of(TRACKED)
    data = editor_data([
        {"key": "a", "name": "First", "next_key": "b"},
        {"key": "b", "name": "Second", "conditions": [
            ("amount", "gt", "lots", "a"), ("counterparty.relation", "gt", "client", "a")]},
    ])  # fmt: skip

    response = admin_client.post("/settings/processes/new/", data)

    assert response.status_code == 400
    errors = response.context["steps"].forms[1].errors
    assert errors["c0_value"] == ["Enter a number."]
    assert "equality" in errors["c1_op"][0]
    assert rows_of(TRACKED) == before

    unreachable = editor_data([{"key": "a", "name": "First"}, {"key": "c", "name": "Lonely"}])
    response = admin_client.post("/settings/processes/new/", unreachable)
    assert "cannot be reached" in response.context["steps"].forms[1].errors["key"][0]
    cycle = editor_data([
        {"key": "a", "name": "First", "next_key": "b"},
        {"key": "b", "name": "Second", "next_key": "a"},
    ])  # fmt: skip
    response = admin_client.post("/settings/processes/new/", cycle)
    assert "a → b → a" in response.content.decode()
    assert rows_of(TRACKED) == before


def test_add_a_step_and_switch_the_kind_without_saving(admin_client):
    data = editor_data([{"key": "a", "name": "First"}])
    added = admin_client.post("/settings/processes/new/", {**data, "_add": "1"})
    assert added.status_code == 200
    assert len(added.context["steps"].forms) == 2
    refreshed = admin_client.post("/settings/processes/new/",
                                  {**data, "object_kind": "claim", "_refresh": "1"})  # fmt: skip
    fields = dict(refreshed.context["steps"].forms[0].fields["c0_field"].choices)
    assert "severity" in fields
    assert "amount" not in fields
    assert not ProcessTemplate.objects.exists()


def test_removing_a_step_and_deleting_a_template(admin_client, admin_user):
    template = process_template(actor=admin_user, steps=[
        {"key": "a", "name": "First", "next_key": "b"}, {"key": "b", "name": "Second"},
    ])  # fmt: skip
    page = admin_client.get(f"/settings/processes/{template.pk}/")
    steps = page.context["steps"]
    data = {
        "name": template.name, "object_kind": "deal", "trigger": "manual", "is_active": "on",
        "steps-TOTAL_FORMS": "3", "steps-INITIAL_FORMS": "2",
        "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "50",
        "steps-0-key": "a", "steps-0-name": "First", "steps-0-assignee_kind": "responsible",
        "steps-0-deadline_hours": "24", "steps-0-slots": "2",
        "steps-1-key": "b", "steps-1-name": "Second", "steps-1-assignee_kind": "responsible",
        "steps-1-deadline_hours": "24", "steps-1-slots": "2", "steps-1-DELETE": "on",
        "steps-2-key": "step-3", "steps-2-assignee_kind": "responsible",
        "steps-2-deadline_hours": "24", "steps-2-slots": "2", "steps-2-c0_op": "eq",
        "steps-2-c1_op": "eq",
    }  # fmt: skip
    assert len(steps.forms) == 3  # two steps and a blank row

    saved = admin_client.post(f"/settings/processes/{template.pk}/", data)

    assert saved.status_code == 302
    assert list(template.steps.values_list("key", flat=True)) == ["a"]
    deleted = admin_client.post(f"/settings/processes/{template.pk}/delete/")
    assert deleted.status_code == 302
    assert not ProcessTemplate.objects.exists()


def test_a_manager_may_not_open_the_templates(manager_client, admin_user):
    template = process_template(actor=admin_user)
    before = rows_of(TRACKED)
    assert manager_client.get("/settings/processes/").status_code == 403
    assert manager_client.get(f"/settings/processes/{template.pk}/").status_code == 403
    assert manager_client.post("/settings/processes/new/", editor_data([
        {"key": "a", "name": "A"}])).status_code == 403  # fmt: skip
    assert rows_of(TRACKED) == before


def test_the_sidebar_shows_processes_and_templates_to_whom_may(manager_client, admin_client):
    manager_page = manager_client.get("/processes/").content.decode()
    assert 'href="/processes/"' in manager_page
    assert 'href="/settings/processes/"' not in manager_page
    assert 'href="/settings/processes/"' in admin_client.get("/processes/").content.decode()
