"""Forms of the import wizard: the upload, the column mapping, a profile from a JSON file.

The services of `accord.imports` check every value; these forms shape the input (a select
per file column becomes the mapping JSON of docs/import.md) and say where each of the
services' messages belongs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from accord.imports.fields import KEYS, fields_for
from accord.imports.models import ImportKey, ImportObject, ImportPolicy, ImportProfile, OnError
from accord.web.forms.errors import DomainForm

AUTO = ("", _("Detect automatically"))
ENCODINGS = (AUTO, ("utf-8", "UTF-8"), ("utf-8-sig", _("UTF-8 with BOM")),
             ("cp1251", "Windows-1251"))  # fmt: skip
# A tab cannot be typed into a form, so the form posts its name.
DELIMITERS = (AUTO, (";", _("Semicolon ;")), (",", _("Comma ,")), ("tab", _("Tab")),
              ("|", _("Vertical bar |")))  # fmt: skip
SKIP = ""  # the value of "do not load" in a column's select
PROFILE_MAX_BYTES = 1024 * 1024


class UploadForm(DomainForm):
    """A spreadsheet to import, and how to read it."""

    object = forms.ChoiceField(label=_("What to import"), widget=forms.RadioSelect)
    file = forms.FileField(
        label=_("File"), help_text=_("CSV (any delimiter, UTF-8 or Windows-1251) or XLSX.")
    )
    encoding = forms.ChoiceField(label=_("Encoding"), choices=ENCODINGS, required=False)
    delimiter = forms.ChoiceField(label=_("Delimiter"), choices=DELIMITERS, required=False)
    profile = forms.ChoiceField(
        label=_("Saved mapping profile"),
        required=False,
        help_text=_("Map the columns as a saved profile does; otherwise from their names."),
    )

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        objects: Sequence[tuple[str, Any]],
        profiles: Sequence[ImportProfile] = (),
    ) -> None:
        super().__init__(data, files, initial={"object": objects[0][0] if objects else ""})
        self.fields["object"].choices = list(objects)  # type: ignore[attr-defined]
        self.profiles = {str(p.pk): p for p in profiles}
        labels = dict(ImportObject.choices)
        choices = [("", _("None: suggest from the column names"))] + [
            (str(p.pk), f"{p.name} · {labels.get(p.object, p.object)}") for p in profiles
        ]
        self.fields["profile"].choices = choices  # type: ignore[attr-defined]

    def field_for(self, key: str) -> str | None:
        if key in ("object", "file", "encoding", "delimiter"):
            return key
        return "profile" if self.cleaned_data.get("profile") else None

    def to_service(self) -> dict[str, Any]:
        data = self.cleaned_data
        profile = self.profiles.get(data.get("profile") or "")
        return {
            "obj": data["object"],
            "filename": data["file"].name or "upload",
            "source": data["file"],
            "encoding": data.get("encoding") or "",
            "delimiter": "\t" if data.get("delimiter") == "tab" else data.get("delimiter") or "",
            "profile": dict(profile.settings) if profile is not None else None,
        }


def field_choices(obj: str, custom: Sequence[tuple[str, str]]) -> list[tuple[str, Any]]:
    """What a column can feed: "do not load", the object's fields, its custom properties."""
    choices: list[tuple[str, Any]] = [(SKIP, _("— do not load —"))]
    choices += [(item.name, item.label) for item in fields_for(obj)]
    choices += [(f"custom.{code}", f"{name} ({code})") for code, name in custom]
    return choices


class MappingForm(DomainForm):
    """One select per column of the file (`column_<n>`), the key, the policy, the bad-row
    rule, and a name for saving all that as a profile."""

    key = forms.ChoiceField(label=_("Match existing records by"))
    policy = forms.ChoiceField(label=_("Policy"), choices=ImportPolicy.choices)
    on_error = forms.ChoiceField(label=_("A bad row"), choices=OnError.choices)
    profile_name = forms.CharField(
        label=_("Profile name"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Clients from the old CRM")}),
    )  # fmt: skip

    def __init__(
        self,
        data: Any = None,
        *,
        obj: str,
        header: Sequence[str],
        mapping: dict[str, Any],
        custom: Sequence[tuple[str, str]] = (),
    ) -> None:
        columns = mapping.get("columns") or {}
        initial = {
            "key": mapping.get("key") or KEYS[obj][0],
            "policy": mapping.get("policy") or ImportPolicy.UPSERT,
            "on_error": mapping.get("on_error") or OnError.SKIP,
        }
        initial |= {self.column_name(i): columns.get(h, SKIP) for i, h in enumerate(header)}
        super().__init__(data, initial=initial)
        self.obj = obj
        self.header = list(header)
        labels = dict(ImportKey.choices)
        self.fields["key"].choices = [(k, labels[k]) for k in KEYS[obj]]  # type: ignore[attr-defined]
        choices = field_choices(obj, custom)
        for index, column in enumerate(self.header):
            label = column or _("Column %(n)d") % {"n": index + 1}
            self.fields[self.column_name(index)] = forms.ChoiceField(
                label=label, choices=choices, required=False,
                widget=forms.Select(attrs={"aria-label": label, "data-column": column}),
            )  # fmt: skip

    @staticmethod
    def column_name(index: int) -> str:
        return f"column_{index}"

    def column_fields(self) -> list[forms.BoundField]:
        return [self[self.column_name(i)] for i in range(len(self.header))]

    def clean(self) -> dict[str, Any]:
        """A field fed by two columns is named next to both (the service names it once)."""
        data = super().clean() or {}
        seen: dict[str, str] = {}
        for index in range(len(self.header)):
            name = self.column_name(index)
            value = data.get(name)
            if not value:
                continue
            if value in seen:
                message = _("This field is already fed by the column “%(column)s”.")
                self.add_error(name, message % {"column": self.header[int(seen[value])]})
            else:
                seen[value] = str(index)
        return data

    def field_for(self, key: str) -> str | None:
        if key in ("key", "policy", "on_error"):
            return key
        if key == "name":
            return "profile_name"
        return None  # "columns" and the rest: above the table

    def to_service(self) -> dict[str, Any]:
        data = self.cleaned_data
        columns = {
            column: data[self.column_name(i)]
            for i, column in enumerate(self.header)
            if data.get(self.column_name(i))
        }
        return {
            "object": self.obj,
            "columns": columns,
            "key": data["key"],
            "policy": data["policy"],
            "on_error": data["on_error"],
        }


class ProfileUploadForm(DomainForm):
    """A profile exported as JSON (from here, or written by hand), and the name to keep it."""

    name = forms.CharField(label=_("Name"), max_length=100)
    file = forms.FileField(label=_("Profile file (.json)"))

    service_required = ("name",)

    def field_for(self, key: str) -> str | None:
        if key == "name":
            return "name"
        return "file"

    def clean_file(self) -> dict[str, Any]:
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > PROFILE_MAX_BYTES:
            raise forms.ValidationError(_("A profile file is at most 1 MB."))
        try:
            settings = json.loads(upload.read().decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            raise forms.ValidationError(_("This is not a JSON file.")) from None
        if not isinstance(settings, dict):
            raise forms.ValidationError(_("A profile is a JSON object: see docs/import.md."))
        return settings

    def to_service(self) -> dict[str, Any]:
        return {"name": self.cleaned_data.get("name") or "", "mapping": self.cleaned_data["file"]}
