"""The base of every list's search and filter form."""

from __future__ import annotations

from typing import Any

from django import forms


class FilterForm(forms.Form):
    """Search and filters of a list; every value is optional, and only valid ones count,
    so a stale link still shows the page. `FILTERS` names the fields that filter."""

    FILTERS: tuple[str, ...] = ()

    def values(self) -> dict[str, Any]:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name) or "" for name in self.fields}

    def filters(self) -> dict[str, Any]:
        values = self.values()
        return {name: values[name] for name in self.FILTERS if values[name] != ""}
