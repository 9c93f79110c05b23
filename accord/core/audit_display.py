"""Audit events in words: the action as people say it, and the changed fields as rows of
before -> after with each field's own label (its `verbose_name`).

Shared by every History page and the administrators' audit list. Values that point at
another row (`responsible_id`) are shown by name only when the target model has no row
security (`visible_to`): a user's name, a source, an industry; otherwise as `#id`, so a
history never reveals a row the viewer may not see.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.core.models import AuditEvent

EMPTY = "—"

# Whole actions that read better as a phrase of their own.
ACTION_PHRASES: dict[str, Promise] = {
    "access.refused": gettext_lazy("Access refused"),
    "users.login.succeeded": gettext_lazy("Signed in"),
    "users.login.failed": gettext_lazy("Sign-in failed"),
    "users.login.throttled": gettext_lazy("Sign-in blocked after too many attempts"),
    "users.logout": gettext_lazy("Signed out"),
    "users.password.changed": gettext_lazy("Password changed"),
    "users.2fa.enrolled": gettext_lazy("Two-factor sign-in turned on"),
    "users.2fa.disabled": gettext_lazy("Two-factor sign-in turned off"),
    "users.2fa.verified": gettext_lazy("Two-factor code accepted"),
    "users.2fa.failed": gettext_lazy("Two-factor code refused"),
    "users.2fa.recovery_used": gettext_lazy("Recovery code used"),
    "users.2fa.recovery_regenerated": gettext_lazy("Recovery codes renewed"),
}
# The last part of an action (`app.entity.<verb>`).
VERBS: dict[str, Promise] = {
    "created": gettext_lazy("created"),
    "updated": gettext_lazy("changed"),
    "deleted": gettext_lazy("deleted"),
    "renamed": gettext_lazy("renamed"),
    "moved": gettext_lazy("moved"),
    "set": gettext_lazy("set"),
    "deactivated": gettext_lazy("deactivated"),
    "handed_over": gettext_lazy("handed over"),
    "password_set": gettext_lazy("password set"),
    "language_changed": gettext_lazy("language changed"),
    "marked_for_deletion": gettext_lazy("marked for deletion"),
    "revoked": gettext_lazy("revoked"),
    "exported": gettext_lazy("exported"),
}


@dataclass(frozen=True)
class ChangeRow:
    label: str
    before: str
    after: str
    diff: bool  # False: a single value (a snapshot, a detail of a sign-in or refusal)


@dataclass(frozen=True)
class AuditEntry:
    event: AuditEvent
    phrase: str
    rows: list[ChangeRow]


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type) if "." in object_type else None
    except LookupError:
        return None


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    for candidate in (name, name.removesuffix("_id")):
        try:
            return model._meta.get_field(candidate)
        except FieldDoesNotExist:
            continue
    return None


def field_label(model: type[models.Model] | None, name: str) -> str:
    """The label people know a field by: its verbose_name, or the related model's name."""
    field = _field(model, name)
    if field is None:
        return capfirst(name.replace("_", " "))
    if field.is_relation and (field.one_to_many or field.many_to_many) and not field.concrete:
        return str(capfirst(field.related_model._meta.verbose_name_plural))
    return str(capfirst(field.verbose_name))


def action_phrase(event: AuditEvent) -> str:
    """`directory.counterparty.updated` -> "Counterparty: changed"."""
    if event.action in ACTION_PHRASES:
        return str(ACTION_PHRASES[event.action])
    head, _dot, verb = event.action.rpartition(".")
    model = _model(event.object_type)
    entity = model._meta.verbose_name if model else head.rpartition(".")[2].replace("_", " ")
    words = VERBS.get(verb, verb.replace("_", " "))
    return f"{capfirst(str(entity))}: {words}"


def _is_pair(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2


class _Formatter:
    """Turns stored JSON values into text, naming related rows in one query per model."""

    def __init__(self, names: Mapping[tuple[type[models.Model], str], str]) -> None:
        self.names = names

    def text(self, field: Any, value: Any) -> str:
        if value in (None, "", [], {}):
            return EMPTY
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if field is not None and getattr(field, "flatchoices", None):
            labels = {str(k): str(v) for k, v in field.flatchoices}
            if str(value) in labels:
                return labels[str(value)]
        if field is not None and field.many_to_one and not isinstance(value, list | dict):
            return self.names.get((field.related_model, str(value)), f"#{value}")
        if isinstance(value, dict):
            return "; ".join(f"{k}: {self.text(None, v)}" for k, v in value.items())
        if isinstance(value, list):
            parts = [self.text(None, v) for v in value]
            return ("; " if any(isinstance(v, list | dict) for v in value) else ", ").join(parts)
        return str(value)


def _rows(event: AuditEvent, changes: Mapping[str, Any], fmt: _Formatter) -> list[ChangeRow]:
    model = _model(event.object_type)
    verb = event.action.rpartition(".")[2]
    diff = verb not in ("created", "deleted") and all(_is_pair(v) for v in changes.values())
    rows = []
    for name, value in changes.items():
        field = _field(model, name)
        if diff:
            before, after = value
        elif verb == "deleted":
            before, after = value, None
        elif _is_pair(value) and value[0] in (None, "", []):
            before, after = value  # a created row's related lists are logged as pairs
        else:
            before, after = None, value
        is_pair = diff or verb == "deleted" or before is not None
        rows.append(
            ChangeRow(
                label=field_label(model, name),
                before=fmt.text(field, before) if is_pair else "",
                after=fmt.text(field, after),
                diff=is_pair,
            )
        )
    return rows


def _related_names(
    items: Iterable[tuple[AuditEvent, Mapping[str, Any]]],
) -> dict[tuple[type[models.Model], str], str]:
    """Names of the rows that foreign-key values point at, for models without row security."""
    wanted: dict[type[models.Model], set[str]] = {}
    for event, changes in items:
        model = _model(event.object_type)
        for name, value in changes.items():
            field = _field(model, name)
            if field is None or not field.many_to_one:
                continue
            target = field.related_model
            if hasattr(target._default_manager, "visible_to"):
                continue
            values = value if _is_pair(value) else [value]
            wanted.setdefault(target, set()).update(str(v) for v in values if v not in (None, ""))
    names = {}
    for target, ids in wanted.items():
        pks = [int(i) for i in ids if i.isdigit()]
        for pk, row in target._base_manager.in_bulk(pks).items():
            names[(target, str(pk))] = str(row)
    return names


def describe(items: Sequence[tuple[AuditEvent, Mapping[str, Any]]]) -> list[AuditEntry]:
    """Each event with its phrase and change rows; `changes` may be a masked copy."""
    fmt = _Formatter(_related_names(items))
    return [
        AuditEntry(event=event, phrase=action_phrase(event), rows=_rows(event, changes, fmt))
        for event, changes in items
    ]
