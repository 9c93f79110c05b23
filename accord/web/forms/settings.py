"""Forms of the settings pages: a custom property definition, and a source or industry."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accord.directory.models import PropertyDefinition, PropertyKind
from accord.web.forms.errors import DomainForm

FIXED_ON_EDIT = ("target", "code")


class PropertyDefinitionForm(DomainForm):
    """A custom property; the service checks every value. Code and target are set once."""

    service_required = ("code", "name")

    target = forms.ChoiceField(label=_("Applies to"), choices=PropertyDefinition.Target.choices)
    code = forms.CharField(
        label=_("Code"),
        max_length=50,
        help_text=_("Lower-case Latin letters, digits and _; used by the API and imports."),
        widget=forms.TextInput(attrs={"class": "mono", "autocomplete": "off"}),
    )
    name = forms.CharField(
        label=_("Name"), max_length=100, widget=forms.TextInput(attrs={"data-autofocus": ""})
    )
    kind = forms.ChoiceField(label=_("Type"), choices=PropertyKind.choices)
    choices = forms.CharField(
        label=_("Values"),
        required=False,
        help_text=_("One value per line; only for the “choice from a list” type."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    position = forms.IntegerField(
        label=pgettext_lazy("order in a list", "Position"),
        required=False,
        min_value=0,
        help_text=_("Properties are shown in ascending order of position."),
    )
    required = forms.BooleanField(label=_("Required field"), required=False)

    def __init__(self, *args: Any, instance: PropertyDefinition | None = None, **kwargs: Any):
        self.instance = instance
        if instance is not None:
            kwargs["initial"] = {
                "target": instance.target, "code": instance.code, "name": instance.name,
                "kind": instance.kind, "choices": "\n".join(map(str, instance.choices)),
                "position": instance.position, "required": instance.required,
            }  # fmt: skip
        super().__init__(*args, **kwargs)
        if instance is not None:
            for name in FIXED_ON_EDIT:
                self.fields[name].disabled = True
            self.fields["code"].help_text = _("The code cannot change: stored values use it.")

    def to_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if self.instance is not None:
            for name in FIXED_ON_EDIT:
                data.pop(name)
        if data.get("position") is None:
            data["position"] = self.instance.position if self.instance else 0
        return data


class ClassifierForm(DomainForm):
    """One value added to the list of sources or of industries."""

    service_required = ("name",)

    name = forms.CharField(label=_("Name"), max_length=100)

    def __init__(self, *args: Any, placeholder: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update(
            {"class": "input", "placeholder": placeholder, "autocomplete": "off"}
        )
