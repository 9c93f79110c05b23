"""Clean a process template with its steps, or say every problem at once.

A template is a graph: each step names its next step (`next_key`) and may name others in
its conditions (`transitions`). The graph must be acyclic, every step must be reachable
from the first one, and every condition must test a field of the allow-list of the
template's object kind (`FIELDS`) with an operator that suits the field's type and a
value of that type. The same field readers evaluate the conditions of a running process.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.activities.models import (
    AssigneeKind,
    ClaimSeverity,
    ClaimStatus,
    ProcessObject,
    ProcessTemplate,
    ProcessTrigger,
)
from accord.activities.validation import choice, ident, text, unknown_fields
from accord.billing.models import AWAITING_PAYMENT, InvoiceStatus
from accord.directory.models import CounterpartyKind, CounterpartyStatus, Relation
from accord.directory.validation import Errors
from accord.sales.models import OrderStatus, Pipeline, Stage, StageKind
from accord.users.models import Role, User

TEMPLATE_FIELDS = ("name", "description", "object_kind", "trigger", "pipeline_id", "is_active")
STEP_FIELDS = (
    "key", "name", "instructions", "assignee_kind", "assignee_user_id", "assignee_role_id",
    "deadline_hours", "next_key", "transitions", "stage_on_done_id",
)  # fmt: skip
TRANSITION_FIELDS = ("field", "op", "value", "next")
MAX_STEPS = 50
MAX_TRANSITIONS = 20
MAX_DEADLINE_HOURS = 24 * 366

# The trigger that starts a process by itself, and the one object kind it suits.
TRIGGER_KINDS = {
    ProcessTrigger.DEAL_CREATED: ProcessObject.DEAL,
    ProcessTrigger.INVOICE_OVERDUE: ProcessObject.INVOICE,
    ProcessTrigger.CLAIM_REGISTERED: ProcessObject.CLAIM,
}

# --- Fields a condition may test -------------------------------------------------------------

DECIMAL, INT, CHOICE, ID, BOOL, TEXT = "decimal", "int", "choice", "id", "bool", "text"
ORDERED = (DECIMAL, INT)
OPS: dict[str, Any] = {
    "eq": gettext_lazy("equals"),
    "ne": gettext_lazy("does not equal"),
    "gt": gettext_lazy("greater than"),
    "ge": gettext_lazy("at least"),
    "lt": gettext_lazy("less than"),
    "le": gettext_lazy("at most"),
    "in": gettext_lazy("one of"),
}
COMPARISONS = ("gt", "ge", "lt", "le")


@dataclass(frozen=True)
class ConditionField:
    """A field of an object that a condition may test: its type and how to read it."""

    label: Any
    kind: str
    read: Callable[[Any], Any]
    choices: type[models.TextChoices] | None = None
    ordered: bool = False  # choices compared by their order (low < medium < high)
    model: type[models.Model] | None = None  # for ids

    @property
    def comparable(self) -> bool:
        return self.kind in ORDERED or self.ordered


def _days_overdue(invoice: Any) -> int:
    if invoice.status not in AWAITING_PAYMENT or not invoice.due_date:
        return 0
    return max(0, (timezone.localdate() - invoice.due_date).days)


def _common(counterparty: Callable[[Any], Any]) -> dict[str, ConditionField]:
    """The fields every kind has: its responsible manager and its counterparty's type."""
    return {
        "responsible": ConditionField(
            gettext_lazy("Responsible manager"), ID, lambda o: o.responsible_id, model=User
        ),
        "counterparty.relation": ConditionField(
            gettext_lazy("Counterparty type"),
            CHOICE,
            lambda o: counterparty(o).relation,
            choices=Relation,
        ),
        "counterparty.is_vip": ConditionField(
            gettext_lazy("Counterparty is VIP"), BOOL, lambda o: counterparty(o).is_vip
        ),
    }


def _cp(obj: Any) -> Any:
    return obj.counterparty


FIELDS: dict[str, dict[str, ConditionField]] = {
    ProcessObject.DEAL: {
        "amount": ConditionField(gettext_lazy("Amount"), DECIMAL, lambda o: o.amount),
        "currency": ConditionField(gettext_lazy("Currency"), TEXT, lambda o: o.currency),
        "stage": ConditionField(gettext_lazy("Stage"), ID, lambda o: o.stage_id, model=Stage),
        "pipeline": ConditionField(
            gettext_lazy("Pipeline"), ID, lambda o: o.pipeline_id, model=Pipeline
        ),
        **_common(_cp),
    },
    ProcessObject.INVOICE: {
        "total": ConditionField(gettext_lazy("Total"), DECIMAL, lambda o: o.total),
        "days_overdue": ConditionField(gettext_lazy("Days overdue"), INT, _days_overdue),
        "status": ConditionField(
            gettext_lazy("Status"), CHOICE, lambda o: o.status, choices=InvoiceStatus
        ),
        **_common(_cp),
    },
    ProcessObject.ORDER: {
        "total": ConditionField(gettext_lazy("Total"), DECIMAL, lambda o: o.total),
        "status": ConditionField(
            gettext_lazy("Status"), CHOICE, lambda o: o.status, choices=OrderStatus
        ),
        **_common(_cp),
    },
    ProcessObject.CLAIM: {
        "severity": ConditionField(
            gettext_lazy("Severity"),
            CHOICE,
            lambda o: o.severity,
            choices=ClaimSeverity,
            ordered=True,
        ),
        "status": ConditionField(
            gettext_lazy("Status"), CHOICE, lambda o: o.status, choices=ClaimStatus
        ),
        **_common(_cp),
    },
    ProcessObject.COUNTERPARTY: {
        "relation": ConditionField(
            gettext_lazy("Type"), CHOICE, lambda o: o.relation, choices=Relation
        ),
        "status": ConditionField(
            gettext_lazy("Status"), CHOICE, lambda o: o.status, choices=CounterpartyStatus
        ),
        "kind": ConditionField(
            gettext_lazy("Kind"), CHOICE, lambda o: o.kind, choices=CounterpartyKind
        ),
        "is_vip": ConditionField(gettext_lazy("VIP"), BOOL, lambda o: o.is_vip),
        "responsible": ConditionField(
            gettext_lazy("Responsible manager"), ID, lambda o: o.responsible_id, model=User
        ),
    },
}


# --- Values of conditions ----------------------------------------------------------------------


def _decimal(value: Any) -> str:
    if isinstance(value, bool):
        raise ValueError(_("Enter a number."))
    raw = str(value).replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise ValueError(_("Enter a number.")) from None
    if not number.is_finite() or abs(number) >= Decimal(10) ** 15:
        raise ValueError(_("Enter a number."))
    return str(number.quantize(Decimal(1)) if number == number.to_integral_value() else number)


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(_("Enter a whole number."))
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise ValueError(_("Enter a whole number.")) from None


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in ("1", "true", "yes", "on"):
        return True
    if word in ("0", "false", "no", "off"):
        return False
    raise ValueError(_("Enter yes or no."))


def _scalar(spec: ConditionField, value: Any, pipeline_id: int | None) -> Any:
    """One value of the field's type, as it is stored in the template."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(_("Enter a value."))
    if spec.kind == DECIMAL:
        return _decimal(value)
    if spec.kind == INT:
        return _int(value)
    if spec.kind == BOOL:
        return _bool(value)
    if spec.kind == TEXT:
        return text(value, 100)
    if spec.kind == CHOICE:
        assert spec.choices is not None
        word = str(value).strip()
        if word not in spec.choices.values:
            allowed = ", ".join(spec.choices.values)
            raise ValueError(_("Choose one of: %(allowed)s.") % {"allowed": allowed})
        return word
    return _existing_id(spec, value, pipeline_id)


def _existing_id(spec: ConditionField, value: Any, pipeline_id: int | None) -> int:
    pk = ident(value)
    assert spec.model is not None
    assert pk is not None
    rows: Any = spec.model._default_manager.filter(pk=pk)
    if spec.model is Stage and pipeline_id:
        rows = rows.filter(pipeline_id=pipeline_id)
    if not rows.exists():
        raise ValueError(_("No such record: %(id)s.") % {"id": pk})
    return pk


def _values(spec: ConditionField, op: str, value: Any, pipeline_id: int | None) -> Any:
    if op != "in":
        return _scalar(spec, value, pipeline_id)
    items = value if isinstance(value, list | tuple) else str(value or "").split(",")
    items = [item for item in items if not (isinstance(item, str) and not item.strip())]
    if not items:
        raise ValueError(_("Give at least one value."))
    return [_scalar(spec, item, pipeline_id) for item in items]


def condition_holds(spec: ConditionField, op: str, expected: Any, actual: Any) -> bool:
    """Whether the object's `actual` value satisfies `op expected` (clean values)."""
    if actual is None:
        return op == "ne"
    key = _comparable(spec)
    if op == "in":
        return key(actual) in {key(v) for v in expected}
    left, right = key(actual), key(expected)
    return {
        "eq": left == right,
        "ne": left != right,
        "gt": left > right,
        "ge": left >= right,
        "lt": left < right,
        "le": left <= right,
    }[op]


def _comparable(spec: ConditionField) -> Callable[[Any], Any]:
    if spec.kind == DECIMAL:
        return lambda v: Decimal(str(v))
    if spec.kind in (INT, ID):
        return int
    if spec.kind == BOOL:
        return bool
    if spec.ordered and spec.choices is not None:
        order = list(spec.choices.values)
        return lambda v: order.index(v) if v in order else -1
    return str


def describe(object_kind: str, transition: Mapping[str, Any]) -> str:
    """A condition as people read it: "Amount greater than 100000"."""
    spec = FIELDS.get(object_kind, {}).get(transition.get("field", ""))
    value = transition.get("value")
    shown = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    label = spec.label if spec else transition.get("field", "")
    return f"{label} {OPS.get(transition.get('op', ''), '?')} {shown}"


# --- The template ----------------------------------------------------------------------------


@dataclass
class CleanTemplate:
    header: dict[str, Any]
    steps: list[dict[str, Any]]


def _flag(value: Any, default: bool) -> bool:
    if value is None or value == "":
        return default
    return _bool(value)


def _deadline_hours(value: Any) -> int:
    if value in (None, ""):
        return 24
    hours = _int(value)
    if not 0 <= hours <= MAX_DEADLINE_HOURS:
        raise ValueError(
            _("Enter from 0 to %(n)d hours (0: no deadline).") % {"n": MAX_DEADLINE_HOURS}
        )
    return hours


def _key(value: Any) -> str:
    key = text(value, 50)
    if key and not all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in key):
        raise ValueError(_("Use Latin letters, digits, hyphens and underscores."))
    return key


def clean_template(
    data: Mapping[str, Any], *, instance: ProcessTemplate | None = None
) -> CleanTemplate:
    """Clean values of a template and its steps (`data["steps"]` replaces all of them)."""
    errors = Errors()
    unknown_fields(data, (*TEMPLATE_FIELDS, "steps"), errors)
    current = {}
    if instance is not None:
        current = {name: getattr(instance, name) for name in TEMPLATE_FIELDS}
    merged = {**current, **{k: v for k, v in data.items() if k in TEMPLATE_FIELDS}}
    header = _clean_header(merged, instance, errors)
    raw_steps = data.get("steps")
    if raw_steps is None and instance is not None:
        raw_steps = steps_as_data(instance)
    steps = _clean_steps(raw_steps, header, errors)
    errors.raise_if_any()
    _check_graph(steps, errors)
    errors.raise_if_any()
    return CleanTemplate(header=header, steps=steps)


def _clean_header(
    merged: Mapping[str, Any], instance: ProcessTemplate | None, errors: Errors
) -> dict[str, Any]:
    name = errors.check("name", text, merged.get("name"), 200) or ""
    if not name and "name" not in errors.fields:
        errors.add("name", _("This field is required."))
    clash = ProcessTemplate.objects.filter(name=name)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if name and clash.exists():
        errors.add("name", _("This name is already used."))
    kind = errors.check(
        "object_kind", choice, merged.get("object_kind"), ProcessObject, ProcessObject.DEAL
    )
    trigger = errors.check(
        "trigger", choice, merged.get("trigger"), ProcessTrigger, ProcessTrigger.MANUAL
    )
    if kind and trigger in TRIGGER_KINDS and TRIGGER_KINDS[trigger] != kind:
        errors.add("trigger", _("This trigger does not suit the kind of object."))
    pipeline_id = errors.check("pipeline_id", ident, merged.get("pipeline_id"))
    if pipeline_id is not None:
        if kind != ProcessObject.DEAL:
            errors.add("pipeline_id", _("Only a process on deals drives a pipeline."))
        elif not Pipeline.objects.filter(pk=pipeline_id).exists():
            errors.add("pipeline_id", _("Choose a pipeline from the list."))
    return {
        "name": name,
        "description": errors.check("description", text, merged.get("description"), 5000) or "",
        "object_kind": kind,
        "trigger": trigger,
        "pipeline_id": pipeline_id,
        "is_active": errors.check("is_active", _flag, merged.get("is_active"), True),
    }


def steps_as_data(template: ProcessTemplate) -> list[dict[str, Any]]:
    """A saved template's steps in the shape `clean_template` takes."""
    return [
        {
            "key": s.key,
            "name": s.name,
            "instructions": s.instructions,
            "assignee_kind": s.assignee_kind,
            "assignee_user_id": s.assignee_user_id,
            "assignee_role_id": s.assignee_role_id,
            "deadline_hours": s.deadline_hours,
            "next_key": s.next_key,
            "transitions": list(s.transitions or []),
            "stage_on_done_id": s.stage_on_done_id,
        }
        for s in template.steps.all()
    ]


def _clean_steps(raw: Any, header: Mapping[str, Any], errors: Errors) -> list[dict[str, Any]]:
    if not isinstance(raw, list | tuple) or not raw:
        errors.add("steps", _("Add at least one step."))
        return []
    if len(raw) > MAX_STEPS:
        errors.add("steps", _("At most %(n)d steps.") % {"n": MAX_STEPS})
        return []
    steps = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping):
            errors.add(f"steps.{i}", _("Give a step as an object."))
            continue
        steps.append(_clean_step(i, item, header, errors))
    seen: dict[str, int] = {}
    for i, step in enumerate(steps):
        if step["key"] in seen:
            errors.add(f"steps.{i}.key", _("Another step has this key."))
        seen.setdefault(step["key"], i)
    return steps


def _clean_step(
    i: int, item: Mapping[str, Any], header: Mapping[str, Any], errors: Errors
) -> dict[str, Any]:
    p = f"steps.{i}."
    unknown_fields(item, STEP_FIELDS, _Prefixed(errors, p))
    step: dict[str, Any] = {
        "key": errors.check(p + "key", _key, item.get("key")) or f"step-{i + 1}",
        "name": errors.check(p + "name", text, item.get("name"), 200) or "",
        "instructions": errors.check(p + "instructions", text, item.get("instructions"), 5000)
        or "",
        "position": i,
        "deadline_hours": errors.check(
            p + "deadline_hours", _deadline_hours, item.get("deadline_hours")
        ),
        "next_key": errors.check(p + "next_key", _key, item.get("next_key")) or "",
    }
    if not step["name"] and p + "name" not in errors.fields:
        errors.add(p + "name", _("Name the step."))
    _clean_assignee(p, item, step, errors)
    step["stage_on_done_id"] = _clean_stage_on_done(p, item, header, errors)
    step["transitions"] = _clean_transitions(p, item.get("transitions"), header, errors)
    return step


class _Prefixed(Errors):
    """Files the messages of a helper under a prefix (a step's fields)."""

    def __init__(self, errors: Errors, prefix: str) -> None:
        super().__init__()
        self.fields = errors.fields
        self.prefix = prefix

    def add(self, field: str, message: str) -> None:
        super().add(self.prefix + field, message)


def _clean_assignee(p: str, item: Mapping[str, Any], step: dict[str, Any], errors: Errors) -> None:
    kind = errors.check(
        p + "assignee_kind", choice, item.get("assignee_kind"), AssigneeKind,
        AssigneeKind.RESPONSIBLE,
    )  # fmt: skip
    step.update(assignee_kind=kind, assignee_user_id=None, assignee_role_id=None)
    if kind == AssigneeKind.USER:
        user_id = errors.check(p + "assignee_user_id", ident, item.get("assignee_user_id"))
        if user_id is None:
            errors.add(p + "assignee_user_id", _("Choose the user who does this step."))
        elif not User.objects.filter(pk=user_id, is_active=True).exists():
            errors.add(p + "assignee_user_id", _("Choose an active user."))
        step["assignee_user_id"] = user_id
    elif kind == AssigneeKind.ROLE:
        role_id = errors.check(p + "assignee_role_id", ident, item.get("assignee_role_id"))
        role = Role.objects.filter(pk=role_id).first() if role_id else None
        if role is None:
            errors.add(p + "assignee_role_id", _("Choose the role whose holders do this step."))
        elif not User.objects.filter(roles=role, is_active=True).exists():
            errors.add(
                p + "assignee_role_id",
                _("Nobody active has the role “%(role)s”: give it to someone first.")
                % {"role": role.name},
            )
        step["assignee_role_id"] = role_id


def _clean_stage_on_done(
    p: str, item: Mapping[str, Any], header: Mapping[str, Any], errors: Errors
) -> int | None:
    stage_id = errors.check(p + "stage_on_done_id", ident, item.get("stage_on_done_id"))
    if stage_id is None:
        return None
    field = p + "stage_on_done_id"
    stage = Stage.objects.filter(pk=stage_id).first()
    if not header.get("pipeline_id"):
        errors.add(field, _("Choose the template's pipeline first: the stage must be in it."))
    elif stage is None or stage.pipeline_id != header["pipeline_id"]:
        errors.add(field, _("Choose a stage of the template's pipeline."))
    elif stage.kind == StageKind.LOST:
        errors.add(field, _("A process cannot lose a deal: a lost deal needs a reason."))
    return stage_id


def _clean_transitions(
    p: str, raw: Any, header: Mapping[str, Any], errors: Errors
) -> list[dict[str, Any]]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list | tuple):
        errors.add(p + "transitions", _("Give the conditions as a list."))
        return []
    if len(raw) > MAX_TRANSITIONS:
        errors.add(p + "transitions", _("At most %(n)d conditions.") % {"n": MAX_TRANSITIONS})
        return []
    clean = []
    for j, item in enumerate(raw):
        q = f"{p}transitions.{j}."
        if not isinstance(item, Mapping):
            errors.add(q.rstrip("."), _("Give a condition as an object."))
            continue
        clean.append(_clean_transition(q, item, header, errors))
    return clean


def _clean_transition(
    q: str, item: Mapping[str, Any], header: Mapping[str, Any], errors: Errors
) -> dict[str, Any]:
    unknown_fields(item, TRANSITION_FIELDS, _Prefixed(errors, q))
    kind = header.get("object_kind") or ""
    name = str(item.get("field") or "").strip()
    spec = FIELDS.get(kind, {}).get(name)
    if spec is None:
        known = ", ".join(FIELDS.get(kind, {}))
        errors.add(
            q + "field",
            _("Unknown field “%(field)s”; a condition may test: %(known)s.")
            % {"field": name, "known": known},
        )
    op = str(item.get("op") or "").strip()
    if op not in OPS:
        errors.add(q + "op", _("Choose one of: %(ops)s.") % {"ops": ", ".join(OPS)})
    elif spec is not None and op in COMPARISONS and not spec.comparable:
        errors.add(q + "op", _("This field can only be compared for equality."))
    value: Any = None
    if spec is not None and op in OPS:
        value = errors.check(q + "value", _values, spec, op, item.get("value"),
                             header.get("pipeline_id"))  # fmt: skip
    following = errors.check(q + "next", _key, item.get("next")) or ""
    return {"field": name, "op": op, "value": value, "next": following}


def _targets(step: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(error key, step key) of every step this one may lead to."""
    found = []
    if step["next_key"]:
        found.append((f"steps.{step['position']}.next_key", step["next_key"]))
    for j, t in enumerate(step["transitions"]):
        if t["next"]:
            found.append((f"steps.{step['position']}.transitions.{j}.next", t["next"]))
    return found


def _check_graph(steps: list[dict[str, Any]], errors: Errors) -> None:
    """Every target exists, no cycle, and every step is reachable from the first."""
    keys = {s["key"] for s in steps}
    for step in steps:
        for field, target in _targets(step):
            if target not in keys:
                errors.add(field, _("There is no step “%(key)s”.") % {"key": target})
    if errors.fields:
        return
    edges = {s["key"]: [t for _f, t in _targets(s)] for s in steps}
    cycle = _find_cycle(edges)
    if cycle:
        errors.add(
            "steps",
            _("The steps go round in a circle: %(path)s. A process must always reach its end.")
            % {"path": " → ".join(cycle)},
        )
        return
    reached = _reachable(edges, steps[0]["key"])
    for step in steps:
        if step["key"] not in reached:
            errors.add(
                f"steps.{step['position']}.key",
                _("The step “%(name)s” cannot be reached from the first step.")
                % {"name": step["name"] or step["key"]},
            )


def _find_cycle(edges: Mapping[str, list[str]]) -> list[str]:
    """One cycle as a path of keys (first key repeated at the end), or []."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in edges.get(node, []):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return []

    for node in edges:
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


def _reachable(edges: Mapping[str, list[str]], start: str) -> set[str]:
    seen = {start}
    todo = [start]
    while todo:
        for nxt in edges.get(todo.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def deadline_for(hours: int, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """The deadline of a step's assignment given now; 0 hours means none."""
    if not hours:
        return None
    return (now or timezone.now()) + dt.timedelta(hours=hours)
