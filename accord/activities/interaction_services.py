"""Writes of interactions: plan or record one, change it, complete it (and plan the next one
in the same step), cancel or delete it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.activities.errors import StatusMoveError
from accord.activities.models import INTERACTION, CallResult, Interaction, InteractionStatus
from accord.activities.validation import (
    INTERACTION_FIELDS,
    choice,
    clean_interaction,
    minutes,
    text,
)
from accord.core.audit import diff, log_action, snapshot
from accord.core.errors import NotFoundError, ValidationFailedError
from accord.directory.validation import Errors
from accord.users.access import require

AUDITED = (
    "kind", "status", "direction", "subject", "description", "starts_at", "duration_minutes",
    "place", "call_result", "outcome", "counterparty_id", "contact_person_id", "deal_id",
    "order_id", "invoice_id", "claim_id", "responsible_id", "completed_at",
)  # fmt: skip
# What a follow-up copies from the interaction it follows.
CARRIED = ("counterparty_id", "contact_person_id", "deal_id", "order_id", "invoice_id", "claim_id")


def _locked(actor: Any, interaction: Interaction | int) -> Interaction:
    pk = interaction.pk if isinstance(interaction, Interaction) else interaction
    # Lock the row alone: a department scope outer-joins the users, which PostgreSQL
    # cannot lock ("FOR UPDATE cannot be applied to the nullable side of an outer join").
    row = (
        Interaction.objects.visible_to(actor).select_for_update(of=("self",)).filter(pk=pk).first()
    )
    if row is None:
        raise NotFoundError
    return row


def _participants(row: Interaction) -> list[int]:
    return sorted(row.participants.values_list("pk", flat=True))


def _create(actor: Any, cleaned: dict[str, Any], follows: Interaction | None) -> Interaction:
    participants = cleaned.pop("participant_ids")
    done = cleaned["status"] == InteractionStatus.DONE
    row = Interaction.objects.create(
        **cleaned,
        follows=follows,
        completed_at=timezone.now() if done else None,
        created_by=actor,
        updated_by=actor,
    )
    row.participants.set(participants)
    log_action(
        actor=actor,
        action="activities.interaction.created",
        obj=row,
        changes={**snapshot(row, AUDITED), "participant_ids": participants},
    )
    return row


@transaction.atomic
def interaction_create(*, actor: Any, data: Mapping[str, Any]) -> Interaction:
    """Plan an interaction, or record one that happened (`status: done`)."""
    require(actor, "add", INTERACTION)
    return _create(actor, clean_interaction(data, actor=actor), None)


@transaction.atomic
def interaction_update(
    *, actor: Any, interaction: Interaction | int, data: Mapping[str, Any]
) -> Interaction:
    require(actor, "change", INTERACTION)
    row = _locked(actor, interaction)
    cleaned = clean_interaction(data, actor=actor, instance=row)
    participants = cleaned.pop("participant_ids")
    before = {**snapshot(row, AUDITED), "participant_ids": _participants(row)}
    for name in INTERACTION_FIELDS:
        if name in cleaned:
            setattr(row, name, cleaned[name])
    if row.status == InteractionStatus.DONE and row.completed_at is None:
        row.completed_at = timezone.now()
    elif row.status != InteractionStatus.DONE:
        row.completed_at = None
    changes = diff(before, {**snapshot(row, AUDITED), "participant_ids": participants})
    if changes:
        row.updated_at, row.updated_by = timezone.now(), actor
        row.save()
        if "participant_ids" in changes:
            row.participants.set(participants)
        log_action(actor=actor, action="activities.interaction.updated", obj=row, changes=changes)
    return row


def _clean_result(result: Mapping[str, Any], row: Interaction) -> dict[str, Any]:
    errors = Errors()
    allowed = {"outcome", "call_result", "duration_minutes"}
    for name in sorted(set(result) - allowed):
        errors.add(name, _("Unknown field."))
    out: dict[str, Any] = {
        "outcome": errors.check("outcome", text, result.get("outcome"), 20000) or row.outcome,
        "duration_minutes": errors.check(
            "duration_minutes", minutes, result.get("duration_minutes")
        )
        or row.duration_minutes,
    }
    if result.get("call_result"):
        out["call_result"] = errors.check(
            "call_result", choice, result.get("call_result"), CallResult
        )
    errors.raise_if_any()
    return out


def _clean_follow_up(actor: Any, row: Interaction, follow_up: Mapping[str, Any]) -> dict[str, Any]:
    """The next interaction's values; its errors are named `follow_up.<field>`."""
    defaults = {name: getattr(row, name) for name in CARRIED}
    defaults |= {"kind": row.kind, "subject": row.subject, "responsible_id": actor.pk}
    try:
        if not follow_up.get("starts_at"):
            raise ValidationFailedError({"starts_at": [_("Say when the next one is.")]})
        cleaned = clean_interaction({**defaults, **follow_up}, actor=actor)
    except ValidationFailedError as exc:
        fields = {f"follow_up.{name}": messages for name, messages in exc.fields.items()}
        raise ValidationFailedError(fields) from None
    cleaned["status"] = InteractionStatus.PLANNED
    return cleaned


@transaction.atomic
def interaction_complete(
    *,
    actor: Any,
    interaction: Interaction | int,
    result: Mapping[str, Any] | None = None,
    follow_up: Mapping[str, Any] | None = None,
) -> tuple[Interaction, Interaction | None]:
    """Mark a planned interaction done with its outcome and, in the same step, plan the next.

    `follow_up` takes the fields of a new interaction (at least `starts_at`); the links to
    the counterparty, contact person, deal and documents are carried over. Either both are
    written or, when one of them is wrong, neither.
    """
    require(actor, "change", INTERACTION)
    row = _locked(actor, interaction)
    if row.status != InteractionStatus.PLANNED:
        raise StatusMoveError(_("Only a planned interaction can be completed."))
    values = _clean_result(result or {}, row)
    next_row = None
    cleaned_next = None
    if follow_up is not None:
        require(actor, "add", INTERACTION)
        cleaned_next = _clean_follow_up(actor, row, follow_up)
    before = snapshot(row, AUDITED)
    for name, value in values.items():
        setattr(row, name, value)
    row.status = InteractionStatus.DONE
    row.completed_at = row.updated_at = timezone.now()
    row.updated_by = actor
    row.save()
    log_action(
        actor=actor,
        action="activities.interaction.completed",
        obj=row,
        changes=diff(before, snapshot(row, AUDITED)),
    )
    if cleaned_next is not None:
        next_row = _create(actor, cleaned_next, row)
    return row, next_row


@transaction.atomic
def interaction_cancel(*, actor: Any, interaction: Interaction | int) -> Interaction:
    require(actor, "change", INTERACTION)
    row = _locked(actor, interaction)
    if row.status != InteractionStatus.PLANNED:
        raise StatusMoveError(_("Only a planned interaction can be cancelled."))
    row.status = InteractionStatus.CANCELLED
    row.updated_at, row.updated_by = timezone.now(), actor
    row.save()
    log_action(
        actor=actor,
        action="activities.interaction.cancelled",
        obj=row,
        changes={"status": [InteractionStatus.PLANNED, InteractionStatus.CANCELLED]},
    )
    return row


@transaction.atomic
def interaction_delete(*, actor: Any, interaction: Interaction | int) -> None:
    require(actor, "delete", INTERACTION)
    row = _locked(actor, interaction)
    log_action(
        actor=actor,
        action="activities.interaction.deleted",
        obj=row,
        changes=snapshot(row, AUDITED),
    )
    row.delete()
