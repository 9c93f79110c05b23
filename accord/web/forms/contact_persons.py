"""Forms of contact persons: the add/edit form and the list's search."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.directory import identifiers as ids
from accord.directory.models import ContactPerson, PropertyDefinition
from accord.web.forms.custom import add_custom_fields, custom_error_field, custom_values
from accord.web.forms.errors import DomainForm
from accord.web.forms.widgets import MessengerListField, RepeatedTextInput, TextListField


class ContactPersonSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    cursor = forms.CharField(required=False, max_length=500)

    def values(self) -> dict[str, str]:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {"q": cleaned.get("q") or "", "cursor": cleaned.get("cursor") or ""}


class ContactPersonForm(DomainForm):
    name = forms.CharField(
        label=_("Full name"), max_length=255, widget=forms.TextInput(attrs={"data-autofocus": ""})
    )
    position = forms.CharField(label=_("Position"), required=False, max_length=200)
    role = forms.CharField(
        label=_("Role"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. decision maker, accountant")}),
    )
    birthday = forms.DateField(
        label=_("Birthday"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    phones = TextListField(
        label=_("Phones"),
        required=False,
        widget=RepeatedTextInput(attrs={"placeholder": "+7 900 000-00-00"}, input_type="tel"),
    )
    emails = TextListField(
        label=_("E-mails"),
        required=False,
        widget=RepeatedTextInput(attrs={"placeholder": "name@example.ru"}),
    )
    messengers = MessengerListField(label=_("Messengers"), required=False)
    is_vip = forms.BooleanField(label=_("VIP"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    service_required = ("name",)
    SERVICE_FIELDS = ("name", "position", "role", "birthday", "is_vip", "notes")

    def __init__(
        self,
        data: Any = None,
        *,
        definitions: list[PropertyDefinition],
        instance: ContactPerson | None = None,
    ) -> None:
        super().__init__(data, initial=self._initial(instance))
        self.instance = instance
        self.definitions = definitions
        add_custom_fields(self, definitions, instance.custom if instance is not None else {})

    @staticmethod
    def _initial(instance: ContactPerson | None) -> dict[str, Any]:
        if instance is None:
            return {}
        initial: dict[str, Any] = {
            name: getattr(instance, name) for name in ContactPersonForm.SERVICE_FIELDS
        }
        details = list(instance.details.all())
        initial["phones"] = [ids.format_phone(d.value) for d in details if d.kind == "phone"]
        initial["emails"] = [d.value for d in details if d.kind == "email"]
        initial["messengers"] = [
            {"service": d.service, "value": d.value} for d in details if d.kind == "messenger"
        ]
        return initial

    @property
    def custom_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("custom_")]

    def field_for(self, key: str) -> str | None:
        return custom_error_field(key) or super().field_for(key)

    def to_service(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        data: dict[str, Any] = {name: cleaned.get(name) for name in self.SERVICE_FIELDS}
        data["birthday"] = cleaned["birthday"].isoformat() if cleaned.get("birthday") else None
        for name in ("phones", "emails", "messengers"):
            data[name] = cleaned.get(name) or []
        data["custom"] = custom_values(cleaned, self.definitions)
        return data
