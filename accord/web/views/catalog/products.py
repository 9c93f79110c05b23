"""The product list (group tree, search, chosen price type and warehouse), the product
card (variants, prices per price type, stock per warehouse, properties) and the form.

Each page has one context builder; an htmx request for the list's results gets the same
context rendered through the page's inline partial.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accord.catalog import selectors, services
from accord.catalog.models import Product, Variant
from accord.core.errors import DomainError, NotFoundError
from accord.users.access import can
from accord.web.forms.catalog import CatalogFilterForm, ProductForm
from accord.web.forms.errors import submit
from accord.web.views.base import AuthedRequest, go, is_fragment

LIST = "catalog/list.html"
CARD = "catalog/card.html"
FORM = "catalog/form.html"
PRODUCT = "catalog.product"


def catalog_perms(user: Any) -> dict[str, bool]:
    """Which catalog actions the user has, for showing or hiding buttons."""
    perms = {action: can(user, action, PRODUCT) for action in ("add", "change", "delete")}
    perms["settings"] = can(user, "view", "admin.catalog_settings")
    perms["prices"] = can(user, "change", services.PRICE)
    return perms


def product_or_404(request: AuthedRequest, pk: int, *, details: bool = True) -> Product:
    """A product the user may see; hidden and missing ones are the same 404."""
    try:
        return selectors.product_get(viewer=request.user, pk=pk, details=details)
    except NotFoundError:
        raise Http404 from None


def catalog_page(request: AuthedRequest) -> None:
    """The whole catalog is hidden (404) from who may not view products."""
    if not can(request.user, "view", PRODUCT):
        raise Http404


# ---------------------------------------------------------------- list


def list_context(request: AuthedRequest) -> dict[str, Any]:
    """The list page and its `results` partial: tree, selectors, one page of rows, the count."""
    form = CatalogFilterForm(
        request.GET,
        price_types=selectors.price_types(viewer=request.user, active_only=True),
        warehouses=selectors.warehouses(viewer=request.user, active_only=True),
    )
    values = form.values()
    result, error = None, ""
    try:
        result = selectors.products_list(
            viewer=request.user, query=values["q"], group=values["group"] or None,
            price_type=values["price_type_obj"], warehouse=values["warehouse_obj"],
            cursor=values["cursor"] or None,
        )  # fmt: skip
    except DomainError:
        error = _("This page link is out of date. Start again from the first page.")
    return {
        "filters": form,
        "values": values,
        "groups": selectors.group_tree(viewer=request.user),
        "filtered": bool(values["q"] or values["group"]),
        "result": result,
        "error": error,
        "can": catalog_perms(request.user),
    }


@login_required
@require_GET
def product_list(request: AuthedRequest) -> HttpResponse:
    catalog_page(request)
    template = f"{LIST}#results" if is_fragment(request) else LIST
    return render(request, template, list_context(request))


# ---------------------------------------------------------------- card


@dataclass(frozen=True)
class CardRow:
    """The product itself (variant None) or one variant, with its prices and stock."""

    variant: Variant | None
    prices: list[Decimal | None]
    stock: list[Decimal | None]


def card_rows(product: Product, types: list[Any], warehouses: list[Any]) -> list[CardRow]:
    prices = {(p.variant_id, p.price_type_id): p.value for p in product.prices.all()}
    stock = {(s.variant_id, s.warehouse_id): s.quantity for s in product.stock.all()}
    variants: list[Variant | None] = list(product.variants.all())
    own = any(key[0] is None for key in (*prices, *stock))
    if own or not variants:
        variants.insert(0, None)
    return [
        CardRow(
            variant=v,
            prices=[prices.get((v.pk if v else None, t.pk)) for t in types],
            stock=[stock.get((v.pk if v else None, w.pk)) for w in warehouses],
        )
        for v in variants
    ]


def card_context(request: AuthedRequest, product: Product) -> dict[str, Any]:
    types = selectors.price_types(viewer=request.user)
    warehouses = selectors.warehouses(viewer=request.user)
    return {
        "product": product,
        "price_types": types,
        "warehouses": warehouses,
        "rows": card_rows(product, types, warehouses),
        "properties": list(product.property_values.all()),
        "can": catalog_perms(request.user),
    }


@login_required
@require_GET
def product_card(request: AuthedRequest, pk: int) -> HttpResponse:
    product = product_or_404(request, pk)
    return render(request, CARD, card_context(request, product))


# ---------------------------------------------------------------- create, edit


def product_form(request: AuthedRequest, product: Product | None = None) -> ProductForm:
    return ProductForm(
        request.POST if request.method == "POST" else None,
        groups=selectors.group_tree(viewer=request.user),
        units=selectors.units(viewer=request.user),
        instance=product,
    )


def form_context(form: ProductForm, product: Product | None) -> dict[str, Any]:
    if product is None:
        action, cancel = reverse("web:catalog_product_create"), reverse("web:catalog_product_list")
    else:
        action = reverse("web:catalog_product_edit", args=[product.pk])
        cancel = reverse("web:catalog_product_card", args=[product.pk])
    return {"form": form, "product": product, "action_url": action, "cancel_url": cancel}


@login_required
@require_http_methods(["GET", "POST"])
def product_create(request: AuthedRequest) -> HttpResponse:
    catalog_page(request)
    form = product_form(request)
    if request.method == "POST":
        saved = submit(form, lambda data: services.product_create(actor=request.user, data=data))
        if saved is not None:
            messages.success(request, _("Product “%(name)s” created.") % {"name": saved.name})
            return go(request, reverse("web:catalog_product_card", args=[saved.pk]))
    return render(request, FORM, form_context(form, None))


@login_required
@require_http_methods(["GET", "POST"])
def product_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    product = product_or_404(request, pk, details=False)
    form = product_form(request, product)
    if request.method == "POST":
        saved = submit(form, lambda data: services.product_update(
            actor=request.user, product=product, data=data))  # fmt: skip
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return go(request, reverse("web:catalog_product_card", args=[saved.pk]))
    return render(request, FORM, form_context(form, product))
