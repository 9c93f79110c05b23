"""Invoices and own companies: what the API accepts and answers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from accord.api.pagination import ListParams, Paged
from accord.api.schemas.common import Id, InSchema
from accord.billing.models import Invoice, InvoiceStatus
from accord.billing.requisites import invoice_parties
from accord.billing.words import amount_in_words
from accord.catalog.models import VatRate

InvoiceSort = Literal["-date", "date", "-total", "total"]


class InvoiceLineIn(InSchema):
    product_id: Id | None = Field(None, description="A product of the catalog (optional).")
    name: str | None = Field(None, description="By default the product's name.")
    quantity: Decimal = Field(gt=0, max_digits=15, decimal_places=3)
    unit_id: Id | None = Field(None, description="By default the product's unit.")
    price: Decimal = Field(ge=0, max_digits=15, decimal_places=2)
    discount_percent: Decimal = Field(Decimal(0), ge=0, le=100, max_digits=5, decimal_places=2)
    vat_rate: VatRate | None = Field(None, description="By default the product's rate, or 22.")


class InvoiceIn(InSchema):
    """Fields of a draft to change; every field is optional; `lines` replaces all lines."""

    own_company_id: Id | None = Field(None, description="By default the default own company.")
    date: dt.date | None = None
    due_date: dt.date | None = None
    counterparty_id: Id | None = Field(None, description="A counterparty the caller sees.")
    contact_person_id: Id | None = None
    deal_id: Id | None = Field(None, description="A deal of the same counterparty.")
    responsible_id: Id | None = Field(None, description="A user; by default the caller.")
    currency: str | None = Field(None, description="ISO 4217 code, e.g. RUB.")
    vat_included: bool | None = Field(None, description="VAT is inside the prices.")
    notes: str | None = None
    lines: list[InvoiceLineIn] | None = Field(None, description="Replaces the whole list.")


class InvoiceCreateIn(InvoiceIn):
    """A draft; with `deal_id` alone it takes the deal's counterparty and one line."""


class BankAccountOut(Schema):
    bank_name: str
    bic: str
    account: str
    correspondent_account: str


class RequisitesOut(Schema):
    name: str
    inn: str
    kpp: str
    address: str
    bank_account: BankAccountOut | None


class InvoiceLineOut(Schema):
    id: int
    position: int
    product_id: int | None
    name: str
    quantity: Decimal
    unit_id: int | None
    unit_name: str
    price: Decimal
    discount_percent: Decimal
    vat_rate: VatRate
    amount: Decimal
    vat_amount: Decimal
    total: Decimal


class InvoiceSummaryOut(Schema):
    id: int
    number: int | None = Field(description="Taken when the invoice is issued.")
    date: dt.date
    due_date: dt.date | None
    status: InvoiceStatus
    own_company_id: int
    counterparty_id: int
    counterparty_name: str
    deal_id: int | None
    responsible_id: int | None
    currency: str
    vat_included: bool
    amount: Decimal
    vat_amount: Decimal
    total: Decimal
    paid_amount: Decimal
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_counterparty_name(obj: Invoice) -> str:
        return obj.counterparty.name


class InvoiceOut(InvoiceSummaryOut):
    contact_person_id: int | None
    notes: str
    issued_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    total_in_words: str
    issuer: RequisitesOut = Field(description="Copied at issue; live values for a draft.")
    buyer: RequisitesOut = Field(description="Copied at issue; live values for a draft.")
    lines: list[InvoiceLineOut]

    @staticmethod
    def resolve_total_in_words(obj: Invoice) -> str:
        return amount_in_words(obj.total, obj.currency)

    @staticmethod
    def resolve_issuer(obj: Invoice) -> dict[str, Any]:
        return invoice_parties(obj)[0]

    @staticmethod
    def resolve_buyer(obj: Invoice) -> dict[str, Any]:
        return invoice_parties(obj)[1]

    @staticmethod
    def resolve_lines(obj: Invoice) -> list[Any]:
        return list(obj.lines.all())


class InvoicePage(Paged[InvoiceSummaryOut]):
    pass


class InvoiceListParams(ListParams):
    status: InvoiceStatus | None = None
    counterparty: Id | None = None
    responsible: Id | None = Field(None, description="Id of the responsible user.")
    deal: Id | None = None
    overdue: bool | None = Field(None, description="Only issued, unpaid invoices past due.")
    sort: InvoiceSort = "-date"

    def filters(self) -> dict[str, Any]:
        return self.model_dump(
            include={"status", "counterparty", "responsible", "deal", "overdue"},
            exclude_none=True,
            mode="json",
        )


class OwnCompanyOut(Schema):
    id: int
    name: str
    full_name: str
    inn: str
    kpp: str
    ogrn: str
    legal_address: str
    is_default: bool
    bank_accounts: list[BankAccountOut]

    @staticmethod
    def resolve_bank_accounts(obj: Any) -> list[Any]:
        return list(obj.bank_accounts.all())
