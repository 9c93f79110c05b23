"""Pipelines and deals: what the API accepts and answers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from accord.api.pagination import ListParams, Paged
from accord.api.schemas.common import Id, InSchema
from accord.sales.models import Deal, StageColor, StageKind
from accord.sales.selectors import DEAL_FILTERS

DealSort = Literal["-created", "created", "-amount", "amount", "title", "-title"]


class StageOut(Schema):
    id: int
    name: str
    position: int
    probability: int = Field(description="0 to 100.")
    kind: StageKind
    color: StageColor


class PipelineOut(Schema):
    id: int
    name: str
    position: int
    is_default: bool
    is_active: bool
    stages: list[StageOut]

    @staticmethod
    def resolve_stages(obj: Any) -> list[Any]:
        return list(obj.stages.all())


class DealIn(InSchema):
    """Fields to change; every field is optional. The stage changes only by `move`."""

    title: str | None = None
    counterparty_id: Id | None = Field(None, description="A counterparty the caller sees.")
    contact_person_id: Id | None = Field(None, description="A contact of the counterparty.")
    responsible_id: Id | None = Field(None, description="A user; by default the caller.")
    participant_ids: list[Id] | None = Field(None, description="Replaces the whole list.")
    amount: Decimal | None = Field(None, ge=0, max_digits=15, decimal_places=2)
    currency: str | None = Field(None, description="ISO 4217 code, e.g. RUB.")
    expected_close_date: dt.date | None = None
    source_id: Id | None = None
    lost_reason_id: Id | None = Field(None, description="Only for a deal in a lost stage.")
    notes: str | None = None


class DealCreateIn(DealIn):
    title: str
    counterparty_id: Id
    pipeline_id: Id | None = Field(None, description="By default the default pipeline.")
    stage_id: Id | None = Field(None, description="By default the pipeline's first stage.")


class DealMoveIn(InSchema):
    stage_id: Id
    lost_reason_id: Id | None = Field(None, description="Required for a lost stage.")


class DealOut(Schema):
    id: int
    title: str
    pipeline_id: int
    stage_id: int
    stage_name: str
    stage_kind: StageKind
    counterparty_id: int
    counterparty_name: str
    contact_person_id: int | None
    responsible_id: int | None
    responsible_name: str
    participant_ids: list[int]
    amount: Decimal
    currency: str
    expected_close_date: dt.date | None
    source_id: int | None
    lost_reason_id: int | None
    closed_at: dt.datetime | None
    stage_entered_at: dt.datetime
    notes: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_stage_name(obj: Deal) -> str:
        return obj.stage.name

    @staticmethod
    def resolve_stage_kind(obj: Deal) -> str:
        return obj.stage.kind

    @staticmethod
    def resolve_counterparty_name(obj: Deal) -> str:
        return obj.counterparty.name

    @staticmethod
    def resolve_responsible_name(obj: Deal) -> str:
        return str(obj.responsible) if obj.responsible_id else ""

    @staticmethod
    def resolve_participant_ids(obj: Deal) -> list[int]:
        return [u.pk for u in obj.participants.all()]


class DealPage(Paged[DealOut]):
    pass


class DealListParams(ListParams):
    pipeline: Id | None = None
    stage: Id | None = None
    responsible: Id | None = Field(None, description="Id of the responsible user.")
    counterparty: Id | None = None
    sort: DealSort = "-created"

    def filters(self) -> dict[str, Any]:
        return self.model_dump(include=set(DEAL_FILTERS), exclude_none=True, mode="json")
