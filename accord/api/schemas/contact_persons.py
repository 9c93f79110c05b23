"""Contact persons: what the API accepts and answers.

The details of a VIP contact person (or of any person of a VIP counterparty) are masked in
every answer; only `POST /contact-persons/{id}/reveal` answers them unmasked (audited).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from accord.api.pagination import Paged
from accord.api.schemas.common import Id, InSchema
from accord.api.schemas.counterparties import INCLUDE_VIP, CounterpartyFilters, DirectoryFilters
from accord.directory.masking import person_contacts
from accord.directory.models import ContactPerson

ContactPersonSort = Literal["name", "-name", "created", "-created", "inn"]


class MessengerIn(InSchema):
    service: str = Field("", description="Telegram, WhatsApp, ...")
    value: str


class MessengerOut(Schema):
    service: str
    value: str


class ContactPersonIn(InSchema):
    """Fields to change; every field is optional. `phones`, `emails` and `messengers`, when
    sent, replace the whole list."""

    counterparty_id: Id | None = None
    name: str | None = None
    position: str | None = None
    role: str | None = Field(None, description="e.g. decision maker, accountant")
    birthday: dt.date | None = None
    is_vip: bool | None = None
    notes: str | None = None
    custom: dict[str, Any] | None = Field(None, description="Custom property code: value.")
    phones: list[str] | None = Field(None, description="In any format; stored as E.164.")
    emails: list[str] | None = None
    messengers: list[MessengerIn] | None = None


class ContactPersonCreateIn(ContactPersonIn):
    counterparty_id: Id
    name: str


class ContactPersonOut(Schema):
    id: int
    counterparty_id: int
    counterparty_name: str
    name: str
    position: str
    role: str
    birthday: dt.date | None
    is_vip: bool
    notes: str
    custom: dict[str, Any]
    phones: list[str] = Field(description="E.164; masked for a VIP person.")
    emails: list[str] = Field(description="Masked for a VIP person.")
    messengers: list[MessengerOut] = Field(description="Handles masked for a VIP person.")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_counterparty_name(obj: ContactPerson) -> str:
        return obj.counterparty.name

    @staticmethod
    def resolve_phones(obj: ContactPerson) -> list[str]:
        return person_contacts(obj).phones

    @staticmethod
    def resolve_emails(obj: ContactPerson) -> list[str]:
        return person_contacts(obj).emails

    @staticmethod
    def resolve_messengers(obj: ContactPerson) -> list[dict[str, str]]:
        return [{"service": s, "value": v} for s, v in person_contacts(obj).messengers]


class ContactPersonPage(Paged[ContactPersonOut]):
    pass


class ContactPersonListParams(CounterpartyFilters):
    """`vip` filters the person; the other filters, the person's counterparty."""

    counterparty: Id | None = Field(None, description="Id of the counterparty.")
    sort: ContactPersonSort = Field("name", description="`inn` sorts by the counterparty's INN.")


class ContactPersonContactsOut(Schema):
    """A contact person's details, unmasked: the answer of a reveal."""

    id: int
    phones: list[str]
    emails: list[str]
    messengers: list[MessengerOut]


class ContactPersonExportParams(DirectoryFilters):
    """The list's search, filters and sort, without paging: the export holds every row."""

    q: str = Field("", max_length=200, description="Search text.")
    counterparty: Id | None = Field(None, description="Id of the counterparty.")
    sort: ContactPersonSort = "name"
    include_vip: bool = INCLUDE_VIP
