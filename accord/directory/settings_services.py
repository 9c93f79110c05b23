"""Writes of the directory's settings: custom property definitions and the lists that
classify counterparties (sources, industries). Administrators use them; no code change is
needed to add a field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accord.core.audit import diff, log_action, snapshot
from accord.core.errors import ValidationFailedError
from accord.directory.models import Industry, PropertyDefinition, PropertyKind, Source
from accord.directory.validation import Errors
from accord.users.access import require

SETTINGS_TYPE = "admin.directory_settings"
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
DEFINITION_FIELDS = ("target", "code", "name", "kind", "choices", "required", "position")


def _choices(raw: Any, errors: Errors) -> list[str]:
    """Choices as a list, from a list or from text with one value a line."""
    if isinstance(raw, str):
        raw = [c.strip() for c in raw.splitlines() if c.strip()]
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
        errors.add("choices", _("Give the choices as a list of text values."))
        return []
    return raw


def _clean_definition(
    data: Mapping[str, Any], instance: PropertyDefinition | None
) -> dict[str, Any]:
    errors = Errors()
    current = {f: getattr(instance, f) for f in DEFINITION_FIELDS} if instance else {}
    merged = {**current, **data}
    target = merged.get("target")
    if target not in PropertyDefinition.Target.values:
        errors.add("target", _("Choose counterparty or contact person."))
    code = str(merged.get("code") or "").strip()
    if not _CODE.match(code):
        errors.add("code", _("Use lower-case Latin letters, digits and _, starting with a letter."))
    name = str(merged.get("name") or "").strip()
    if not name or len(name) > 100:
        errors.add("name", _("Give a name of at most 100 characters."))
    kind = merged.get("kind")
    if kind not in PropertyKind.values:
        errors.add("kind", _("Choose text, number, date or choice."))
    choices = _choices(merged.get("choices"), errors)
    if kind == PropertyKind.CHOICE and not choices:
        errors.add("choices", _("A choice property needs at least one value."))
    clash = PropertyDefinition.objects.filter(target=target, code=code)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if code and clash.exists():
        errors.add("code", _("This code is already used."))
    try:
        position = int(merged.get("position") or 0)
    except (TypeError, ValueError):
        errors.add("position", _("Enter a whole number."))
        position = 0
    errors.raise_if_any()
    return {
        "target": target, "code": code, "name": name, "kind": kind,
        "choices": list(dict.fromkeys(choices)) if kind == PropertyKind.CHOICE else [],
        "required": bool(merged.get("required")), "position": position,
    }  # fmt: skip


@transaction.atomic
def property_definition_save(
    *, actor: Any, data: Mapping[str, Any], instance: PropertyDefinition | None = None
) -> PropertyDefinition:
    """Create a custom property, or change one (its code and target stay: values use them)."""
    require(actor, "change" if instance else "add", SETTINGS_TYPE)
    if instance is not None and any(
        k in data and data[k] != getattr(instance, k) for k in ("code", "target")
    ):
        raise ValidationFailedError(
            {"code": [_("The code and target of a property cannot change.")]}
        )
    cleaned = _clean_definition(data, instance)
    if instance is None:
        definition = PropertyDefinition.objects.create(**cleaned)
        log_action(
            actor=actor, action="directory.property.created", obj=definition, changes=cleaned
        )
        return definition
    before = snapshot(instance, DEFINITION_FIELDS)
    for name, value in cleaned.items():
        setattr(instance, name, value)
    instance.save()
    log_action(
        actor=actor,
        action="directory.property.updated",
        obj=instance,
        changes=diff(before, snapshot(instance, DEFINITION_FIELDS)),
    )
    return instance


@transaction.atomic
def property_definition_delete(*, actor: Any, definition: PropertyDefinition) -> None:
    """Remove a custom property. Stored values stay in the rows' JSON but are no longer shown."""
    require(actor, "delete", SETTINGS_TYPE)
    log_action(
        actor=actor,
        action="directory.property.deleted",
        obj=definition,
        changes=snapshot(definition, DEFINITION_FIELDS),
    )
    definition.delete()


@transaction.atomic
def classifier_add(*, actor: Any, kind: str, name: str) -> Source | Industry:
    """Add a value to the list of sources or industries (or answer the existing one)."""
    models: dict[str, type[Source] | type[Industry]] = {"source": Source, "industry": Industry}
    model = models.get(kind)
    if model is None:
        raise ValidationFailedError({"kind": [_("Choose source or industry.")]})
    require(actor, "change", SETTINGS_TYPE)
    clean = " ".join(name.split())
    if not clean or len(clean) > 100:
        raise ValidationFailedError({"name": [_("Give a name of at most 100 characters.")]})
    obj, created = model.objects.get_or_create(name=clean)
    if created:
        log_action(actor=actor, action=f"directory.{kind}.created", obj=obj)
    return obj
