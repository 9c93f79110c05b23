"""Writes of the sales settings: pipelines, their stages and the lost reasons.

Administrators edit them (`admin.sales_settings`); every change is audited.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accord.core.audit import diff, log_action, snapshot
from accord.core.errors import ValidationFailedError
from accord.directory.validation import Errors
from accord.sales.errors import StageInUseError
from accord.sales.models import (
    Deal,
    DealStageChange,
    LostReason,
    Pipeline,
    Stage,
    StageColor,
    StageKind,
)
from accord.users.access import require

SETTINGS_TYPE = "admin.sales_settings"
PIPELINE_FIELDS = ("name", "position", "is_default", "is_active")
STAGE_FIELDS = ("name", "position", "probability", "kind", "color")


def _int(value: Any, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(_("Enter a whole number.")) from None
    if not low <= number <= high:
        raise ValueError(_("Enter a number from %(low)d to %(high)d.") % {"low": low, "high": high})
    return number


def _name(value: Any, limit: int = 100) -> str:
    name = str(value or "").strip()
    if not name or len(name) > limit:
        raise ValueError(_("Give a name of at most %(n)d characters.") % {"n": limit})
    return name


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() in ("1", "true", "on", "yes")


def _clean_pipeline(data: Mapping[str, Any], instance: Pipeline | None) -> dict[str, Any]:
    errors = Errors()
    current = {f: getattr(instance, f) for f in PIPELINE_FIELDS} if instance else {}
    merged = {**current, **data}
    name = errors.check("name", _name, merged.get("name"))
    clash = Pipeline.objects.filter(name=name)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if name and clash.exists():
        errors.add("name", _("This name is already used."))
    position = errors.check("position", _int, merged.get("position") or 0, 0, 10_000)
    errors.raise_if_any()
    return {
        "name": name,
        "position": position,
        "is_default": _flag(merged.get("is_default")),
        "is_active": _flag(merged.get("is_active", True)),
    }


@transaction.atomic
def pipeline_save(
    *, actor: Any, data: Mapping[str, Any], instance: Pipeline | None = None
) -> Pipeline:
    """Create or change a pipeline; making one the default unmarks the others."""
    require(actor, "change", SETTINGS_TYPE)
    cleaned = _clean_pipeline(data, instance)
    if cleaned["is_default"] and not cleaned["is_active"]:
        raise ValidationFailedError({"is_active": [_("The default pipeline must be active.")]})
    pipeline = instance or Pipeline()
    before = snapshot(pipeline, PIPELINE_FIELDS) if instance else {}
    for name, value in cleaned.items():
        setattr(pipeline, name, value)
    pipeline.save()
    if pipeline.is_default:
        Pipeline.objects.exclude(pk=pipeline.pk).filter(is_default=True).update(is_default=False)
    changes = diff(before, snapshot(pipeline, PIPELINE_FIELDS))
    if changes:
        verb = "updated" if instance else "created"
        log_action(actor=actor, action=f"sales.pipeline.{verb}", obj=pipeline, changes=changes)
    return pipeline


def _clean_stage(
    pipeline: Pipeline, data: Mapping[str, Any], instance: Stage | None
) -> dict[str, Any]:
    errors = Errors()
    current = {f: getattr(instance, f) for f in STAGE_FIELDS} if instance else {}
    merged = {**current, **data}
    name = errors.check("name", _name, merged.get("name"))
    clash = Stage.objects.filter(pipeline=pipeline, name=name)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if name and clash.exists():
        errors.add("name", _("This pipeline already has a stage with this name."))
    probability = errors.check("probability", _int, merged.get("probability") or 0, 0, 100)
    kind = merged.get("kind") or StageKind.OPEN
    if kind not in StageKind.values:
        errors.add("kind", _("Choose open, won or lost."))
    color = merged.get("color") or StageColor.BLUE
    if color not in StageColor.values:
        errors.add("color", _("Choose a colour from the list."))
    position = merged.get("position")
    if position in (None, ""):
        last = Stage.objects.filter(pipeline=pipeline).aggregate(m=Max("position"))["m"]
        position = 0 if last is None else last + 1
    position = errors.check("position", _int, position, 0, 10_000)
    if instance is not None and kind != instance.kind and instance.deals.exists():
        errors.add("kind", _("The kind of a stage with deals cannot change."))
    errors.raise_if_any()
    return {
        "name": name, "probability": probability, "kind": kind, "color": color,
        "position": position,
    }  # fmt: skip


@transaction.atomic
def stage_save(
    *, actor: Any, pipeline: Pipeline, data: Mapping[str, Any], instance: Stage | None = None
) -> Stage:
    require(actor, "change", SETTINGS_TYPE)
    if instance is not None and instance.pipeline_id != pipeline.pk:
        raise ValidationFailedError({"stage_id": [_("This stage belongs to another pipeline.")]})
    cleaned = _clean_stage(pipeline, data, instance)
    stage = instance or Stage(pipeline=pipeline)
    before = snapshot(stage, STAGE_FIELDS) if instance else {}
    for name, value in cleaned.items():
        setattr(stage, name, value)
    stage.save()
    changes = diff(before, snapshot(stage, STAGE_FIELDS))
    if changes:
        verb = "updated" if instance else "created"
        log_action(actor=actor, action=f"sales.stage.{verb}", obj=stage, changes=changes)
    return stage


@transaction.atomic
def stage_delete(*, actor: Any, stage: Stage) -> None:
    """Delete a stage that holds no deals and appears in no deal's history."""
    require(actor, "change", SETTINGS_TYPE)
    history = DealStageChange.objects.filter(to_stage=stage) | DealStageChange.objects.filter(
        from_stage=stage
    )
    if Deal.objects.filter(stage=stage).exists() or history.exists():
        raise StageInUseError(_("Deals are or were in this stage: move them first."))
    log_action(
        actor=actor,
        action="sales.stage.deleted",
        obj=stage,
        changes={**snapshot(stage, STAGE_FIELDS), "pipeline_id": stage.pipeline_id},
    )
    stage.delete()


@transaction.atomic
def stage_reorder(*, actor: Any, pipeline: Pipeline, stage_ids: Sequence[Any]) -> list[Stage]:
    """Put the pipeline's stages in the order given; every stage must be named once."""
    require(actor, "change", SETTINGS_TYPE)
    stages = {s.pk: s for s in Stage.objects.select_for_update().filter(pipeline=pipeline)}
    try:
        order = [int(pk) for pk in stage_ids]
    except (TypeError, ValueError):
        order = []
    if sorted(order) != sorted(stages):
        raise ValidationFailedError({"stage_ids": [_("Name every stage of the pipeline once.")]})
    before = [s.pk for s in sorted(stages.values(), key=lambda s: (s.position, s.pk))]
    for position, pk in enumerate(order):
        stages[pk].position = position
    Stage.objects.bulk_update(stages.values(), ["position"])
    if before != order:
        log_action(
            actor=actor,
            action="sales.pipeline.stages_reordered",
            obj=pipeline,
            changes={"stage_ids": [before, order]},
        )
    return [stages[pk] for pk in order]


@transaction.atomic
def lost_reason_save(
    *, actor: Any, data: Mapping[str, Any], instance: LostReason | None = None
) -> LostReason:
    require(actor, "change", SETTINGS_TYPE)
    errors = Errors()
    name = errors.check("name", _name, data.get("name", instance.name if instance else ""))
    clash = LostReason.objects.filter(name=name)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if name and clash.exists():
        errors.add("name", _("This name is already used."))
    errors.raise_if_any()
    reason = instance or LostReason()
    before = snapshot(reason, ("name", "position")) if instance else {}
    reason.name = name
    if instance is None:
        last = LostReason.objects.aggregate(m=Max("position"))["m"]
        reason.position = 0 if last is None else last + 1
    reason.save()
    verb = "updated" if instance else "created"
    changes = diff(before, snapshot(reason, ("name", "position")))
    if changes:
        log_action(actor=actor, action=f"sales.lost_reason.{verb}", obj=reason, changes=changes)
    return reason
