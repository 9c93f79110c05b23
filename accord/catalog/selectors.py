"""Reads of the catalog. Every function takes the viewer first and filters by visibility.

A product list page costs a fixed number of queries whatever its size: the page, its count,
then one query for the shown prices and one for the shown stock.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, Sum

from accord.catalog.models import (
    Price,
    PriceType,
    Product,
    ProductGroup,
    ProductPropertyValue,
    Stock,
    Unit,
    Variant,
    Warehouse,
)
from accord.catalog.validation import text_key
from accord.core.errors import NotFoundError
from accord.core.pagination import CappedCount, Page, capped_count, keyset_page

PRODUCT_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name_key", "id"),
    "-name": ("-name_key", "-id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
}
VARIANT_ORDER = ("id",)


@dataclass(frozen=True)
class ProductRow:
    """A product as the list shows it, with the price and stock chosen in the list."""

    product: Product
    price: Decimal | None
    stock: Decimal | None


@dataclass(frozen=True)
class ProductList:
    page: Page[Product]
    rows: list[ProductRow]
    count: CappedCount


def _pk(value: Any) -> int | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk < 2**63 else None


def search_condition(query: str) -> Q:
    """Products by a part of the name (any case, ё as е), or by an exact article or barcode
    of the product or of one of its variants: each an indexed lookup, no scan for codes.
    """
    query = query.strip()
    if not query:
        return Q()
    compact = query.replace(" ", "")
    condition = Q(name_key__contains=text_key(query)) | Q(article=query) | Q(barcode=compact)
    holders = Variant.objects.filter(Q(article=query) | Q(barcode=compact))
    ids = list(holders.values_list("product_id", flat=True)[:1000])
    if ids:
        condition |= Q(pk__in=ids)
    return condition


def group_ids_under(group_id: int | None) -> list[int] | None:
    """The group and every group below it; None when no group is chosen."""
    if group_id is None:
        return None
    group = ProductGroup.objects.filter(pk=group_id).values_list("path", flat=True).first()
    if group is None:
        return []
    return list(ProductGroup.objects.filter(path__startswith=group).values_list("pk", flat=True))


def products_filtered(
    *, viewer: Any, query: str = "", group: Any = None, include_marked: bool = False
) -> QuerySet[Product]:
    """Products the viewer sees that match `query`, within `group` and its subgroups."""
    qs = Product.objects.visible_to(viewer).filter(search_condition(query))
    groups = group_ids_under(_pk(group)) if group not in (None, "") else None
    if groups is not None:
        qs = qs.filter(group_id__in=groups)
    if not include_marked:
        qs = qs.filter(marked_for_deletion=False)
    return qs.select_related("unit", "group")


def _prices_for(ids: list[int], price_type: PriceType | None) -> dict[int, Decimal]:
    """The product's own price, or the lowest of its variants' when it has none of its own."""
    if price_type is None or not ids:
        return {}
    own: dict[int, Decimal] = {}
    lowest: dict[int, Decimal] = {}
    rows = Price.objects.filter(price_type=price_type, product_id__in=ids)
    for product_id, variant_id, value in rows.values_list("product_id", "variant_id", "value"):
        if variant_id is None:
            own[product_id] = value
        elif product_id not in lowest or value < lowest[product_id]:
            lowest[product_id] = value
    return {**lowest, **own}


def _stock_for(ids: list[int], warehouse: Warehouse | None) -> dict[int, Decimal]:
    """Stock of the product with all its variants on the warehouse."""
    if warehouse is None or not ids:
        return {}
    rows = (
        Stock.objects.filter(warehouse=warehouse, product_id__in=ids)
        .values("product_id")
        .annotate(total=Sum("quantity"))
        .values_list("product_id", "total")
    )
    return dict(rows)


def products_list(
    *,
    viewer: Any,
    query: str = "",
    group: Any = None,
    price_type: PriceType | None = None,
    warehouse: Warehouse | None = None,
    sort: str = "name",
    cursor: str | None = None,
    size: int = 50,
) -> ProductList:
    """One page of products with the chosen price and stock, and a capped count."""
    qs = products_filtered(viewer=viewer, query=query, group=group)
    page = keyset_page(qs, order=PRODUCT_SORTS[sort], cursor=cursor, size=size)
    ids = [p.pk for p in page.items]
    prices, stock = _prices_for(ids, price_type), _stock_for(ids, warehouse)
    rows = [ProductRow(p, prices.get(p.pk), stock.get(p.pk)) for p in page.items]
    return ProductList(page=page, rows=rows, count=capped_count(qs))


def product_get(*, viewer: Any, pk: Any, details: bool = True) -> Product:
    """One product the viewer may see, a hidden one as missing as an unknown id.

    `details` prefetches what the card and the API show: variants, prices, stock, properties.
    """
    pk = _pk(pk)
    qs = Product.objects.visible_to(viewer).select_related("unit", "group")
    if details:
        values: QuerySet[Any] = ProductPropertyValue.objects.select_related(
            "property", "value_choice"
        )
        variant_values: Prefetch[Any, Any, Any] = Prefetch("property_values", queryset=values)
        qs = qs.select_related("created_by", "updated_by").prefetch_related(
            Prefetch("variants", queryset=Variant.objects.prefetch_related(variant_values)),
            Prefetch("prices", queryset=Price.objects.select_related(
                "price_type__currency").order_by("price_type__position", "price_type_id", "id")),
            Prefetch("stock", queryset=Stock.objects.select_related("warehouse").order_by(
                "warehouse__position", "warehouse_id", "id")),
            Prefetch("property_values", queryset=values.order_by("property__position", "id")),
            "images",
        )  # fmt: skip
    product = qs.filter(pk=pk).first() if pk else None
    if product is None:
        raise NotFoundError
    return product


def group_tree(*, viewer: Any) -> list[ProductGroup]:
    """Every group the viewer sees, in tree order (a parent before its children)."""
    groups = list(ProductGroup.objects.visible_to(viewer).filter(marked_for_deletion=False))
    children: dict[int | None, list[ProductGroup]] = defaultdict(list)
    for group in groups:
        children[group.parent_id].append(group)
    ordered: list[ProductGroup] = []

    def walk(parent: int | None) -> None:
        for group in sorted(children[parent], key=lambda g: (g.position, g.name, g.pk)):
            ordered.append(group)
            walk(group.pk)

    walk(None)
    return ordered


def price_types(*, viewer: Any, active_only: bool = False) -> list[PriceType]:
    qs = PriceType.objects.visible_to(viewer).select_related("currency")
    return list(qs.filter(is_active=True) if active_only else qs)


def warehouses(*, viewer: Any, active_only: bool = False) -> list[Warehouse]:
    qs = Warehouse.objects.visible_to(viewer)
    return list(qs.filter(is_active=True) if active_only else qs)


def units(*, viewer: Any) -> list[Unit]:
    return list(Unit.objects.visible_to(viewer).filter(marked_for_deletion=False))


def price_types_visible(*, viewer: Any) -> QuerySet[PriceType]:
    return PriceType.objects.visible_to(viewer).select_related("currency")


def warehouses_visible(*, viewer: Any) -> QuerySet[Warehouse]:
    return Warehouse.objects.visible_to(viewer)


def _one(qs: QuerySet[Any], pk: Any) -> Any:
    pk = _pk(pk)
    row = qs.filter(pk=pk).first() if pk else None
    if row is None:
        raise NotFoundError
    return row


def price_type_get(*, viewer: Any, pk: Any) -> PriceType:
    return _one(price_types_visible(viewer=viewer), pk)


def warehouse_get(*, viewer: Any, pk: Any) -> Warehouse:
    return _one(warehouses_visible(viewer=viewer), pk)


def variants_filtered(*, viewer: Any, product: Any = None, query: str = "") -> QuerySet[Variant]:
    qs = Variant.objects.visible_to(viewer)
    if product not in (None, ""):
        qs = qs.filter(product_id=_pk(product) or 0)
    query = query.strip()
    if query:
        qs = qs.filter(
            Q(name__icontains=query) | Q(article=query) | Q(barcode=query.replace(" ", ""))
        )
    return qs


def variant_get(*, viewer: Any, pk: Any) -> Variant:
    return _one(Variant.objects.visible_to(viewer).select_related("product"), pk)
