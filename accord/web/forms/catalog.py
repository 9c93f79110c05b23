"""Forms of the catalog: the list's search and selectors, the product form, the settings
lists' "add" forms. The services check every value; forms only shape the input.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.catalog.models import (
    PriceType,
    Product,
    ProductGroup,
    ProductKind,
    Unit,
    Variant,
    VatRate,
    Warehouse,
)
from accord.web.forms.errors import DomainForm

GROUP_INDENT = "\u2003"  # an em space per tree level in the group select


class CatalogFilterForm(forms.Form):
    """The search box, the group and the price type and warehouse whose columns are shown."""

    q = forms.CharField(required=False, max_length=200)
    group = forms.IntegerField(required=False, min_value=1)
    price_type = forms.ChoiceField(label=_("Price type"), required=False)
    warehouse = forms.ChoiceField(label=_("Warehouse"), required=False)
    cursor = forms.CharField(required=False, max_length=500)

    def __init__(
        self, data: Any, *, price_types: list[PriceType], warehouses: list[Warehouse]
    ) -> None:
        super().__init__(data)
        self.price_types, self.warehouses = price_types, warehouses
        self.fields["price_type"].choices = [(str(t.pk), t.name) for t in price_types]  # type: ignore[attr-defined]
        self.fields["warehouse"].choices = [(str(w.pk), w.name) for w in warehouses]  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        """Valid values only, the first price type (the default) and warehouse when unset."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        values = {name: cleaned.get(name) or "" for name in self.fields}
        default = next((t for t in self.price_types if t.is_default), None)
        values["price_type_obj"] = self._pick(self.price_types, values["price_type"], default)
        values["warehouse_obj"] = self._pick(self.warehouses, values["warehouse"], None)
        return values

    @staticmethod
    def _pick(rows: list[Any], value: str, default: Any) -> Any:
        chosen = next((r for r in rows if str(r.pk) == value), None)
        return chosen or default or (rows[0] if rows else None)


class ProductForm(DomainForm):
    service_required = ("name",)

    kind = forms.ChoiceField(label=_("Kind"), choices=ProductKind.choices, widget=forms.RadioSelect)
    name = forms.CharField(
        label=_("Name"), max_length=255, widget=forms.TextInput(attrs={"data-autofocus": ""})
    )
    full_name = forms.CharField(label=_("Full name"), max_length=1000, required=False)
    article = forms.CharField(label=_("Article"), max_length=100, required=False)
    barcode = forms.CharField(label=_("Barcode"), max_length=64, required=False)
    group_id = forms.ChoiceField(label=_("Group"), required=False)
    unit_id = forms.ChoiceField(label=_("Unit"))
    vat_rate = forms.ChoiceField(label=_("VAT rate"), choices=VatRate.choices)
    manufacturer = forms.CharField(label=_("Manufacturer"), max_length=255, required=False)
    country = forms.CharField(label=_("Country of origin"), max_length=100, required=False)
    trademark = forms.CharField(label=_("Trademark"), max_length=255, required=False)
    weight = forms.DecimalField(
        label=_("Weight, kg"), required=False, max_digits=15, decimal_places=3, min_value=0
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(
        self,
        data: Any = None,
        *,
        groups: list[ProductGroup],
        units: list[Unit],
        instance: Product | None = None,
    ) -> None:
        initial: dict[str, Any] = {"kind": ProductKind.GOODS, "vat_rate": VatRate.TWENTY_TWO}
        piece = next((u for u in units if u.code == "796"), None)
        initial["unit_id"] = piece.pk if piece else None
        if instance is not None:
            initial = {name: getattr(instance, name) for name in self.base_fields}
        super().__init__(data, initial=initial)
        self.instance = instance
        self.fields["group_id"].choices = [("", _("No group"))] + [  # type: ignore[attr-defined]
            (str(g.pk), GROUP_INDENT * g.depth + g.name) for g in groups
        ]
        self.fields["unit_id"].choices = [(str(u.pk), str(u)) for u in units]  # type: ignore[attr-defined]

    def to_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["weight"] = str(data["weight"]) if data.get("weight") is not None else None
        return data


class PriceTypeForm(DomainForm):
    service_required = ("name", "code")

    name = forms.CharField(label=_("Name"), max_length=100)
    code = forms.CharField(label=_("Code"), max_length=50)
    currency_id = forms.ChoiceField(label=_("Currency"))
    vat_included = forms.BooleanField(label=_("VAT included"), required=False, initial=True)
    is_default = forms.BooleanField(label=_("Default"), required=False)

    def __init__(self, *args: Any, currencies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["currency_id"].choices = [(str(c.pk), c.code) for c in currencies]  # type: ignore[attr-defined]


class WarehouseForm(DomainForm):
    service_required = ("name", "code")

    name = forms.CharField(label=_("Name"), max_length=255)
    code = forms.CharField(label=_("Code"), max_length=50)
    address = forms.CharField(label=_("Address"), max_length=500, required=False)


class UnitForm(DomainForm):
    service_required = ("code", "short_name")

    code = forms.CharField(label=_("OKEI code"), max_length=10)
    short_name = forms.CharField(label=_("Short name"), max_length=20)
    full_name = forms.CharField(label=_("Full name"), max_length=100, required=False)


class VariantForm(DomainForm):
    service_required = ("name",)

    name = forms.CharField(
        label=_("Name"), max_length=255, widget=forms.TextInput(attrs={"data-autofocus": ""})
    )
    article = forms.CharField(label=_("Article"), max_length=100, required=False)
    barcode = forms.CharField(label=_("Barcode"), max_length=64, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, data: Any = None, *, instance: Variant | None = None) -> None:
        initial = {name: getattr(instance, name) for name in self.base_fields} if instance else {}
        super().__init__(data, initial=initial or None)


class PriceMatrixForm(DomainForm):
    """One text input per row (a variant, or the product itself: None) and price type.

    The text goes to `price_set` as typed, so the service alone judges numbers; an empty
    input removes that price. Errors of `prices.<i>.value` land on the i-th input.
    """

    def __init__(
        self,
        data: Any = None,
        *,
        price_types: list[PriceType],
        rows: list[tuple[Variant | None, list[Decimal | None]]],
    ) -> None:
        super().__init__(data)
        self.price_types = price_types
        self.cells: list[tuple[str, int, int | None]] = []  # field name, price type, variant
        self.row_names: list[tuple[Variant | None, list[str]]] = []
        for variant, values in rows:
            names = [
                self._add_cell(t, variant, v) for t, v in zip(price_types, values, strict=True)
            ]
            self.row_names.append((variant, names))

    def _add_cell(self, price_type: PriceType, variant: Variant | None, value: Any) -> str:
        name = f"price_{price_type.pk}_{variant.pk if variant else 0}"
        label = f"{price_type.name}: {variant.name if variant else _('The product itself')}"
        self.fields[name] = forms.CharField(
            label=label,
            required=False,
            max_length=40,
            initial="" if value is None else str(value),
            widget=forms.TextInput(
                attrs={"inputmode": "decimal", "class": "num", "aria-label": label}
            ),
        )
        self.cells.append((name, price_type.pk, variant.pk if variant else None))
        return name

    def grid(self) -> list[tuple[Variant | None, list[forms.BoundField]]]:
        return [(variant, [self[name] for name in names]) for variant, names in self.row_names]

    def field_for(self, key: str) -> str | None:
        parts = key.split(".")
        if parts[0] == "prices" and len(parts) > 1 and parts[1].isdigit():
            index = int(parts[1])
            return self.cells[index][0] if index < len(self.cells) else None
        return None

    def to_service(self) -> dict[str, Any]:
        entries = [
            {"price_type_id": type_id, "variant_id": variant_id,
             "value": self.cleaned_data[name].strip() or None}
            for name, type_id, variant_id in self.cells
        ]  # fmt: skip
        return {"entries": entries}
