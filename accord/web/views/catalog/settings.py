"""Catalog settings: price types, warehouses and units, each a list with an "add" form.

Only those who may view `admin.catalog_settings` know the page exists: everyone else gets
404 for every URL here, whatever the method. Writes are checked again by the services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accord.catalog import selectors, settings_services
from accord.catalog.models import Currency
from accord.users.access import can
from accord.web.forms.catalog import PriceTypeForm, UnitForm, WarehouseForm
from accord.web.forms.errors import DomainForm, submit
from accord.web.views.base import AuthedRequest, admin_page, go

PAGE = "catalog/settings.html"
SETTINGS = settings_services.SETTINGS
TITLES = {
    "price_type": gettext_lazy("Price types"),
    "warehouse": gettext_lazy("Warehouses"),
    "unit": gettext_lazy("Units"),
}


settings_page = admin_page(SETTINGS)


def _form(kind: str, data: Any = None) -> DomainForm:
    if kind == "price_type":
        return PriceTypeForm(data, prefix=kind, currencies=list(Currency.objects.all()))
    return (WarehouseForm if kind == "warehouse" else UnitForm)(data, prefix=kind)


def _save(request: AuthedRequest, kind: str, data: dict[str, Any]) -> Any:
    if kind == "price_type":
        return settings_services.price_type_save(actor=request.user, data=data)
    if kind == "warehouse":
        return settings_services.warehouse_save(actor=request.user, data=data)
    return settings_services.unit_create(actor=request.user, data=data)


def settings_context(request: AuthedRequest, posted: dict[str, DomainForm]) -> dict[str, Any]:
    """The three lists, each with its "add" form (the one just posted keeps its errors)."""
    items = {
        "price_type": selectors.price_types(viewer=request.user),
        "warehouse": selectors.warehouses(viewer=request.user),
        "unit": selectors.units(viewer=request.user),
    }
    lists = [
        {"kind": k, "title": t, "items": items[k], "form": posted.get(k) or _form(k)}
        for k, t in TITLES.items()
    ]
    return {"lists": lists, "can_add": can(request.user, "add", SETTINGS)}


@settings_page
@require_GET
def catalog_settings(request: AuthedRequest) -> HttpResponse:
    return render(request, PAGE, settings_context(request, {}))


@settings_page
@require_POST
def catalog_settings_add(request: AuthedRequest, kind: str) -> HttpResponse:
    if kind not in TITLES:
        raise Http404
    form = _form(kind, request.POST)
    saved = submit(form, lambda data: _save(request, kind, data))
    if saved is not None:
        messages.success(request, _("“%(name)s” added.") % {"name": saved})
        return go(request, f"{reverse('web:catalog_settings')}#{kind}")
    return render(request, PAGE, settings_context(request, {kind: form}))
