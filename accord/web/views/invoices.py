"""Invoice pages: the list, the card, the create/edit form with lines, issue and cancel,
and the print view of the invoice for payment (Счёт на оплату).
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
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.billing import selectors, services
from accord.billing.models import INVOICE, Invoice
from accord.billing.requisites import invoice_parties
from accord.billing.words import amount_in_words
from accord.core.errors import DomainError, NotFoundError
from accord.sales.models import Deal
from accord.users.access import can
from accord.web.forms.errors import MESSAGES, submit
from accord.web.forms.invoices import InvoiceFilterForm, InvoiceForm
from accord.web.views.base import AuthedRequest, go, is_fragment

LIST = "invoices/list.html"
CARD = "invoices/card.html"
FORM = "invoices/form.html"
PRINT = "invoices/print.html"


def invoice_perms(user: Any) -> dict[str, bool]:
    return {action: can(user, action, INVOICE) for action in ("add", "change")}


def invoice_or_404(request: AuthedRequest, pk: int) -> Invoice:
    """An invoice the user may see; hidden and missing ones are the same 404."""
    try:
        return selectors.invoice_get(viewer=request.user, pk=pk)
    except NotFoundError:
        raise Http404 from None


# ---------------------------------------------------------------- list


def list_context(request: AuthedRequest) -> dict[str, Any]:
    form = InvoiceFilterForm(request.GET)
    values, filters = form.values(), form.filters()
    result, error = None, ""
    try:
        result = selectors.invoices_list(
            viewer=request.user, query=values["q"], filters=filters,
            sort=values["sort"] or "-date", cursor=values["cursor"] or None,
        )  # fmt: skip
    except DomainError:
        error = _("This page link is out of date. Start again from the first page.")
    return {"filters": form, "values": values, "filtered": bool(values["q"] or filters),
            "result": result, "error": error, "can": invoice_perms(request.user)}  # fmt: skip


@login_required
@require_GET
def invoice_list(request: AuthedRequest) -> HttpResponse:
    template = f"{LIST}#results" if is_fragment(request) else LIST
    return render(request, template, list_context(request))


# ---------------------------------------------------------------- card and print


def plain_number(value: Decimal) -> str:
    """A quantity or percentage without trailing zeros, in the user's locale: "1,5", "100"."""
    number = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
    return number_format(number)


def document_context(invoice: Invoice) -> dict[str, Any]:
    """What the card and the print view both show: parties, lines, totals, words."""
    issuer, buyer = invoice_parties(invoice)
    lines = list(invoice.lines.all())
    for line in lines:
        line.quantity_shown = plain_number(line.quantity)  # type: ignore[attr-defined]
        line.discount_shown = plain_number(line.discount_percent)  # type: ignore[attr-defined]
    return {
        "invoice": invoice,
        "issuer": issuer,
        "buyer": buyer,
        "lines": lines,
        "has_vat": any(line.vat_rate != "none" for line in lines),
        "in_words": amount_in_words(invoice.total, invoice.currency),
    }


@login_required
@require_GET
def invoice_card(request: AuthedRequest, pk: int) -> HttpResponse:
    invoice = invoice_or_404(request, pk)
    context = document_context(invoice) | {"can": invoice_perms(request.user)}
    return render(request, CARD, context)


@login_required
@require_GET
def invoice_print(request: AuthedRequest, pk: int) -> HttpResponse:
    return render(request, PRINT, document_context(invoice_or_404(request, pk)))


# ---------------------------------------------------------------- create and edit


def _form(request: AuthedRequest, invoice: Invoice | None = None) -> InvoiceForm:
    data = request.POST if request.method == "POST" else None
    initial = None
    if invoice is None and data is None and request.GET.get("deal", "").isdigit():
        initial = services.deal_prefill(actor=request.user, deal_id=int(request.GET["deal"]))
    return InvoiceForm(data, user=request.user, instance=invoice, initial=initial)


def deal_options(request: AuthedRequest) -> list[Deal]:
    """The latest open deals the user sees, for "fill from a deal" on a new invoice."""
    rows = Deal.objects.visible_to(request.user).open().select_related("counterparty")
    return list(rows.order_by("-created_at", "-id")[:50])


@login_required
@require_http_methods(["GET", "POST"])
def invoice_create(request: AuthedRequest) -> HttpResponse:
    form = _form(request)
    if request.method == "POST":
        invoice = submit(form, lambda data: services.invoice_create(actor=request.user, data=data))
        if invoice is not None:
            messages.success(request, _("Draft invoice saved."))
            return go(request, reverse("web:invoice_card", args=[invoice.pk]))
    return render(request, FORM, {"form": form, "invoice": None, "deals": deal_options(request)})


@login_required
@require_http_methods(["GET", "POST"])
def invoice_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    invoice = invoice_or_404(request, pk)
    form = _form(request, invoice)
    if request.method == "POST":
        saved = submit(form, lambda data: services.invoice_update(
            actor=request.user, invoice=invoice, data=data))  # fmt: skip
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return go(request, reverse("web:invoice_card", args=[saved.pk]))
    return render(request, FORM, {"form": form, "invoice": invoice})


# ---------------------------------------------------------------- issue and cancel


def _step(request: AuthedRequest, pk: int, call: Callable[..., Invoice], done: str) -> HttpResponse:
    """Run one status step of an invoice and go back to its card, saying how it went."""
    invoice = invoice_or_404(request, pk)
    try:
        call(actor=request.user, invoice=invoice)
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, str(MESSAGES.get(exc.code, exc.message)))
    else:
        messages.success(request, done)
    return go(request, reverse("web:invoice_card", args=[invoice.pk]))


@login_required
@require_POST
def invoice_issue(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, services.invoice_issue, _("The invoice is issued."))


@login_required
@require_POST
def invoice_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, services.invoice_cancel, _("The invoice is cancelled."))
