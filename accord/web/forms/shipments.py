"""Forms of shipments: the list filters and the create/edit form, whose lines are the
order's lines with an editable quantity each (`qty_<order line id>`, blank or 0: skip)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accord.catalog.models import Warehouse
from accord.sales.document_selectors import DOCUMENT_SORTS
from accord.sales.models import OrderLine, ShipmentKind, ShipmentStatus
from accord.web.forms.counterparties import set_choices
from accord.web.forms.errors import DomainForm


class ShipmentFilterForm(forms.Form):
    """The list's search, status and kind filters and sort; every value is optional."""

    q = forms.CharField(required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("Any status")), *ShipmentStatus.choices],
    )  # fmt: skip
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *ShipmentKind.choices]
    )
    sort = forms.ChoiceField(required=False, choices=[(s, s) for s in DOCUMENT_SORTS])
    cursor = forms.CharField(required=False, max_length=500)

    def values(self) -> dict[str, Any]:
        """Valid values only: a stale link still shows the page."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name) or "" for name in self.fields}


@dataclass
class ShipRow:
    """One order line in the form: what is left to ship and the quantity typed."""

    line: OrderLine
    left: Decimal
    value: str
    errors: list[str] = field(default_factory=list)


class ShipmentForm(DomainForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ShipmentKind.choices)
    date = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    warehouse_id = forms.ChoiceField(label=_("Warehouse"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(
        self, data: Any, *, order_lines: list[OrderLine], remainders: dict[int, Decimal],
        initial: dict[str, Any] | None = None, shipped: dict[int, Decimal] | None = None,
    ) -> None:  # fmt: skip
        super().__init__(data, initial=initial or {"date": timezone.localdate()})
        warehouses = Warehouse.objects.filter(marked_for_deletion=False)
        set_choices(self, "warehouse_id", [("", "—"), *((w.pk, w.name) for w in warehouses)])
        typed = shipped if shipped is not None else remainders
        self.rows = [
            ShipRow(line, remainders.get(line.pk, Decimal(0)),
                    data.get(f"qty_{line.pk}", "") if data is not None
                    else _plain(typed.get(line.pk, Decimal(0))))
            for line in order_lines
        ]  # fmt: skip

    def _sent(self) -> list[ShipRow]:
        return [row for row in self.rows if row.value.strip() not in ("", "0")]

    def add_service_error(self, key: str, message: str) -> None:
        """`lines.<n>.quantity` goes to the n-th row sent; the rest as usual."""
        parts = key.split(".")
        sent = self._sent()
        if (
            parts[0] == "lines"
            and len(parts) > 1
            and parts[1].isdigit()
            and int(parts[1]) < len(sent)
        ):
            sent[int(parts[1])].errors.append(message)
            return
        super().add_service_error(key, message)

    def to_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["warehouse_id"] = data.get("warehouse_id") or None
        data["date"] = data.get("date") or None
        data["lines"] = [{"order_line_id": row.line.pk, "quantity": row.value.strip()}
                         for row in self._sent()]  # fmt: skip
        return data


def _plain(value: Decimal) -> str:
    return "" if not value else format(value.normalize(), "f")
