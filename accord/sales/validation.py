"""Turn raw deal input (a form's or the API's) into clean values, or say every problem.

The checks that depend on who acts (which counterparties they see, whom they may make
responsible) are here too, so that a form shows every wrong field at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from accord.directory.models import ContactPerson, Counterparty, Source
from accord.directory.validation import Errors
from accord.sales.models import Deal, LostReason, Pipeline, Stage, StageKind
from accord.users.access import assignable_users
from accord.users.models import User

DEAL_FIELDS = (
    "title", "counterparty_id", "contact_person_id", "responsible_id", "participant_ids",
    "amount", "currency", "expected_close_date", "source_id", "lost_reason_id", "notes",
)  # fmt: skip
CREATE_FIELDS = ("pipeline_id", "stage_id")
MAX_AMOUNT = Decimal("9999999999999.99")  # Decimal(15, 2)
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _id(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ValueError(_("Choose a value from the list."))
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(_("Choose a value from the list.")) from None


def _text(value: Any, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(_("Enter text."))
    value = value.strip()
    if len(value) > limit:
        raise ValueError(_("At most %(n)d characters.") % {"n": limit})
    return value


def _amount(value: Any) -> Decimal:
    if value in (None, ""):
        return Decimal("0.00")
    try:
        amount = Decimal(str(value).replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except InvalidOperation:
        raise ValueError(_("Enter an amount.")) from None
    if not amount.is_finite():
        raise ValueError(_("Enter an amount."))
    if amount < 0:
        raise ValueError(_("The amount cannot be negative."))
    if amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(_("Enter an amount with at most 13 digits and 2 decimals."))
    return amount.quantize(Decimal("0.01"))


def _currency(value: Any) -> str:
    code = "RUB" if value in (None, "") else str(value).strip()
    if not _CURRENCY.match(code):
        raise ValueError(_("Enter a currency as three capital letters, e.g. RUB."))
    return code


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(_("Enter a date as YYYY-MM-DD.")) from None


def _ids(value: Any) -> list[int]:
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple):
        raise ValueError(_("Give a list of users."))
    ids = [_id(v) for v in value]
    return sorted({i for i in ids if i is not None})


def _current(deal: Deal | None) -> dict[str, Any]:
    if deal is None:
        return {}
    current: dict[str, Any] = {name: getattr(deal, name, None) for name in DEAL_FIELDS}
    current["participant_ids"] = sorted(u.pk for u in deal.participants.all())
    return current


def clean_deal(
    data: Mapping[str, Any], *, actor: Any, instance: Deal | None = None
) -> dict[str, Any]:
    """Clean values of every deal field, the given ones merged over `instance`.

    A new deal also takes `pipeline_id` (default: the default pipeline) and `stage_id`
    (default: its first stage); an existing one changes stage only by `deal_move`.
    """
    known = set(DEAL_FIELDS) | (set(CREATE_FIELDS) if instance is None else set())
    errors = Errors()
    for name in sorted(set(data) - known):
        errors.add(name, _("Unknown field."))
    merged = {**_current(instance), **{k: v for k, v in data.items() if k in known}}
    out: dict[str, Any] = {
        "title": errors.check("title", _text, merged.get("title"), 255) or "",
        "notes": errors.check("notes", _text, merged.get("notes"), 10000) or "",
        "amount": errors.check("amount", _amount, merged.get("amount")),
        "currency": errors.check("currency", _currency, merged.get("currency")),
        "expected_close_date": errors.check(
            "expected_close_date", _date, merged.get("expected_close_date")
        ),
    }
    if not out["title"] and "title" not in errors.fields:
        errors.add("title", _("This field is required."))
    _clean_counterparty(merged, actor, out, errors)
    _clean_people(merged, actor, instance, out, errors)
    out["source_id"] = errors.check("source_id", _id, merged.get("source_id"))
    if out["source_id"] and not Source.objects.filter(pk=out["source_id"]).exists():
        errors.add("source_id", _("Choose a value from the list."))
    if instance is None:
        _clean_stage(merged, out, errors)
        stage: Stage | None = out.get("stage")
        stage_kind = stage.kind if stage is not None else None
    else:
        stage_kind = instance.stage.kind
    _clean_lost_reason(merged, stage_kind, out, errors)
    errors.raise_if_any()
    return out


def _clean_counterparty(
    merged: Mapping[str, Any], actor: Any, out: dict[str, Any], errors: Errors
) -> None:
    """A counterparty the actor sees (a hidden one is refused like a missing one)."""
    pk = errors.check("counterparty_id", _id, merged.get("counterparty_id"))
    visible = Counterparty.objects.visible_to(actor).filter(pk=pk) if pk else None
    if "counterparty_id" in errors.fields:
        return
    if visible is None:
        errors.add("counterparty_id", _("This field is required."))
    elif not visible.exists():
        errors.add("counterparty_id", _("Choose a counterparty you can see."))
    out["counterparty_id"] = pk
    person = errors.check("contact_person_id", _id, merged.get("contact_person_id"))
    if person and not ContactPerson.objects.filter(pk=person, counterparty_id=pk).exists():
        errors.add("contact_person_id", _("Choose a contact person of this counterparty."))
    out["contact_person_id"] = person


def _clean_people(
    merged: Mapping[str, Any],
    actor: Any,
    instance: Deal | None,
    out: dict[str, Any],
    errors: Errors,
) -> None:
    current = instance.responsible_id if instance is not None else None
    wanted = errors.check("responsible_id", _id, merged.get("responsible_id"))
    if wanted is None:
        wanted = current if current is not None else actor.pk
    elif wanted != current and wanted not in {u.pk for u in assignable_users(actor)}:
        errors.add("responsible_id", _("You may not make this user responsible."))
    out["responsible_id"] = wanted
    ids = errors.check("participant_ids", _ids, merged.get("participant_ids")) or []
    found = set(User.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))
    if len(found) != len(ids):
        errors.add("participant_ids", _("Choose active users."))
    out["participant_ids"] = ids


def _clean_stage(merged: Mapping[str, Any], out: dict[str, Any], errors: Errors) -> None:
    pipeline_id = errors.check("pipeline_id", _id, merged.get("pipeline_id"))
    pipelines = Pipeline.objects.filter(is_active=True)
    pipeline = (
        pipelines.filter(pk=pipeline_id).first()
        if pipeline_id
        else pipelines.order_by("-is_default", "position", "id").first()
    )
    if pipeline is None:
        errors.add("pipeline_id", _("Choose an active pipeline."))
        return
    stage_id = errors.check("stage_id", _id, merged.get("stage_id"))
    stages = Stage.objects.filter(pipeline=pipeline)
    stage = stages.filter(pk=stage_id).first() if stage_id else stages.first()
    if stage is None:
        errors.add("stage_id", _("Choose a stage of the pipeline."))
    out["pipeline"], out["stage"] = pipeline, stage


def _clean_lost_reason(
    merged: Mapping[str, Any], stage_kind: str | None, out: dict[str, Any], errors: Errors
) -> None:
    pk = errors.check("lost_reason_id", _id, merged.get("lost_reason_id"))
    if pk and not LostReason.objects.filter(pk=pk).exists():
        errors.add("lost_reason_id", _("Choose a value from the list."))
    if stage_kind == StageKind.LOST and not pk and "lost_reason_id" not in errors.fields:
        errors.add("lost_reason_id", _("Give the reason the deal was lost."))
    out["lost_reason_id"] = pk if stage_kind == StageKind.LOST else None
