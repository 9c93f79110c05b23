"""The own company form of Settings (one bank account in the form; the API takes a list)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.billing.models import OwnCompany
from accord.web.forms.errors import DomainForm

ACCOUNT_INPUTS = ("bank_name", "bic", "account", "correspondent_account")


class OwnCompanyForm(DomainForm):
    name = forms.CharField(label=_("Name"), max_length=255)
    full_name = forms.CharField(label=_("Full legal name"), required=False, max_length=500)
    inn = forms.CharField(label=_("INN"), max_length=20)
    kpp = forms.CharField(label=_("KPP"), required=False, max_length=20)
    ogrn = forms.CharField(label=_("OGRN"), required=False, max_length=20)
    legal_address = forms.CharField(
        label=_("Legal address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    actual_address = forms.CharField(
        label=_("Actual address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    director = forms.CharField(label=_("Director"), required=False, max_length=255)
    accountant = forms.CharField(label=_("Chief accountant"), required=False, max_length=255)
    is_default = forms.BooleanField(label=_("Issues invoices by default"), required=False)
    bank_name = forms.CharField(label=_("Bank"), required=False, max_length=255)
    bic = forms.CharField(label=_("BIC"), required=False, max_length=20)
    account = forms.CharField(label=_("Settlement account"), required=False, max_length=30)
    correspondent_account = forms.CharField(
        label=_("Correspondent account"), required=False, max_length=30
    )

    service_required = ("name", "inn")

    def __init__(self, data: Any = None, *, instance: OwnCompany | None = None) -> None:
        initial: dict[str, Any] = {}
        if instance is not None:
            initial = {name: getattr(instance, name) for name in self.base_fields
                       if name not in ACCOUNT_INPUTS}  # fmt: skip
            first = next(iter(instance.bank_accounts.all()), None)
            if first is not None:
                initial.update({name: getattr(first, name) for name in ACCOUNT_INPUTS})
        super().__init__(data, initial=initial)

    def field_for(self, key: str) -> str | None:
        """`bank_accounts.0.bic` is shown on the `bic` input."""
        if key.startswith("bank_accounts."):
            return key.rsplit(".", 1)[-1] if key.count(".") == 2 else "account"
        return super().field_for(key)

    def to_service(self) -> dict[str, Any]:
        cleaned = dict(self.cleaned_data)
        account = {name: cleaned.pop(name) or "" for name in ACCOUNT_INPUTS}
        cleaned["bank_accounts"] = [account] if account["bic"] or account["account"] else []
        return cleaned
