"""The product's price matrix: one input per active price type and variant (or the product
itself), saved through `price_set` in one transaction: a wrong cell writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accord.catalog import selectors, services
from accord.catalog.models import Product
from accord.core.audit import AccessRefusedError
from accord.users.access import can
from accord.web.forms.catalog import PriceMatrixForm
from accord.web.forms.errors import submit
from accord.web.views.base import AuthedRequest, go
from accord.web.views.catalog.products import card_rows, product_or_404

PAGE = "catalog/prices.html"


def prices_form(request: AuthedRequest, product: Product) -> PriceMatrixForm:
    types = selectors.price_types(viewer=request.user, active_only=True)
    rows = [(row.variant, row.prices) for row in card_rows(product, types, [])]
    data = request.POST if request.method == "POST" else None
    return PriceMatrixForm(data, price_types=types, rows=rows)


def page_context(form: PriceMatrixForm, product: Product) -> dict[str, Any]:
    return {
        "form": form,
        "product": product,
        "action_url": reverse("web:catalog_product_prices", args=[product.pk]),
        "cancel_url": reverse("web:catalog_product_card", args=[product.pk]),
    }


@login_required
@require_http_methods(["GET", "POST"])
def product_prices(request: AuthedRequest, pk: int) -> HttpResponse:
    product = product_or_404(request, pk)
    if not can(request.user, "change", services.PRICE):
        raise AccessRefusedError("change", services.PRICE)
    form = prices_form(request, product)
    if request.method == "POST":
        saved = submit(form, lambda data: services.price_set(
            actor=request.user, product=product, entries=data["entries"]))  # fmt: skip
        if saved is not None:
            messages.success(request, _("Prices saved."))
            return go(request, reverse("web:catalog_product_card", args=[pk]) + "#prices")
    return render(request, PAGE, page_context(form, product))
