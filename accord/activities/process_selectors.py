"""Reads of business processes: templates, the status control list of instances (which step
each is at, who holds it and for how long), one instance with its history, and the objects a
process runs on.

Instances go through `ProcessInstance.objects.visible_to`; the object a process is started
on goes through its own model's `visible_to`. Templates are company-wide configuration.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accord.activities.models import (
    ASSIGNMENT_OPEN,
    Assignment,
    Claim,
    ProcessInstance,
    ProcessObject,
    ProcessStatus,
    ProcessStep,
    ProcessTemplate,
)
from accord.billing.models import Invoice
from accord.core.errors import DomainError, NotFoundError
from accord.core.pagination import CappedCount, Page, capped_count, keyset_page
from accord.directory.models import Counterparty
from accord.sales.models import Deal, Order
from accord.users.models import User

# The model of each kind of object a process runs on, and the web page that shows one.
OBJECT_MODELS: dict[str, type[models.Model]] = {
    ProcessObject.DEAL: Deal,
    ProcessObject.INVOICE: Invoice,
    ProcessObject.ORDER: Order,
    ProcessObject.CLAIM: Claim,
    ProcessObject.COUNTERPARTY: Counterparty,
}
OBJECT_PAGES: dict[str, str] = {
    ProcessObject.DEAL: "web:deal_card",
    ProcessObject.INVOICE: "web:invoice_card",
    ProcessObject.ORDER: "web:order_card",
    ProcessObject.CLAIM: "web:claim_card",
    ProcessObject.COUNTERPARTY: "web:counterparty_card",
}
# Sort names offered to users -> keyset order (the last key is unique).
PROCESS_SORTS: dict[str, tuple[str, ...]] = {
    "-started": ("-created_at", "-id"),
    "waiting": ("step_started_at", "id"),  # the longest in its step first
}
PROCESS_FILTERS = ("status", "template", "holder", "object_kind", "object_id", "overdue")
LIST_RELATED = ("template", "current_step", "started_by")
TRUE = (True, "1", "true", "on")


@dataclass(frozen=True)
class ProcessList:
    page: Page[ProcessInstance]
    count: CappedCount


def object_kind_of(obj: Any) -> str:
    for kind, model in OBJECT_MODELS.items():
        if isinstance(obj, model):
            return kind
    raise DomainError("invalid_object", "A process cannot run on this kind of object.")


def object_url(kind: str, pk: Any) -> str:
    """The web page of a process's object, or "" when there is none."""
    try:
        return reverse(OBJECT_PAGES[kind], args=[pk])
    except (KeyError, NoReverseMatch):
        return ""


def process_object_get(*, viewer: Any, kind: str, pk: Any) -> Any:
    """The object of `kind` with id `pk` if the viewer sees it; otherwise NotFoundError."""
    model = OBJECT_MODELS.get(kind)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError from None
    if model is None:
        raise NotFoundError
    manager: Any = model._default_manager
    row = manager.visible_to(viewer).filter(pk=pk).first()
    if row is None:
        raise NotFoundError
    return row


def process_object(instance: ProcessInstance) -> Any:
    """The object a process runs on, whoever may see it (the process reads its fields)."""
    model: Any = OBJECT_MODELS[instance.object_kind]
    related = ("counterparty",) if instance.object_kind != ProcessObject.COUNTERPARTY else ()
    return model._default_manager.select_related(*related).filter(pk=instance.object_id).first()


# --- Templates -------------------------------------------------------------------------------


def process_templates_all() -> list[ProcessTemplate]:
    """Every template with its number of steps and of running processes."""
    running = Count("instances", filter=Q(instances__status=ProcessStatus.RUNNING), distinct=True)
    return list(
        ProcessTemplate.objects.select_related("pipeline")
        .annotate(step_count=Count("steps", distinct=True), running_count=running)
        .order_by("name", "id")
    )


def process_templates_filtered(
    *, query: str = "", object_kind: str = "", active: bool | None = None
) -> QuerySet[ProcessTemplate]:
    rows = ProcessTemplate.objects.select_related("pipeline").prefetch_related(_steps())
    if query.strip():
        rows = rows.filter(name__icontains=query.strip())
    if object_kind:
        rows = rows.filter(object_kind=object_kind)
    if active is not None:
        rows = rows.filter(is_active=active)
    return rows


def _steps() -> Prefetch:
    related = ("assignee_user", "assignee_role", "stage_on_done")
    return Prefetch("steps", queryset=ProcessStep.objects.select_related(*related))


def process_template_get(*, pk: Any) -> ProcessTemplate:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError from None
    row = (
        ProcessTemplate.objects.select_related("pipeline")
        .prefetch_related(_steps())
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise NotFoundError
    return row


def process_templates_for(kind: str) -> list[ProcessTemplate]:
    """The active templates that can be started on an object of `kind`."""
    return list(ProcessTemplate.objects.filter(object_kind=kind, is_active=True).order_by("name"))


# --- Instances -------------------------------------------------------------------------------


def _filter_error(name: str, message: str) -> DomainError:
    return DomainError("invalid_filter", message, fields={name: [message]})


def _open_assignments(**lookups: Any) -> QuerySet[Assignment]:
    return Assignment.objects.filter(
        process_id=OuterRef("pk"), status__in=ASSIGNMENT_OPEN, **lookups
    )


def _id(name: str, value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _filter_error(name, f"Filter {name} takes an id.") from None


def _condition(filters: dict[str, Any], query: str) -> Q:
    condition = Q()
    status = filters.get("status")
    if status not in (None, ""):
        if status not in ProcessStatus.values:
            values = ", ".join(ProcessStatus.values)
            raise _filter_error("status", f"Status is one of: {values}.")
        condition &= Q(status=status)
    kind = filters.get("object_kind")
    if kind not in (None, ""):
        if kind not in ProcessObject.values:
            values = ", ".join(ProcessObject.values)
            raise _filter_error("object_kind", f"Object kind is one of: {values}.")
        condition &= Q(object_kind=kind)
    for name, field in (("template", "template_id"), ("object_id", "object_id")):
        if filters.get(name) not in (None, ""):
            condition &= Q(**{field: _id(name, filters[name])})
    if filters.get("holder") not in (None, ""):
        holder = _id("holder", filters["holder"])
        condition &= Q(Exists(_open_assignments(performers=holder)))
    if filters.get("overdue") in TRUE:
        condition &= Q(Exists(_open_assignments(deadline__lt=timezone.now())))
    if query.strip():
        condition &= Q(object_label__icontains=query.strip()) | Q(
            template__name__icontains=query.strip()
        )
    return condition


def processes_filtered(
    *, viewer: Any, query: str = "", filters: dict[str, Any] | None = None
) -> QuerySet[ProcessInstance]:
    """The processes the viewer sees that match the search and filters."""
    rows = ProcessInstance.objects.visible_to(viewer)
    return rows.filter(_condition(filters or {}, query)).select_related(*LIST_RELATED)


def processes_list(
    *,
    viewer: Any,
    query: str = "",
    filters: dict[str, Any] | None = None,
    sort: str = "-started",
    cursor: str | None = None,
    size: int = 50,
) -> ProcessList:
    """The status control: one page of processes, each with who holds its current step."""
    if sort not in PROCESS_SORTS:
        raise DomainError("invalid_sort", f"Sort by one of: {', '.join(PROCESS_SORTS)}.",
                          fields={"sort": ["Unknown sort."]})  # fmt: skip
    rows = processes_filtered(viewer=viewer, query=query, filters=filters)
    page = keyset_page(rows, order=PROCESS_SORTS[sort], cursor=cursor, size=size)
    attach_current(page.items)
    return ProcessList(page=page, count=capped_count(rows))


def attach_current(instances: Iterable[ProcessInstance]) -> None:
    """Give each instance `current_assignment`, `holders`, `is_overdue` and `waiting`.

    One query for the open assignments of all of them, one for their performers.
    """
    items = list(instances)
    current: dict[int, Assignment] = {}
    if items:
        open_rows = (
            Assignment.objects.filter(
                process_id__in=[i.pk for i in items], status__in=ASSIGNMENT_OPEN
            )
            .prefetch_related(Prefetch("performers", queryset=User.objects.order_by("pk")))
            .order_by("process_id", "-created_at", "-id")
        )
        for row in open_rows:
            current.setdefault(row.process_id, row)  # type: ignore[arg-type]
    now = timezone.now()
    for item in items:
        held = current.get(item.pk) if item.status == ProcessStatus.RUNNING else None
        item.current_assignment = held  # type: ignore[attr-defined]
        item.holders = list(held.performers.all()) if held else []  # type: ignore[attr-defined]
        item.is_overdue = bool(held and held.is_overdue)  # type: ignore[attr-defined]
        since = item.step_started_at or item.created_at
        end = now if item.status == ProcessStatus.RUNNING else (item.finished_at or now)
        item.waiting = max(dt.timedelta(0), end - since)  # type: ignore[attr-defined]


def process_get(*, viewer: Any, pk: Any) -> ProcessInstance:
    """One process the viewer sees, with its current holder; hidden ones are missing."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError from None
    row = (
        ProcessInstance.objects.visible_to(viewer)
        .select_related(*LIST_RELATED, "counterparty", "template__pipeline")
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise NotFoundError
    attach_current([row])
    return row


def process_history(instance: ProcessInstance) -> list[Assignment]:
    """The assignments of a process, one per step it went through, oldest first."""
    return list(
        instance.assignments.select_related("process_step", "author")
        .prefetch_related(Prefetch("performers", queryset=User.objects.order_by("pk")))
        .order_by("created_at", "id")
    )


def object_processes(
    *, viewer: Any, kind: str, object_id: int, limit: int = 20
) -> list[ProcessInstance]:
    """The processes on one object that the viewer sees, running first, newest first."""
    rows = list(
        ProcessInstance.objects.visible_to(viewer)
        .filter(object_kind=kind, object_id=object_id)
        .select_related(*LIST_RELATED)
        .order_by("-created_at", "-id")[:limit]
    )
    rows.sort(key=lambda r: r.status != ProcessStatus.RUNNING)
    attach_current(rows)
    return rows
