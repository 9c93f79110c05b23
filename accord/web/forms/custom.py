"""Form fields for the custom properties that users define (`PropertyDefinition`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms

from accord.directory.models import PropertyDefinition, PropertyKind

PREFIX = "custom_"


def custom_field(definition: PropertyDefinition) -> forms.Field:
    """A field of the definition's kind; the service checks the value against it again."""
    common: dict[str, Any] = {"label": definition.name, "required": definition.required}
    if definition.kind == PropertyKind.DATE:
        widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        return forms.DateField(widget=widget, **common)
    if definition.kind == PropertyKind.CHOICE:
        choices = [("", "—"), *((str(c), str(c)) for c in definition.choices)]
        return forms.ChoiceField(choices=choices, **common)
    if definition.kind == PropertyKind.NUMBER:
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
    return forms.CharField(max_length=2000, **common)


def add_custom_fields(
    form: forms.Form, definitions: list[PropertyDefinition], values: Mapping[str, Any]
) -> None:
    for definition in definitions:
        name = PREFIX + definition.code
        form.fields[name] = custom_field(definition)
        if definition.code in values:
            form.initial[name] = values[definition.code]


def custom_values(
    cleaned: Mapping[str, Any], definitions: list[PropertyDefinition]
) -> dict[str, Any]:
    """`{code: value}` as the service takes it: dates in ISO, blanks as empty strings."""
    values: dict[str, Any] = {}
    for definition in definitions:
        value = cleaned.get(PREFIX + definition.code)
        if isinstance(value, dt.date):
            value = value.isoformat()
        values[definition.code] = "" if value is None else value
    return values


def custom_error_field(key: str) -> str | None:
    """`custom.size` (a service error key) -> `custom_size` (the form field)."""
    if key.startswith("custom."):
        return PREFIX + key.removeprefix("custom.")
    return None
