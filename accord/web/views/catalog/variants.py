"""Adding a variant to a product and editing one: name, article, barcode, active."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accord.catalog import selectors, services
from accord.catalog.models import Product, Variant
from accord.core.audit import AccessRefusedError
from accord.core.errors import NotFoundError
from accord.users.access import can
from accord.web.forms.catalog import VariantForm
from accord.web.forms.errors import submit
from accord.web.views.base import AuthedRequest, go
from accord.web.views.catalog.products import product_or_404

FORM = "catalog/variant_form.html"


def require_change(request: AuthedRequest) -> None:
    """A form that could never be saved is refused (403) before it is shown."""
    if not can(request.user, "change", services.PRODUCT):
        raise AccessRefusedError("change", services.PRODUCT)


def variant_or_404(request: AuthedRequest, pk: int) -> Variant:
    try:
        return selectors.variant_get(viewer=request.user, pk=pk)
    except NotFoundError:
        raise Http404 from None


def form_context(form: VariantForm, product: Product, variant: Variant | None) -> dict[str, Any]:
    if variant is None:
        action = reverse("web:catalog_variant_create", args=[product.pk])
    else:
        action = reverse("web:catalog_variant_edit", args=[variant.pk])
    cancel = reverse("web:catalog_product_card", args=[product.pk])
    return {
        "form": form, "product": product, "variant": variant,
        "action_url": action, "cancel_url": cancel,
    }  # fmt: skip


def card_url(product_id: int) -> str:
    return reverse("web:catalog_product_card", args=[product_id]) + "#prices"


@login_required
@require_http_methods(["GET", "POST"])
def variant_create(request: AuthedRequest, pk: int) -> HttpResponse:
    product = product_or_404(request, pk, details=False)
    require_change(request)
    form = VariantForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        saved = submit(form, lambda data: services.variant_create(
            actor=request.user, product=product, data=data))  # fmt: skip
        if saved is not None:
            messages.success(request, _("Variant “%(name)s” added.") % {"name": saved.name})
            return go(request, card_url(product.pk))
    return render(request, FORM, form_context(form, product, None))


@login_required
@require_http_methods(["GET", "POST"])
def variant_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    variant = variant_or_404(request, pk)
    require_change(request)
    data = request.POST if request.method == "POST" else None
    form = VariantForm(data, instance=variant)
    if request.method == "POST":
        saved = submit(form, lambda data: services.variant_update(
            actor=request.user, variant=variant, data=data))  # fmt: skip
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return go(request, card_url(variant.product_id))
    return render(request, FORM, form_context(form, variant.product, variant))
