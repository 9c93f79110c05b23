"""Widgets for values that repeat: several phones, e-mails or messenger accounts.

Each row is a plain input sharing the field's name, so the browser posts them as a list
and a new row is a copy of a `<template>` (see static/accord/js/app.js).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.datastructures import MultiValueDict


def _getlist(data: Mapping[str, Any], name: str) -> list[Any]:
    if isinstance(data, MultiValueDict):
        return data.getlist(name)
    value = data.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


class RepeatedTextInput(forms.Widget):
    """One text input per value, and a button that adds another."""

    template_name = "components/widgets/repeated.html"

    def __init__(self, attrs: dict[str, Any] | None = None, input_type: str = "text") -> None:
        super().__init__(attrs)
        self.input_type = input_type

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        return [str(v) for v in _getlist(data, name)]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False

    def format_value(self, value: Any) -> list[str]:  # type: ignore[override]
        if not value:
            return []
        return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        rows = context["widget"]["value"] or [""]
        context["widget"].update(rows=rows, input_type=self.input_type)
        return context


class MessengerInput(forms.Widget):
    """Rows of (messenger, account), posted as `<name>_service` and `<name>_value` lists."""

    template_name = "components/widgets/messengers.html"
    services = ("Telegram", "WhatsApp", "Viber", "VK", "Skype")

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[dict[str, str]]:
        services = _getlist(data, f"{name}_service")
        values = _getlist(data, f"{name}_value")
        services += [""] * (len(values) - len(services))
        return [
            {"service": str(s), "value": str(v)} for s, v in zip(services, values, strict=False)
        ]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False

    def format_value(self, value: Any) -> list[dict[str, str]]:  # type: ignore[override]
        return list(value or [])

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        rows = context["widget"]["value"] or [{"service": "", "value": ""}]
        context["widget"].update(rows=rows, services=self.services)
        return context


class TextListField(forms.Field):
    """A list of non-blank strings; what each must look like is the service's business."""

    widget = RepeatedTextInput

    def to_python(self, value: Any) -> list[str]:
        return [v.strip() for v in (value or []) if isinstance(v, str) and v.strip()]


class MessengerListField(forms.Field):
    widget = MessengerInput

    def to_python(self, value: Any) -> list[dict[str, str]]:
        rows = []
        for row in value or []:
            account = str(row.get("value", "")).strip()
            if account:
                rows.append({"service": str(row.get("service", "")).strip(), "value": account})
        return rows
