"""Payment pages: the list, the card with its allocations and cancel, the register-payment
form (from an invoice or a counterparty), the invoice card's payments block with its plan
editor, and "Create invoice" on an order card."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.billing import payment_selectors as selectors
from accord.billing import payment_services as services
from accord.billing.models import INVOICE, PAYMENT, Invoice, Payment
from accord.billing.services import invoice_create_from_order
from accord.core.errors import DomainError, NotFoundError
from accord.core.pagination import capped_count, keyset_page
from accord.directory.models import Counterparty
from accord.sales.document_selectors import order_get
from accord.users.access import can
from accord.web.forms.errors import MESSAGES, submit
from accord.web.forms.payments import PaymentForm
from accord.web.views.base import AuthedRequest, counterparty_or_404, go

LIST = "payments/list.html"
CARD = "payments/card.html"
FORM = "payments/form.html"


def payment_or_404(request: AuthedRequest, pk: int) -> Payment:
    """A payment the user may see; hidden and missing ones are the same 404."""
    try:
        return selectors.payment_get(viewer=request.user, pk=pk)
    except NotFoundError:
        raise Http404 from None


@login_required
@require_GET
def payment_list(request: AuthedRequest) -> HttpResponse:
    filters = {"counterparty": request.GET.get("counterparty", "")}
    context: dict[str, Any] = {"can_add": can(request.user, "add", PAYMENT), "error": ""}
    try:
        rows = selectors.payments_filtered(viewer=request.user, filters=filters)
        context["page"] = keyset_page(rows, order=selectors.PAYMENT_SORTS["-date"],
                                      cursor=request.GET.get("cursor") or None, size=50)  # fmt: skip
        context["count"] = capped_count(rows)
    except DomainError:
        context["error"] = _("This page link is out of date. Start again from the first page.")
    return render(request, LIST, context)


@login_required
@require_GET
def payment_card(request: AuthedRequest, pk: int) -> HttpResponse:
    payment = payment_or_404(request, pk)
    context = {"payment": payment, "allocations": list(payment.allocations.all()),
               "can_change": can(request.user, "change", PAYMENT)}  # fmt: skip
    return render(request, CARD, context)


@login_required
@require_POST
def payment_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    payment = payment_or_404(request, pk)
    try:
        services.payment_cancel(actor=request.user, payment=payment)
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, str(MESSAGES.get(exc.code, exc.message)))
    else:
        messages.success(request, _("The payment is cancelled."))
    return go(request, reverse("web:payment_card", args=[payment.pk]))


def _counterparty_of(request: AuthedRequest) -> tuple[Counterparty, int | None]:
    """Whose payment the form registers: `?invoice=` (preselected) or `?counterparty=`."""
    invoice_id = request.GET.get("invoice", "")
    if invoice_id.isdigit():
        invoice = Invoice.objects.visible_to(request.user).filter(pk=int(invoice_id)).first()
        if invoice is None:
            raise Http404
        return counterparty_or_404(request, invoice.counterparty_id), invoice.pk
    cp_id = request.GET.get("counterparty", "")
    if not cp_id.isdigit():
        raise Http404
    return counterparty_or_404(request, int(cp_id)), None


@login_required
@require_http_methods(["GET", "POST"])
def payment_create(request: AuthedRequest) -> HttpResponse:
    cp, preselect = _counterparty_of(request)
    invoices = selectors.open_invoices(viewer=request.user, counterparty_id=cp.pk)
    data = request.POST if request.method == "POST" else None
    form = PaymentForm(data, counterparty_id=cp.pk, invoices=invoices, preselect=preselect)
    if data is not None:
        payment = submit(form, lambda d: services.payment_register(actor=request.user, data=d))
        if payment is not None:
            messages.success(request, _("The payment is registered."))
            target = reverse("web:invoice_card", args=[preselect]) if preselect else None
            return go(request, target or reverse("web:payment_card", args=[payment.pk]))
    return render(request, FORM, {"form": form, "cp": cp})


@login_required
@require_POST
def order_invoice(request: AuthedRequest, pk: int) -> HttpResponse:
    """A draft invoice from the order's lines; then its edit form to review it."""
    try:
        order = order_get(viewer=request.user, pk=pk)
    except NotFoundError:
        raise Http404 from None
    try:
        invoice = invoice_create_from_order(actor=request.user, order=order)
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, str(MESSAGES.get(exc.code, exc.message)))
        return go(request, reverse("web:order_card", args=[order.pk]))
    messages.success(request, _("Draft invoice saved."))
    return go(request, reverse("web:invoice_card", args=[invoice.pk]))


@login_required
@require_GET
def invoice_payments(request: AuthedRequest, pk: int) -> HttpResponse:
    """The invoice card's payments block (loaded by htmx): plan rows and payments."""
    invoice = Invoice.objects.visible_to(request.user).filter(pk=pk).first()
    if invoice is None:
        raise Http404
    context = selectors.invoice_payments(viewer=request.user, invoice=invoice) | {
        "invoice": invoice, "can_add": can(request.user, "add", PAYMENT),
        "can_plan": can(request.user, "change", INVOICE), "blank_rows": range(2),
    }  # fmt: skip
    return render(request, "payments/invoice_block.html", context)


@login_required
@require_POST
def invoice_plan(request: AuthedRequest, pk: int) -> HttpResponse:
    """Replace the invoice's expected payments with the rows of the card's plan editor."""
    invoice = Invoice.objects.visible_to(request.user).filter(pk=pk).first()
    if invoice is None:
        raise Http404
    pairs = zip(request.POST.getlist("due_date"), request.POST.getlist("amount"), strict=False)
    rows = [{"due_date": due, "amount": amount} for due, amount in pairs if due or amount]
    try:
        services.expected_payments_replace(actor=request.user, invoice=invoice, rows=rows)
    except DomainError as exc:
        if exc.status == 403:
            raise
        problems = [m for messages_ in exc.fields.values() for m in messages_] or [exc.message]
        messages.error(request, " ".join(str(m) for m in problems))
    else:
        messages.success(request, _("The payment plan is saved."))
    return go(request, reverse("web:invoice_card", args=[invoice.pk]))
