"""Claim pages: the list, the card with its status buttons, the create/edit form (whose
contact, order and invoice inputs follow the chosen counterparty), the status move (a
dialog on the card, a page without JS), delete, the History, and the control report.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accord.activities import claim_selectors as selectors
from accord.activities import claim_services as services
from accord.activities.models import CLAIM, Claim, ClaimStatus
from accord.billing.models import Invoice
from accord.catalog.models import PRODUCT_TYPE
from accord.core.errors import DomainError, NotFoundError, ValidationFailedError
from accord.core.models import model_label
from accord.sales.models import Order
from accord.users.access import can
from accord.web.forms.claims import ClaimFilterForm, ClaimForm, ClaimMoveForm, ClaimPeriodForm
from accord.web.forms.errors import DomainForm, attempt, submit
from accord.web.views.audit import HISTORY, history_context
from accord.web.views.base import AuthedRequest, go, is_fragment

LIST = "claims/list.html"
CARD = "claims/card.html"
FORM = "claims/form.html"
MOVE = "claims/move.html"
DELETE = "claims/delete.html"
CONTROL = "claims/control.html"
S = ClaimStatus

# target status -> (button label, the dialog's title, the text it asks for)
MOVE_TEXTS: dict[str, tuple[Any, Any, str]] = {
    S.UNDER_REVIEW: (gettext_lazy("Take for review"), gettext_lazy("Take for review"), "comment"),
    S.RESOLVED: (gettext_lazy("Resolve"), gettext_lazy("Resolve the claim"), "resolution"),
    S.REJECTED: (gettext_lazy("Reject"), gettext_lazy("Reject the claim"), "resolution"),
}
REOPEN = (gettext_lazy("Reopen"), gettext_lazy("Reopen the claim for review"), "comment")


def claim_perms(user: Any) -> dict[str, bool]:
    return {action: can(user, action, CLAIM) for action in ("add", "change", "delete")}


def claim_or_404(request: AuthedRequest, pk: int) -> Claim:
    """A claim the user may see; hidden and missing ones are the same 404."""
    try:
        return selectors.claim_get(viewer=request.user, pk=pk)
    except NotFoundError:
        raise Http404 from None


def move_texts(claim: Claim, status: str) -> tuple[Any, Any, str]:
    return REOPEN if claim.is_closed else MOVE_TEXTS[status]


# ---------------------------------------------------------------- list


def list_context(request: AuthedRequest) -> dict[str, Any]:
    form = ClaimFilterForm(request.GET, user=request.user)
    values, filters = form.values(), form.filters()
    result, error = None, ""
    try:
        result = selectors.claims_list(
            viewer=request.user, query=values["q"], filters=filters,
            sort=values["sort"] or "-created", cursor=values["cursor"] or None,
        )  # fmt: skip
    except DomainError:
        error = _("This page link is out of date. Start again from the first page.")
    return {"filters": form, "values": values, "filtered": bool(values["q"] or filters),
            "result": result, "error": error, "can": claim_perms(request.user)}  # fmt: skip


@login_required
@require_GET
def claim_list(request: AuthedRequest) -> HttpResponse:
    template = f"{LIST}#results" if is_fragment(request) else LIST
    return render(request, template, list_context(request))


# ---------------------------------------------------------------- card and history


def card_context(request: AuthedRequest, claim: Claim) -> dict[str, Any]:
    perms = claim_perms(request.user)
    moves = []
    if perms["change"]:
        for status in services.allowed_moves(claim):
            label, _title, asks = move_texts(claim, status)
            moves.append({"status": status, "label": label, "dialog": asks == "resolution"
                          or claim.is_closed})  # fmt: skip
    return {"claim": claim, "steps": selectors.claim_steps(claim=claim), "moves": moves,
            "links": linked_visible(request.user, claim), "can": perms}  # fmt: skip


def linked_visible(user: Any, claim: Claim) -> dict[str, bool]:
    """Which linked records the viewer may open: the others are named, not linked."""
    order, invoice = claim.order_id, claim.invoice_id
    return {
        "order": order is not None and Order.objects.visible_to(user).filter(pk=order).exists(),
        "invoice": invoice is not None
        and Invoice.objects.visible_to(user).filter(pk=invoice).exists(),
        "product": claim.product_id is not None and can(user, "view", PRODUCT_TYPE),
    }


@login_required
@require_GET
def claim_card(request: AuthedRequest, pk: int) -> HttpResponse:
    claim = claim_or_404(request, pk)
    return render(request, CARD, card_context(request, claim))


@login_required
@require_GET
def claim_history(request: AuthedRequest, pk: int) -> HttpResponse:
    claim = claim_or_404(request, pk)
    context = history_context(request, claim, {(model_label(claim), str(claim.pk)): claim})
    crumbs = [
        (reverse("web:claim_list"), _("Claims")),
        (reverse("web:claim_card", args=[claim.pk]), str(claim)),
    ]
    subtitle = _("Every change of this claim, its status moves included, newest first")
    context |= {"crumbs": crumbs, "subtitle": subtitle}
    return render(request, f"{HISTORY}#entries" if is_fragment(request) else HISTORY, context)


# ---------------------------------------------------------------- create and edit


def _prefill(request: AuthedRequest) -> dict[str, Any]:
    """What a new claim starts with: ?counterparty=, or an ?order= or ?invoice= of it."""
    start: dict[str, Any] = {}
    for name, model in (("order", Order), ("invoice", Invoice)):
        raw = request.GET.get(name, "")
        manager: Any = model._default_manager
        row = manager.visible_to(request.user).filter(pk=raw).first() if raw.isdigit() else None
        if row is not None:
            start |= {f"{name}_id": row.pk, "counterparty_id": row.counterparty_id}
    raw = request.GET.get("counterparty", "")
    if raw.isdigit() and "counterparty_id" not in start:
        start["counterparty_id"] = int(raw)  # the form offers it only when the user sees it
    return start


def _form(request: AuthedRequest, claim: Claim | None = None) -> ClaimForm:
    data = request.POST if request.method == "POST" else None
    initial = _prefill(request) if claim is None and data is None else None
    return ClaimForm(data, user=request.user, instance=claim, initial=initial)


@login_required
@require_http_methods(["GET", "POST"])
def claim_create(request: AuthedRequest) -> HttpResponse:
    form = _form(request)
    if request.method == "POST":
        claim = submit(form, lambda data: services.claim_create(actor=request.user, data=data))
        if claim is not None:
            messages.success(request, _("Claim %(number)s registered.") % {"number": claim.number})
            return go(request, reverse("web:claim_card", args=[claim.pk]))
    return render(request, FORM, {"form": form, "claim": None})


@login_required
@require_http_methods(["GET", "POST"])
def claim_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    claim = claim_or_404(request, pk)
    form = _form(request, claim)
    if request.method == "POST":
        saved = submit(form, lambda data: services.claim_update(
            actor=request.user, claim=claim, data=data))  # fmt: skip
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return go(request, reverse("web:claim_card", args=[saved.pk]))
    return render(request, FORM, {"form": form, "claim": claim})


@login_required
@require_GET
def claim_form_links(request: AuthedRequest) -> HttpResponse:
    """The form's contact, order and invoice inputs for the counterparty chosen in it."""
    raw = request.GET.get("counterparty_id", "")
    form = ClaimForm(None, user=request.user, initial={"counterparty_id": raw})
    return render(request, f"{FORM}#links", {"form": form})


# ---------------------------------------------------------------- status moves and delete


@login_required
@require_http_methods(["GET", "POST"])
def claim_move(request: AuthedRequest, pk: int) -> HttpResponse:
    """Move a claim: the card's buttons post here; closing and reopening ask for a text
    first (in the dialog, or on this page without JS)."""
    claim = claim_or_404(request, pk)
    data = request.POST if request.method == "POST" else None
    wanted = (data or request.GET).get("status", "")
    if wanted not in services.allowed_moves(claim):
        if data is not None:
            messages.error(request, _("This status change is not allowed now."))
        return go(request, reverse("web:claim_card", args=[claim.pk]))
    form = ClaimMoveForm(data, initial={"status": wanted})
    if data is not None:
        moved = submit(form, lambda values: services.claim_move(
            actor=request.user, claim=claim, **values))  # fmt: skip
        if moved is not None:
            messages.success(request, _("The claim is now “%(status)s”.") % {
                "status": moved.get_status_display()})  # fmt: skip
            return go(request, reverse("web:claim_card", args=[claim.pk]))
    _label, title, asks = move_texts(claim, wanted)
    context = {"claim": claim, "form": form, "title": title, "asks": asks, "status": wanted,
               "in_modal": is_fragment(request)}  # fmt: skip
    return render(request, f"{MOVE}#move" if is_fragment(request) else MOVE, context)


@login_required
@require_http_methods(["GET", "POST"])
def claim_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    claim = claim_or_404(request, pk)
    form = DomainForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and attempt(
        form, lambda: services.claim_delete(actor=request.user, claim=claim)
    ):
        messages.success(request, _("Claim %(number)s deleted.") % {"number": claim.number})
        return go(request, reverse("web:claim_list"))
    template = f"{DELETE}#confirm" if is_fragment(request) else DELETE
    return render(request, template, {"claim": claim, "form": form,
                                      "in_modal": is_fragment(request)})  # fmt: skip


# ---------------------------------------------------------------- control report


@login_required
@require_GET
def claim_control(request: AuthedRequest) -> HttpResponse:
    """Per responsible manager: open and overdue claims, and what the period brought."""
    form = ClaimPeriodForm(request.GET)
    today = timezone.localdate()
    context: dict[str, Any] = {"form": form, "report": None, "errors": {}}
    try:
        date_from, date_to = selectors.report_period(
            request.GET.get("date_from"), request.GET.get("date_to"), today=today
        )
    except ValidationFailedError as exc:
        context["errors"] = exc.fields
    else:
        context["report"] = selectors.claims_control(
            viewer=request.user, date_from=date_from, date_to=date_to, today=today
        )
    return render(request, CONTROL, context)
