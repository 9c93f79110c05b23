"""/api/v1/products: list, read, create and change products; set their prices.

A product read carries its variants, prices and stock as read-only nested lists; prices are
written through `PUT /api/v1/products/{id}/prices`, stock only by the 1C exchange.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from accord.api.auth import request_user
from accord.api.errors import error_responses
from accord.api.pagination import PageData, paginate
from accord.api.schemas.catalog import (
    PricesIn,
    ProductCreateIn,
    ProductIn,
    ProductListParams,
    ProductOut,
    ProductPage,
)
from accord.api.schemas.common import Id
from accord.catalog.models import Product
from accord.catalog.selectors import PRODUCT_SORTS, product_get, products_filtered
from accord.catalog.services import price_set, product_create, product_update

router = Router(tags=["products"])


@router.get(
    "",
    response={200: ProductPage, **error_responses(400, 401)},
    operation_id="products_list",
    summary="List products",
)
def products_list(request: HttpRequest, params: Query[ProductListParams]) -> PageData[Product]:
    rows = products_filtered(viewer=request_user(request), query=params.q, group=params.group)
    return paginate(rows, order=PRODUCT_SORTS[params.sort], params=params)


@router.get(
    "/{id}",
    response={200: ProductOut, **error_responses(401, 404)},
    operation_id="products_get",
    summary="Get a product with its variants, prices and stock",
)
def products_get(request: HttpRequest, id: Path[Id]) -> Product:
    return product_get(viewer=request_user(request), pk=id)


@router.post(
    "",
    response={201: ProductOut, **error_responses(400, 401, 403)},
    operation_id="products_create",
    summary="Create a product",
)
def products_create(request: HttpRequest, payload: ProductCreateIn) -> Status[Product]:
    actor = request_user(request)
    product = product_create(actor=actor, data=payload.data())
    return Status(201, product_get(viewer=actor, pk=product.pk))


@router.patch(
    "/{id}",
    response={200: ProductOut, **error_responses(400, 401, 403, 404)},
    operation_id="products_update",
    summary="Change some fields of a product",
)
def products_update(request: HttpRequest, id: Path[Id], payload: ProductIn) -> Product:
    actor = request_user(request)
    product = product_get(viewer=actor, pk=id, details=False)
    product_update(actor=actor, product=product, data=payload.data())
    return product_get(viewer=actor, pk=id)


@router.put(
    "/{id}/prices",
    response={200: ProductOut, **error_responses(400, 401, 403, 404)},
    operation_id="products_set_prices",
    summary="Set prices of a product",
    description=(
        "Sets each price given (per price type, and variant or none); a null value removes "
        "that price; prices not named stay. All or nothing: one wrong price refuses all."
    ),
)
def products_set_prices(request: HttpRequest, id: Path[Id], payload: PricesIn) -> Product:
    actor = request_user(request)
    product = product_get(viewer=actor, pk=id, details=False)
    price_set(actor=actor, product=product, entries=payload.data()["prices"])
    return product_get(viewer=actor, pk=id)
