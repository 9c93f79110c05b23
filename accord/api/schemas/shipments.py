"""Shipments: what the API accepts and answers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from accord.api.pagination import ListParams, Paged
from accord.api.schemas.common import Id, InSchema
from accord.api.schemas.documents import DocumentSort, LineOut
from accord.sales.models import ShipmentKind, ShipmentStatus


class ShipLineIn(InSchema):
    order_line_id: Id = Field(description="A line of the shipment's order.")
    quantity: Decimal = Field(gt=0, max_digits=15, decimal_places=3)


class ShipmentIn(InSchema):
    """Fields to change on a draft; every field is optional. `lines` replaces every line."""

    kind: ShipmentKind | None = None
    date: dt.date | None = None
    warehouse_id: Id | None = None
    notes: str | None = None
    lines: list[ShipLineIn] | None = None


class ShipmentCreateIn(ShipmentIn):
    order_id: Id = Field(description="The order to ship from.")
    lines: list[ShipLineIn] | None = Field(
        None, description="By default everything the order has left to ship."
    )


class ShipmentLineOut(LineOut):
    order_line_id: int | None


class ShipmentOut(Schema):
    id: int
    kind: ShipmentKind
    number: str
    date: dt.date
    status: ShipmentStatus
    counterparty_id: int
    counterparty_name: str
    order_id: int | None
    warehouse_id: int | None
    responsible_id: int | None
    currency: str
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


class ShipmentDetailOut(ShipmentOut):
    lines: list[ShipmentLineOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())


class ShipmentPage(Paged[ShipmentOut]):
    pass


class ShipmentListParams(ListParams):
    status: ShipmentStatus | None = None
    kind: ShipmentKind | None = None
    responsible: Id | None = Field(None, description="Id of the responsible user.")
    counterparty: Id | None = None
    order: Id | None = None
    sort: DocumentSort = "-date"

    def filters(self) -> dict[str, Any]:
        return self.model_dump(
            include={"responsible", "counterparty", "order"}, exclude_none=True, mode="json"
        )
