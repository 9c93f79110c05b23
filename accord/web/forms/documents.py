"""Forms of quotes and orders: the list filters, the header form and its lines.

Lines are posted as parallel lists (`line_product`, `line_quantity`, ...), one entry per
row, so the page can add rows without numbering them; a row without a product is skipped.
The services check every value; a line's errors come back keyed `lines.<n>.<field>`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accord.catalog.models import Product, VatRate
from accord.catalog.selectors import price_types
from accord.directory.models import Counterparty
from accord.sales.document_selectors import DOCUMENT_SORTS
from accord.sales.models import Deal
from accord.sales.selectors import counterparties_for_deal
from accord.users.models import User
from accord.web.forms.counterparties import set_choices, user_choices
from accord.web.forms.errors import DomainForm

LINE_INPUTS = {
    "product_id": "line_product", "quantity": "line_quantity", "price": "line_price",
    "discount_percent": "line_discount", "vat_rate": "line_vat",
}  # fmt: skip


class DocumentFilterForm(forms.Form):
    """The list's search, status filter and sort; every value is optional."""

    q = forms.CharField(required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False)
    responsible = forms.ChoiceField(label=_("Responsible"), required=False)
    sort = forms.ChoiceField(required=False, choices=[(s, s) for s in DOCUMENT_SORTS])
    cursor = forms.CharField(required=False, max_length=500)

    def __init__(self, data: Any, *, user: User, statuses: Any) -> None:
        super().__init__(data)
        set_choices(self, "status", [("", _("Any status")), *statuses])
        people = user_choices(user)
        set_choices(self, "responsible", [("", _("Anyone responsible")), *people])
        self.show_responsible = len(people) > 1

    def values(self) -> dict[str, Any]:
        """Valid values only: a stale link still shows the page."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name) or "" for name in self.fields}


@dataclass
class LineRow:
    """One row of the lines table as the form shows it."""

    product: Product | None = None
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    amounts: Any = None


class DocumentForm(DomainForm):
    """The header of a quote or an order; the lines travel beside it (`rows`)."""

    counterparty_id = forms.ChoiceField(label=_("Counterparty"))
    contact_person_id = forms.ChoiceField(label=_("Contact person"), required=False)
    deal_id = forms.ChoiceField(label=_("Deal"), required=False)
    date = forms.DateField(
        label=_("Date"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )  # fmt: skip
    valid_until = forms.DateField(
        label=_("Valid until"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )  # fmt: skip
    price_type_id = forms.ChoiceField(label=_("Price type"), required=False)
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3, initial="RUB")
    vat_included = forms.BooleanField(label=_("VAT included in prices"), required=False)
    responsible_id = forms.ChoiceField(label=_("Responsible manager"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    service_required = ("counterparty_id",)

    def __init__(self, data: Any = None, *, user: User, instance: Any = None,
                 deal: Deal | None = None, quote_fields: bool = True) -> None:  # fmt: skip
        super().__init__(data, initial=self._initial(user, instance, deal))
        self.instance = instance
        if not quote_fields:
            del self.fields["valid_until"]
        chosen = self._counterparty(user, data, instance, deal)
        options = counterparties_for_deal(viewer=user, query="")
        if chosen is not None and chosen.pk not in {c.pk for c in options}:
            options.insert(0, chosen)
        set_choices(self, "counterparty_id", [("", "—")] + [(str(c.pk), c.name) for c in options])
        people = chosen.contact_persons.all() if chosen is not None else []
        set_choices(self, "contact_person_id", [("", "—")] + [(str(p.pk), p.name) for p in people])
        deals = Deal.objects.visible_to(user).filter(counterparty=chosen) if chosen else []
        set_choices(self, "deal_id", [("", "—")] + [(str(d.pk), d.title) for d in deals])
        types = price_types(viewer=user, active_only=True)
        set_choices(self, "price_type_id", [("", "—")] + [(str(t.pk), str(t)) for t in types])
        keep = instance.responsible if instance is not None else None
        set_choices(self, "responsible_id", user_choices(user, keep=keep))
        self.rows = self._rows(data, instance)

    @staticmethod
    def _initial(user: User, instance: Any, deal: Deal | None) -> dict[str, Any]:
        if instance is not None:
            names = ("counterparty_id", "contact_person_id", "deal_id", "date", "price_type_id",
                     "currency", "vat_included", "responsible_id", "notes", "valid_until")  # fmt: skip
            return {name: getattr(instance, name, None) for name in names}
        default = next(
            (t for t in price_types(viewer=user, active_only=True) if t.is_default), None
        )
        return {
            "responsible_id": user.pk, "currency": "RUB", "vat_included": True,
            "date": timezone.localdate(),
            "price_type_id": default.pk if default else None,
            "counterparty_id": deal.counterparty_id if deal else None,
            "contact_person_id": deal.contact_person_id if deal else None,
            "deal_id": deal.pk if deal else None,
        }  # fmt: skip

    @staticmethod
    def _counterparty(
        user: User, data: Any, instance: Any, deal: Deal | None
    ) -> Counterparty | None:
        raw: Any = data.get("counterparty_id") if data is not None else None
        if raw in (None, ""):
            if deal is not None:
                return deal.counterparty
            return instance.counterparty if instance is not None else None
        try:
            return Counterparty.objects.visible_to(user).filter(pk=int(raw)).first()
        except (TypeError, ValueError):
            return None

    @staticmethod
    def _rows(data: Any, instance: Any) -> list[LineRow]:
        """Rows posted back (to show them again with errors), the document's, or one blank."""
        if data is not None:
            columns = {name: data.getlist(key) for name, key in LINE_INPUTS.items()}
            size = max((len(v) for v in columns.values()), default=0)
            raw = [
                {n: (v[i] if i < len(v) else "") for n, v in columns.items()} for i in range(size)
            ]
            kept = [row for row in raw if row["product_id"]]
            ids = [int(r["product_id"]) for r in kept if str(r["product_id"]).isdigit()]
            products = Product.objects.in_bulk(ids)
            return [
                LineRow(products.get(int(r["product_id"])) if str(r["product_id"]).isdigit()
                        else None, r)
                for r in kept
            ] or [LineRow()]  # fmt: skip
        if instance is not None:
            return [
                LineRow(line.product, {
                    "product_id": line.product_id, "quantity": line.quantity, "price": line.price,
                    "discount_percent": line.discount_percent, "vat_rate": line.vat_rate,
                }, amounts=line)
                for line in instance.lines.all()
            ]  # fmt: skip
        return [LineRow()]

    vat_choices = VatRate.choices

    def field_for(self, key: str) -> str | None:
        if key.startswith("lines."):
            return None
        return super().field_for(key)

    def add_service_error(self, key: str, message: str) -> None:
        """A line's error goes to its row; `lines` alone (no lines) above the form."""
        parts = key.split(".")
        if parts[0] == "lines" and len(parts) > 1 and parts[1].isdigit():
            index = int(parts[1])
            if index < len(self.rows):
                self.rows[index].errors.append(message)
                return
        super().add_service_error(key, message)

    def to_service(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        names = [n for n in self.fields if n != "vat_included"]
        data = {name: cleaned.get(name) for name in names}
        data["vat_included"] = bool(cleaned.get("vat_included"))
        data["lines"] = [
            {k: v for k, v in row.values.items() if v not in (None, "")} for row in self.rows
            if row.values.get("product_id")
        ]  # fmt: skip
        return data


class StatusForm(DomainForm):
    status = forms.ChoiceField(label=_("Status"))

    def __init__(self, data: Any = None, *, choices: Any, current: str) -> None:
        super().__init__(data, initial={"status": current})
        set_choices(self, "status", list(choices))
