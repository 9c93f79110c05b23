"""The audit trail: `log_action` records one event in the caller's transaction.

Services call it after a write, inside their `transaction.atomic()` block, so the event and
the change commit or roll back together. The request's IP address arrives through a context
variable that the web middleware sets; services never see the request itself.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import models

from accord.core.errors import PermissionDeniedError
from accord.core.models import AuditEvent

_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("client_ip", default=None)

# Never written to the audit trail, whatever a service passes in.
SECRET_FIELDS = frozenset({"password", "token", "key_hash", "secret", "otp_secret"})

REFUSED = "access.refused"


class AccessRefusedError(PermissionDeniedError):
    """A refusal that names what was refused, so that its audit record can say it."""

    def __init__(self, action: str, object_type: str) -> None:
        super().__init__()
        self.action = action
        self.object_type = object_type


@contextmanager
def client_ip(ip: str | None) -> Iterator[None]:
    """Attribute every event logged inside the block to this address."""
    token = _client_ip.set(ip)
    try:
        yield
    finally:
        _client_ip.reset(token)


_PLAIN = frozenset({str, int, float, bool, type(None)})


def jsonable(value: Any) -> Any:
    """A value as it is kept in the `changes` JSON: dates as ISO strings, money as strings."""
    kind = type(value)
    if kind in _PLAIN:  # most of a feed's batch event: checked first, by exact type
        return value
    if kind is list or kind is tuple:
        return [v if type(v) in _PLAIN else jsonable(v) for v in value]
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set | frozenset):
        return [v if type(v) in _PLAIN else jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields` on `obj`, ready to compare with a later snapshot."""
    return {name: jsonable(getattr(obj, name)) for name in fields if name not in SECRET_FIELDS}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """`{field: [old, new]}` for the fields whose value changed."""
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name) and name not in SECRET_FIELDS
    }


def log_action(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    label: str = "",
) -> AuditEvent:
    """Record `action` (`app.entity.past_tense`) by `actor` on `obj`."""
    return _record(
        actor=actor,
        action=action,
        object_type=f"{obj._meta.app_label}.{obj._meta.model_name}" if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        label=label or (str(obj) if obj is not None else ""),
        changes=changes,
    )


def log_refusal(*, actor: Any, method: str, path: str, refused: BaseException) -> AuditEvent:
    """Record that `actor` was refused (403) at `path`, with what was refused when known.

    Called by the one place each of the web and the API turns a refusal into a 403, after
    the refused work rolled back, so the record stays although nothing else was written.
    The refused object type (`admin.audit`) goes to `object_type`, so it can be filtered on.
    """
    permission = getattr(refused, "action", "")
    changes = {"method": method, "path": path[:500]}
    if permission:
        changes["permission"] = permission
    return _record(
        actor=actor,
        action=REFUSED,
        object_type=getattr(refused, "object_type", "")[:80],
        object_id="",
        label=path,
        changes=changes,
    )


def _record(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: str,
    label: str,
    changes: dict[str, Any] | None,
) -> AuditEvent:
    clean = {k: v for k, v in (changes or {}).items() if k not in SECRET_FIELDS}
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_label=(actor.get_username() if is_user else "system")[:150],
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=label[:300],
        changes=jsonable(clean),
        ip=_client_ip.get(),
    )


def log_actions(*, actor: Any, entries: Iterable[tuple[str, models.Model, dict[str, Any]]]) -> int:
    """Record many events at once (`action`, object, changes): the bulk writes of a feed.

    Same rows as `log_action` would write one by one, inserted in one statement per thousand;
    the caller's transaction covers them exactly as it covers the change.
    """
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    label = (actor.get_username() if is_user else "system")[:150]
    ip = _client_ip.get()
    rows = [
        AuditEvent(
            actor=actor if is_user else None,
            actor_label=label,
            action=action,
            object_type=f"{obj._meta.app_label}.{obj._meta.model_name}",
            object_id=str(obj.pk),
            object_label=str(obj)[:300],
            changes=jsonable({k: v for k, v in changes.items() if k not in SECRET_FIELDS}),
            ip=ip,
        )
        for action, obj, changes in entries
    ]
    AuditEvent.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def log_batch(
    *, actor: Any, action: str, object_type: str, ids: list[Any], changes: dict[str, Any]
) -> AuditEvent:
    """One event for many objects written by a feed (`changes["ids"]` lists them).

    A 100,000-product catalog from 1C would otherwise add 100,000 creation events that say
    nothing the rows' `created_at`/`created_by` do not; changes to existing rows are still
    recorded one event per object by the caller.
    """
    return _record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id="",
        label=f"{len(ids)}",
        changes={**changes, "ids": [str(i) for i in ids]},
    )
