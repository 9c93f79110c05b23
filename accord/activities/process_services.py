"""Writes of business processes: templates (administrators), and instances: start one on an
object, move it on when a step's assignment is done, cancel it; the triggers that start
processes by themselves.

Each step of a running process is an assignment for the user the step routes to: a chosen
user, the least loaded active holder of a role, the object's responsible manager or the
user who started the process. The assignment is given on behalf of the process, i.e. by
its starter (for a process started by a trigger, the object's responsible manager), so the
starter hears when the work is done; the links to the object are the ones the author sees.
When a step is done, its conditions are checked on the object's current fields; the first
that holds names the next step, else the step's `next_key` does; none ends the process.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.activities.assignment_services import assignment_create
from accord.activities.errors import StatusMoveError
from accord.activities.models import (
    ASSIGNMENT,
    ASSIGNMENT_OPEN,
    PROCESS,
    PROCESS_SETTINGS,
    AssigneeKind,
    Assignment,
    AssignmentNote,
    AssignmentStatus,
    Claim,
    NotificationKind,
    ProcessInstance,
    ProcessObject,
    ProcessStatus,
    ProcessStep,
    ProcessTemplate,
    ProcessTrigger,
)
from accord.activities.notification_services import notify
from accord.activities.process_selectors import (
    OBJECT_MODELS,
    object_kind_of,
    process_object,
)
from accord.activities.process_validation import (
    FIELDS,
    STEP_FIELDS,
    TEMPLATE_FIELDS,
    CleanTemplate,
    clean_template,
    condition_holds,
    deadline_for,
    describe,
    steps_as_data,
)
from accord.activities.validation import text
from accord.billing.models import Invoice
from accord.core.audit import diff, jsonable, log_action
from accord.core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailedError,
)
from accord.directory.validation import Errors
from accord.sales.models import DEAL, Deal
from accord.sales.services import deal_move
from accord.users.access import can, grant, require
from accord.users.models import Scope, User

logger = logging.getLogger(__name__)

# A trigger looks this far back for objects that need a process (a worker that was stopped
# for a few days catches up; older objects are left alone), and starts at most this many
# processes per template per run.
TRIGGER_LOOKBACK = dt.timedelta(days=7)
TRIGGER_BATCH = 200
OFF = (False, 0, "0", "false", "off", "no")
# The link field of an assignment for each kind of object.
LINK_FIELD: dict[str, str] = {
    ProcessObject.DEAL: "deal_id",
    ProcessObject.INVOICE: "invoice_id",
    ProcessObject.ORDER: "order_id",
    ProcessObject.CLAIM: "claim_id",
    ProcessObject.COUNTERPARTY: "counterparty_id",
}


# --- Templates -------------------------------------------------------------------------------


def _template_state(template: ProcessTemplate) -> dict[str, Any]:
    state = {name: jsonable(getattr(template, name)) for name in TEMPLATE_FIELDS}
    state["steps"] = jsonable(steps_as_data(template)) if template.pk else []
    return state


def _check_in_use(template: ProcessTemplate, clean: CleanTemplate) -> None:
    """A template with processes keeps its object kind and the steps they are at."""
    errors = Errors()
    if clean.header["object_kind"] != template.object_kind and template.instances.exists():
        errors.add(
            "object_kind", _("The template has processes: the kind of object cannot change.")
        )
    kept = {s["key"] for s in clean.steps}
    busy = (
        ProcessInstance.objects.filter(template=template, status=ProcessStatus.RUNNING)
        .exclude(current_step__key__in=kept)
        .values("current_step__name")
        .annotate(n=Count("id"))
        .order_by("current_step__name")
    )
    for row in busy:
        errors.add(
            "steps",
            _("Step “%(step)s” is the current step of %(n)d running processes: it cannot be "
              "removed until they move on or are cancelled.")
            % {"step": row["current_step__name"], "n": row["n"]},
        )  # fmt: skip
    errors.raise_if_any()


def _save_steps(template: ProcessTemplate, steps: list[dict[str, Any]]) -> None:
    """Make the template's steps these: matched by key, kept rows change in place."""
    existing = {s.key: s for s in template.steps.all()}
    wanted = {s["key"] for s in steps}
    ProcessStep.objects.filter(template=template).exclude(key__in=wanted).delete()
    for values in steps:
        row = existing.get(values["key"]) or ProcessStep(template=template, key=values["key"])
        for name in (*STEP_FIELDS, "position"):
            if name != "key":
                setattr(row, name, values[name])
        row.save()


@transaction.atomic
def process_template_save(
    *, actor: Any, data: Mapping[str, Any], instance: ProcessTemplate | None = None
) -> ProcessTemplate:
    """Create or change a template with all its steps (`data["steps"]` replaces them).

    Switching a template off alone (`{"is_active": false}`) checks nothing else: a template
    whose role lost its holders can still be stopped.
    """
    require(actor, "change", PROCESS_SETTINGS)
    if instance is not None and set(data) == {"is_active"} and data["is_active"] in OFF:
        return process_template_deactivate(actor=actor, template=instance)
    template = ProcessTemplate()
    if instance is not None:
        locked = ProcessTemplate.objects.select_for_update().filter(pk=instance.pk).first()
        if locked is None:
            raise NotFoundError
        template = locked
    clean = clean_template(data, instance=template if instance is not None else None)
    before: dict[str, Any] = {}
    if instance is not None:
        _check_in_use(template, clean)
        before = _template_state(template)
    for name, value in clean.header.items():
        setattr(template, name, value)
    now = timezone.now()
    template.updated_at, template.updated_by = now, actor
    if instance is None:
        template.created_at, template.created_by = now, actor
    template.save()
    _save_steps(template, clean.steps)
    changes = diff(before, _template_state(template))
    if changes:
        verb = "updated" if instance is not None else "created"
        log_action(actor=actor, action=f"activities.process_template.{verb}", obj=template,
                   changes=changes)  # fmt: skip
    return template


@transaction.atomic
def process_template_delete(*, actor: Any, template: ProcessTemplate) -> None:
    """Delete a template that never ran; one with processes can only be switched off."""
    require(actor, "change", PROCESS_SETTINGS)
    row = ProcessTemplate.objects.select_for_update().filter(pk=template.pk).first()
    if row is None:
        raise NotFoundError
    used = row.instances.count()
    if used:
        raise ConflictError(
            "template_in_use",
            _("The template has %(n)d processes: switch it off instead of deleting it.")
            % {"n": used},
        )
    log_action(actor=actor, action="activities.process_template.deleted", obj=row,
               changes=_template_state(row))  # fmt: skip
    row.delete()


@transaction.atomic
def process_template_deactivate(*, actor: Any, template: ProcessTemplate) -> ProcessTemplate:
    """Switch a template off: it starts no new processes; running ones go on."""
    require(actor, "change", PROCESS_SETTINGS)
    row = ProcessTemplate.objects.select_for_update().filter(pk=template.pk).first()
    if row is None:
        raise NotFoundError
    if row.is_active:
        row.is_active, row.updated_at, row.updated_by = False, timezone.now(), actor
        row.save()
        log_action(actor=actor, action="activities.process_template.updated", obj=row,
                   changes={"is_active": [True, False]})  # fmt: skip
    return row


# --- Routing a step --------------------------------------------------------------------------


def _active(user: User | None) -> User | None:
    return user if user is not None and user.is_active else None


def _least_loaded(role_id: int | None) -> User | None:
    """The active holder of the role with the fewest open assignments (ties: the lowest id)."""
    if role_id is None:
        return None
    load = Count("assignments", filter=Q(assignments__status__in=ASSIGNMENT_OPEN), distinct=True)
    return (
        User.objects.filter(roles=role_id, is_active=True)
        .annotate(load=load)
        .order_by("load", "pk")
        .first()
    )


def _performer(step: ProcessStep, instance: ProcessInstance, obj: Any) -> User:
    """Who does the step; the starter stands in for an object without a responsible."""
    if step.assignee_kind == AssigneeKind.USER:
        user = _active(step.assignee_user)
    elif step.assignee_kind == AssigneeKind.ROLE:
        user = _least_loaded(step.assignee_role_id)
    elif step.assignee_kind == AssigneeKind.RESPONSIBLE:
        user = _active(getattr(obj, "responsible", None)) or _active(instance.started_by)
    else:
        user = _active(instance.started_by)
    if user is None:
        raise ConflictError(
            "process_no_performer",
            _("Nobody can take the step “%(step)s”: its user is inactive or its role has no "
              "active holder. Change the template.") % {"step": step.name},
        )  # fmt: skip
    return user


def _author(instance: ProcessInstance, fallback: Any) -> Any:
    """Who gives the step's assignment: the starter while they may, else `fallback`."""
    starter = _active(instance.started_by)
    if starter is not None and can(starter, "add", ASSIGNMENT):
        return starter
    return fallback


def _sees(user: Any, obj: Any) -> bool:
    manager: Any = type(obj)._default_manager
    return bool(manager.visible_to(user).filter(pk=obj.pk).exists())


def _links(author: Any, instance: ProcessInstance, obj: Any) -> dict[str, Any]:
    """The assignment's link to the object, when its author sees it and its counterparty."""
    if obj is None or not _sees(author, obj):
        return {}
    counterparty = obj if instance.object_kind == ProcessObject.COUNTERPARTY else obj.counterparty
    if counterparty is None or not _sees(author, counterparty):
        return {}
    return {LINK_FIELD[instance.object_kind]: obj.pk, "counterparty_id": counterparty.pk}


def _assign(instance: ProcessInstance, step: ProcessStep, obj: Any, *, fallback: Any) -> Any:
    """Give the step's assignment to the user it routes to."""
    performer = _performer(step, instance, obj)
    author = _author(instance, fallback)
    description = "\n\n".join(
        part
        for part in (
            step.instructions,
            _("Step of the process “%(process)s”.") % {"process": instance.template.name},
        )
        if part
    )
    data = {
        "subject": f"{step.name}: {instance.object_label}"[:255],
        "description": description,
        "performer_ids": [performer.pk],
        "deadline": deadline_for(step.deadline_hours, now=instance.step_started_at),
        **_links(author, instance, obj),
    }
    return assignment_create(actor=author, data=data, process=instance, process_step=step)


# --- Starting --------------------------------------------------------------------------------


def _counterparty_id(kind: str, obj: Any) -> int | None:
    return int(obj.pk) if kind == ProcessObject.COUNTERPARTY else obj.counterparty_id


def _start(template: ProcessTemplate, obj: Any, *, starter: User, by: Any) -> ProcessInstance:
    """Create the instance and its first assignment. `by` is the actor audited (None for a
    trigger)."""
    kind = template.object_kind
    if (
        kind == ProcessObject.DEAL
        and template.pipeline_id
        and obj.pipeline_id != template.pipeline_id
    ):
        raise ConflictError(
            "process_pipeline",
            _("This process drives the pipeline “%(pipeline)s”; the deal is in another one.")
            % {"pipeline": template.pipeline},
        )
    running = ProcessInstance.objects.filter(
        template=template, object_kind=kind, object_id=obj.pk, status=ProcessStatus.RUNNING
    )
    if running.exists():
        raise ConflictError("process_running", _("This process is already running here."))
    first = template.steps.order_by("position", "id").first()
    if first is None:
        raise ConflictError("process_empty", _("The template has no steps."))
    now = timezone.now()
    try:
        with transaction.atomic():
            instance = ProcessInstance.objects.create(
                template=template, object_kind=kind, object_id=obj.pk,
                object_label=str(obj)[:300], counterparty_id=_counterparty_id(kind, obj),
                current_step=first, step_started_at=now, started_by=starter,
                created_at=now, updated_at=now, created_by=starter, updated_by=starter,
            )  # fmt: skip
    except IntegrityError:  # a trigger or a second click won the race
        raise ConflictError("process_running", _("This process is already running here.")) from None
    log_action(
        actor=by,
        action="activities.process.started",
        obj=instance,
        changes={
            "template_id": template.pk, "object_kind": kind, "object_id": obj.pk,
            "step": first.key, "started_by": starter.pk,
            "trigger": template.trigger if by is None else ProcessTrigger.MANUAL,
        },
    )  # fmt: skip
    _assign(instance, first, obj, fallback=starter)
    return instance


@transaction.atomic
def process_start(*, actor: Any, template: ProcessTemplate | int, obj: Any) -> ProcessInstance:
    """Start a process of `template` on an object the actor sees."""
    require(actor, "add", PROCESS)
    kind = object_kind_of(obj)
    if not _sees(actor, obj):
        raise NotFoundError
    pk = template.pk if isinstance(template, ProcessTemplate) else template
    row = ProcessTemplate.objects.select_related("pipeline").filter(pk=pk).first()
    if row is None:
        raise ValidationFailedError({"template_id": [_("Choose a process from the list.")]})
    if not row.is_active:
        raise ValidationFailedError({"template_id": [_("This process is switched off.")]})
    if row.object_kind != kind:
        raise ValidationFailedError(
            {"template_id": [_("This process runs on: %(kind)s.")
                             % {"kind": ProcessObject(row.object_kind).label}]}
        )  # fmt: skip
    return _start(row, obj, starter=actor, by=actor)


# --- Moving on -------------------------------------------------------------------------------


def _move_deal(instance: ProcessInstance, step: ProcessStep, deal: Deal, actor: Any) -> Deal:
    """Move the deal to the step's stage on behalf of whoever of the process may."""
    for who in (actor, instance.started_by, deal.responsible):
        if _active(who) is not None and can(who, "change", DEAL) and _sees(who, deal):
            return deal_move(actor=who, deal=deal, to_stage=step.stage_on_done_id or 0)
    raise ConflictError(
        "process_stage",
        _("The deal cannot be moved to the stage “%(stage)s”: nobody on this process may "
          "change it.") % {"stage": step.stage_on_done},
    )  # fmt: skip


def _next_key(instance: ProcessInstance, step: ProcessStep, obj: Any) -> tuple[str, str]:
    """The key of the next step ("" to finish) and the condition that chose it ("" if none)."""
    fields = FIELDS.get(instance.object_kind, {})
    for transition in step.transitions or []:
        spec = fields.get(transition.get("field", ""))
        if spec is None or obj is None:
            continue
        op, value = transition.get("op", ""), transition.get("value")
        if condition_holds(spec, op, value, spec.read(obj)):
            return transition.get("next", ""), describe(instance.object_kind, transition)
    return step.next_key, ""


@transaction.atomic
def process_step_done(*, actor: Any, assignment: Assignment) -> ProcessInstance | None:
    """The current step's assignment is done: move the process on, or finish it.

    Called by `assignment_move` in its transaction. An assignment of a step the process has
    already left (or of a process no longer running) changes nothing.
    """
    if assignment.process_id is None:
        return None
    instance = (
        ProcessInstance.objects.select_for_update(of=("self",))
        .select_related("template", "current_step", "started_by")
        .filter(pk=assignment.process_id)
        .first()
    )
    if (
        instance is None
        or instance.status != ProcessStatus.RUNNING
        or instance.current_step_id != assignment.process_step_id
        or instance.current_step is None
    ):
        return instance
    step = instance.current_step
    obj = process_object(instance)
    if step.stage_on_done_id and isinstance(obj, Deal):
        obj = _move_deal(instance, step, obj, actor)
    key, because = _next_key(instance, step, obj)
    following = instance.template.steps.filter(key=key).first() if key else None
    now = timezone.now()
    changes: dict[str, Any] = {"step": [step.key, following.key if following else None]}
    if because:
        changes["condition"] = because
    if following is None:
        _finish(instance, actor=actor, now=now, changes=changes)
        return instance
    instance.current_step, instance.step_started_at = following, now
    instance.updated_at, instance.updated_by = now, actor
    instance.save()
    log_action(actor=actor, action="activities.process.moved", obj=instance, changes=changes)
    _assign(instance, following, obj, fallback=actor)
    return instance


def _finish(
    instance: ProcessInstance, *, actor: Any, now: dt.datetime, changes: dict[str, Any]
) -> None:
    instance.status, instance.finished_at, instance.current_step = (
        ProcessStatus.FINISHED, now, None,
    )  # fmt: skip
    instance.updated_at, instance.updated_by = now, actor
    instance.save()
    log_action(actor=actor, action="activities.process.finished", obj=instance, changes=changes)
    notify(
        recipients=[u for u in (instance.started_by,) if u is not None],
        kind=NotificationKind.PROCESS,
        title=_("Process finished: %(name)s — %(object)s")
        % {"name": instance.template.name, "object": instance.object_label},
        url=instance.get_absolute_url(),
        about=instance,
        exclude=actor,
    )


def _may_cancel(actor: Any, instance: ProcessInstance) -> bool:
    scope = grant(actor, PROCESS).scope
    return bool(
        instance.started_by_id == actor.pk
        or actor.is_superuser
        or scope in (Scope.DEPARTMENT, Scope.ALL)
    )


def may_cancel(actor: Any, instance: ProcessInstance) -> bool:
    """Whether the actor may cancel this (visible) process now: for buttons."""
    return (
        instance.status == ProcessStatus.RUNNING
        and can(actor, "change", PROCESS)
        and _may_cancel(actor, instance)
    )


@transaction.atomic
def process_cancel(
    *, actor: Any, process: ProcessInstance | int, reason: Any = ""
) -> ProcessInstance:
    """Stop a running process; its open assignments are cancelled and their performers told.

    The starter may cancel it, and anyone who sees it with a department-wide or wider scope.
    """
    require(actor, "change", PROCESS)
    pk = process.pk if isinstance(process, ProcessInstance) else process
    row = (
        ProcessInstance.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .filter(pk=pk)
        .select_related("template")
        .first()
    )
    if row is None:
        raise NotFoundError
    errors = Errors()
    note = errors.check("reason", text, reason, 2000) or ""
    errors.raise_if_any()
    if row.status != ProcessStatus.RUNNING:
        raise StatusMoveError(_("Only a running process can be cancelled."))
    if not _may_cancel(actor, row):
        raise PermissionDeniedError(_("Only who started the process or a head may cancel it."))
    now = timezone.now()
    step = row.current_step
    row.status, row.finished_at, row.current_step = ProcessStatus.CANCELLED, now, None
    row.updated_at, row.updated_by = now, actor
    row.save()
    cancelled = _cancel_assignments(row, actor=actor, note=note, now=now)
    log_action(
        actor=actor, action="activities.process.cancelled", obj=row,
        changes={"step": step.key if step else None, "assignments": cancelled,
                 **({"reason": note} if note else {})},
    )  # fmt: skip
    return row


def _cancel_assignments(row: ProcessInstance, *, actor: Any, note: str, now: Any) -> list[int]:
    open_rows: QuerySet[Assignment] = row.assignments.filter(status__in=ASSIGNMENT_OPEN)
    text_ = note or _("The process was cancelled.")
    ids = []
    for assignment in open_rows.select_for_update().prefetch_related("performers"):
        before = assignment.status
        assignment.status = AssignmentStatus.CANCELLED
        assignment.updated_at, assignment.updated_by = now, actor
        assignment.save()
        AssignmentNote.objects.create(
            assignment=assignment, author=actor, text=text_, status_from=before,
            status_to=AssignmentStatus.CANCELLED,
        )  # fmt: skip
        notify(
            recipients=assignment.performers.all(),
            kind=NotificationKind.PROCESS,
            title=_("Process cancelled: %(name)s — %(object)s")
            % {"name": row.template.name, "object": row.object_label},
            text=text_,
            url=row.get_absolute_url(),
            about=row,
            exclude=actor,
        )
        ids.append(assignment.pk)
    return ids


# --- Triggers --------------------------------------------------------------------------------


def _candidates(template: ProcessTemplate, now: dt.datetime) -> Iterable[Any]:
    """Objects the template's trigger fired for that have no process of it yet."""
    since = max(template.created_at, now - TRIGGER_LOOKBACK)
    rows: Any
    if template.trigger == ProcessTrigger.DEAL_CREATED:
        rows = Deal.objects.open().filter(created_at__gte=since)
        if template.pipeline_id:
            rows = rows.filter(pipeline_id=template.pipeline_id)
    elif template.trigger == ProcessTrigger.INVOICE_OVERDUE:
        today = timezone.localdate(now)
        # Overdue from the day after its due date: newly overdue since the template exists.
        first_due = timezone.localdate(since) - dt.timedelta(days=1)
        rows = Invoice.objects.overdue(today).filter(due_date__gte=first_due)
    elif template.trigger == ProcessTrigger.CLAIM_REGISTERED:
        rows = Claim.objects.open().filter(created_at__gte=since)
    else:
        return []
    model = OBJECT_MODELS[template.object_kind]
    if rows.model is not model:  # a trigger that does not suit the kind starts nothing
        return []
    has = ProcessInstance.objects.filter(
        template=template, object_kind=template.object_kind, object_id=OuterRef("pk")
    )
    return rows.filter(~Exists(has)).select_related("responsible").order_by("pk")[:TRIGGER_BATCH]


def processes_trigger(*, now: dt.datetime | None = None) -> int:
    """Start the processes that triggers call for; answers how many were started.

    Each start commits on its own; an object that cannot get its process now (no active
    responsible manager, a step nobody can take) is left for the next run.
    """
    now = now or timezone.now()
    started = 0
    templates = ProcessTemplate.objects.filter(is_active=True).exclude(
        trigger=ProcessTrigger.MANUAL
    )
    for template in templates.select_related("pipeline").order_by("pk"):
        for obj in _candidates(template, now):
            starter = _active(obj.responsible)
            if starter is None:
                continue
            try:
                with transaction.atomic():
                    _start(template, obj, starter=starter, by=None)
            except (ConflictError, ValidationFailedError, PermissionDeniedError, IntegrityError):
                logger.info("Process %s not started on %s %s", template.pk, template.object_kind,
                            obj.pk, exc_info=True)  # fmt: skip
                continue
            started += 1
    return started
