"""/api/v1/variants, /api/v1/price-types, /api/v1/warehouses: list, read, create, change."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from accord.api.auth import request_user
from accord.api.errors import error_responses
from accord.api.pagination import ListParams, PageData, paginate
from accord.api.schemas.catalog import (
    PriceTypeCreateIn,
    PriceTypeIn,
    PriceTypeOut,
    PriceTypePage,
    VariantCreateIn,
    VariantIn,
    VariantListParams,
    VariantOut,
    VariantPage,
    WarehouseCreateIn,
    WarehouseIn,
    WarehouseOut,
    WarehousePage,
)
from accord.api.schemas.common import Id
from accord.catalog import selectors
from accord.catalog.models import PriceType, Variant, Warehouse
from accord.catalog.services import variant_create, variant_update
from accord.catalog.settings_services import price_type_save, warehouse_save
from accord.core.errors import NotFoundError, ValidationFailedError

variants = Router(tags=["variants"])
price_types = Router(tags=["price types"])
warehouses = Router(tags=["warehouses"])
BY_ID = ("id",)

# ---------------------------------------------------------------- variants


@variants.get(
    "",
    response={200: VariantPage, **error_responses(400, 401)},
    operation_id="variants_list",
    summary="List variants",
)
def variants_list(request: HttpRequest, params: Query[VariantListParams]) -> PageData[Variant]:
    rows = selectors.variants_filtered(
        viewer=request_user(request), product=params.product, query=params.q
    )
    return paginate(rows, order=BY_ID, params=params)


@variants.get(
    "/{id}",
    response={200: VariantOut, **error_responses(401, 404)},
    operation_id="variants_get",
    summary="Get a variant",
)
def variants_get(request: HttpRequest, id: Path[Id]) -> Variant:
    return selectors.variant_get(viewer=request_user(request), pk=id)


@variants.post(
    "",
    response={201: VariantOut, **error_responses(400, 401, 403)},
    operation_id="variants_create",
    summary="Create a variant of a product",
)
def variants_create(request: HttpRequest, payload: VariantCreateIn) -> Status[Variant]:
    actor = request_user(request)
    data = payload.data()
    try:
        product = selectors.product_get(viewer=actor, pk=data.pop("product_id"), details=False)
    except NotFoundError as exc:  # a hidden or missing product is a wrong field, not a 404
        raise ValidationFailedError({"product_id": ["Choose a product you can see."]}) from exc
    return Status(201, variant_create(actor=actor, product=product, data=data))


@variants.patch(
    "/{id}",
    response={200: VariantOut, **error_responses(400, 401, 403, 404)},
    operation_id="variants_update",
    summary="Change some fields of a variant",
)
def variants_update(request: HttpRequest, id: Path[Id], payload: VariantIn) -> Variant:
    actor = request_user(request)
    variant = selectors.variant_get(viewer=actor, pk=id)
    return variant_update(actor=actor, variant=variant, data=payload.data())


# ---------------------------------------------------------------- price types


@price_types.get(
    "",
    response={200: PriceTypePage, **error_responses(400, 401)},
    operation_id="price_types_list",
    summary="List price types",
)
def price_types_list(request: HttpRequest, params: Query[ListParams]) -> PageData[PriceType]:
    rows = selectors.price_types_visible(viewer=request_user(request))
    if params.q:
        rows = rows.filter(name__icontains=params.q)
    return paginate(rows, order=BY_ID, params=params)


@price_types.get(
    "/{id}",
    response={200: PriceTypeOut, **error_responses(401, 404)},
    operation_id="price_types_get",
    summary="Get a price type",
)
def price_types_get(request: HttpRequest, id: Path[Id]) -> PriceType:
    return selectors.price_type_get(viewer=request_user(request), pk=id)


@price_types.post(
    "",
    response={201: PriceTypeOut, **error_responses(400, 401, 403)},
    operation_id="price_types_create",
    summary="Create a price type",
)
def price_types_create(request: HttpRequest, payload: PriceTypeCreateIn) -> Status[PriceType]:
    return Status(201, price_type_save(actor=request_user(request), data=payload.data()))


@price_types.patch(
    "/{id}",
    response={200: PriceTypeOut, **error_responses(400, 401, 403, 404)},
    operation_id="price_types_update",
    summary="Change some fields of a price type",
)
def price_types_update(request: HttpRequest, id: Path[Id], payload: PriceTypeIn) -> PriceType:
    actor = request_user(request)
    instance = selectors.price_type_get(viewer=actor, pk=id)
    return price_type_save(actor=actor, data=payload.data(), instance=instance)


# ---------------------------------------------------------------- warehouses


@warehouses.get(
    "",
    response={200: WarehousePage, **error_responses(400, 401)},
    operation_id="warehouses_list",
    summary="List warehouses",
)
def warehouses_list(request: HttpRequest, params: Query[ListParams]) -> PageData[Warehouse]:
    rows = selectors.warehouses_visible(viewer=request_user(request))
    if params.q:
        rows = rows.filter(name__icontains=params.q)
    return paginate(rows, order=BY_ID, params=params)


@warehouses.get(
    "/{id}",
    response={200: WarehouseOut, **error_responses(401, 404)},
    operation_id="warehouses_get",
    summary="Get a warehouse",
)
def warehouses_get(request: HttpRequest, id: Path[Id]) -> Warehouse:
    return selectors.warehouse_get(viewer=request_user(request), pk=id)


@warehouses.post(
    "",
    response={201: WarehouseOut, **error_responses(400, 401, 403)},
    operation_id="warehouses_create",
    summary="Create a warehouse",
)
def warehouses_create(request: HttpRequest, payload: WarehouseCreateIn) -> Status[Warehouse]:
    return Status(201, warehouse_save(actor=request_user(request), data=payload.data()))


@warehouses.patch(
    "/{id}",
    response={200: WarehouseOut, **error_responses(400, 401, 403, 404)},
    operation_id="warehouses_update",
    summary="Change some fields of a warehouse",
)
def warehouses_update(request: HttpRequest, id: Path[Id], payload: WarehouseIn) -> Warehouse:
    actor = request_user(request)
    instance = selectors.warehouse_get(viewer=actor, pk=id)
    return warehouse_save(actor=actor, data=payload.data(), instance=instance)
