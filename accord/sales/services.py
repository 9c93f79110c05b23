"""Writes of deals. Each service checks permission, validates, writes in one transaction and
records the audit event in that same transaction; a refusal writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.core.audit import diff, log_action, snapshot
from accord.core.errors import NotFoundError, ValidationFailedError
from accord.sales.errors import LostReasonRequiredError
from accord.sales.models import DEAL, Deal, DealStageChange, LostReason, Stage, StageKind
from accord.sales.validation import DEAL_FIELDS, clean_deal
from accord.users.access import require

AUDITED = (
    "title", "pipeline_id", "stage_id", "counterparty_id", "contact_person_id",
    "responsible_id", "amount", "currency", "expected_close_date", "source_id",
    "lost_reason_id", "closed_at", "notes",
)  # fmt: skip


def _locked(actor: Any, deal: Deal) -> Deal:
    """The deal again, locked for the write, if the actor still sees it."""
    row = Deal.objects.visible_to(actor).select_for_update(of=("self",)).filter(pk=deal.pk).first()
    if row is None:
        raise NotFoundError
    return row


def _participants(deal: Deal) -> list[int]:
    return sorted(deal.participants.values_list("pk", flat=True))


@transaction.atomic
def deal_create(*, actor: Any, data: Mapping[str, Any]) -> Deal:
    require(actor, "add", DEAL)
    cleaned = clean_deal(data, actor=actor)
    participants = cleaned.pop("participant_ids")
    stage: Stage = cleaned["stage"]
    now = timezone.now()
    deal = Deal.objects.create(
        **cleaned,
        stage_entered_at=now,
        closed_at=now if stage.is_closed else None,
        created_by=actor,
        updated_by=actor,
    )
    deal.participants.set(participants)
    DealStageChange.objects.create(deal=deal, to_stage=stage, changed_by=actor, changed_at=now)
    log_action(
        actor=actor,
        action="sales.deal.created",
        obj=deal,
        changes={**snapshot(deal, AUDITED), "participant_ids": participants},
    )
    return deal


@transaction.atomic
def deal_update(*, actor: Any, deal: Deal, data: Mapping[str, Any]) -> Deal:
    """Change fields of a deal; its stage changes only through `deal_move`."""
    require(actor, "change", DEAL)
    row = _locked(actor, deal)
    cleaned = clean_deal(data, actor=actor, instance=row)
    participants = cleaned.pop("participant_ids")
    before = {**snapshot(row, AUDITED), "participant_ids": _participants(row)}
    for name in DEAL_FIELDS:
        if name in cleaned:
            setattr(row, name, cleaned[name])
    changes = diff(before, {**snapshot(row, AUDITED), "participant_ids": participants})
    if changes:
        row.updated_at, row.updated_by = timezone.now(), actor
        row.save()
        if "participant_ids" in changes:
            row.participants.set(participants)
        log_action(actor=actor, action="sales.deal.updated", obj=row, changes=changes)
    return row


def _stage(deal: Deal, to_stage: Stage | int | str) -> Stage:
    pk = to_stage.pk if isinstance(to_stage, Stage) else to_stage
    try:
        stage = Stage.objects.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        stage = None
    if stage is None:
        raise ValidationFailedError({"stage_id": [_("Choose a stage of the pipeline.")]})
    if stage.pipeline_id != deal.pipeline_id:
        raise ValidationFailedError({"stage_id": [_("This stage belongs to another pipeline.")]})
    return stage


def _lost_reason(stage: Stage, reason: LostReason | int | str | None) -> LostReason | None:
    if stage.kind != StageKind.LOST:
        return None
    if reason in (None, ""):
        raise LostReasonRequiredError(_("Give the reason the deal was lost."))
    if isinstance(reason, LostReason):
        return reason
    try:
        found = LostReason.objects.filter(pk=int(reason)).first()  # type: ignore[arg-type]
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise ValidationFailedError({"lost_reason_id": [_("Choose a value from the list.")]})
    return found


@transaction.atomic
def deal_move(
    *,
    actor: Any,
    deal: Deal,
    to_stage: Stage | int | str,
    lost_reason: LostReason | int | str | None = None,
) -> Deal:
    """Move a deal to another stage of its pipeline, recording how long it sat in the last.

    A won or lost stage closes the deal (`closed_at`); an open one reopens it. A lost stage
    needs a reason.
    """
    require(actor, "change", DEAL)
    row = _locked(actor, deal)
    stage = _stage(row, to_stage)
    reason = _lost_reason(stage, lost_reason)
    if stage.pk == row.stage_id and reason == row.lost_reason:
        return row
    now = timezone.now()
    before = snapshot(row, AUDITED)
    if stage.pk != row.stage_id:
        seconds = max(0, int((now - row.stage_entered_at).total_seconds()))
        DealStageChange.objects.create(
            deal=row, from_stage_id=row.stage_id, to_stage=stage, changed_by=actor,
            changed_at=now, seconds_in_previous_stage=seconds,
        )  # fmt: skip
        row.stage, row.stage_entered_at = stage, now
        row.closed_at = now if stage.is_closed else None
    row.lost_reason = reason
    row.updated_at, row.updated_by = now, actor
    row.save()
    log_action(
        actor=actor,
        action="sales.deal.moved",
        obj=row,
        changes=diff(before, snapshot(row, AUDITED)),
    )
    return row


@transaction.atomic
def deal_delete(*, actor: Any, deal: Deal) -> None:
    require(actor, "delete", DEAL)
    row = Deal.objects.visible_to(actor).filter(pk=deal.pk).first()
    if row is None:
        raise NotFoundError
    log_action(actor=actor, action="sales.deal.deleted", obj=row, changes=snapshot(row, AUDITED))
    row.delete()
