"""Business processes and their templates: what the API accepts and answers."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from accord.activities.models import (
    AssigneeKind,
    AssignmentStatus,
    ProcessObject,
    ProcessStatus,
    ProcessTrigger,
)
from accord.api.pagination import ListParams, Paged
from accord.api.schemas.common import Id, InSchema

ProcessSort = Literal["-started", "waiting"]
ConditionValue = str | int | float | bool | list[str | int | float | bool] | None


def _name(user: Any) -> str:
    return str(user) if user is not None else ""


# ---------------------------------------------------------------- templates


class TransitionIn(InSchema):
    field: str = Field(description="A field of the template's object kind (e.g. `amount`).")
    op: str = Field(description="eq, ne, gt, ge, lt, le or in.")
    value: ConditionValue = Field(None, description="Of the field's type; a list for `in`.")
    next: str = Field("", description="The key of the next step; empty ends the process.")


class StepIn(InSchema):
    key: str | None = Field(None, description="Unique in the template; `step-N` when left out.")
    name: str
    instructions: str | None = None
    assignee_kind: AssigneeKind | None = Field(None, description="By default `responsible`.")
    assignee_user_id: Id | None = None
    assignee_role_id: Id | None = None
    deadline_hours: int | None = Field(None, description="24 by default; 0: no deadline.")
    next_key: str | None = Field(None, description="The next step when no condition holds.")
    transitions: list[TransitionIn] | None = Field(None, description="Checked in order.")
    stage_on_done_id: Id | None = Field(
        None, description="A stage of the template's pipeline the deal moves to when done."
    )


class TemplateIn(InSchema):
    """Fields to change; every field is optional. `steps` replaces every step (matched by key)."""

    name: str | None = None
    description: str | None = None
    object_kind: ProcessObject | None = None
    trigger: ProcessTrigger | None = None
    pipeline_id: Id | None = None
    is_active: bool | None = None
    steps: list[StepIn] | None = Field(None, description="The first step starts the process.")


class TemplateCreateIn(TemplateIn):
    name: str
    steps: list[StepIn]


class StepOut(Schema):
    id: int
    key: str
    name: str
    instructions: str
    position: int
    assignee_kind: AssigneeKind
    assignee_user_id: int | None
    assignee_role_id: int | None
    deadline_hours: int
    next_key: str
    transitions: list[dict[str, Any]]
    stage_on_done_id: int | None


class TemplateOut(Schema):
    id: int
    name: str
    description: str
    object_kind: ProcessObject
    trigger: ProcessTrigger
    pipeline_id: int | None
    is_active: bool
    steps: list[StepOut]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_steps(obj: Any) -> list[Any]:
        return list(obj.steps.all())


class TemplatePage(Paged[TemplateOut]):
    pass


class TemplateListParams(ListParams):
    object_kind: ProcessObject | None = None
    is_active: bool | None = None


# ---------------------------------------------------------------- processes


class ProcessStartIn(InSchema):
    template_id: Id
    object_kind: ProcessObject = Field(ProcessObject.DEAL, description="What the process runs on.")
    object_id: Id


class ProcessCancelIn(InSchema):
    reason: str = Field("", max_length=2000)


class HolderOut(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)


class ProcessOut(Schema):
    id: int
    template_id: int
    template_name: str
    object_kind: ProcessObject
    object_id: int
    object_label: str
    counterparty_id: int | None
    status: ProcessStatus
    current_step_key: str | None
    current_step_name: str | None
    step_started_at: dt.datetime | None = Field(description="In the current step since.")
    holders: list[HolderOut] = Field(description="Who holds the current step.")
    assignment_id: int | None = Field(description="The current step's open assignment.")
    deadline: dt.datetime | None
    is_overdue: bool
    started_by_id: int | None
    started_by_name: str
    created_at: dt.datetime
    finished_at: dt.datetime | None

    @staticmethod
    def resolve_template_name(obj: Any) -> str:
        return str(obj.template.name)

    @staticmethod
    def resolve_current_step_key(obj: Any) -> str | None:
        return obj.current_step.key if obj.current_step else None

    @staticmethod
    def resolve_current_step_name(obj: Any) -> str | None:
        return obj.current_step.name if obj.current_step else None

    @staticmethod
    def resolve_holders(obj: Any) -> list[Any]:
        return list(getattr(obj, "holders", []))

    @staticmethod
    def resolve_assignment_id(obj: Any) -> int | None:
        current = getattr(obj, "current_assignment", None)
        return current.pk if current else None

    @staticmethod
    def resolve_deadline(obj: Any) -> dt.datetime | None:
        current = getattr(obj, "current_assignment", None)
        return current.deadline if current else None

    @staticmethod
    def resolve_is_overdue(obj: Any) -> bool:
        return bool(getattr(obj, "is_overdue", False))

    @staticmethod
    def resolve_started_by_name(obj: Any) -> str:
        return _name(obj.started_by)


class ProcessStepRunOut(Schema):
    """One step the process went through: its assignment."""

    assignment_id: int
    step_key: str | None
    step_name: str | None
    subject: str
    status: AssignmentStatus
    performers: list[HolderOut]
    deadline: dt.datetime | None
    created_at: dt.datetime
    done_at: dt.datetime | None
    result: str

    @staticmethod
    def resolve_assignment_id(obj: Any) -> int:
        return int(obj.pk)

    @staticmethod
    def resolve_step_key(obj: Any) -> str | None:
        return obj.process_step.key if obj.process_step else None

    @staticmethod
    def resolve_step_name(obj: Any) -> str | None:
        return obj.process_step.name if obj.process_step else None

    @staticmethod
    def resolve_performers(obj: Any) -> list[Any]:
        return list(obj.performers.all())


class ProcessDetailOut(ProcessOut):
    history: list[ProcessStepRunOut]

    @staticmethod
    def resolve_history(obj: Any) -> list[Any]:
        return list(getattr(obj, "history", []))


class ProcessPage(Paged[ProcessOut]):
    pass


class ProcessListParams(ListParams):
    status: ProcessStatus | None = None
    template: Id | None = Field(None, description="Id of the process template.")
    holder: Id | None = Field(None, description="Id of the user holding the current step.")
    object_kind: ProcessObject | None = None
    object_id: Id | None = None
    overdue: bool | None = Field(None, description="Only processes whose current step is late.")
    sort: ProcessSort = Field("-started", description="waiting: the longest in its step first.")

    def filters(self) -> dict[str, Any]:
        data = self.model_dump(
            include={"status", "template", "holder", "object_kind", "object_id"},
            exclude_none=True,
            mode="json",
        )
        if self.overdue:
            data["overdue"] = True
        return data
