"""Business processes: a condition routes a large deal to the head, completion moves the
process on, a funnel-driven template moves the deal, bad templates are refused with nothing
written, triggers start exactly one process, and visibility follows starter and holders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accord.activities.assignment_services import assignment_move
from accord.activities.models import (
    Assignment,
    AssignmentStatus,
    Notification,
    ProcessInstance,
    ProcessStatus,
    ProcessStep,
    ProcessTemplate,
)
from accord.activities.process_selectors import (
    process_get,
    process_history,
    processes_list,
)
from accord.activities.process_services import (
    process_cancel,
    process_start,
    process_template_delete,
    process_template_save,
    processes_trigger,
)
from accord.activities.process_validation import FIELDS, condition_holds
from accord.activities.tasks import processes_trigger_task
from accord.billing.models import Invoice
from accord.core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailedError,
)
from accord.core.models import AuditEvent, Schedule
from accord.sales.models import DealStageChange
from accord.users.models import Role
from tests.conftest import rows_of
from tests.factories import (
    DealFactory,
    DepartmentFactory,
    UserFactory,
    claim_for,
    issued_invoice,
    process_for,
    process_template,
    sales_pipeline,
)

pytestmark = pytest.mark.django_db
TRACKED = (ProcessTemplate, ProcessStep, ProcessInstance, Assignment, AuditEvent)


def state():
    return rows_of(TRACKED)


def head_role():
    return Role.objects.get(code="head")


@pytest.fixture
def team():
    """A head of sales and two managers in one department."""
    department = DepartmentFactory()
    head = UserFactory(username="head", roles=["head"], department=department)
    anna = UserFactory(username="anna", roles=["manager"], department=department)
    boris = UserFactory(username="boris", roles=["manager"], department=department)
    return head, anna, boris


def approval_steps(*, quote_stage=None):
    """Check the deal; above 100 000 the head approves; then prepare the quote."""
    quote = {"key": "quote", "name": "Prepare the quote", "assignee_kind": "responsible"}
    if quote_stage is not None:
        quote["stage_on_done_id"] = quote_stage.pk
    return [
        {"key": "check", "name": "Check the deal", "assignee_kind": "responsible",
         "next_key": "quote",
         "transitions": [{"field": "amount", "op": "gt", "value": "100 000", "next": "approve"}]},
        {"key": "approve", "name": "Approve the deal", "assignee_kind": "role",
         "assignee_role_id": head_role().pk, "deadline_hours": 8, "next_key": "quote"},
        quote,
    ]  # fmt: skip


def approval(admin_user, **fields):
    return process_template(
        name="Approval of a large deal", steps=approval_steps(), actor=admin_user, **fields
    )


def current(instance):
    """The open assignment of the process's current step."""
    return Assignment.objects.get(process=instance, status__in=["new", "accepted", "in_progress"])


def performers(assignment):
    return [u.username for u in assignment.performers.all()]


def done(user, instance):
    assignment_move(actor=user, assignment=current(instance), status="done")
    instance.refresh_from_db()
    return instance


# ---------------------------------------------------------------- routing and moving on


def test_a_large_deal_is_routed_to_the_head_and_then_back(admin_user, team):
    head, anna, _boris = team
    template = approval(admin_user)
    deal = DealFactory(responsible=anna, amount=Decimal("150000"))

    instance = process_start(actor=anna, template=template, obj=deal)
    first = current(instance)
    assert (instance.current_step.key, performers(first)) == ("check", ["anna"])
    assert first.deal_id == deal.pk
    assert first.counterparty_id == deal.counterparty_id
    assert first.author == anna
    assert first.deadline is not None

    done(anna, instance)
    approve = current(instance)
    assert (instance.current_step.key, performers(approve)) == ("approve", ["head"])
    assert approve.process_step.key == "approve"
    assert approve.deadline - instance.step_started_at == dt.timedelta(hours=8)
    moved = AuditEvent.objects.get(action="activities.process.moved", object_id=str(instance.pk))
    assert moved.changes["step"] == ["check", "approve"]
    assert "100000" in moved.changes["condition"]

    done(head, instance)
    assert (instance.current_step.key, performers(current(instance))) == ("quote", ["anna"])

    done(anna, instance)
    assert instance.status == ProcessStatus.FINISHED
    assert instance.current_step is None
    assert instance.finished_at is not None
    assert [a.process_step.key for a in process_history(instance)] == ["check", "approve", "quote"]


def test_a_small_deal_goes_straight_to_the_quote(admin_user, team):
    _head, anna, _boris = team
    deal = DealFactory(responsible=anna, amount=Decimal("50000"))
    instance = process_start(actor=anna, template=approval(admin_user), obj=deal)

    done(anna, instance)

    assert instance.current_step.key == "quote"
    assert not Assignment.objects.filter(process=instance, process_step__key="approve").exists()


def test_the_condition_reads_the_deal_as_it_is_when_the_step_is_done(admin_user, team):
    _head, anna, _boris = team
    deal = DealFactory(responsible=anna, amount=Decimal("50000"))
    instance = process_start(actor=anna, template=approval(admin_user), obj=deal)
    deal.amount = Decimal("100000.01")
    deal.save()

    done(anna, instance)

    assert performers(current(instance)) == ["head"]


def test_a_role_step_goes_to_the_least_loaded_holder(admin_user, team):
    head, anna, _boris = team
    second = UserFactory(username="head2", roles=["head"])
    template = approval(admin_user)
    # Both heads are free: the lower id takes the first one.
    one = process_start(
        actor=anna, template=template, obj=DealFactory(responsible=anna, amount=200_000)
    )
    done(anna, one)
    assert performers(current(one)) == [min((head, second), key=lambda u: u.pk).username]
    # Now that one holds an open assignment, the other takes the next.
    two = process_start(
        actor=anna, template=template, obj=DealFactory(responsible=anna, amount=300_000)
    )
    done(anna, two)
    assert performers(current(two)) == [max((head, second), key=lambda u: u.pk).username]


def test_a_step_for_a_chosen_user_and_for_the_starter(admin_user, team):
    head, anna, boris = team
    template = process_template(
        actor=admin_user,
        steps=[
            {"key": "a", "name": "Boris looks", "assignee_kind": "user",
             "assignee_user_id": boris.pk, "next_key": "b"},
            {"key": "b", "name": "Starter closes", "assignee_kind": "starter"},
        ],
    )  # fmt: skip
    instance = process_start(actor=head, template=template, obj=DealFactory(responsible=anna))
    assert performers(current(instance)) == ["boris"]
    done(boris, instance)
    assert performers(current(instance)) == ["head"]
    assert current(instance).author == head


def test_the_funnel_moves_the_deal_when_its_step_is_done(admin_user, team):
    _head, anna, _boris = team
    pipeline = sales_pipeline()
    offer = pipeline.stages.get(name="Предложение")
    template = process_template(
        name="Funnel", actor=admin_user, pipeline_id=pipeline.pk,
        steps=approval_steps(quote_stage=offer),
    )  # fmt: skip
    deal = DealFactory(responsible=anna, amount=1000)
    instance = process_start(actor=anna, template=template, obj=deal)
    done(anna, instance)

    done(anna, instance)

    deal.refresh_from_db()
    assert deal.stage == offer
    change = DealStageChange.objects.get(deal=deal, to_stage=offer)
    assert change.changed_by == anna
    assert instance.status == ProcessStatus.FINISHED


def test_a_funnel_process_starts_only_on_its_pipelines_deals(admin_user, team):
    _head, anna, _boris = team
    other = sales_pipeline("Тендеры", default=False)
    template = process_template(actor=admin_user, pipeline_id=sales_pipeline().pk)
    deal = DealFactory(responsible=anna, pipeline=other, stage=other.stages.first())
    before = state()

    with pytest.raises(ConflictError):
        process_start(actor=anna, template=template, obj=deal)

    assert state() == before


def test_the_starter_hears_when_the_process_finishes(admin_user, team):
    _head, anna, boris = team
    template = process_template(
        actor=admin_user,
        steps=[{"key": "a", "name": "Boris does it", "assignee_kind": "user",
                "assignee_user_id": boris.pk}],
    )  # fmt: skip
    instance = process_start(actor=anna, template=template, obj=DealFactory(responsible=anna))
    done(boris, instance)
    assert Notification.objects.filter(recipient=anna, kind="process").count() == 1
    assert not Notification.objects.filter(recipient=boris, kind="process").exists()


def test_a_severity_condition_on_claims_compares_in_order(admin_user, team):
    _head, anna, _boris = team
    template = process_template(
        actor=admin_user, object_kind="claim", trigger="claim_registered",
        steps=[
            {"key": "triage", "name": "Triage", "next_key": "",
             "transitions": [{"field": "severity", "op": "ge", "value": "high", "next": "head"}]},
            {"key": "head", "name": "Head reviews", "assignee_kind": "role",
             "assignee_role_id": head_role().pk},
        ],
    )  # fmt: skip
    serious = process_start(actor=anna, template=template, obj=claim_for(anna, severity="critical"))
    minor = process_start(actor=anna, template=template, obj=claim_for(anna, severity="medium"))
    done(anna, serious)
    done(anna, minor)
    assert performers(current(serious)) == ["head"]
    assert minor.status == ProcessStatus.FINISHED


def test_conditions_hold_by_field_type():
    deal = FIELDS["deal"]
    claim = FIELDS["claim"]
    assert condition_holds(deal["amount"], "gt", "100000", Decimal("100000.01"))
    assert not condition_holds(deal["amount"], "gt", "100000", Decimal("100000"))
    assert condition_holds(deal["counterparty.relation"], "in", ["client", "partner"], "partner")
    assert condition_holds(claim["severity"], "lt", "high", "medium")
    assert condition_holds(deal["responsible"], "ne", 5, None)
    assert not condition_holds(deal["responsible"], "eq", 5, None)


# ---------------------------------------------------------------- refused templates


def _refused(admin_user, steps, **fields):
    before = state()
    with pytest.raises(ValidationFailedError) as caught:
        process_template(actor=admin_user, steps=steps, **fields)
    assert state() == before
    return caught.value.fields


def test_a_cycle_is_refused(admin_user):
    fields = _refused(admin_user, [
        {"key": "a", "name": "A", "next_key": "b"},
        {"key": "b", "name": "B", "next_key": "c"},
        {"key": "c", "name": "C", "transitions": [
            {"field": "amount", "op": "gt", "value": 1, "next": "a"}]},
    ])  # fmt: skip
    assert "a → b → c → a" in fields["steps"][0]


def test_a_step_that_leads_to_itself_is_a_cycle(admin_user):
    fields = _refused(admin_user, [{"key": "a", "name": "A", "next_key": "a"}])
    assert "a → a" in fields["steps"][0]


def test_an_unreachable_step_is_refused(admin_user):
    fields = _refused(admin_user, [
        {"key": "a", "name": "A"},
        {"key": "b", "name": "Lost step"},
    ])  # fmt: skip
    assert "Lost step" in fields["steps.1.key"][0]


def test_an_unknown_field_in_a_condition_is_refused(admin_user):
    fields = _refused(admin_user, [
        {"key": "a", "name": "A", "transitions": [
            {"field": "password", "op": "eq", "value": "x", "next": "b"}]},
        {"key": "b", "name": "B"},
    ])  # fmt: skip
    message = fields["steps.0.transitions.0.field"][0]
    assert "password" in message
    assert "amount" in message


def test_a_role_nobody_has_is_refused(admin_user):
    empty = Role.objects.create(code="auditor", name="Auditor", rules={})
    UserFactory(username="gone", is_active=False).roles.add(empty)
    fields = _refused(admin_user, [
        {"key": "a", "name": "A", "assignee_kind": "role", "assignee_role_id": empty.pk},
    ])  # fmt: skip
    assert "Auditor" in fields["steps.0.assignee_role_id"][0]


@pytest.mark.parametrize(
    ("transition", "key", "words"),
    [
        ({"field": "amount", "op": "gt", "value": "lots", "next": "b"}, "value", "number"),
        ({"field": "counterparty.relation", "op": "gt", "value": "client", "next": "b"}, "op",
         "equality"),
        ({"field": "amount", "op": "like", "value": 1, "next": "b"}, "op", "eq"),
        ({"field": "amount", "op": "gt", "value": 1, "next": "nowhere"}, "next", "nowhere"),
        ({"field": "stage", "op": "eq", "value": 987654, "next": "b"}, "value", "987654"),
        ({"field": "amount", "op": "in", "value": [], "next": "b"}, "value", "at least one"),
    ],
)  # fmt: skip
def test_bad_conditions_are_refused(admin_user, transition, key, words):
    fields = _refused(admin_user, [
        {"key": "a", "name": "A", "next_key": "b", "transitions": [transition]},
        {"key": "b", "name": "B"},
    ])  # fmt: skip
    assert words in fields[f"steps.0.transitions.0.{key}"][0]


def test_other_bad_templates_are_refused(admin_user):
    other = sales_pipeline("Тендеры", default=False)
    lost = sales_pipeline().stages.get(kind="lost")
    fields = _refused(
        admin_user,
        [
            {"key": "a", "name": "A", "next_key": "b", "stage_on_done_id": other.stages.first().pk},
            {"key": "b", "name": "", "assignee_kind": "user", "stage_on_done_id": lost.pk},
            {"key": "b", "name": "Twin", "deadline_hours": -1, "colour": "red"},
        ],
        pipeline_id=sales_pipeline().pk,
        trigger="invoice_overdue",
    )  # fmt: skip
    assert set(fields) >= {
        "trigger", "steps.0.stage_on_done_id", "steps.1.name", "steps.1.assignee_user_id",
        "steps.1.stage_on_done_id", "steps.2.key", "steps.2.deadline_hours", "steps.2.colour",
    }  # fmt: skip
    with pytest.raises(ValidationFailedError) as caught:
        process_template_save(actor=admin_user, data={"name": "Empty", "steps": []})
    assert caught.value.fields["steps"]


def test_a_manager_may_not_edit_templates(manager):
    before = state()
    with pytest.raises(PermissionDeniedError):
        process_template_save(actor=manager, data={"name": "Mine", "steps": [
            {"key": "a", "name": "A"}]})  # fmt: skip
    assert state() == before


def test_a_template_is_changed_in_place_and_audited(admin_user, team):
    _head, _anna, _boris = team
    template = approval(admin_user)
    ids = dict(template.steps.values_list("key", "pk"))
    steps = approval_steps()
    steps[2]["name"] = "Send the quote"
    process_template_save(actor=admin_user, data={"steps": steps}, instance=template)
    assert dict(template.steps.values_list("key", "pk")) == ids
    assert template.steps.get(key="quote").name == "Send the quote"
    event = AuditEvent.objects.filter(action="activities.process_template.updated").get()
    assert "steps" in event.changes


def test_a_step_in_use_cannot_be_removed(admin_user, team):
    _head, anna, _boris = team
    template = approval(admin_user)
    process_start(actor=anna, template=template, obj=DealFactory(responsible=anna))
    before = state()
    with pytest.raises(ValidationFailedError) as caught:
        process_template_save(actor=admin_user, instance=template, data={
            "steps": approval_steps()[1:], "object_kind": "invoice"})  # fmt: skip
    assert "Check the deal" in caught.value.fields["steps"][0]
    assert "object_kind" in caught.value.fields
    assert state() == before


def test_a_template_that_ran_is_switched_off_not_deleted(admin_user, team):
    _head, anna, _boris = team
    template = approval(admin_user)
    process_start(actor=anna, template=template, obj=DealFactory(responsible=anna))
    before = state()
    with pytest.raises(ConflictError):
        process_template_delete(actor=admin_user, template=template)
    assert state() == before

    process_template_save(actor=admin_user, data={"is_active": False}, instance=template)
    template.refresh_from_db()
    assert not template.is_active
    with pytest.raises(ValidationFailedError):
        process_start(actor=anna, template=template, obj=DealFactory(responsible=anna))


def test_an_unused_template_is_deleted(admin_user, team):
    template = approval(admin_user)
    process_template_delete(actor=admin_user, template=template)
    assert not ProcessTemplate.objects.exists()
    assert not ProcessStep.objects.exists()
    assert AuditEvent.objects.filter(action="activities.process_template.deleted").exists()


# ---------------------------------------------------------------- starting and cancelling


def test_a_process_runs_once_per_object(admin_user, team):
    _head, anna, _boris = team
    template = approval(admin_user)
    deal = DealFactory(responsible=anna)
    process_start(actor=anna, template=template, obj=deal)
    before = state()
    with pytest.raises(ConflictError):
        process_start(actor=anna, template=template, obj=deal)
    assert state() == before


def test_a_process_is_not_started_on_what_the_actor_cannot_see(admin_user, team):
    _head, anna, boris = team
    template = approval(admin_user)
    hidden, invoice = DealFactory(responsible=boris), issued_invoice(responsible=anna)
    before = state()
    with pytest.raises(NotFoundError):
        process_start(actor=anna, template=template, obj=hidden)
    with pytest.raises(ValidationFailedError):  # a process on deals, given an invoice
        process_start(actor=anna, template=template, obj=invoice)
    assert state() == before


def test_cancelling_stops_the_process_and_its_assignment(admin_user, team):
    _head, anna, boris = team
    instance = process_for(anna, template=approval(admin_user))
    assignment = current(instance)
    before = state()
    with pytest.raises(NotFoundError):  # boris neither started nor holds it
        process_cancel(actor=boris, process=instance)
    assert state() == before

    process_cancel(actor=anna, process=instance, reason="Client changed their mind")

    instance.refresh_from_db()
    assignment.refresh_from_db()
    assert (instance.status, instance.current_step) == (ProcessStatus.CANCELLED, None)
    assert assignment.status == AssignmentStatus.CANCELLED
    with pytest.raises(ConflictError):
        process_cancel(actor=anna, process=instance)


def test_a_holder_who_did_not_start_it_may_not_cancel(admin_user, team):
    head, anna, boris = team
    template = process_template(
        actor=admin_user,
        steps=[
            {"key": "a", "name": "Boris", "assignee_kind": "user", "assignee_user_id": boris.pk}
        ],
    )
    instance = process_for(anna, template=template)
    with pytest.raises(PermissionDeniedError):
        process_cancel(actor=boris, process=instance)
    process_cancel(actor=head, process=instance)  # a head of the department may


# ---------------------------------------------------------------- visibility and status control


def test_status_control_shows_the_step_its_holder_and_visibility(admin_user, team):
    head, anna, boris = team
    big = process_for(
        anna, template=approval(admin_user), obj=DealFactory(responsible=anna, amount=500_000)
    )
    done(anna, big)

    mine = processes_list(viewer=anna, filters={"status": "running"}).page.items
    assert [(p.pk, p.current_step.key, [u.username for u in p.holders]) for p in mine] == [
        (big.pk, "approve", ["head"])
    ]
    assert not mine[0].is_overdue
    assert processes_list(viewer=boris).page.items == []
    with pytest.raises(NotFoundError):
        process_get(viewer=boris, pk=big.pk)
    # The head holds its step (and sees the department anyway); filters by holder and overdue.
    assert [p.pk for p in processes_list(viewer=head, filters={"holder": head.pk}).page.items] == [
        big.pk
    ]
    assert processes_list(viewer=head, filters={"holder": anna.pk}).page.items == []
    Assignment.objects.filter(process=big).update(deadline=timezone.now() - dt.timedelta(hours=1))
    overdue = processes_list(viewer=anna, filters={"overdue": "1"}).page.items
    assert [p.pk for p in overdue] == [big.pk]
    assert overdue[0].is_overdue


def test_a_holder_outside_the_scope_sees_the_process(admin_user):
    starter = UserFactory(username="starter", roles=["manager"])
    outsider = UserFactory(username="outsider", roles=["manager"])
    template = process_template(
        actor=admin_user,
        steps=[{"key": "a", "name": "A", "assignee_kind": "user", "assignee_user_id": outsider.pk}],
    )
    instance = process_for(starter, template=template)
    assert process_get(viewer=outsider, pk=instance.pk).holders == [outsider]
    assert Assignment.objects.visible_to(outsider).filter(process=instance).exists()


# ---------------------------------------------------------------- triggers


def test_a_deal_trigger_starts_exactly_one_process(admin_user, team):
    _head, anna, _boris = team
    DealFactory(responsible=anna)  # created before the template: left alone
    template = process_template(actor=admin_user, trigger="deal_created")
    deal = DealFactory(responsible=anna)
    DealFactory(responsible=None)  # nobody to act for it: left alone

    assert processes_trigger() == 1
    assert processes_trigger() == 0

    instance = ProcessInstance.objects.get()
    assert (instance.template, instance.object_id, instance.started_by) == (template, deal.pk, anna)
    assert performers(current(instance)) == ["anna"]
    event = AuditEvent.objects.get(action="activities.process.started")
    assert (event.actor, event.changes["trigger"]) == (None, "deal_created")
    # A finished process is not started again either.
    done(anna, instance)
    assert processes_trigger() == 0


def test_the_trigger_task_and_its_schedule(admin_user, team):
    _head, anna, _boris = team
    process_template(actor=admin_user, trigger="deal_created")
    DealFactory(responsible=anna)
    assert processes_trigger_task.call() == 1
    assert processes_trigger_task.call() == 0
    schedule = Schedule.objects.get(task_path="accord.activities.tasks.processes_trigger_task")
    assert (schedule.cron, schedule.enabled) == ("* * * * *", True)


def test_an_invoice_overdue_trigger_starts_on_newly_overdue_invoices(admin_user, team):
    _head, anna, _boris = team
    template = process_template(actor=admin_user, object_kind="invoice", trigger="invoice_overdue")
    today = timezone.localdate()
    late = issued_invoice(responsible=anna)
    long_late = issued_invoice(responsible=anna)
    on_time = issued_invoice(responsible=anna)
    Invoice.objects.filter(pk=late.pk).update(due_date=today - dt.timedelta(days=1))
    Invoice.objects.filter(pk=long_late.pk).update(due_date=today - dt.timedelta(days=30))
    Invoice.objects.filter(pk=on_time.pk).update(due_date=today)

    assert processes_trigger() == 1
    assert processes_trigger() == 0
    instance = ProcessInstance.objects.get(template=template)
    assert (instance.object_kind, instance.object_id) == ("invoice", late.pk)
    assert current(instance).invoice_id == late.pk


def test_a_claim_trigger_starts_on_registered_claims(admin_user, team):
    _head, anna, _boris = team
    process_template(actor=admin_user, object_kind="claim", trigger="claim_registered")
    claim = claim_for(anna)
    assert processes_trigger() == 1
    assert processes_trigger() == 0
    assert ProcessInstance.objects.get().object_id == claim.pk


# ---------------------------------------------------------------- demo data


def test_the_demo_has_a_ready_template_and_running_processes():
    from django.core.management import call_command

    call_command("demo", count=300, seed=7, stdout=None)
    template = ProcessTemplate.objects.get(name="Согласование крупной сделки")
    assert [s.key for s in template.steps.all()] == ["check", "approve", "quote"]
    running = ProcessInstance.objects.filter(template=template, status="running")
    steps = sorted(running.values_list("current_step__key", flat=True))
    assert steps
    assert set(steps) <= {"check", "approve"}
    first = sorted(running.values_list("object_id", "current_step__key"))

    call_command("demo", "--reset", count=300, seed=7, stdout=None)  # the wipe clears them
    assert ProcessTemplate.objects.filter(name=template.name).count() == 1
    again = ProcessInstance.objects.filter(template=template, status="running")
    assert sorted(again.values_list("current_step__key", flat=True)) == steps
    assert len(sorted(again.values_list("object_id", "current_step__key"))) == len(first)
