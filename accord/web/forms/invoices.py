"""Forms of the invoice pages: the list filters and the invoice form with its lines.

The lines are repeated inputs (`line_name`, `line_quantity`, ...) read as lists, one row per
line; blank rows are dropped. The services check every value; their `lines.N.field`
errors are shown on row N.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accord.billing.models import Invoice, InvoiceStatus, OwnCompany
from accord.billing.selectors import INVOICE_SORTS
from accord.catalog.models import Unit, VatRate
from accord.directory.models import Counterparty
from accord.sales.models import Deal
from accord.sales.selectors import counterparties_for_deal
from accord.users.models import User
from accord.web.forms.counterparties import set_choices, user_choices
from accord.web.forms.errors import DomainForm

LINE_INPUTS = ("product_id", "name", "quantity", "unit_id", "price", "discount_percent", "vat_rate")
BLANK_LINE = {"quantity": "1", "vat_rate": VatRate.TWENTY_TWO.value}


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class InvoiceFilterForm(forms.Form):
    """The list's search and filters; every value is optional."""

    q = forms.CharField(required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=_blank(_("Any status")) + list(InvoiceStatus.choices),
    )  # fmt: skip
    counterparty = forms.IntegerField(required=False, min_value=1)
    overdue = forms.ChoiceField(
        label=_("Overdue"), required=False,
        choices=[("", _("Overdue or not")), ("1", _("Overdue only"))],
    )  # fmt: skip
    sort = forms.ChoiceField(required=False, choices=[(s, s) for s in INVOICE_SORTS])
    cursor = forms.CharField(required=False, max_length=500)

    FILTERS = ("status", "counterparty", "overdue")

    def values(self) -> dict[str, Any]:
        """Valid values only: a stale link still shows the page."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name) or "" for name in self.fields}

    def filters(self) -> dict[str, Any]:
        values = self.values()
        return {name: values[name] for name in self.FILTERS if values[name] != ""}


def _line_rows(data: Any) -> list[dict[str, str]]:
    """The posted line rows, without the blank ones."""
    columns = {name: data.getlist(f"line_{name}") for name in LINE_INPUTS}
    count = max((len(values) for values in columns.values()), default=0)
    rows = []
    for i in range(count):
        row = {name: (values[i] if i < len(values) else "").strip()
               for name, values in columns.items()}  # fmt: skip
        if any(row[name] for name in ("name", "price", "product_id")):
            rows.append(row)
    return rows


class InvoiceForm(DomainForm):
    """The header fields of an invoice and its lines."""

    own_company_id = forms.ChoiceField(label=_("Own company"))
    date = forms.DateField(
        label=_("Date"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )  # fmt: skip
    due_date = forms.DateField(
        label=_("Pay by"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )  # fmt: skip
    counterparty_id = forms.ChoiceField(label=_("Counterparty"))
    contact_person_id = forms.ChoiceField(label=_("Contact person"), required=False)
    deal_id = forms.ChoiceField(label=_("Deal"), required=False)
    responsible_id = forms.ChoiceField(label=_("Responsible manager"), required=False)
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3, initial="RUB")
    vat_included = forms.BooleanField(label=_("VAT included in prices"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    service_required = ("own_company_id", "counterparty_id")
    HEADER = (
        "own_company_id", "date", "due_date", "counterparty_id", "contact_person_id", "deal_id",
        "responsible_id", "currency", "vat_included", "notes",
    )  # fmt: skip

    def __init__(
        self, data: Any = None, *, user: User, instance: Invoice | None = None,
        initial: dict[str, Any] | None = None,
    ) -> None:  # fmt: skip
        start = self._initial(user, instance, initial or {})
        super().__init__(data, initial=start)
        self.instance = instance
        self.line_errors: dict[int, list[str]] = {}
        self.lines = _line_rows(data) if data is not None else start["lines"]
        self.units = list(Unit.objects.filter(is_active=True))
        self.vat_rates = VatRate.choices
        companies = [(str(c.pk), c.name) for c in OwnCompany.objects.all()]
        set_choices(self, "own_company_id", companies)
        chosen = self._counterparty(user, data, start)
        options = counterparties_for_deal(viewer=user, query="")
        if chosen is not None and chosen.pk not in {c.pk for c in options}:
            options.insert(0, chosen)
        set_choices(self, "counterparty_id", _blank("—") + [(str(c.pk), c.name) for c in options])
        people = chosen.contact_persons.all() if chosen is not None else []
        set_choices(self, "contact_person_id", _blank("—") + [(str(p.pk), p.name) for p in people])
        deals = (
            Deal.objects.visible_to(user).filter(counterparty=chosen) if chosen is not None else []
        )
        set_choices(self, "deal_id", _blank("—") + [(str(d.pk), d.title) for d in deals])
        keep = instance.responsible if instance is not None else None
        set_choices(self, "responsible_id", user_choices(user, keep=keep))

    @staticmethod
    def _initial(user: User, instance: Invoice | None, given: dict[str, Any]) -> dict[str, Any]:
        if instance is None:
            start: dict[str, Any] = {
                "responsible_id": user.pk, "currency": "RUB", "vat_included": True,
                "date": timezone.localdate(), "lines": [dict(BLANK_LINE)],
            }  # fmt: skip
            start.update(given)
            start["lines"] = [{**BLANK_LINE, **line} for line in start["lines"]]
            return start
        start = {name: getattr(instance, name) for name in InvoiceForm.HEADER}
        start["lines"] = [
            {name: "" if getattr(ln, name) is None else str(getattr(ln, name))
             for name in LINE_INPUTS}
            for ln in instance.lines.all()
        ]  # fmt: skip
        return start

    @staticmethod
    def _counterparty(user: User, data: Any, start: dict[str, Any]) -> Counterparty | None:
        """The counterparty picked so far (posted or initial), if the user sees it."""
        raw: Any = data.get("counterparty_id") if data is not None else start.get("counterparty_id")
        try:
            pk = int(raw)
        except (TypeError, ValueError):
            return None
        return Counterparty.objects.visible_to(user).filter(pk=pk).first()

    def add_service_error(self, key: str, message: str) -> None:
        parts = key.split(".")
        if parts[0] == "lines" and len(parts) > 1 and parts[1].isdigit():
            self.line_errors.setdefault(int(parts[1]), []).append(message)
            return
        super().add_service_error(key, message)

    def line_rows(self) -> list[tuple[dict[str, Any], list[str]]]:
        """Each line's inputs with its errors, for the template."""
        return [(row, self.line_errors.get(i, [])) for i, row in enumerate(self.lines)]

    def to_service(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        data = {name: cleaned.get(name) for name in self.HEADER}
        data["lines"] = [dict(row) for row in self.lines]
        return data
