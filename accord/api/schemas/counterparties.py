"""Counterparties: what the API accepts and answers.

The contact details of a VIP counterparty (`directory.masking.MASKED_FIELDS`) are masked in
every answer; only `POST /counterparties/{id}/reveal` answers them unmasked (audited).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from accord.api.pagination import ListParams, Paged
from accord.api.schemas.common import Id, InSchema
from accord.directory.masking import counterparty_contacts
from accord.directory.models import Counterparty, CounterpartyKind, CounterpartyStatus, Relation
from accord.directory.selectors import COUNTERPARTY_FILTERS

CounterpartySort = Literal["name", "-name", "created", "-created", "inn"]


class BankAccountIn(InSchema):
    bic: str
    account: str
    correspondent_account: str = ""
    bank_name: str = ""


class BankAccountOut(Schema):
    bic: str
    account: str
    correspondent_account: str
    bank_name: str


class CounterpartyIn(InSchema):
    """Fields to change; every field is optional, `null` clears a text or a reference.

    `tags` and `bank_accounts`, when sent, replace the whole list.
    """

    kind: CounterpartyKind | None = None
    name: str | None = None
    full_name: str | None = None
    inn: str | None = Field(None, description="10 digits (legal entity) or 12 digits.")
    kpp: str | None = None
    ogrn: str | None = None
    code: str | None = Field(None, description="The record's code in another system.")
    legal_address: str | None = None
    actual_address: str | None = None
    phone: str | None = Field(None, description="In any format; stored as E.164.")
    email: str | None = None
    website: str | None = None
    responsible_id: Id | None = Field(None, description="A user; by default the caller.")
    relation: Relation | None = None
    status: CounterpartyStatus | None = None
    source_id: Id | None = None
    industry_id: Id | None = None
    is_vip: bool | None = None
    notes: str | None = None
    custom: dict[str, Any] | None = Field(None, description="Custom property code: value.")
    tags: list[str] | None = Field(None, description="Tag names; new names create tags.")
    bank_accounts: list[BankAccountIn] | None = None


class CounterpartyCreateIn(CounterpartyIn):
    name: str


class CounterpartyOut(Schema):
    id: int
    kind: CounterpartyKind
    name: str
    full_name: str
    inn: str
    kpp: str
    ogrn: str
    code: str
    legal_address: str = Field(description="Masked for a VIP counterparty.")
    actual_address: str = Field(description="Masked for a VIP counterparty.")
    phone: str = Field(description="E.164, or empty; masked for a VIP counterparty.")
    email: str = Field(description="Masked for a VIP counterparty.")
    website: str
    responsible_id: int | None
    responsible_name: str
    relation: Relation
    status: CounterpartyStatus
    source_id: int | None
    industry_id: int | None
    tags: list[str]
    is_vip: bool
    notes: str
    custom: dict[str, Any]
    bank_accounts: list[BankAccountOut]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_phone(obj: Counterparty) -> str:
        return counterparty_contacts(obj).phone

    @staticmethod
    def resolve_email(obj: Counterparty) -> str:
        return counterparty_contacts(obj).email

    @staticmethod
    def resolve_legal_address(obj: Counterparty) -> str:
        return counterparty_contacts(obj).legal_address

    @staticmethod
    def resolve_actual_address(obj: Counterparty) -> str:
        return counterparty_contacts(obj).actual_address

    @staticmethod
    def resolve_responsible_name(obj: Counterparty) -> str:
        return str(obj.responsible) if obj.responsible_id else ""

    @staticmethod
    def resolve_tags(obj: Counterparty) -> list[str]:
        return [tag.name for tag in obj.tags.all()]


class CounterpartyPage(Paged[CounterpartyOut]):
    pass


class CounterpartyContactsOut(Schema):
    """A counterparty's contact details, unmasked: the answer of a reveal."""

    id: int
    phone: str
    email: str
    legal_address: str
    actual_address: str


class DirectoryFilters(Schema):
    """Filters of the counterparty list (the contact-person list and the exports take them)."""

    kind: CounterpartyKind | None = None
    relation: Relation | None = None
    status: CounterpartyStatus | None = None
    responsible: Id | None = Field(None, description="Id of the responsible user.")
    source: Id | None = None
    industry: Id | None = None
    tag: str | None = Field(None, max_length=60, description="A tag name.")
    vip: bool | None = None

    def filters(self) -> dict[str, Any]:
        """The filters given, as the directory selectors take them."""
        return self.model_dump(include=set(COUNTERPARTY_FILTERS), exclude_none=True, mode="json")


class CounterpartyFilters(ListParams, DirectoryFilters):
    """The list's paging parameters and its filters."""


class CounterpartyListParams(CounterpartyFilters):
    sort: CounterpartySort = "name"


INCLUDE_VIP = Field(
    False,
    description="Include VIP contact details unmasked; needs the `reveal` permission (else 403).",
)


class CounterpartyExportParams(DirectoryFilters):
    """The list's search, filters and sort, without paging: the export holds every row."""

    q: str = Field("", max_length=200, description="Search text.")
    sort: CounterpartySort = "name"
    include_vip: bool = INCLUDE_VIP
