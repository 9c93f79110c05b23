"""The mapping of an import: which column feeds which field, the key that finds existing
records, the policy and what to do with a bad row. The same JSON is a saved profile, the
CLI's `--mapping` file and the API's body (docs/import.md):

    {"object": "counterparties", "columns": {"ИНН": "inn", "Телефон": "phone"},
     "key": "inn_kpp", "policy": "upsert", "on_error": "skip"}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from accord.core.errors import ValidationFailedError
from accord.imports.fields import KEY_FIELDS, KEYS, fields_for
from accord.imports.models import ImportKey, ImportObject, ImportPolicy, OnError


@dataclass(frozen=True)
class ImportMapping:
    object: str
    columns: dict[str, str] = field(default_factory=dict)  # column header -> field name
    key: str = ImportKey.NONE
    policy: str = ImportPolicy.UPSERT
    on_error: str = OnError.SKIP

    def as_json(self) -> dict[str, Any]:
        return {
            "object": self.object,
            "columns": dict(self.columns),
            "key": self.key,
            "policy": self.policy,
            "on_error": self.on_error,
        }

    @property
    def fields(self) -> set[str]:
        return set(self.columns.values())


def default_key(obj: str) -> str:
    return KEYS[obj][0]


def parse_mapping(
    raw: Any,
    *,
    obj: str | None = None,
    header: Sequence[str] | None = None,
    custom_codes: Iterable[str] = (),
) -> ImportMapping:
    """A checked mapping, or ValidationFailedError naming every problem.

    `obj` is the object the import is for (the profile must agree); `header` the file's
    columns (every mapped column must be one of them); `custom_codes` the custom property
    codes that `custom.<code>` may name.
    """
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not isinstance(raw, Mapping):
        raise ValidationFailedError({"mapping": [_("A mapping is a JSON object.")]})
    unknown = set(raw) - {"object", "columns", "key", "policy", "on_error", "name"}
    for name in sorted(unknown):
        add(name, _("Unknown setting."))
    kind = raw.get("object", obj)
    if kind not in ImportObject.values:
        add("object", _("Choose one of: %(allowed)s.") % {"allowed": ", ".join(ImportObject)})
        raise ValidationFailedError(errors)
    if obj is not None and kind != obj:
        add("object", _("This mapping is for %(object)s.") % {"object": kind})
    columns = _columns(raw.get("columns"), str(kind), header, set(custom_codes), add)
    key = _one_of(raw, "key", default_key(str(kind)), KEYS[str(kind)], add)
    policy = _one_of(raw, "policy", ImportPolicy.UPSERT, ImportPolicy.values, add)
    on_error = _one_of(raw, "on_error", OnError.SKIP, OnError.values, add)
    _check_complete(str(kind), set(columns.values()), str(key), str(policy), add)
    if errors:
        raise ValidationFailedError(errors)
    return ImportMapping(
        object=str(kind), columns=columns, key=str(key), policy=str(policy),
        on_error=str(on_error),
    )  # fmt: skip


def _one_of(raw: Mapping[str, Any], name: str, default: str, allowed: Any, add: Any) -> str:
    value = raw.get(name) or default
    if value not in allowed:
        add(name, _("Choose one of: %(allowed)s.") % {"allowed": ", ".join(allowed)})
    return str(value)


def _check_complete(kind: str, mapped: set[str], key: str, policy: str, add: Any) -> None:
    """The key's fields are mapped, and what a new record needs."""
    for needed in KEY_FIELDS.get(key, ()):
        if needed not in mapped:
            add("key", _("Map a column to %(field)s to match records by it.") % {"field": needed})
    if key == ImportKey.NONE and policy == ImportPolicy.UPDATE:
        add("key", _("Without a key no record can be found to update."))
    if policy != ImportPolicy.UPDATE:
        for item in fields_for(kind):
            if item.required and item.name not in mapped:
                add("columns", _("Map a column to %(field)s: new records need it.")
                    % {"field": item.label})  # fmt: skip


def _columns(
    raw: Any, kind: str, header: Sequence[str] | None, custom: set[str], add: Any
) -> dict[str, str]:
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        add("columns", _("Columns are a JSON object of column header: field."))
        return {}
    known = {item.name for item in fields_for(kind)}
    in_file = set(header) if header is not None else None
    columns: dict[str, str] = {}
    used: dict[str, str] = {}
    for column, name in raw.items():
        if name in (None, ""):
            continue  # the column is not loaded
        if not isinstance(column, str) or not isinstance(name, str):
            add("columns", _("Columns are a JSON object of column header: field."))
            continue
        if in_file is not None and column not in in_file:
            add("columns", _("The file has no column %(column)s.") % {"column": column})
            continue
        is_custom = kind == ImportObject.COUNTERPARTIES and name.startswith("custom.")
        if name not in known and not (is_custom and name[len("custom.") :] in custom):
            add("columns", _("%(column)s: unknown field %(field)s.")
                % {"column": column, "field": name})  # fmt: skip
            continue
        if name in used:
            add("columns", _("%(field)s is mapped twice: %(a)s and %(b)s.")
                % {"field": name, "a": used[name], "b": column})  # fmt: skip
            continue
        used[name] = column
        columns[column] = name
    return columns
