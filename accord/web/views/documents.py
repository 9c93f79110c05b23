"""Quote and order pages: lists, cards, the create/edit form with its lines, status changes,
"create order" from a quote, the print view, the form's product search and the deal card's
documents block.

Quotes and orders behave alike, so each page is one function over a `Spec`; the views
named in urls.py only pick the spec.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.catalog.selectors import products_filtered
from accord.core.errors import DomainError, NotFoundError
from accord.sales import document_selectors as selectors
from accord.sales import document_services as services
from accord.sales.models import (
    DEAL,
    ORDER,
    QUOTE,
    Deal,
    Order,
    OrderStatus,
    Quote,
    QuoteStatus,
)
from accord.sales.selectors import deal_get
from accord.users.access import can
from accord.web.forms.documents import DocumentFilterForm, DocumentForm, StatusForm
from accord.web.forms.errors import MESSAGES, DomainForm, attempt, submit
from accord.web.views.base import AuthedRequest, go, is_fragment

FORM = "quotes/form.html"  # quotes and orders share their templates, worded by `spec`


@dataclass(frozen=True)
class Spec:
    name: str  # "quote" / "order": url names and template folder
    model: Any
    object_type: str
    statuses: Any
    get: Callable[..., Any]
    create: Callable[..., Any]
    update: Callable[..., Any]
    set_status: Callable[..., Any]


QUOTES = Spec("quote", Quote, QUOTE, QuoteStatus.choices, selectors.quote_get,
              services.quote_create, services.quote_update, services.quote_set_status)  # fmt: skip
ORDERS = Spec("order", Order, ORDER, OrderStatus.choices, selectors.order_get,
              services.order_create, services.order_update, services.order_set_status)  # fmt: skip


def perms(user: Any, spec: Spec) -> dict[str, bool]:
    return {action: can(user, action, spec.object_type) for action in ("add", "change")}


def document_or_404(request: AuthedRequest, spec: Spec, pk: int) -> Any:
    """A document the user may see; hidden and missing ones are the same 404."""
    try:
        return spec.get(viewer=request.user, pk=pk)
    except NotFoundError:
        raise Http404 from None


def _card_url(spec: Spec, pk: int) -> str:
    return reverse(f"web:{spec.name}_card", args=[pk])


# ---------------------------------------------------------------- list


def list_context(request: AuthedRequest, spec: Spec) -> dict[str, Any]:
    form = DocumentFilterForm(request.GET, user=request.user, statuses=spec.statuses)
    values = form.values()
    filters = {"responsible": values["responsible"]} if values["responsible"] else {}
    result, error = None, ""
    try:
        result = selectors.documents_list(
            spec.model, viewer=request.user, query=values["q"], status=values["status"],
            filters=filters, sort=values["sort"] or "-date", cursor=values["cursor"] or None,
        )  # fmt: skip
    except DomainError:
        error = _("This page link is out of date. Start again from the first page.")
    return {"filters": form, "values": values, "result": result, "error": error,
            "spec": spec.name, "can": perms(request.user, spec)}  # fmt: skip


def document_list(request: AuthedRequest, spec: Spec) -> HttpResponse:
    template = "quotes/list.html"
    if is_fragment(request):
        template += "#results"
    return render(request, template, list_context(request, spec))


# ---------------------------------------------------------------- card, print


def urls(spec: Spec, pk: int) -> dict[str, str]:
    names = ("card", "edit", "status", "print")
    return {name: reverse(f"web:{spec.name}_{name}", args=[pk]) for name in names} | {
        "list": reverse(f"web:{spec.name}_list")
    }


def card_context(request: AuthedRequest, spec: Spec, doc: Any) -> dict[str, Any]:
    status_form = StatusForm(choices=spec.statuses, current=doc.status)
    context = {"doc": doc, "lines": list(doc.lines.all()), "status_form": status_form,
               "spec": spec.name, "can": perms(request.user, spec), "urls": urls(spec, doc.pk)}  # fmt: skip
    if spec is QUOTES:
        context["order"] = selectors.quote_order(viewer=request.user, quote=doc)
        context["can_order"] = can(request.user, "add", ORDER) and context["can"]["change"]
    return context


def document_card(request: AuthedRequest, spec: Spec, pk: int) -> HttpResponse:
    doc = document_or_404(request, spec, pk)
    return render(request, "quotes/card.html", card_context(request, spec, doc))


def document_print(request: AuthedRequest, spec: Spec, pk: int) -> HttpResponse:
    doc = document_or_404(request, spec, pk)
    return render(request, "quotes/print.html", {"doc": doc, "lines": list(doc.lines.all()),
                                                    "spec": spec.name})  # fmt: skip


# ---------------------------------------------------------------- create, edit, status


def _deal_param(request: AuthedRequest) -> Deal | None:
    raw = request.GET.get("deal", "")
    if not raw.isdigit():
        return None
    try:
        return deal_get(viewer=request.user, pk=raw)
    except NotFoundError:
        raise Http404 from None


def _form(request: AuthedRequest, spec: Spec, doc: Any = None, deal: Deal | None = None) -> Any:
    data = request.POST if request.method == "POST" else None
    return DocumentForm(data, user=request.user, instance=doc, deal=deal,
                        quote_fields=spec is QUOTES)  # fmt: skip


def document_create(request: AuthedRequest, spec: Spec) -> HttpResponse:
    form = _form(request, spec, deal=_deal_param(request))
    if request.method == "POST":
        doc = submit(form, lambda data: spec.create(actor=request.user, data=data))
        if doc is not None:
            messages.success(request, _("Document %(number)s created.") % {"number": doc.number})
            return go(request, _card_url(spec, doc.pk))
    return render(request, FORM, {"form": form, "doc": None, "spec": spec.name,
                                  "urls": {"list": reverse(f"web:{spec.name}_list")}})  # fmt: skip


def document_edit(request: AuthedRequest, spec: Spec, pk: int) -> HttpResponse:
    doc = document_or_404(request, spec, pk)
    form = _form(request, spec, doc)
    if request.method == "POST":
        saved = submit(form, lambda data: spec.update(
            actor=request.user, **{spec.name: doc}, data=data))  # fmt: skip
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return go(request, _card_url(spec, saved.pk))
    return render(request, FORM, {"form": form, "doc": doc, "spec": spec.name,
                                  "urls": urls(spec, doc.pk)})  # fmt: skip


def _error_message(exc: DomainError) -> str:
    for field_messages in exc.fields.values():
        return str(field_messages[0])
    return str(MESSAGES.get(exc.code, exc.message))


def document_status(request: AuthedRequest, spec: Spec, pk: int) -> HttpResponse:
    doc = document_or_404(request, spec, pk)
    try:
        spec.set_status(actor=request.user, **{spec.name: doc}, status=request.POST.get("status"))
        messages.success(request, _("Status changed."))
    except DomainError as exc:
        messages.error(request, _error_message(exc))
    return go(request, _card_url(spec, doc.pk))


# ---------------------------------------------------------------- views named in urls.py


@login_required
@require_GET
def quote_list(request: AuthedRequest) -> HttpResponse:
    return document_list(request, QUOTES)


@login_required
@require_GET
def order_list(request: AuthedRequest) -> HttpResponse:
    return document_list(request, ORDERS)


@login_required
@require_GET
def quote_card(request: AuthedRequest, pk: int) -> HttpResponse:
    return document_card(request, QUOTES, pk)


@login_required
@require_GET
def order_card(request: AuthedRequest, pk: int) -> HttpResponse:
    return document_card(request, ORDERS, pk)


@login_required
@require_GET
def quote_print(request: AuthedRequest, pk: int) -> HttpResponse:
    return document_print(request, QUOTES, pk)


@login_required
@require_GET
def order_print(request: AuthedRequest, pk: int) -> HttpResponse:
    return document_print(request, ORDERS, pk)


@login_required
@require_http_methods(["GET", "POST"])
def quote_create(request: AuthedRequest) -> HttpResponse:
    return document_create(request, QUOTES)


@login_required
@require_http_methods(["GET", "POST"])
def order_create(request: AuthedRequest) -> HttpResponse:
    return document_create(request, ORDERS)


@login_required
@require_http_methods(["GET", "POST"])
def quote_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return document_edit(request, QUOTES, pk)


@login_required
@require_http_methods(["GET", "POST"])
def order_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return document_edit(request, ORDERS, pk)


@login_required
@require_POST
def quote_status(request: AuthedRequest, pk: int) -> HttpResponse:
    return document_status(request, QUOTES, pk)


@login_required
@require_POST
def order_status(request: AuthedRequest, pk: int) -> HttpResponse:
    return document_status(request, ORDERS, pk)


@login_required
@require_POST
def quote_order(request: AuthedRequest, pk: int) -> HttpResponse:
    """ "Create order" on a quote: one click, then the new order's card."""
    quote = document_or_404(request, QUOTES, pk)
    form = DomainForm(request.POST)
    created: list[Order] = []
    if attempt(form, lambda: created.append(services.order_from_quote(actor=request.user,
                                                                      quote=quote))):  # fmt: skip
        messages.success(request, _("Order %(number)s created.") % {"number": created[0].number})
        return go(request, _card_url(ORDERS, created[0].pk))
    messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
    return go(request, _card_url(QUOTES, quote.pk))


# ---------------------------------------------------------------- helpers of other pages


@login_required
@require_GET
def document_product_options(request: AuthedRequest) -> HttpResponse:
    """`<option>`s of the catalog products matching `q` (the line's product search)."""
    rows = products_filtered(viewer=request.user, query=request.GET.get("q", ""))
    options = list(rows.order_by("name_key", "id")[:30])
    return render(request, "deals/partials/options.html", {"options": options, "blank": True})


@login_required
@require_GET
def deal_documents(request: AuthedRequest, pk: int) -> HttpResponse:
    """The deal card's documents block: its quotes and orders that the viewer sees."""
    try:
        deal = deal_get(viewer=request.user, pk=pk)
    except NotFoundError:
        raise Http404 from None
    context = selectors.deal_documents(viewer=request.user, deal=deal)
    return render(request, "quotes/deal_documents.html", {
        **context, "deal": deal,
        "can_quote": can(request.user, "add", QUOTE), "can_order": can(request.user, "add", ORDER),
        "can_deal": can(request.user, "view", DEAL),
    })  # fmt: skip
