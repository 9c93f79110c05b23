"""The catalog: what the API accepts and answers for products, variants, price types and
warehouses. Money and quantities are decimal strings ("1719.50"), never floats."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from accord.api.pagination import ListParams, Paged
from accord.api.schemas.common import Id, InSchema
from accord.catalog.models import Product, ProductKind, VatRate

ProductSort = Literal["name", "-name", "created", "-created"]


# ---------------------------------------------------------------- products


class PriceOut(Schema):
    price_type_id: int
    variant_id: int | None
    value: Decimal


class StockOut(Schema):
    warehouse_id: int
    variant_id: int | None
    quantity: Decimal = Field(description="May be negative: 1C sends it so.")


class PropertyValueOut(Schema):
    property_id: int
    name: str
    value: Any


class VariantBrief(Schema):
    id: int
    name: str
    article: str
    barcode: str
    is_active: bool


class ProductIn(InSchema):
    """Fields to change; every field is optional. `properties` sets the named values only."""

    kind: ProductKind | None = None
    article: str | None = None
    name: str | None = None
    full_name: str | None = None
    group_id: Id | None = None
    unit_id: Id | None = Field(None, description="By default the piece (OKEI 796).")
    vat_rate: VatRate | None = None
    barcode: str | None = None
    manufacturer: str | None = None
    country: str | None = None
    trademark: str | None = None
    weight: Decimal | None = None
    description: str | None = None
    is_active: bool | None = None
    properties: dict[str, Any] | None = Field(None, description="Property id: value.")


class ProductCreateIn(ProductIn):
    name: str


class ProductItem(Schema):
    """A product as lists show it."""

    id: int
    kind: ProductKind
    article: str
    name: str
    full_name: str
    group_id: int | None
    unit_id: int
    unit: str
    vat_rate: VatRate
    barcode: str
    manufacturer: str
    country: str
    trademark: str
    weight: Decimal | None
    description: str
    is_active: bool
    marked_for_deletion: bool
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_unit(obj: Product) -> str:
        return obj.unit.short_name


class ProductOut(ProductItem):
    """A product with its variants, prices, stock and property values (read-only here)."""

    variants: list[VariantBrief]
    prices: list[PriceOut]
    stock: list[StockOut]
    properties: list[PropertyValueOut]

    @staticmethod
    def resolve_variants(obj: Product) -> list[Any]:
        return list(obj.variants.all())

    @staticmethod
    def resolve_prices(obj: Product) -> list[Any]:
        return list(obj.prices.all())

    @staticmethod
    def resolve_stock(obj: Product) -> list[Any]:
        return list(obj.stock.all())

    @staticmethod
    def resolve_properties(obj: Product) -> list[dict[str, Any]]:
        return [
            {"property_id": v.property_id, "name": v.property.name, "value": v.typed_value()}
            for v in obj.property_values.all()
        ]


class ProductPage(Paged[ProductItem]):
    pass


class ProductListParams(ListParams):
    group: Id | None = Field(None, description="A group id; its subgroups are included.")
    sort: ProductSort = "name"


class PriceIn(InSchema):
    price_type_id: Id
    variant_id: Id | None = None
    value: Decimal | None = Field(description="Not negative; null removes the price.")


class PricesIn(InSchema):
    prices: list[PriceIn] = Field(max_length=1000)


# ---------------------------------------------------------------- variants


class VariantIn(InSchema):
    name: str | None = None
    article: str | None = None
    barcode: str | None = None
    is_active: bool | None = None
    properties: dict[str, Any] | None = Field(None, description="Property id: value.")


class VariantCreateIn(VariantIn):
    product_id: Id
    name: str


class VariantOut(VariantBrief):
    product_id: int
    marked_for_deletion: bool


class VariantPage(Paged[VariantOut]):
    pass


class VariantListParams(ListParams):
    product: Id | None = Field(None, description="Only the variants of this product.")


# ---------------------------------------------------------------- price types, warehouses


class PriceTypeIn(InSchema):
    name: str | None = None
    code: str | None = None
    currency: str | None = Field(None, description="ISO code, e.g. RUB.")
    vat_included: bool | None = None
    is_active: bool | None = None
    is_default: bool | None = None


class PriceTypeCreateIn(PriceTypeIn):
    name: str
    code: str
    currency: str = "RUB"


class PriceTypeOut(Schema):
    id: int
    name: str
    code: str
    currency: str
    vat_included: bool
    is_active: bool
    is_default: bool

    @staticmethod
    def resolve_currency(obj: Any) -> str:
        return str(obj.currency.code)


class PriceTypePage(Paged[PriceTypeOut]):
    pass


class WarehouseIn(InSchema):
    name: str | None = None
    code: str | None = None
    address: str | None = None
    is_active: bool | None = None


class WarehouseCreateIn(WarehouseIn):
    name: str
    code: str


class WarehouseOut(Schema):
    id: int
    name: str
    code: str
    address: str
    is_active: bool
    marked_for_deletion: bool


class WarehousePage(Paged[WarehouseOut]):
    pass
