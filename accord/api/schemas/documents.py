"""Quotes and orders: what the API accepts and answers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from accord.api.pagination import ListParams, Paged
from accord.api.schemas.common import Id, InSchema
from accord.catalog.models import VatRate
from accord.sales.models import OrderStatus, QuoteStatus

DocumentSort = Literal["-date", "date", "-total", "total"]


class LineIn(InSchema):
    product_id: Id
    variant_id: Id | None = Field(None, description="A variant of this product.")
    quantity: Decimal = Field(gt=0, max_digits=15, decimal_places=3)
    unit_id: Id | None = Field(None, description="By default the product's unit.")
    price: Decimal | None = Field(
        None, ge=0, max_digits=15, decimal_places=2,
        description="By default the price of the document's price type, converted.",
    )  # fmt: skip
    discount_percent: Decimal = Field(Decimal(0), ge=0, le=100, max_digits=5, decimal_places=2)
    vat_rate: VatRate | None = Field(None, description="By default the product's rate.")


class DocumentIn(InSchema):
    """Fields to change; every field is optional. `lines` replaces every line."""

    counterparty_id: Id | None = Field(None, description="By default the deal's.")
    contact_person_id: Id | None = None
    deal_id: Id | None = Field(None, description="A deal of the same counterparty.")
    responsible_id: Id | None = Field(None, description="By default the caller.")
    date: dt.date | None = None
    currency: str | None = Field(None, description="ISO 4217 code; RUB by default.")
    price_type_id: Id | None = None
    vat_included: bool | None = None
    notes: str | None = None
    lines: list[LineIn] | None = None


class QuoteIn(DocumentIn):
    valid_until: dt.date | None = None


class QuoteCreateIn(QuoteIn):
    lines: list[LineIn]


class OrderCreateIn(DocumentIn):
    lines: list[LineIn]


class OrderStatusIn(InSchema):
    status: OrderStatus


class LineOut(Schema):
    position: int
    product_id: int
    product_name: str
    variant_id: int | None
    quantity: Decimal
    unit_id: int
    price: Decimal
    discount_percent: Decimal
    vat_rate: str
    amount: Decimal
    vat_amount: Decimal
    total: Decimal

    @staticmethod
    def resolve_product_name(obj: Any) -> str:
        return str(obj.product.name)


class DocumentOut(Schema):
    id: int
    number: str
    date: dt.date
    counterparty_id: int
    counterparty_name: str
    contact_person_id: int | None
    deal_id: int | None
    responsible_id: int | None
    currency: str
    price_type_id: int | None
    vat_included: bool
    notes: str
    amount: Decimal
    vat_amount: Decimal
    total: Decimal
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_counterparty_name(obj: Any) -> str:
        return str(obj.counterparty.name)


class QuoteOut(DocumentOut):
    status: QuoteStatus
    valid_until: dt.date | None


class OrderOut(DocumentOut):
    status: OrderStatus
    quote_id: int | None


class QuoteDetailOut(QuoteOut):
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())


class OrderDetailOut(OrderOut):
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())


class QuotePage(Paged[QuoteOut]):
    pass


class OrderPage(Paged[OrderOut]):
    pass


class DocumentListParams(ListParams):
    responsible: Id | None = Field(None, description="Id of the responsible user.")
    counterparty: Id | None = None
    deal: Id | None = None
    sort: DocumentSort = "-date"

    def filters(self) -> dict[str, Any]:
        return self.model_dump(
            include={"responsible", "counterparty", "deal"}, exclude_none=True, mode="json"
        )


class QuoteListParams(DocumentListParams):
    status: QuoteStatus | None = None


class OrderListParams(DocumentListParams):
    status: OrderStatus | None = None
