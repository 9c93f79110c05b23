"""Interactions: planning and recording, changes, completion with a follow-up in one step
(both written or neither), cancel and delete, visibility of rows and of the objects they
link to, refusals that write nothing, meeting participants, and the list selectors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accord.activities.errors import StatusMoveError
from accord.activities.hooks import interactions_handover
from accord.activities.interaction_services import (
    interaction_cancel,
    interaction_complete,
    interaction_create,
    interaction_delete,
    interaction_update,
)
from accord.activities.models import Interaction
from accord.activities.selectors import interaction_get, interactions_list, today_interactions
from accord.core.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
from accord.core.models import AuditEvent
from tests.conftest import rows_of
from tests.factories import (
    ContactPersonFactory,
    CounterpartyFactory,
    DealFactory,
    DepartmentFactory,
    UserFactory,
    interaction_for,
    invoice_draft,
    order_for,
)

pytestmark = pytest.mark.django_db
TRACKED = (Interaction, Interaction.participants.through, AuditEvent)


def state():
    return rows_of(TRACKED)


def later(**delta: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(**delta)


@pytest.fixture
def team():
    """A head of department and two managers in it."""
    department = DepartmentFactory()
    head = UserFactory(username="head", roles=["head"], department=department)
    anna = UserFactory(username="anna", roles=["manager"], department=department)
    boris = UserFactory(username="boris", roles=["manager"], department=department)
    return head, anna, boris


# ---------------------------------------------------------------- create


def test_a_planned_call_with_every_link_is_created_and_audited(manager, other_manager):
    deal = DealFactory(responsible=manager)
    cp = deal.counterparty
    person = ContactPersonFactory(counterparty=cp)
    order = order_for(manager, deal=deal)
    invoice = invoice_draft(responsible=manager, counterparty=cp)
    row = interaction_create(actor=manager, data={
        "kind": "call", "direction": "incoming", "subject": " Уточнить сроки ",
        "starts_at": later(days=1).isoformat(), "duration_minutes": "15",
        "counterparty_id": cp.pk, "contact_person_id": person.pk, "deal_id": deal.pk,
        "order_id": order.pk, "invoice_id": invoice.pk, "participant_ids": [other_manager.pk],
    })  # fmt: skip
    assert (row.status, row.direction, row.subject, row.duration_minutes) == (
        "planned", "incoming", "Уточнить сроки", 15,
    )  # fmt: skip
    assert (row.deal_id, row.order_id, row.invoice_id, row.contact_person_id) == (
        deal.pk, order.pk, invoice.pk, person.pk,
    )  # fmt: skip
    assert row.responsible_id == manager.pk
    assert row.completed_at is None
    assert list(row.participants.all()) == [other_manager]
    event = AuditEvent.objects.get(action="activities.interaction.created")
    assert event.object_id == str(row.pk)
    assert event.changes["deal_id"] == deal.pk
    assert event.changes["participant_ids"] == [other_manager.pk]


def test_a_done_meeting_is_recorded_without_a_direction_and_a_subject_from_its_kind(manager):
    cp = CounterpartyFactory(responsible=manager)
    row = interaction_create(actor=manager, data={
        "kind": "meeting", "status": "done", "direction": "incoming", "place": "Офис клиента",
        "counterparty_id": cp.pk, "call_result": "busy",
    })  # fmt: skip
    assert (row.subject, row.direction, row.call_result, row.place) == (
        "Meeting", "", "", "Офис клиента",
    )  # fmt: skip
    assert row.completed_at is not None


def test_a_deal_alone_brings_its_counterparty(manager):
    deal = DealFactory(responsible=manager)
    row = interaction_create(actor=manager, data={"kind": "note", "deal_id": deal.pk})
    assert row.counterparty_id == deal.counterparty_id


def test_bad_input_is_refused_with_every_error_at_once_and_writes_nothing(manager, other_manager):
    foreign = CounterpartyFactory(responsible=other_manager)
    inactive = UserFactory(is_active=False)
    before = state()
    with pytest.raises(ValidationFailedError) as caught:
        interaction_create(actor=manager, data={
            "kind": "telegram", "status": "maybe", "subject": "x" * 300,
            "starts_at": "завтра", "duration_minutes": 2000, "counterparty_id": foreign.pk,
            "responsible_id": other_manager.pk, "participant_ids": [inactive.pk],
            "colour": "red",
        })  # fmt: skip
    assert set(caught.value.fields) == {
        "kind", "status", "subject", "starts_at", "duration_minutes", "counterparty_id",
        "responsible_id", "participant_ids", "colour",
    }  # fmt: skip
    assert state() == before


def test_a_counterparty_is_required(manager):
    before = state()
    with pytest.raises(ValidationFailedError) as caught:
        interaction_create(actor=manager, data={"kind": "call"})
    assert set(caught.value.fields) == {"counterparty_id"}
    assert state() == before


def test_a_user_without_the_right_to_add_is_refused(manager):
    director = UserFactory(username="dir", roles=["director"])  # sees all, adds nothing
    cp = CounterpartyFactory(responsible=manager)
    before = state()
    with pytest.raises(PermissionDeniedError):
        interaction_create(actor=director, data={"kind": "call", "counterparty_id": cp.pk})
    assert state() == before


# ---------------------------------------------------------------- links and visibility


def test_the_counterparty_and_deal_of_another_manager_cannot_be_linked(manager, other_manager):
    mine = CounterpartyFactory(responsible=manager)
    theirs = CounterpartyFactory(responsible=other_manager)
    their_deal_on_my_client = DealFactory(responsible=other_manager, counterparty=mine)
    their_deal = DealFactory(responsible=other_manager, counterparty=theirs)
    before = state()
    with pytest.raises(ValidationFailedError) as caught:
        interaction_create(actor=manager, data={"kind": "call", "counterparty_id": theirs.pk})
    assert caught.value.fields == {"counterparty_id": ["Choose a counterparty you can see."]}
    with pytest.raises(ValidationFailedError) as caught:
        interaction_create(actor=manager, data={
            "kind": "call", "counterparty_id": mine.pk, "deal_id": their_deal_on_my_client.pk,
        })  # fmt: skip
    assert caught.value.fields == {"deal_id": ["Choose a deal of this counterparty."]}
    with pytest.raises(ValidationFailedError) as caught:
        interaction_create(actor=manager, data={"kind": "call", "deal_id": their_deal.pk})
    assert "deal_id" in caught.value.fields
    assert state() == before


def test_links_of_another_counterparty_are_refused(manager):
    mine, other = CounterpartyFactory(responsible=manager), CounterpartyFactory(responsible=manager)
    deal = DealFactory(responsible=manager, counterparty=other)
    person = ContactPersonFactory(counterparty=other)
    order = order_for(manager, deal=deal)
    invoice = invoice_draft(responsible=manager, counterparty=other)
    before = state()
    with pytest.raises(ValidationFailedError) as caught:
        interaction_create(actor=manager, data={
            "kind": "call", "counterparty_id": mine.pk, "contact_person_id": person.pk,
            "deal_id": deal.pk, "order_id": order.pk, "invoice_id": invoice.pk,
            "claim_id": 987654,
        })  # fmt: skip
    assert set(caught.value.fields) == {
        "contact_person_id", "deal_id", "order_id", "invoice_id", "claim_id",
    }  # fmt: skip
    assert state() == before


def test_another_managers_interaction_is_not_found_for_every_action(manager, other_manager):
    theirs = interaction_for(other_manager)
    before = state()
    with pytest.raises(NotFoundError):
        interaction_get(viewer=manager, pk=theirs.pk)
    for action in (
        lambda: interaction_update(actor=manager, interaction=theirs, data={"subject": "Моё"}),
        lambda: interaction_complete(actor=manager, interaction=theirs.pk),
        lambda: interaction_cancel(actor=manager, interaction=theirs.pk),
    ):
        with pytest.raises(NotFoundError):
            action()
    assert state() == before
    assert interactions_list(viewer=manager).page.items == []
    assert [r.pk for r in interactions_list(viewer=other_manager).page.items] == [theirs.pk]


@pytest.mark.parametrize("pk", ["abc", None, 10**30, 987654])
def test_a_missing_or_malformed_id_is_not_found(manager, pk):
    with pytest.raises(NotFoundError):
        interaction_get(viewer=manager, pk=pk)


def test_participants_see_a_meeting_and_others_do_not(manager, other_manager):
    outsider = UserFactory(username="olga", roles=["manager"])
    meeting = interaction_for(manager, kind="meeting", participant_ids=[other_manager.pk])
    assert interaction_get(viewer=other_manager, pk=meeting.pk) == meeting
    assert [r.pk for r in interactions_list(viewer=other_manager).page.items] == [meeting.pk]
    assert interactions_list(viewer=other_manager).count.value == 1
    with pytest.raises(NotFoundError):
        interaction_get(viewer=outsider, pk=meeting.pk)
    # Several participants never list a meeting twice.
    interaction_update(actor=manager, interaction=meeting,
                       data={"participant_ids": [other_manager.pk, outsider.pk, manager.pk]})  # fmt: skip
    assert [r.pk for r in interactions_list(viewer=outsider).page.items] == [meeting.pk]
    assert [r.pk for r in interactions_list(viewer=manager).page.items] == [meeting.pk]


def test_the_head_sees_and_changes_the_teams_interactions(team):
    head, anna, _boris = team
    outsider = UserFactory(username="olga", roles=["manager"], department=DepartmentFactory())
    mine = interaction_for(anna)
    theirs = interaction_for(outsider)
    assert {r.pk for r in interactions_list(viewer=head).page.items} == {mine.pk}
    row = interaction_update(actor=head, interaction=mine, data={"outcome": "Перенесли"})
    assert row.outcome == "Перенесли"
    with pytest.raises(NotFoundError):
        interaction_update(actor=head, interaction=theirs, data={"outcome": "x"})


def test_a_manager_cannot_make_a_colleague_responsible_but_the_head_can(team):
    head, anna, boris = team
    cp = CounterpartyFactory(responsible=anna)
    with pytest.raises(ValidationFailedError) as caught:
        interaction_create(actor=anna, data={
            "kind": "call", "counterparty_id": cp.pk, "responsible_id": boris.pk,
        })  # fmt: skip
    assert set(caught.value.fields) == {"responsible_id"}
    row = interaction_create(actor=head, data={
        "kind": "call", "counterparty_id": cp.pk, "responsible_id": anna.pk,
    })  # fmt: skip
    assert row.responsible_id == anna.pk


# ---------------------------------------------------------------- update


def test_update_audits_only_what_changed(manager, other_manager):
    row = interaction_for(manager, starts_at=later(days=2))
    row = interaction_update(actor=manager, interaction=row, data={
        "subject": "Новая тема", "participant_ids": [other_manager.pk],
    })  # fmt: skip
    event = AuditEvent.objects.get(action="activities.interaction.updated")
    assert event.changes == {
        "participant_ids": [[], [other_manager.pk]],
        "subject": ["Звонок", "Новая тема"],
    }
    before = state()
    interaction_update(actor=manager, interaction=row, data={"subject": "Новая тема"})
    assert state() == before


def test_a_refused_update_writes_nothing(manager, other_manager):
    row = interaction_for(manager)
    their_deal = DealFactory(responsible=other_manager)
    before = state()
    with pytest.raises(ValidationFailedError) as caught:
        interaction_update(actor=manager, interaction=row, data={
            "deal_id": their_deal.pk, "kind": "", "duration_minutes": -5,
        })  # fmt: skip
    assert set(caught.value.fields) == {"deal_id", "kind", "duration_minutes"}
    assert state() == before


def test_an_update_to_done_stamps_completion_and_back_clears_it(manager):
    row = interaction_for(manager)
    row = interaction_update(actor=manager, interaction=row, data={"status": "done"})
    assert row.completed_at is not None
    row = interaction_update(actor=manager, interaction=row, data={"status": "planned"})
    assert row.completed_at is None


# ---------------------------------------------------------------- complete with a follow-up


def test_complete_and_plan_the_next_call_in_one_step(manager):
    deal = DealFactory(responsible=manager)
    person = ContactPersonFactory(counterparty=deal.counterparty)
    invoice = invoice_draft(responsible=manager, counterparty=deal.counterparty)
    call = interaction_for(manager, counterparty=deal.counterparty, deal_id=deal.pk,
                           contact_person_id=person.pk, invoice_id=invoice.pk)  # fmt: skip
    friday = later(days=4)
    done, follow = interaction_complete(
        actor=manager,
        interaction=call,
        result={
            "outcome": "Договорились о встрече",
            "call_result": "answered",
            "duration_minutes": 7,
        },
        follow_up={"starts_at": friday.isoformat(), "status": "done"},
    )
    assert (done.status, done.outcome, done.call_result, done.duration_minutes) == (
        "done", "Договорились о встрече", "answered", 7,
    )  # fmt: skip
    assert done.completed_at is not None
    assert follow is not None
    assert follow.status == "planned"  # a follow-up is always planned
    assert follow.follows_id == done.pk
    assert (follow.counterparty_id, follow.contact_person_id, follow.deal_id,
            follow.invoice_id) == (deal.counterparty_id, person.pk, deal.pk, invoice.pk)  # fmt: skip
    assert (follow.kind, follow.subject, follow.responsible_id) == ("call", "Звонок", manager.pk)
    assert follow.starts_at == friday
    actions = list(
        AuditEvent.objects.filter(action__startswith="activities.interaction")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "activities.interaction.created",
        "activities.interaction.completed",
        "activities.interaction.created",
    ]
    assert list(done.follow_ups.all()) == [follow]


def test_a_follow_up_may_change_what_it_carries(manager):
    call = interaction_for(manager)
    _done, follow = interaction_complete(
        actor=manager, interaction=call,
        follow_up={"kind": "meeting", "subject": "Презентация", "starts_at": later(days=1)},
    )  # fmt: skip
    assert follow is not None
    assert (follow.kind, follow.subject, follow.direction) == ("meeting", "Презентация", "")


@pytest.mark.parametrize(
    ("follow_up", "field"),
    [({"starts_at": "пятница"}, "starts_at"), ({"starts_at": ""}, "starts_at"),
     ({"kind": "pigeon"}, "kind"), ({"deal_id": 987654}, "deal_id"),
     ({"counterparty_id": "x"}, "counterparty_id"), ({"colour": "red"}, "colour")],
)  # fmt: skip
def test_a_wrong_follow_up_leaves_the_interaction_planned(manager, follow_up, field):
    call = interaction_for(manager)
    before = state()
    with pytest.raises(ValidationFailedError) as caught:
        interaction_complete(actor=manager, interaction=call, result={"outcome": "Готово"},
                             follow_up={"starts_at": later(days=1), **follow_up})  # fmt: skip
    # The follow-up's errors are named apart from the result's.
    assert set(caught.value.fields) == {f"follow_up.{field}"}
    assert state() == before
    call.refresh_from_db()
    assert call.status == "planned"


def test_a_follow_up_cannot_link_a_deal_of_another_manager(manager, other_manager):
    call = interaction_for(manager)
    their_deal = DealFactory(responsible=other_manager, counterparty=call.counterparty)
    before = state()
    with pytest.raises(ValidationFailedError) as caught:
        interaction_complete(actor=manager, interaction=call,
                             follow_up={"deal_id": their_deal.pk, "starts_at": later(days=1)})  # fmt: skip
    assert set(caught.value.fields) == {"follow_up.deal_id"}
    assert state() == before


def test_a_wrong_result_writes_nothing(manager):
    call = interaction_for(manager)
    before = state()
    with pytest.raises(ValidationFailedError) as caught:
        interaction_complete(actor=manager, interaction=call, result={
            "call_result": "maybe", "duration_minutes": "long", "mood": "good",
        })  # fmt: skip
    assert set(caught.value.fields) == {"call_result", "duration_minutes", "mood"}
    assert state() == before


def test_only_a_planned_interaction_is_completed_or_cancelled(manager):
    done = interaction_for(manager, status="done")
    cancelled = interaction_cancel(actor=manager, interaction=interaction_for(manager))
    assert cancelled.status == "cancelled"
    assert AuditEvent.objects.filter(action="activities.interaction.cancelled").count() == 1
    before = state()
    for row in (done, cancelled):
        with pytest.raises(StatusMoveError):
            interaction_complete(actor=manager, interaction=row,
                                 follow_up={"starts_at": later(days=1)})  # fmt: skip
        with pytest.raises(StatusMoveError):
            interaction_cancel(actor=manager, interaction=row)
    assert state() == before


# ---------------------------------------------------------------- delete


def test_a_manager_may_not_delete_and_nothing_changes(manager):
    row = interaction_for(manager)
    before = state()
    with pytest.raises(PermissionDeniedError):
        interaction_delete(actor=manager, interaction=row)
    assert state() == before


def test_the_head_deletes_a_team_interaction_but_not_another_departments(team):
    head, anna, _boris = team
    outsider = UserFactory(username="olga", roles=["manager"], department=DepartmentFactory())
    mine = interaction_for(anna, kind="meeting", participant_ids=[outsider.pk])
    theirs = interaction_for(outsider)
    interaction_delete(actor=head, interaction=mine.pk)
    assert not Interaction.objects.filter(pk=mine.pk).exists()
    event = AuditEvent.objects.get(action="activities.interaction.deleted")
    assert (event.object_id, event.changes["subject"]) == (str(mine.pk), "Звонок")
    before = state()
    with pytest.raises(NotFoundError):
        interaction_delete(actor=head, interaction=theirs.pk)
    assert state() == before


# ---------------------------------------------------------------- lists and the start page


def test_the_list_filters_by_when_and_kind(manager):
    now = timezone.now()
    overdue = interaction_for(manager, starts_at=now - dt.timedelta(hours=3))
    upcoming = interaction_for(manager, kind="meeting", starts_at=now + dt.timedelta(days=3))
    interaction_for(manager, status="done", starts_at=now - dt.timedelta(days=3))

    def listed(**filters):
        return [r.pk for r in interactions_list(viewer=manager, filters=filters).page.items]

    assert listed(when="overdue") == [overdue.pk]
    assert listed(when="upcoming") == [upcoming.pk]
    assert listed(kind="meeting") == [upcoming.pk]
    assert len(listed()) == 3
    with pytest.raises(ValidationFailedError):
        listed(when="someday")
    with pytest.raises(ValidationFailedError):
        interactions_list(viewer=manager, sort="subject")


def test_the_start_page_splits_overdue_and_todays_calls(manager):
    now = timezone.now()
    overdue = interaction_for(manager, starts_at=now - dt.timedelta(days=2))
    today = interaction_for(manager, starts_at=now + dt.timedelta(minutes=1))
    interaction_for(manager, starts_at=now + dt.timedelta(days=2))
    got = today_interactions(viewer=manager, now=now)
    assert [r.pk for r in got["overdue"]] == [overdue.pk]
    expected_today = [today.pk] if timezone.localdate(today.starts_at) == timezone.localdate(
        now
    ) else []  # fmt: skip
    assert [r.pk for r in got["today"]] == expected_today


def test_the_hand_over_passes_planned_interactions_only(manager, other_manager, admin_user):
    cp = CounterpartyFactory(responsible=manager)
    planned = interaction_for(manager, counterparty=cp)
    done = interaction_for(manager, counterparty=cp, status="done")
    moved = interactions_handover(actor=admin_user, from_user=manager, to_user=other_manager,
                                  counterparty_ids=[cp.pk])  # fmt: skip
    assert moved == 1
    planned.refresh_from_db()
    done.refresh_from_db()
    assert (planned.responsible_id, done.responsible_id) == (other_manager.pk, manager.pk)
    event = AuditEvent.objects.get(action="activities.interaction.handed_over")
    assert event.changes["interactions"] == [planned.pk]
