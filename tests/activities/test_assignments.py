"""Assignments: the status flow (performers accept, start and finish; the author checks,
returns with a comment or cancels), refused moves that write nothing, progress notes,
notifications (the author on progress and completion, performers on creation and return,
never the actor, never a user who may not see it), overdue counts per performer and
visibility by scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accord.activities.assignment_services import (
    allowed_moves,
    assignment_create,
    assignment_move,
    assignment_note_add,
    assignment_update,
)
from accord.activities.errors import StatusMoveError
from accord.activities.models import Assignment, AssignmentNote, Notification
from accord.activities.selectors import assignment_get, assignments_list, overdue_by_performer
from accord.core.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
from accord.core.models import AuditEvent
from tests.conftest import rows_of
from tests.factories import (
    CounterpartyFactory,
    DealFactory,
    DepartmentFactory,
    UserFactory,
    assignment_for,
)

pytestmark = pytest.mark.django_db
TRACKED = (Assignment, Assignment.performers.through, AssignmentNote, Notification, AuditEvent)


def state():
    return rows_of(TRACKED)


def later(**delta: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(**delta)


def inbox(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("title", flat=True)
    )


@pytest.fixture
def team():
    """A head of department and two managers in it."""
    department = DepartmentFactory()
    head = UserFactory(username="head", roles=["head"], department=department)
    anna = UserFactory(username="anna", roles=["manager"], department=department)
    boris = UserFactory(username="boris", roles=["manager"], department=department)
    return head, anna, boris


def move(actor, row, status, comment=""):
    return assignment_move(actor=actor, assignment=row, status=status, comment=comment)


# ---------------------------------------------------------------- create


def test_an_assignment_is_given_audited_and_its_performers_notified(team):
    head, anna, boris = team
    deal = DealFactory(responsible=anna)
    row = assignment_create(actor=head, data={
        "subject": "Подготовить КП", "description": "До пятницы", "importance": "high",
        "performer_ids": [anna.pk, boris.pk, anna.pk], "deadline": later(days=3).isoformat(),
        "deal_id": deal.pk,
    })  # fmt: skip
    assert (row.status, row.author_id, row.importance) == ("new", head.pk, "high")
    assert row.counterparty_id == deal.counterparty_id  # the deal brings its counterparty
    assert sorted(u.pk for u in row.performers.all()) == sorted([anna.pk, boris.pk])
    assert inbox(anna) == inbox(boris) == ["New assignment: Подготовить КП"]
    note = Notification.objects.get(recipient=anna)
    assert (note.kind, note.assignment_id, note.text) == ("assignment", row.pk, "До пятницы")
    assert note.url == f"/assignments/{row.pk}/"
    assert inbox(head) == []
    event = AuditEvent.objects.get(action="activities.assignment.created")
    assert event.changes["performer_ids"] == sorted([anna.pk, boris.pk])


def test_the_author_giving_an_assignment_to_themselves_is_not_notified(manager):
    row = assignment_for(manager, performers=[manager])
    assert row.performers.get() == manager
    assert inbox(manager) == []


def test_a_performer_who_may_not_see_assignments_is_not_notified(manager):
    no_roles = UserFactory(username="guest")
    row = assignment_for(manager, performers=[no_roles])
    assert row.performers.get() == no_roles
    assert inbox(no_roles) == []


def test_bad_input_is_refused_with_every_error_at_once_and_writes_nothing(manager, other_manager):
    foreign = CounterpartyFactory(responsible=other_manager)
    inactive = UserFactory(username="gone", is_active=False)
    before = state()
    with pytest.raises(ValidationFailedError) as caught:
        assignment_create(actor=manager, data={
            "subject": " ", "performer_ids": [inactive.pk], "importance": "urgent!",
            "deadline": (timezone.now() - dt.timedelta(minutes=1)).isoformat(),
            "counterparty_id": foreign.pk, "status": "done",
        })  # fmt: skip
    assert set(caught.value.fields) == {
        "subject", "performer_ids", "importance", "deadline", "counterparty_id", "status",
    }  # fmt: skip
    assert caught.value.fields["deadline"] == ["The deadline cannot be in the past."]
    assert state() == before


@pytest.mark.parametrize(
    ("data", "field"),
    [({"performer_ids": []}, "performer_ids"), ({"performer_ids": "1,2"}, "performer_ids"),
     ({"deadline": "вчера"}, "deadline"), ({"deadline": "2000-01-01T10:00"}, "deadline"),
     ({"deal_id": 987654}, "deal_id")],
)  # fmt: skip
def test_each_wrong_field_is_refused(manager, data, field):
    before = state()
    with pytest.raises(ValidationFailedError) as caught:
        assignment_for(manager, **data)
    assert set(caught.value.fields) == {field}
    assert state() == before


def test_without_the_right_to_add_nothing_is_given(manager):
    director = UserFactory(username="dir", roles=["director"])
    before = state()
    with pytest.raises(PermissionDeniedError):
        assignment_for(director, performers=[manager])
    assert state() == before


# ---------------------------------------------------------------- the status flow


def test_the_whole_flow_with_a_return(manager, other_manager):
    author, performer = manager, other_manager
    row = assignment_for(author, performers=[performer])
    assert allowed_moves(performer, row) == ["accepted", "in_progress", "done"]
    assert allowed_moves(author, row) == ["cancelled"]

    row = move(performer, row, "accepted")
    row = move(performer, row, "in_progress", "Начал")
    row = move(performer, row, "done", "КП отправлено")
    assert (row.status, row.result) == ("done", "КП отправлено")
    assert row.done_at is not None
    # The author was told of the progress and of the completion.
    assert inbox(author) == [
        "Подготовить КП: Accepted",
        "Подготовить КП: In progress",
        "Подготовить КП: Done",
    ]
    assert allowed_moves(author, row) == ["checked", "returned"]
    assert allowed_moves(performer, row) == []

    row = move(author, row, "returned", "Добавьте скидку")
    assert (row.status, row.done_at) == ("returned", None)
    assert inbox(performer)[-1] == "Подготовить КП: Returned"
    assert Notification.objects.filter(recipient=performer).latest("pk").text == "Добавьте скидку"

    row = move(performer, row, "done")
    row = move(author, row, "checked")
    assert row.status == "checked"
    assert row.checked_at is not None
    assert inbox(performer)[-1] == "Подготовить КП: Checked"
    steps = list(row.notes.values_list("status_from", "status_to", "author_id"))
    assert steps == [
        ("new", "accepted", performer.pk),
        ("accepted", "in_progress", performer.pk),
        ("in_progress", "done", performer.pk),
        ("done", "returned", author.pk),
        ("returned", "done", performer.pk),
        ("done", "checked", author.pk),
    ]
    assert AuditEvent.objects.filter(action="activities.assignment.moved").count() == 6
    # Nobody is ever notified of their own move.
    assert not Notification.objects.filter(recipient=author, title__endswith="Checked").exists()
    assert not Notification.objects.filter(recipient=performer, title__endswith="Done").exists()


def test_a_performer_may_finish_a_new_assignment_at_once(manager, other_manager):
    row = assignment_for(manager, performers=[other_manager])
    row = move(other_manager, row, "done")
    assert row.status == "done"
    assert inbox(manager) == ["Подготовить КП: Done"]


def test_the_author_cancels_an_open_assignment_and_the_performers_are_told(team):
    head, anna, boris = team
    row = assignment_for(head, performers=[anna, boris])
    move(anna, row, "accepted")
    row = move(head, row, "cancelled", "Клиент передумал")
    assert row.status == "cancelled"
    assert inbox(anna)[-1] == inbox(boris)[-1] == "Подготовить КП: Cancelled"
    before = state()
    for actor, target in ((anna, "in_progress"), (head, "checked"), (head, "cancelled")):
        with pytest.raises(StatusMoveError):
            move(actor, row, target)
    assert state() == before


@pytest.mark.parametrize(
    ("setup", "actor", "target"),
    [([], "author", "accepted"), ([], "author", "done"), ([], "performer", "checked"),
     ([], "performer", "cancelled"), ([], "performer", "returned"), ([], "performer", "new"),
     ([], "performer", "nonsense"), (["done"], "performer", "checked"),
     (["done"], "performer", "in_progress"), (["done"], "author", "cancelled"),
     (["accepted"], "performer", "accepted"), (["accepted"], "author", "checked")],
)  # fmt: skip
def test_a_refused_move_writes_nothing(manager, other_manager, setup, actor, target):
    sides = {"author": manager, "performer": other_manager}
    row = assignment_for(manager, performers=[other_manager])
    for status in setup:
        row = move(other_manager, row, status)
    before = state()
    with pytest.raises(StatusMoveError):
        move(sides[actor], row, target)
    assert state() == before


def test_a_return_needs_a_comment_and_without_it_nothing_changes(manager, other_manager):
    row = assignment_for(manager, performers=[other_manager])
    row = move(other_manager, row, "done")
    before = state()
    for comment in ("", "   ", None):
        with pytest.raises(ValidationFailedError) as caught:
            move(manager, row, "returned", comment)
        assert set(caught.value.fields) == {"comment"}
    with pytest.raises(ValidationFailedError):
        move(manager, row, "returned", ["not", "text"])
    assert state() == before


def test_someone_else_cannot_move_or_even_find_it(manager, other_manager):
    outsider = UserFactory(username="olga", roles=["manager"])
    row = assignment_for(manager, performers=[other_manager])
    before = state()
    with pytest.raises(NotFoundError):
        move(outsider, row, "accepted")
    with pytest.raises(NotFoundError):
        assignment_note_add(actor=outsider, assignment=row.pk, text_="Привет")
    with pytest.raises(NotFoundError):
        assignment_get(viewer=outsider, pk=row.pk)
    assert state() == before


def test_the_head_sees_a_team_assignment_but_does_not_move_it_for_the_performer(team):
    head, anna, boris = team
    row = assignment_for(anna, performers=[boris])
    assert assignment_get(viewer=head, pk=row.pk) == row
    before = state()
    with pytest.raises(StatusMoveError):
        move(head, row, "accepted")
    with pytest.raises(StatusMoveError):
        assignment_note_add(actor=head, assignment=row, text_="Как дела?")
    assert state() == before


# ---------------------------------------------------------------- notes and changes


def test_notes_reach_the_other_side_only(manager, other_manager):
    helper = UserFactory(username="petr", roles=["manager"])
    row = assignment_for(manager, performers=[other_manager, helper])
    Notification.objects.all().delete()
    note = assignment_note_add(actor=other_manager, assignment=row, text_="  Жду ответа  ")
    assert (note.text, note.author_id, note.status_to) == ("Жду ответа", other_manager.pk, "")
    assert inbox(manager) == inbox(helper) == ["Note on “Подготовить КП”"]
    assert inbox(other_manager) == []
    assignment_note_add(actor=manager, assignment=row, text_="Спасибо")
    assert inbox(manager) == ["Note on “Подготовить КП”"]
    assert len(inbox(other_manager)) == 1
    assert AuditEvent.objects.filter(action="activities.assignment.noted").count() == 2


def test_an_empty_note_is_refused(manager, other_manager):
    row = assignment_for(manager, performers=[other_manager])
    before = state()
    for body in ("", "  ", None, 5):
        with pytest.raises(ValidationFailedError):
            assignment_note_add(actor=other_manager, assignment=row, text_=body)
    assert state() == before


def test_only_the_author_changes_an_open_assignment(manager, other_manager):
    helper = UserFactory(username="petr", roles=["manager"])
    row = assignment_for(manager, performers=[other_manager])
    before = state()
    with pytest.raises(StatusMoveError):
        assignment_update(actor=other_manager, assignment=row, data={"subject": "Моё"})
    assert state() == before
    row = assignment_update(actor=manager, assignment=row, data={
        "subject": "КП и договор", "performer_ids": [other_manager.pk, helper.pk],
    })  # fmt: skip
    assert row.subject == "КП и договор"
    assert {u.pk for u in row.performers.all()} == {other_manager.pk, helper.pk}
    event = AuditEvent.objects.get(action="activities.assignment.updated")
    assert event.changes["performer_ids"] == [[other_manager.pk], sorted([other_manager.pk,
                                                                           helper.pk])]  # fmt: skip


def test_an_overdue_assignment_can_be_edited_without_moving_its_deadline(manager, other_manager):
    """A form posts every field back: the unchanged past deadline is not a new one."""
    row = assignment_for(manager, performers=[other_manager])
    past = timezone.now() - dt.timedelta(days=1)
    Assignment.objects.filter(pk=row.pk).update(deadline=past)
    row.refresh_from_db()
    row = assignment_update(actor=manager, assignment=row, data={
        "subject": "Срочно", "deadline": timezone.localtime(past).strftime("%Y-%m-%d %H:%M"),
        "performer_ids": [other_manager.pk],
    })  # fmt: skip
    assert (row.subject, row.deadline) == ("Срочно", past.replace(second=0, microsecond=0))
    with pytest.raises(ValidationFailedError) as caught:
        assignment_update(actor=manager, assignment=row,
                          data={"deadline": past - dt.timedelta(hours=1)})  # fmt: skip
    assert set(caught.value.fields) == {"deadline"}


def test_a_finished_assignment_cannot_be_edited(manager, other_manager):
    row = assignment_for(manager, performers=[other_manager])
    row = move(other_manager, row, "done")
    before = state()
    with pytest.raises(ValidationFailedError) as caught:
        assignment_update(actor=manager, assignment=row, data={"subject": "Ещё"})
    assert set(caught.value.fields) == {"status"}
    assert state() == before


# ---------------------------------------------------------------- overdue and visibility


def _overdue(row: Assignment, days: int = 1) -> None:
    """Time passes: the deadline of `row` is now behind us."""
    Assignment.objects.filter(pk=row.pk).update(deadline=timezone.now() - dt.timedelta(days=days))


def test_overdue_assignments_are_counted_per_performer(team):
    head, anna, boris = team
    outsider = UserFactory(username="olga", roles=["manager"], department=DepartmentFactory())
    both = assignment_for(head, performers=[anna, boris])
    annas = [assignment_for(head, performers=[anna]) for _ in range(2)]
    finished = assignment_for(head, performers=[boris])
    on_time = assignment_for(head, performers=[boris])
    foreign = assignment_for(outsider, performers=[outsider])
    for row in (both, *annas, finished, foreign):
        _overdue(row)
    move(boris, finished, "done")
    assert not on_time.is_overdue
    counts = [(r["user"].username, r["overdue"]) for r in overdue_by_performer(viewer=head)]
    assert counts == [("anna", 3), ("boris", 1)]
    # A manager counts over what they see: anna sees her own and the shared one.
    mine = [(r["user"].username, r["overdue"]) for r in overdue_by_performer(viewer=anna)]
    assert mine == [("anna", 3), ("boris", 1)]
    theirs = [(r["user"].username, r["overdue"]) for r in overdue_by_performer(viewer=outsider)]
    assert theirs == [("olga", 1)]
    listed = assignments_list(viewer=head, box="all", filters={"status": "overdue"})
    assert {r.pk for r in listed.page.items} == {both.pk, *(r.pk for r in annas)}
    assert Assignment.objects.get(pk=both.pk).is_overdue


def test_visibility_by_scope(team):
    head, anna, boris = team
    outsider = UserFactory(username="olga", roles=["manager"], department=DepartmentFactory())
    director = UserFactory(username="dir", roles=["director"])
    annas = assignment_for(anna, performers=[anna])
    to_boris = assignment_for(anna, performers=[boris])
    foreign = assignment_for(outsider, performers=[outsider])
    to_anna_from_outside = assignment_for(outsider, performers=[anna])

    def seen(user, box="all"):
        return {r.pk for r in assignments_list(viewer=user, box=box).page.items}

    assert seen(anna) == {annas.pk, to_boris.pk, to_anna_from_outside.pk}
    assert seen(boris) == {to_boris.pk}
    assert seen(outsider) == {foreign.pk, to_anna_from_outside.pk}
    assert seen(head) == {annas.pk, to_boris.pk, to_anna_from_outside.pk}
    assert seen(director) == {annas.pk, to_boris.pk, foreign.pk, to_anna_from_outside.pk}
    assert seen(anna, "mine") == {annas.pk, to_anna_from_outside.pk}
    assert seen(anna, "given") == {annas.pk, to_boris.pk}
    assert assignments_list(viewer=head, box="all").count.value == 3
    with pytest.raises(ValidationFailedError):
        assignments_list(viewer=anna, box="everything")


def test_lists_sort_by_deadline_with_undated_last_and_page_without_gaps(manager):
    rows = [assignment_for(manager, performers=[manager], deadline=later(days=d))
            for d in (5, 1, 3)]  # fmt: skip
    undated = assignment_for(manager, performers=[manager], deadline=None)
    first = assignments_list(viewer=manager, size=2)
    assert [r.pk for r in first.page.items] == [rows[1].pk, rows[2].pk]
    second = assignments_list(viewer=manager, size=2, cursor=first.page.next_cursor)
    assert [r.pk for r in second.page.items] == [rows[0].pk, undated.pk]
