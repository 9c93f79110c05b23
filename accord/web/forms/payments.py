"""The register-payment form: the payment's fields, and per open invoice of the counterparty
an amount to allocate (or "allocate automatically" to the oldest unpaid invoices)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accord.billing.models import Invoice
from accord.web.forms.errors import DomainForm


class PaymentForm(DomainForm):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.CharField(label=_("Amount"), max_length=30)
    number = forms.CharField(label=_("Payment document number"), max_length=50, required=False)
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    auto = forms.BooleanField(
        label=_("Allocate automatically to the oldest unpaid invoices"), required=False
    )
    service_required = ("amount",)

    def __init__(
        self, data: Any = None, *, counterparty_id: int, invoices: list[Invoice],
        preselect: int | None = None,
    ) -> None:  # fmt: skip
        initial = {"date": timezone.localdate(), "auto": not invoices}
        super().__init__(data, initial=initial)
        self.counterparty_id = counterparty_id
        self.invoices = invoices
        for invoice in invoices:
            rest = invoice.total - invoice.paid_amount
            self.fields[f"alloc_{invoice.pk}"] = forms.CharField(
                label=str(invoice), required=False, max_length=30,
                initial=rest if invoice.pk == preselect else "",
            )  # fmt: skip
            invoice.rest = rest  # type: ignore[attr-defined]
            invoice.field = self[f"alloc_{invoice.pk}"]  # type: ignore[attr-defined]

    def field_for(self, key: str) -> str | None:
        if key.startswith("allocations"):
            return None  # the whole form: the message names the invoice
        return super().field_for(key)

    def to_service(self) -> dict[str, Any]:
        data = self.cleaned_data
        out: dict[str, Any] = {
            "counterparty_id": self.counterparty_id, "date": data["date"],
            "amount": data["amount"], "number": data["number"], "comment": data["comment"],
        }  # fmt: skip
        if not data["auto"]:
            out["allocations"] = [
                {"invoice_id": invoice.pk, "amount": data[f"alloc_{invoice.pk}"]}
                for invoice in self.invoices
                if (data.get(f"alloc_{invoice.pk}") or "").strip()
            ]
        return out
