"""Handing clients over from one user to another (a manager leaves, or changes territory).

The counterparties change their responsible manager in one transaction, and every step that
later apps register (their deals, open activities, invoices) runs in that same transaction:
either everything moves, or nothing does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.core.audit import log_action
from accord.core.errors import PermissionDeniedError, ValidationFailedError
from accord.core.models import AuditEvent
from accord.directory.models import Counterparty
from accord.users.access import department_ids_under, grant, require
from accord.users.models import Scope, User

OBJECT_TYPE = "directory.counterparty"
HandoverStep = Callable[..., int]

_STEPS: dict[str, HandoverStep] = {}


def register_handover_step(label: str, step: HandoverStep) -> None:
    """Run `step(actor=, from_user=, to_user=, counterparty_ids=)` in every hand-over.

    The step answers how many of its rows it moved; it is registered once per label, so a
    second `AppConfig.ready()` replaces it instead of running it twice.
    """
    _STEPS[label] = step


def handover_steps() -> dict[str, HandoverStep]:
    return dict(_STEPS)


@dataclass(frozen=True)
class HandoverResult:
    from_user: User
    to_user: User
    counterparties: int
    steps: dict[str, int] = field(default_factory=dict)  # label -> rows moved


def _covers(actor: Any, user: User) -> bool:
    """Whether the actor's counterparty scope reaches `user`'s clients."""
    scope = grant(actor, OBJECT_TYPE).scope
    if scope == Scope.ALL:
        return True
    if user.pk == actor.pk:
        return True
    if scope == Scope.DEPARTMENT and actor.department_id:
        return user.department_id in department_ids_under(actor.department)
    return False


def _check_users(actor: Any, from_user: User, to_user: User) -> None:
    require(actor, "change", OBJECT_TYPE)
    if not (_covers(actor, from_user) and _covers(actor, to_user)):
        raise PermissionDeniedError(_("You may hand over clients only within your own scope."))
    if from_user.pk == to_user.pk:
        raise ValidationFailedError({"to_user": [_("Choose another user to receive the clients.")]})
    if not to_user.is_active:
        raise ValidationFailedError({"to_user": [_("This user is deactivated.")]})


def _chosen_ids(actor: Any, from_user: User, counterparty_ids: list[int] | None) -> list[int]:
    """The ids to move, locked; refused unless each is the from-user's and visible."""
    rows = Counterparty.objects.visible_to(actor).filter(responsible=from_user)
    if counterparty_ids is not None:
        wanted = set(counterparty_ids)
        rows = rows.filter(pk__in=wanted)
    ids = list(rows.select_for_update().order_by("pk").values_list("pk", flat=True))
    if counterparty_ids is not None and len(ids) != len(wanted):
        raise ValidationFailedError(
            {"counterparty_ids": [_("Some chosen counterparties are not this user's clients.")]}
        )
    if not ids:
        raise ValidationFailedError(
            {"counterparty_ids": [_("This user has no clients to hand over.")]}
        )
    return ids


def _audit_rows(summary: AuditEvent, ids: list[int], from_user: User, to_user: User) -> None:
    """One "updated" event per counterparty, with the summary's actor, time and address."""
    names = dict(Counterparty.objects.filter(pk__in=ids).values_list("pk", "name"))
    AuditEvent.objects.bulk_create(
        AuditEvent(
            at=summary.at,
            actor=summary.actor,
            actor_label=summary.actor_label,
            action="directory.counterparty.updated",
            object_type="directory.counterparty",
            object_id=str(pk),
            object_label=names.get(pk, "")[:300],
            changes={"responsible_id": [from_user.pk, to_user.pk]},
            ip=summary.ip,
        )
        for pk in ids
    )


@transaction.atomic
def clients_hand_over(
    *,
    actor: Any,
    from_user: User,
    to_user: User,
    counterparty_ids: list[int] | None = None,
) -> HandoverResult:
    """Make `to_user` responsible for `from_user`'s clients (all, or the chosen ids)."""
    _check_users(actor, from_user, to_user)
    ids = _chosen_ids(actor, from_user, counterparty_ids)
    moved = Counterparty.objects.filter(pk__in=ids).update(
        responsible=to_user, updated_by=actor, updated_at=timezone.now()
    )
    steps = {
        label: step(actor=actor, from_user=from_user, to_user=to_user, counterparty_ids=ids)
        for label, step in _STEPS.items()
    }
    summary = log_action(
        actor=actor,
        action="directory.clients.handed_over",
        obj=from_user,
        label=f"{from_user} → {to_user}",
        changes={"from": from_user.pk, "to": to_user.pk, "count": moved, "steps": steps},
    )
    _audit_rows(summary, ids, from_user, to_user)
    return HandoverResult(from_user=from_user, to_user=to_user, counterparties=moved, steps=steps)


def handover_candidates(*, viewer: Any, from_user: User, limit: int = 500) -> list[tuple[int, str]]:
    """The from-user's clients the viewer sees, by name, for picking (at most `limit`)."""
    rows = Counterparty.objects.visible_to(viewer).filter(responsible=from_user)
    return list(rows.order_by("name_key", "pk").values_list("pk", "name")[:limit])
