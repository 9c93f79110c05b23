"""Shipment pages: the list, the card, the create-from-order and edit form (the order's
lines with editable quantities), post and cancel, the A4 print view (Товарная накладная /
Акт) and the order card's block of shipments.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.billing.models import OwnCompany
from accord.core.errors import DomainError, NotFoundError
from accord.sales import shipment_selectors as selectors
from accord.sales import shipment_services as services
from accord.sales.document_selectors import order_get
from accord.sales.models import SHIPMENT, Order, Shipment, ShipmentStatus
from accord.sales.shipment_validation import default_kind
from accord.users.access import can
from accord.web.forms.errors import MESSAGES, submit
from accord.web.forms.shipments import ShipmentFilterForm, ShipmentForm
from accord.web.views.base import AuthedRequest, go, is_fragment
from accord.web.views.invoices import plain_number

LIST = "shipments/list.html"
CARD = "shipments/card.html"
FORM = "shipments/form.html"
PRINT = "shipments/print.html"


def shipment_perms(user: Any) -> dict[str, bool]:
    return {action: can(user, action, SHIPMENT) for action in ("add", "change")}


def shipment_or_404(request: AuthedRequest, pk: int) -> Shipment:
    """A shipment the user may see; hidden and missing ones are the same 404."""
    try:
        return selectors.shipment_get(viewer=request.user, pk=pk)
    except NotFoundError:
        raise Http404 from None


def order_or_404(request: AuthedRequest, pk: int) -> Order:
    try:
        return order_get(viewer=request.user, pk=pk)
    except NotFoundError:
        raise Http404 from None


def _card_url(pk: int) -> str:
    return reverse("web:shipment_card", args=[pk])


# ---------------------------------------------------------------- list


def list_context(request: AuthedRequest) -> dict[str, Any]:
    form = ShipmentFilterForm(request.GET)
    values = form.values()
    result, error = None, ""
    try:
        result = selectors.shipments_list(
            viewer=request.user, query=values["q"], status=values["status"],
            kind=values["kind"], sort=values["sort"] or "-date", cursor=values["cursor"] or None,
        )  # fmt: skip
    except DomainError:
        error = _("This page link is out of date. Start again from the first page.")
    return {"filters": form, "values": values, "result": result, "error": error}


@login_required
@require_GET
def shipment_list(request: AuthedRequest) -> HttpResponse:
    template = f"{LIST}#results" if is_fragment(request) else LIST
    return render(request, template, list_context(request))


# ---------------------------------------------------------------- card and print


def document_context(shipment: Shipment) -> dict[str, Any]:
    """What the card and the print view both show: lines with plain quantities, totals."""
    lines = list(shipment.lines.all())
    for line in lines:
        line.quantity_shown = plain_number(line.quantity)  # type: ignore[attr-defined]
    return {"shipment": shipment, "lines": lines,
            "has_vat": any(line.vat_rate != "none" for line in lines)}  # fmt: skip


@login_required
@require_GET
def shipment_card(request: AuthedRequest, pk: int) -> HttpResponse:
    shipment = shipment_or_404(request, pk)
    context = document_context(shipment) | {"can": shipment_perms(request.user)}
    return render(request, CARD, context)


@login_required
@require_GET
def shipment_print(request: AuthedRequest, pk: int) -> HttpResponse:
    context = document_context(shipment_or_404(request, pk))
    context["supplier"] = OwnCompany.objects.first()  # the default company comes first
    return render(request, PRINT, context)


# ---------------------------------------------------------------- create and edit


@login_required
@require_http_methods(["GET", "POST"])
def shipment_create(request: AuthedRequest, pk: int) -> HttpResponse:
    """ "Create shipment" on an order: its lines, each defaulting to what is left to ship."""
    order = order_or_404(request, pk)
    lines = list(order.lines.all())
    data = request.POST if request.method == "POST" else None
    form = ShipmentForm(data, order_lines=lines, remainders=selectors.order_remainders(order),
                        initial={"kind": default_kind(lines)})  # fmt: skip
    if data is not None:
        shipment = submit(form, lambda clean: services.shipment_create_from_order(
            actor=request.user, order=order, lines=clean.pop("lines"), data=clean))  # fmt: skip
        if shipment is not None:
            messages.success(request, _("Shipment %(n)s created.") % {"n": shipment.number})
            return go(request, _card_url(shipment.pk))
    return render(request, FORM, {"form": form, "order": order, "shipment": None})


@login_required
@require_http_methods(["GET", "POST"])
def shipment_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    shipment = shipment_or_404(request, pk)
    if shipment.order is None or shipment.status != ShipmentStatus.DRAFT:
        messages.error(request, _("Only a draft shipment can be changed."))
        return go(request, _card_url(shipment.pk))
    order = order_or_404(request, shipment.order_id)  # type: ignore[arg-type]
    typed = {ln.order_line_id: ln.quantity for ln in shipment.lines.all()}
    data = request.POST if request.method == "POST" else None
    form = ShipmentForm(data, order_lines=list(order.lines.all()), shipped=typed,  # type: ignore[arg-type]
                        remainders=selectors.order_remainders(order), initial={
                            name: getattr(shipment, name)
                            for name in ("kind", "date", "warehouse_id", "notes")})  # fmt: skip
    if data is not None:
        saved = submit(form, lambda clean: services.shipment_update(
            actor=request.user, shipment=shipment, data=clean))  # fmt: skip
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return go(request, _card_url(saved.pk))
    return render(request, FORM, {"form": form, "order": order, "shipment": shipment})


# ---------------------------------------------------------------- post and cancel


def _step(
    request: AuthedRequest, pk: int, call: Callable[..., Shipment], done: str
) -> HttpResponse:
    """Run one status step of a shipment and go back to its card, saying how it went."""
    shipment = shipment_or_404(request, pk)
    try:
        call(actor=request.user, shipment=shipment)
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, str(MESSAGES.get(exc.code, exc.message)))
    else:
        messages.success(request, done)
    return go(request, _card_url(shipment.pk))


@login_required
@require_POST
def shipment_post(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, services.shipment_post, _("The shipment is posted."))


@login_required
@require_POST
def shipment_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, services.shipment_cancel, _("The shipment is cancelled."))


# ---------------------------------------------------------------- the order card's block


@login_required
@require_GET
def order_shipments(request: AuthedRequest, pk: int) -> HttpResponse:
    """The order card's shipments block: its shipments and "Create shipment"."""
    order = order_or_404(request, pk)
    left = selectors.order_remainders(order)
    can_ship = (can(request.user, "add", SHIPMENT) and any(left.values())
                and order.status not in services.ORDER_CLOSED)  # fmt: skip
    shipments = selectors.order_shipments(viewer=request.user, order=order)
    return render(request, "shipments/order_block.html", {
        "order": order, "shipments": shipments, "can_ship": can_ship,
        "left": sum(left.values(), Decimal(0)),
    })  # fmt: skip
