"""Claims (complaints from clients): what the API accepts and answers."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from accord.activities.models import Claim, ClaimSeverity, ClaimStatus
from accord.api.pagination import ListParams, Paged
from accord.api.schemas.common import Id, InSchema

ClaimSort = Literal["-created", "created"]
ClaimStatusFilter = Literal["registered", "under_review", "resolved", "rejected", "open"]


class ClaimIn(InSchema):
    """Fields of a claim to change; every field is optional. The status changes by `move`."""

    subject: str | None = Field(None, description="What the client complains about.")
    description: str | None = None
    counterparty_id: Id | None = Field(
        None, description="A counterparty the caller sees; by default the linked order's."
    )
    contact_person_id: Id | None = Field(None, description="A contact of the counterparty.")
    order_id: Id | None = Field(None, description="An order of the same counterparty.")
    invoice_id: Id | None = Field(None, description="An invoice of the same counterparty.")
    product_id: Id | None = Field(None, description="A product of the catalog.")
    severity: ClaimSeverity | None = Field(None, description="By default `medium`.")
    deadline: dt.date | None = Field(None, description="Not in the past when set.")
    responsible_id: Id | None = Field(None, description="A user; by default the caller.")


class ClaimCreateIn(ClaimIn):
    """A new claim: `subject` and a counterparty (or an order or invoice of one) are needed."""


class ClaimMoveIn(InSchema):
    status: ClaimStatus = Field(
        description="registered -> under_review -> resolved | rejected; a closed claim "
        "goes back to under_review (reopened)."
    )
    resolution: str = Field("", description="Required to resolve or reject.")
    comment: str = Field("", description="Required to reopen a closed claim.")


class ClaimOut(Schema):
    id: int
    number: str
    subject: str
    description: str
    status: ClaimStatus
    severity: ClaimSeverity
    deadline: dt.date | None
    is_overdue: bool
    counterparty_id: int
    counterparty_name: str
    contact_person_id: int | None
    order_id: int | None
    invoice_id: int | None
    product_id: int | None
    responsible_id: int | None
    resolution: str = Field(description="How it was resolved, or why it was rejected.")
    closed_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_counterparty_name(obj: Claim) -> str:
        return obj.counterparty.name


class ClaimPage(Paged[ClaimOut]):
    pass


class ClaimListParams(ListParams):
    status: ClaimStatusFilter | None = Field(
        None, description="A status, or `open` (registered or under review)."
    )
    severity: ClaimSeverity | None = None
    responsible: Id | None = Field(None, description="Id of the responsible user.")
    counterparty: Id | None = None
    overdue: bool | None = Field(None, description="Only open claims past their deadline.")
    sort: ClaimSort = "-created"

    def filters(self) -> dict[str, Any]:
        return self.model_dump(
            include={"status", "severity", "responsible", "counterparty", "overdue"},
            exclude_none=True,
            mode="json",
        )


class ClaimControlParams(Schema):
    date_from: dt.date | None = Field(None, description="By default the first of this month.")
    date_to: dt.date | None = Field(None, description="By default today; included.")


class ClaimControlRowOut(Schema):
    responsible_id: int | None = Field(description="null: claims left without a responsible.")
    responsible_name: str
    open: int
    overdue: int
    registered: int = Field(description="Registered in the period.")
    resolved: int = Field(description="Resolved in the period.")
    rejected: int = Field(description="Rejected in the period.")
    average_days: float | None = Field(
        description="Average days from registration to closing, of those closed in the period."
    )


class ClaimControlOut(Schema):
    date_from: dt.date
    date_to: dt.date
    rows: list[ClaimControlRowOut]
    total: ClaimControlRowOut
