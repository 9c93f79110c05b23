"""Forms of the counterparty pages: the list's filters and the create/edit form."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.directory import identifiers as ids
from accord.directory.models import (
    Counterparty,
    CounterpartyKind,
    CounterpartyStatus,
    Industry,
    PropertyDefinition,
    Relation,
    Source,
    Tag,
)
from accord.directory.selectors import COUNTERPARTY_SORTS
from accord.users.access import assignable_users
from accord.users.models import User
from accord.web.forms.custom import add_custom_fields, custom_error_field, custom_values
from accord.web.forms.errors import DomainForm

TAG_CHOICES_LIMIT = 300


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


def set_choices(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    cast(forms.ChoiceField, form.fields[name]).choices = choices


def user_choices(user: User, *, keep: User | None = None) -> list[tuple[str, str]]:
    """Users that `user` may make responsible (and `keep`, who already is)."""
    users = assignable_users(user)
    if keep is not None and keep.pk not in {u.pk for u in users}:
        users = [*users, keep]
    return [(str(u.pk), str(u)) for u in users]


class CounterpartyFilterForm(forms.Form):
    """The search box and filters of the list; every value is optional."""

    q = forms.CharField(required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=_blank(_("Any kind")) + CounterpartyKind.choices
    )
    relation = forms.ChoiceField(
        label=_("Type"), required=False, choices=_blank(_("Any type")) + Relation.choices
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_blank(_("Any status")) + CounterpartyStatus.choices,
    )
    responsible = forms.ChoiceField(label=_("Responsible"), required=False)
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    vip = forms.ChoiceField(
        label=_("VIP"),
        required=False,
        choices=[("", _("VIP and others")), ("1", _("VIP only")), ("0", _("Not VIP"))],
    )
    sort = forms.ChoiceField(required=False, choices=[(s, s) for s in COUNTERPARTY_SORTS])
    cursor = forms.CharField(required=False, max_length=500)

    FILTERS = ("kind", "relation", "status", "responsible", "tag", "vip")

    def __init__(self, data: Any, *, user: User) -> None:
        super().__init__(data)
        people = user_choices(user)
        set_choices(self, "responsible", _blank(_("Anyone responsible")) + people)
        self.show_responsible = len(people) > 1
        tags = Tag.objects.values_list("name", flat=True)[:TAG_CHOICES_LIMIT]
        set_choices(self, "tag", _blank(_("Any tag")) + [(t, t) for t in tags])

    def values(self) -> dict[str, Any]:
        """Valid values only: a stale link with a removed tag still shows the list."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name) or "" for name in self.fields}

    def filters(self) -> dict[str, Any]:
        values = self.values()
        return {name: values[name] for name in self.FILTERS if values[name] != ""}


class BankAccountForm(forms.Form):
    bic = forms.CharField(label=_("BIC"), required=False, max_length=20)
    bank_name = forms.CharField(label=_("Bank"), required=False, max_length=255)
    account = forms.CharField(label=_("Account"), required=False, max_length=30)
    correspondent_account = forms.CharField(
        label=_("Correspondent account"), required=False, max_length=30
    )

    def row(self) -> dict[str, str] | None:
        """The account as the service takes it, or None for a row left blank."""
        row = {name: (self.cleaned_data.get(name) or "").strip() for name in self.fields}
        return row if any(row.values()) else None


BankAccountFormSet = forms.formset_factory(BankAccountForm, extra=0)


def _text(**attrs: Any) -> forms.TextInput:
    return forms.TextInput(attrs=attrs)


class CounterpartyForm(DomainForm):
    """Every field of a counterparty; the services check the values and the rules."""

    kind = forms.ChoiceField(
        label=_("Kind"), choices=CounterpartyKind.choices, widget=forms.RadioSelect
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-autofocus": ""}),
    )
    full_name = forms.CharField(label=_("Full legal name"), required=False, max_length=500)
    inn = forms.CharField(
        label=_("INN"), required=False, max_length=20, widget=_text(inputmode="numeric")
    )
    kpp = forms.CharField(label=_("KPP"), required=False, max_length=20)
    ogrn = forms.CharField(
        label=_("OGRN / OGRNIP"), required=False, max_length=20, widget=_text(inputmode="numeric")
    )
    code = forms.CharField(
        label=_("External code"),
        required=False,
        max_length=50,
        help_text=_("The code in the system the client came from, e.g. the old CRM."),
    )
    legal_address = forms.CharField(
        label=_("Legal address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    actual_address = forms.CharField(
        label=_("Actual address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    phone = forms.CharField(
        label=_("Phone"), required=False, max_length=40, widget=_text(type="tel")
    )
    email = forms.CharField(
        label=_("E-mail"), required=False, max_length=254, widget=_text(inputmode="email")
    )
    website = forms.CharField(
        label=_("Website"), required=False, max_length=200, widget=_text(inputmode="url")
    )
    responsible_id = forms.ChoiceField(label=_("Responsible manager"), required=False)
    relation = forms.ChoiceField(label=_("Type"), choices=Relation.choices)
    status = forms.ChoiceField(label=_("Status"), choices=CounterpartyStatus.choices)
    source_id = forms.ChoiceField(label=_("Source"), required=False)
    industry_id = forms.ChoiceField(label=_("Industry"), required=False)
    is_vip = forms.BooleanField(label=_("VIP client"), required=False)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=1000,
        help_text=_("Separate tags with commas."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirm_duplicates = forms.BooleanField(required=False, widget=forms.HiddenInput)

    service_required = ("name",)
    SERVICE_FIELDS = (
        "kind", "name", "full_name", "inn", "kpp", "ogrn", "code", "legal_address",
        "actual_address", "phone", "email", "website", "responsible_id", "relation", "status", "source_id",
        "industry_id", "is_vip", "notes",
    )  # fmt: skip

    def __init__(
        self,
        data: Any = None,
        *,
        user: User,
        definitions: list[PropertyDefinition],
        instance: Counterparty | None = None,
    ) -> None:
        super().__init__(data, initial=self._initial(user, instance))
        self.instance = instance
        self.definitions = definitions
        keep = instance.responsible if instance is not None else None
        set_choices(self, "responsible_id", list(user_choices(user, keep=keep)))
        sources = [(str(s.pk), s.name) for s in Source.objects.all()]
        set_choices(self, "source_id", _blank("—") + sources)
        industries = [(str(i.pk), i.name) for i in Industry.objects.all()]
        set_choices(self, "industry_id", _blank("—") + industries)
        add_custom_fields(self, definitions, instance.custom if instance is not None else {})
        accounts = self._accounts(instance)
        has_banks = data is not None and "bank-TOTAL_FORMS" in data
        self.banks = BankAccountFormSet(
            data if has_banks else None, prefix="bank", initial=accounts or [{}]
        )
        self.bank_rows: list[int] = []  # formset index of each account given to the service

    @staticmethod
    def _initial(user: User, instance: Counterparty | None) -> dict[str, Any]:
        if instance is None:
            return {"kind": CounterpartyKind.LEGAL_ENTITY, "responsible_id": user.pk}
        initial: dict[str, Any] = {
            name: getattr(instance, name) for name in CounterpartyForm.SERVICE_FIELDS
        }
        initial["phone"] = ids.format_phone(instance.phone) if instance.phone else ""
        initial["tags"] = ", ".join(t.name for t in instance.tags.all())
        return initial

    @staticmethod
    def _accounts(instance: Counterparty | None) -> list[dict[str, str]]:
        if instance is None:
            return []
        fields = ("bic", "bank_name", "account", "correspondent_account")
        return [{f: getattr(b, f) for f in fields} for b in instance.bank_accounts.all()]

    @property
    def custom_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("custom_")]

    def is_valid(self) -> bool:
        valid = super().is_valid()
        return (not self.banks.is_bound or self.banks.is_valid()) and valid

    def field_for(self, key: str) -> str | None:
        return custom_error_field(key) or super().field_for(key)

    def add_service_error(self, key: str, message: str) -> None:
        parts = key.split(".")
        if parts[0] == "bank_accounts" and len(parts) == 3 and parts[1].isdigit():
            index = int(parts[1])
            if index < len(self.bank_rows):
                self.banks.forms[self.bank_rows[index]].add_error(parts[2], message)
                return
        super().add_service_error(key, message)

    def to_service(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        data: dict[str, Any] = {name: cleaned.get(name) for name in self.SERVICE_FIELDS}
        data["custom"] = custom_values(cleaned, self.definitions)
        data["tags"] = [t.strip() for t in (cleaned.get("tags") or "").split(",") if t.strip()]
        if self.banks.is_bound:
            data["bank_accounts"] = self.bank_accounts()
        return data

    def bank_accounts(self) -> list[dict[str, str]]:
        accounts, self.bank_rows = [], []
        for index, form in enumerate(self.banks.forms):
            row = form.row() if hasattr(form, "cleaned_data") else None
            if row is not None:
                accounts.append(row)
                self.bank_rows.append(index)
        return accounts

    @property
    def confirmed(self) -> bool:
        return bool(self.is_bound and self.data.get("confirm_duplicates") in ("1", "true", "on"))
