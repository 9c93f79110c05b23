"""Interactions, assignments, reminders, notifications and the client timeline: what the API
accepts and answers."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from accord.activities.assignment_services import allowed_moves
from accord.activities.models import (
    Assignment,
    AssignmentStatus,
    CallResult,
    Direction,
    Importance,
    Interaction,
    InteractionKind,
    InteractionStatus,
    NotificationKind,
    ReminderKind,
    ReminderStatus,
    Repeat,
)
from accord.api.pagination import ListParams, Paged
from accord.api.schemas.common import Id, InSchema

InteractionSort = Literal["-starts_at", "starts_at"]
When = Literal["today", "overdue", "upcoming"]
AssignmentSort = Literal["deadline", "-created_at"]
AssignmentBox = Literal["mine", "given", "all"]
AssignmentStatusFilter = Literal[
    "open", "overdue", "new", "accepted", "in_progress", "done", "checked", "returned", "cancelled"
]
Weekday = Literal["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
SnoozeDelay = Literal["15m", "1h", "3h", "1d", "1w"]

MAX_MINUTES = 24 * 60


def _name(user: Any) -> str:
    return str(user) if user is not None else ""


class UserRefOut(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)


# ---------------------------------------------------------------- interactions


class InteractionIn(InSchema):
    """Fields to change; every field is optional."""

    kind: InteractionKind | None = None
    status: InteractionStatus | None = Field(
        None, description="planned or done; cancel with the `cancel` operation."
    )
    direction: Direction | None = Field(None, description="Calls, letters, e-mails and SMS.")
    subject: str | None = Field(None, max_length=255, description="By default the kind's name.")
    description: str | None = None
    starts_at: dt.datetime | None = Field(
        None, description="When it is planned for, or when it happened; by default now."
    )
    duration_minutes: int | None = Field(None, ge=0, le=MAX_MINUTES, description="0 to 1440.")
    place: str | None = Field(None, max_length=255)
    call_result: CallResult | None = Field(None, description="Calls only.")
    outcome: str | None = None
    counterparty_id: Id | None = Field(
        None, description="A counterparty the caller sees; by default that of the deal."
    )
    contact_person_id: Id | None = Field(None, description="A contact of the counterparty.")
    deal_id: Id | None = Field(None, description="A deal of the same counterparty.")
    order_id: Id | None = Field(None, description="An order of the same counterparty.")
    invoice_id: Id | None = Field(None, description="An invoice of the same counterparty.")
    claim_id: Id | None = Field(None, description="A claim of the same counterparty.")
    responsible_id: Id | None = Field(None, description="A user; by default the caller.")
    participant_ids: list[Id] | None = Field(None, description="Replaces the whole list.")


class InteractionCreateIn(InteractionIn):
    kind: InteractionKind


class FollowUpIn(InteractionIn):
    """The next interaction; the counterparty, contact person, deal and documents are carried
    over from the completed one unless given."""

    starts_at: dt.datetime


class InteractionCompleteIn(InSchema):
    outcome: str | None = Field(None, description="What came of it.")
    call_result: CallResult | None = None
    duration_minutes: int | None = Field(None, ge=0, le=MAX_MINUTES, description="0 to 1440.")
    follow_up: FollowUpIn | None = Field(None, description="Plan the next one in the same step.")

    def result(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, exclude={"follow_up"}, mode="json")


class InteractionOut(Schema):
    id: int
    kind: InteractionKind
    status: InteractionStatus
    direction: str = Field(description="incoming, outgoing, or empty for meetings and notes.")
    subject: str
    description: str
    starts_at: dt.datetime
    duration_minutes: int | None
    place: str
    call_result: str
    outcome: str
    counterparty_id: int
    counterparty_name: str
    contact_person_id: int | None
    deal_id: int | None
    order_id: int | None
    invoice_id: int | None
    claim_id: int | None
    responsible_id: int | None
    responsible_name: str
    participant_ids: list[int]
    follows_id: int | None = Field(description="The interaction this one follows up.")
    completed_at: dt.datetime | None
    is_overdue: bool
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_counterparty_name(obj: Interaction) -> str:
        return obj.counterparty.name

    @staticmethod
    def resolve_responsible_name(obj: Interaction) -> str:
        return _name(obj.responsible)

    @staticmethod
    def resolve_participant_ids(obj: Interaction) -> list[int]:
        return sorted(u.pk for u in obj.participants.all())


class InteractionPage(Paged[InteractionOut]):
    pass


class InteractionCompletedOut(Schema):
    interaction: InteractionOut
    follow_up: InteractionOut | None


class InteractionListParams(ListParams):
    kind: InteractionKind | None = None
    status: InteractionStatus | None = None
    responsible: Id | None = Field(None, description="Id of the responsible user.")
    counterparty: Id | None = None
    deal: Id | None = None
    when: When | None = Field(
        None, description="today; overdue or upcoming (planned ones before or after now)."
    )
    sort: InteractionSort = "-starts_at"

    def filters(self) -> dict[str, Any]:
        return self.model_dump(
            include={"kind", "status", "responsible", "counterparty", "deal", "when"},
            exclude_none=True,
            mode="json",
        )


# ---------------------------------------------------------------- assignments


class AssignmentIn(InSchema):
    """Fields to change (the author only, while it is open); every field is optional."""

    subject: str | None = Field(None, max_length=255)
    description: str | None = None
    performer_ids: list[Id] | None = Field(None, description="Replaces the whole list.")
    deadline: dt.datetime | None = Field(None, description="Not in the past.")
    importance: Importance | None = None
    counterparty_id: Id | None = Field(None, description="A counterparty the caller sees.")
    deal_id: Id | None = None
    order_id: Id | None = None
    invoice_id: Id | None = None
    claim_id: Id | None = None


class AssignmentCreateIn(AssignmentIn):
    subject: str = Field(max_length=255)
    performer_ids: list[Id] = Field(min_length=1)


class AssignmentMoveIn(InSchema):
    status: AssignmentStatus = Field(description="One of the object's `allowed_moves`.")
    comment: str = Field("", description="Required to return the result.")


class AssignmentNoteIn(InSchema):
    text: str


class AssignmentNoteOut(Schema):
    id: int
    author_id: int | None
    author_name: str
    at: dt.datetime
    text: str
    status_from: str
    status_to: str

    @staticmethod
    def resolve_author_name(obj: Any) -> str:
        return _name(obj.author)


class AssignmentOut(Schema):
    id: int
    subject: str
    description: str
    author_id: int | None
    author_name: str
    performers: list[UserRefOut]
    deadline: dt.datetime | None
    importance: Importance
    status: AssignmentStatus
    result: str
    counterparty_id: int | None
    deal_id: int | None
    order_id: int | None
    invoice_id: int | None
    claim_id: int | None
    process_id: int | None
    done_at: dt.datetime | None
    checked_at: dt.datetime | None
    is_overdue: bool
    allowed_moves: list[AssignmentStatus] = Field(description="Where the caller may move it now.")
    notes: list[AssignmentNoteOut] = Field(description="Progress notes and status moves.")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_author_name(obj: Assignment) -> str:
        return _name(obj.author)

    @staticmethod
    def resolve_performers(obj: Assignment) -> list[Any]:
        return sorted(obj.performers.all(), key=lambda u: u.pk)

    @staticmethod
    def resolve_allowed_moves(obj: Assignment, context: Any) -> list[str]:
        return allowed_moves(context["request"].auth, obj)

    @staticmethod
    def resolve_notes(obj: Assignment) -> list[Any]:
        return list(obj.notes.all())


class AssignmentPage(Paged[AssignmentOut]):
    pass


class AssignmentListParams(ListParams):
    box: AssignmentBox = Field(
        "mine", description="Given to the caller, given by the caller, or all the caller sees."
    )
    status: AssignmentStatusFilter | None = Field(
        None, description="A status, or open (still owed) or overdue."
    )
    performer: Id | None = None
    counterparty: Id | None = None
    sort: AssignmentSort = Field("deadline", description="deadline: the nearest first.")

    def filters(self) -> dict[str, Any]:
        return self.model_dump(
            include={"status", "performer", "counterparty"}, exclude_none=True, mode="json"
        )


# ---------------------------------------------------------------- reminders


class ReminderIn(InSchema):
    """Fields to change; every field is optional. Changing a reminder makes it active again."""

    subject: str | None = Field(None, max_length=255)
    note: str | None = None
    importance: Importance | None = None
    starts_at: dt.datetime | None = Field(None, description="The first time it fires.")
    repeat: Repeat | None = Field(
        None, description="Empty: once; weekly takes `weekdays`, monthly `month_day`."
    )
    weekdays: list[Weekday] | None = None
    month_day: int | None = Field(None, ge=-1, le=31, description="1 to 31, or -1: the last.")
    rule: str | None = Field(None, max_length=300, description="An RFC 5545 RRULE (repeat=rule).")
    owner_id: Id | None = Field(None, description="For whom; by default the caller.")
    counterparty_id: Id | None = None
    contact_person_id: Id | None = None
    deal_id: Id | None = None
    order_id: Id | None = None
    invoice_id: Id | None = None
    claim_id: Id | None = None


class ReminderCreateIn(ReminderIn):
    subject: str = Field(max_length=255)
    starts_at: dt.datetime


class ReminderSnoozeIn(InSchema):
    delay: SnoozeDelay


class ReminderOut(Schema):
    id: int
    owner_id: int
    kind: ReminderKind
    subject: str
    note: str
    importance: Importance
    starts_at: dt.datetime
    repeat: str
    rule: str
    next_at: dt.datetime | None = Field(description="When it fires next; null when it will not.")
    fired_at: dt.datetime | None
    status: ReminderStatus
    counterparty_id: int | None
    contact_person_id: int | None
    deal_id: int | None
    order_id: int | None
    invoice_id: int | None
    claim_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


class ReminderPage(Paged[ReminderOut]):
    pass


class ReminderListParams(ListParams):
    all: bool = Field(False, description="Dismissed and cleared ones too; by default active.")


# ---------------------------------------------------------------- notifications


class NotificationOut(Schema):
    id: int
    kind: NotificationKind
    title: str
    text: str
    url: str = Field(description="The web page it is about.")
    created_at: dt.datetime
    read_at: dt.datetime | None
    reminder_id: int | None
    assignment_id: int | None


class NotificationPage(Paged[NotificationOut]):
    unread: int = Field(description="The caller's unread notifications, on all pages.")


class NotificationListParams(ListParams):
    unread_only: bool = Field(False, description="Only the unread ones.")


class NotificationReadIn(InSchema):
    ids: list[Id] | None = Field(
        None, max_length=1000, description="The caller's notifications to mark; all if left out."
    )


class NotificationReadOut(Schema):
    marked: int
    unread: int


# ---------------------------------------------------------------- the client timeline


class TimelineParams(Schema):
    groups: str = Field(
        "",
        max_length=200,
        description="Comma-separated: interactions, deals, documents, payments, claims, "
        "history; by default all.",
    )
    limit: int = Field(30, ge=1, le=100, description="Entries per page.")
    cursor: str | None = Field(
        None, max_length=2000, description="`next_cursor` of the previous page."
    )


class TimelineEntryOut(Schema):
    kind: str = Field(
        description="interaction, stage, quote, order, invoice, shipment, payment, claim, event."
    )
    group: str
    at: dt.datetime
    id: int
    title: str
    summary: str
    status: str
    link: str | None = Field(description="The API path of the object, where there is one.")


class TimelinePageOut(Schema):
    items: list[TimelineEntryOut] = Field(description="Newest first.")
    next_cursor: str | None
