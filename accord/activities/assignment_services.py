"""Writes of assignments: give one, change it, move it along its statuses, add progress notes.

Performers accept, start and finish an assignment; its author checks the result or returns
it, and may cancel it. Each move is recorded as a note, audited, and notified to the other
side. An assignment that belongs to a business process moves the process on when done.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.activities.errors import StatusMoveError
from accord.activities.models import (
    ASSIGNMENT,
    Assignment,
    AssignmentNote,
    AssignmentStatus,
    NotificationKind,
)
from accord.activities.notification_services import notify
from accord.activities.validation import ASSIGNMENT_FIELDS, clean_assignment, text
from accord.core.audit import diff, log_action, snapshot
from accord.core.errors import NotFoundError, ValidationFailedError
from accord.directory.validation import Errors
from accord.users.access import require
from accord.users.models import User

S = AssignmentStatus
AUDITED = (
    "subject", "description", "deadline", "importance", "status", "result", "counterparty_id",
    "deal_id", "order_id", "invoice_id", "claim_id",
)  # fmt: skip
# status -> {target: who may make the move}
MOVES: dict[str, dict[str, str]] = {
    S.NEW: {S.ACCEPTED: "performer", S.IN_PROGRESS: "performer", S.DONE: "performer"},
    S.ACCEPTED: {S.IN_PROGRESS: "performer", S.DONE: "performer"},
    S.IN_PROGRESS: {S.DONE: "performer"},
    S.RETURNED: {S.ACCEPTED: "performer", S.IN_PROGRESS: "performer", S.DONE: "performer"},
    S.DONE: {S.CHECKED: "author", S.RETURNED: "author"},
}
for _status in (S.NEW, S.ACCEPTED, S.IN_PROGRESS, S.RETURNED):
    MOVES[_status][S.CANCELLED] = "author"


def _locked(actor: Any, assignment: Assignment | int) -> Assignment:
    pk = assignment.pk if isinstance(assignment, Assignment) else assignment
    # Lock the row alone: a department scope outer-joins the users, which PostgreSQL
    # cannot lock ("FOR UPDATE cannot be applied to the nullable side of an outer join").
    row = Assignment.objects.visible_to(actor).select_for_update(of=("self",)).filter(pk=pk).first()
    if row is None:
        raise NotFoundError
    return row


def _performer_ids(row: Assignment) -> list[int]:
    return sorted(row.performers.values_list("pk", flat=True))


def _is_author(actor: Any, row: Assignment) -> bool:
    return bool(row.author_id == actor.pk or actor.is_superuser)


def _is_performer(actor: Any, row: Assignment) -> bool:
    # Through `.all()`, so a list that prefetched the performers asks no query per row.
    return bool(actor.is_superuser or any(u.pk == actor.pk for u in row.performers.all()))


def allowed_moves(actor: Any, row: Assignment) -> list[str]:
    """The statuses the actor may move this assignment to now."""
    moves = []
    for target, side in MOVES.get(row.status, {}).items():
        if (side == "author" and _is_author(actor, row)) or (
            side == "performer" and _is_performer(actor, row)
        ):
            moves.append(target)
    return moves


def _recipients(row: Assignment, *, to_author: bool) -> list[User]:
    if to_author:
        return [row.author] if row.author else []
    return list(row.performers.all())


@transaction.atomic
def assignment_create(
    *, actor: Any, data: Mapping[str, Any], process: Any = None, process_step: Any = None
) -> Assignment:
    """Give an assignment; its performers are notified."""
    require(actor, "add", ASSIGNMENT)
    cleaned = clean_assignment(data, actor=actor)
    performers = cleaned.pop("performer_ids")
    row = Assignment.objects.create(
        **cleaned,
        author=actor,
        process=process,
        process_step=process_step,
        created_by=actor,
        updated_by=actor,
    )
    row.performers.set(performers)
    log_action(
        actor=actor,
        action="activities.assignment.created",
        obj=row,
        changes={**snapshot(row, AUDITED), "performer_ids": performers},
    )
    notify(
        recipients=row.performers.all(),
        kind=NotificationKind.ASSIGNMENT,
        title=_("New assignment: %(subject)s") % {"subject": row.subject},
        text=row.description,
        url=row.get_absolute_url(),
        about=row,
        assignment=row,
        exclude=actor,
    )
    return row


@transaction.atomic
def assignment_update(*, actor: Any, assignment: Assignment, data: Mapping[str, Any]) -> Assignment:
    """Change an open assignment; only its author may."""
    require(actor, "change", ASSIGNMENT)
    row = _locked(actor, assignment)
    if not _is_author(actor, row):
        raise StatusMoveError(_("Only the author may change the assignment."))
    cleaned = clean_assignment(data, actor=actor, instance=row)
    performers = cleaned.pop("performer_ids")
    before = {**snapshot(row, AUDITED), "performer_ids": _performer_ids(row)}
    for name in ASSIGNMENT_FIELDS:
        if name in cleaned:
            setattr(row, name, cleaned[name])
    changes = diff(before, {**snapshot(row, AUDITED), "performer_ids": performers})
    if changes:
        row.updated_at, row.updated_by = timezone.now(), actor
        row.save()
        if "performer_ids" in changes:
            row.performers.set(performers)
        log_action(actor=actor, action="activities.assignment.updated", obj=row, changes=changes)
    return row


@transaction.atomic
def assignment_move(
    *, actor: Any, assignment: Assignment | int, status: str, comment: Any = ""
) -> Assignment:
    """Move the assignment to `status`, if the actor's side may make that move now.

    Returning the result needs a comment that says what to redo.
    """
    require(actor, "change", ASSIGNMENT)
    row = _locked(actor, assignment)
    errors = Errors()
    note = errors.check("comment", text, comment, 20000) or ""
    errors.raise_if_any()
    if status not in allowed_moves(actor, row):
        raise StatusMoveError(
            _("You cannot move this assignment from “%(from)s” to “%(to)s”.")
            % {
                "from": row.get_status_display(),
                "to": S(status).label if status in S.values else status,
            }
        )
    if status == S.RETURNED and not note:
        raise ValidationFailedError({"comment": [_("Say what has to be redone.")]})
    before, now = row.status, timezone.now()
    row.status = status
    if status == S.DONE:
        row.done_at = now
        if note:
            row.result = note
    elif status == S.CHECKED:
        row.checked_at = now
    elif status == S.RETURNED:
        row.done_at = None
    row.updated_at, row.updated_by = now, actor
    row.save()
    AssignmentNote.objects.create(
        assignment=row, author=actor, text=note, status_from=before, status_to=status
    )
    log_action(
        actor=actor,
        action="activities.assignment.moved",
        obj=row,
        changes={"status": [before, status], **({"comment": note} if note else {})},
    )
    to_author = status in (S.ACCEPTED, S.IN_PROGRESS, S.DONE)
    notify(
        recipients=_recipients(row, to_author=to_author),
        kind=NotificationKind.ASSIGNMENT,
        title=_("%(subject)s: %(status)s") % {"subject": row.subject, "status": S(status).label},
        text=note,
        url=row.get_absolute_url(),
        about=row,
        assignment=row,
        exclude=actor,
    )
    if status == S.DONE and row.process_id:
        # A process step is done: the process routes its next step (or finishes).
        from accord.activities.process_services import process_step_done

        process_step_done(actor=actor, assignment=row)
    return row


@transaction.atomic
def assignment_note_add(*, actor: Any, assignment: Assignment | int, text_: Any) -> AssignmentNote:
    """A progress note from a performer or the author; the other side is notified."""
    require(actor, "view", ASSIGNMENT)
    row = _locked(actor, assignment)
    errors = Errors()
    body = errors.check("text", text, text_, 20000) or ""
    if not body and "text" not in errors.fields:
        errors.add("text", _("Write the note."))
    errors.raise_if_any()
    author, performer = _is_author(actor, row), _is_performer(actor, row)
    if not (author or performer):
        raise StatusMoveError(_("Only the author and the performers write notes here."))
    note = AssignmentNote.objects.create(assignment=row, author=actor, text=body)
    log_action(actor=actor, action="activities.assignment.noted", obj=row, changes={"note": body})
    notify(
        recipients=[*_recipients(row, to_author=True), *_recipients(row, to_author=False)],
        kind=NotificationKind.ASSIGNMENT,
        title=_("Note on “%(subject)s”") % {"subject": row.subject},
        text=body,
        url=row.get_absolute_url(),
        about=row,
        assignment=row,
        exclude=actor,
    )
    return note
