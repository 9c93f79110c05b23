"""Payments, expected payments and receivables: what the API accepts and answers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from accord.api.pagination import ListParams, Paged
from accord.api.schemas.common import Id, InSchema
from accord.billing.models import Payment, PaymentStatus
from accord.billing.receivables import Receivable

PaymentSort = Literal["-date", "date", "-amount"]


class AllocationIn(InSchema):
    invoice_id: Id
    amount: Decimal = Field(gt=0, max_digits=15, decimal_places=2)


class PaymentIn(InSchema):
    """Money received. Leave `allocations` out to pay the oldest unpaid invoices first; what is
    not allocated stays as the counterparty's advance."""

    counterparty_id: Id
    own_company_id: Id | None = Field(None, description="By default the default own company.")
    date: dt.date | None = Field(None, description="By default today; never in the future.")
    amount: Decimal = Field(gt=0, max_digits=15, decimal_places=2)
    number: str = Field("", max_length=50, description="The payment document's number.")
    currency: str | None = Field(None, description="ISO 4217 code; by default RUB.")
    comment: str = Field("", max_length=2000)
    allocations: list[AllocationIn] | None = Field(
        None, description="Invoices to pay and how much; [] keeps it all as an advance."
    )


class AllocationOut(Schema):
    invoice_id: int
    amount: Decimal


class PaymentOut(Schema):
    id: int
    counterparty_id: int
    counterparty_name: str
    own_company_id: int
    responsible_id: int | None
    date: dt.date
    number: str
    currency: str
    amount: Decimal
    allocated_amount: Decimal
    advance: Decimal = Field(description="The part not allocated to invoices.")
    status: PaymentStatus
    comment: str
    cancelled_at: dt.datetime | None
    created_at: dt.datetime
    allocations: list[AllocationOut]

    @staticmethod
    def resolve_counterparty_name(obj: Payment) -> str:
        return obj.counterparty.name

    @staticmethod
    def resolve_allocations(obj: Payment) -> list[Any]:
        return list(obj.allocations.all())


class PaymentPage(Paged[PaymentOut]):
    pass


class PaymentListParams(ListParams):
    counterparty: Id | None = None
    status: PaymentStatus | None = None
    invoice: Id | None = Field(None, description="Payments allocated to this invoice.")
    sort: PaymentSort = "-date"

    def filters(self) -> dict[str, Any]:
        return self.model_dump(
            include={"counterparty", "status", "invoice"}, exclude_none=True, mode="json"
        )


class ExpectedPaymentOut(Schema):
    id: int
    invoice_id: int
    due_date: dt.date
    amount: Decimal
    paid_amount: Decimal


class ExpectedPaymentPage(Paged[ExpectedPaymentOut]):
    pass


class ExpectedPaymentListParams(ListParams):
    invoice: Id | None = None


class ExpectedRowIn(InSchema):
    due_date: dt.date
    amount: Decimal = Field(gt=0, max_digits=15, decimal_places=2)


class ExpectedPlanIn(InSchema):
    """The whole plan of one issued invoice; the rows must sum to its total."""

    invoice_id: Id
    rows: list[ExpectedRowIn] = Field(min_length=1, max_length=100)


class BucketsOut(Schema):
    not_due: Decimal
    d1_30: Decimal
    d31_60: Decimal
    d61_90: Decimal
    d90_plus: Decimal


class ReceivableOut(Schema):
    counterparty_id: int | None
    counterparty_name: str
    invoiced: Decimal
    paid: Decimal
    debt: Decimal
    overdue: Decimal
    advance: Decimal
    buckets: BucketsOut

    @staticmethod
    def resolve_buckets(obj: Receivable) -> dict[str, Decimal]:
        return obj.buckets


class ReceivablesOut(Schema):
    as_of: dt.date
    capped: bool = Field(description="More counterparties owe than the rows shown.")
    total: ReceivableOut
    items: list[ReceivableOut] = Field(description="Largest debt first.")


class ReceivablesParams(Schema):
    counterparty: Id | None = None
    responsible: Id | None = Field(None, description="The invoices' responsible manager.")
    overdue: bool = Field(False, description="Only counterparties with overdue debt.")
    as_of: dt.date | None = Field(
        None, description="Age the debt as on this day; by default today."
    )
