"""A ready business process for demo data: "approval of a large deal" on the default
pipeline. The responsible manager checks the deal; above 100 000 a head of department
approves it; then the manager prepares the quote, and the deal moves to the quote stage.

The template is configuration (like the pipelines): made once, kept by `--reset`. A few of
the largest early deals get a running process, some already waiting for a head, so the
status control shows real work. Deterministic: deals in (-amount, id) order, heads by load
then id; processes go through the services (their assignments, notifications and audit).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accord.activities.assignment_services import assignment_move
from accord.activities.models import (
    ASSIGNMENT_OPEN,
    AssigneeKind,
    Assignment,
    ProcessInstance,
    ProcessStep,
    ProcessTemplate,
)
from accord.activities.process_services import process_start
from accord.activities.process_validation import clean_template
from accord.core.audit import log_action
from accord.core.errors import DomainError
from accord.sales.models import Deal, Pipeline, Stage, StageKind
from accord.users.models import Role, User

TEMPLATE_NAME = "Согласование крупной сделки"
LARGE = 100_000
QUOTE_STAGE = "Предложение"
STARTED = 8  # deals that get a running process
ADVANCED = 4  # of them, already past the manager's check (waiting for a head)


def _steps(head: Role, quote_stage: Stage | None) -> list[dict[str, Any]]:
    return [
        {"key": "check", "name": "Проверить условия сделки", "next_key": "quote",
         "assignee_kind": AssigneeKind.RESPONSIBLE, "deadline_hours": 24,
         "instructions": "Проверьте сумму, скидку и сроки. Крупную сделку согласует руководитель.",
         "transitions": [{"field": "amount", "op": "gt", "value": LARGE, "next": "approve"}]},
        {"key": "approve", "name": "Согласовать сделку", "next_key": "quote",
         "assignee_kind": AssigneeKind.ROLE, "assignee_role_id": head.pk, "deadline_hours": 8,
         "instructions": "Согласуйте условия крупной сделки или верните их на доработку."},
        {"key": "quote", "name": "Подготовить коммерческое предложение",
         "assignee_kind": AssigneeKind.RESPONSIBLE, "deadline_hours": 48,
         "stage_on_done_id": quote_stage.pk if quote_stage else None},
    ]  # fmt: skip


def _pipeline() -> Pipeline | None:
    return Pipeline.objects.order_by("-is_default", "position", "id").first()


@transaction.atomic
def process_template_ensure() -> ProcessTemplate | None:
    """The demo template, made when missing and a head of department exists to approve."""
    found = ProcessTemplate.objects.filter(name=TEMPLATE_NAME).first()
    head = Role.objects.filter(code="head").first()
    pipeline = _pipeline()
    if found is not None or head is None or pipeline is None:
        return found
    if not User.objects.filter(roles=head, is_active=True).exists():
        return None
    quote_stage = pipeline.stages.filter(name=QUOTE_STAGE, kind=StageKind.OPEN).first()
    clean = clean_template({
        "name": TEMPLATE_NAME, "object_kind": "deal", "pipeline_id": pipeline.pk,
        "description": "Крупные сделки (больше 100 000 ₽) согласует руководитель отдела.",
        "steps": _steps(head, quote_stage),
    })  # fmt: skip
    template = ProcessTemplate.objects.create(**clean.header)
    ProcessStep.objects.bulk_create(ProcessStep(template=template, **step) for step in clean.steps)
    log_action(actor=None, action="activities.process_template.created", obj=template,
               changes={"name": template.name, "demo": True})  # fmt: skip
    return template


def _candidates(template: ProcessTemplate) -> list[Deal]:
    """The largest open deals before the quote stage, of active managers."""
    if template.pipeline_id is None:
        return []
    rows = Deal.objects.filter(
        pipeline_id=template.pipeline_id, stage__kind=StageKind.OPEN, amount__gt=LARGE,
        responsible__is_active=True,
    )  # fmt: skip
    quote = Stage.objects.filter(pipeline_id=template.pipeline_id, name=QUOTE_STAGE).first()
    if quote is not None:
        rows = rows.filter(stage__position__lt=quote.position)
    return list(rows.select_related("responsible").order_by("-amount", "id")[:STARTED])


def processes_generate() -> int:
    """Make the demo template and start its processes; answers how many were started."""
    template = process_template_ensure()
    if template is None or not template.is_active:
        return 0
    started = 0
    for i, deal in enumerate(_candidates(template)):
        owner = deal.responsible
        try:
            with transaction.atomic():
                instance = process_start(actor=owner, template=template, obj=deal)
                if i < ADVANCED:
                    first = Assignment.objects.get(process=instance, status__in=ASSIGNMENT_OPEN)
                    assignment_move(actor=owner, assignment=first, status="done",
                                    comment="Условия проверены")  # fmt: skip
        except DomainError:  # e.g. a deal that already runs it: the demo goes on
            continue
        started += 1
    return started


def processes_wipe() -> int:
    """Delete every process instance (their assignments go with them); templates stay."""
    deleted, _ = ProcessInstance.objects.all().delete()
    return deleted
