"""Interaction pages: the list (today, overdue, upcoming), the form (a page, or the dialog
on a card), completing one with the next planned in the same step, cancelling, and the
client card's timeline.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.activities import interaction_services as services
from accord.activities import selectors
from accord.activities.models import INTERACTION, Interaction
from accord.activities.timeline import GROUPS, Entry, timeline_page
from accord.core.audit_display import action_phrase
from accord.core.errors import DomainError, NotFoundError
from accord.users.access import can
from accord.web.forms.activities import CompleteForm, InteractionFilterForm, InteractionForm
from accord.web.forms.errors import apply_domain_error, submit
from accord.web.views.base import (
    AuthedRequest,
    act,
    counterparty_or_404,
    go,
    is_fragment,
    safe_next,
)

LIST = "interactions/list.html"
FORM = "interactions/form.html"
COMPLETE = "interactions/complete.html"
TIMELINE = "interactions/timeline.html"


def interaction_perms(user: Any) -> dict[str, bool]:
    return {action: can(user, action, INTERACTION) for action in ("add", "change", "delete")}


def interaction_or_404(request: AuthedRequest, pk: int) -> Interaction:
    try:
        return selectors.interaction_get(viewer=request.user, pk=pk)
    except NotFoundError:
        raise Http404 from None


# ---------------------------------------------------------------- list


def list_context(request: AuthedRequest) -> dict[str, Any]:
    form = InteractionFilterForm(request.GET, user=request.user)
    values, filters = form.values(), form.filters()
    result, error = None, ""
    try:
        result = selectors.interactions_list(
            viewer=request.user, query=values["q"], filters=filters,
            sort=values["sort"] or "-starts_at", cursor=values["cursor"] or None,
        )  # fmt: skip
    except DomainError:
        error = _("This page link is out of date. Start again from the first page.")
    return {"filters": form, "values": values, "filtered": bool(values["q"] or filters),
            "result": result, "error": error, "can": interaction_perms(request.user)}  # fmt: skip


@login_required
@require_GET
def interaction_list(request: AuthedRequest) -> HttpResponse:
    template = f"{LIST}#results" if is_fragment(request) else LIST
    return render(request, template, list_context(request))


# ---------------------------------------------------------------- create and edit


def _render_form(request: AuthedRequest, form: InteractionForm, next_url: str) -> HttpResponse:
    context = {
        "form": form,
        "interaction": form.instance,
        "next_url": next_url,
        "in_modal": is_fragment(request),
        "action_url": request.get_full_path(),
    }
    return render(request, f"{FORM}#form" if is_fragment(request) else FORM, context)


@login_required
@require_http_methods(["GET", "POST"])
def interaction_create(request: AuthedRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    for name in ("counterparty", "deal", "kind", "status"):
        value = request.GET.get(name, "")
        if value:
            initial[f"{name}_id" if name in ("counterparty", "deal") else name] = value
    data = request.POST if request.method == "POST" else None
    form = InteractionForm(data, user=request.user, initial=initial)
    fallback = reverse("web:interaction_list")
    if form.counterparty is not None:
        fallback = reverse("web:counterparty_card", args=[form.counterparty.pk])
    next_url = safe_next(request, fallback)
    if request.method == "POST":
        row = submit(form, lambda d: services.interaction_create(actor=request.user, data=d))
        if row is not None:
            messages.success(request, _("Interaction saved."))
            return go(request, next_url)
    return _render_form(request, form, next_url)


@login_required
@require_http_methods(["GET", "POST"])
def interaction_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    row = interaction_or_404(request, pk)
    data = request.POST if request.method == "POST" else None
    form = InteractionForm(data, user=request.user, instance=row)
    next_url = safe_next(request, reverse("web:counterparty_card", args=[row.counterparty_id]))
    if request.method == "POST":
        saved = submit(form, lambda d: services.interaction_update(
            actor=request.user, interaction=row, data=d))  # fmt: skip
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return go(request, next_url)
    return _render_form(request, form, next_url)


# ---------------------------------------------------------------- complete and cancel


@login_required
@require_http_methods(["GET", "POST"])
def interaction_complete(request: AuthedRequest, pk: int) -> HttpResponse:
    """Done, with the outcome; "plan the next one" writes the follow-up in the same step."""
    row = interaction_or_404(request, pk)
    data = request.POST if request.method == "POST" else None
    form = CompleteForm(data, initial={"next_kind": row.kind, "next_subject": row.subject})
    next_url = safe_next(request, reverse("web:counterparty_card", args=[row.counterparty_id]))
    if request.method == "POST" and form.is_valid():
        try:
            services.interaction_complete(
                actor=request.user, interaction=row, result=form.result(),
                follow_up=form.follow_up(),
            )  # fmt: skip
        except DomainError as exc:
            if exc.status == 403:
                raise
            apply_domain_error(form, exc)
        else:
            done = _("Done.")
            if form.follow_up() is not None:
                done = _("Done, and the next one is planned.")
            messages.success(request, done)
            return go(request, next_url)
    context = {"form": form, "interaction": row, "next_url": next_url,
               "in_modal": is_fragment(request)}  # fmt: skip
    return render(request, f"{COMPLETE}#form" if is_fragment(request) else COMPLETE, context)


@login_required
@require_POST
def interaction_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    row = interaction_or_404(request, pk)
    return act(
        request,
        lambda: services.interaction_cancel(actor=request.user, interaction=row),
        done=_("The interaction is cancelled."),
        back=safe_next(request, reverse("web:interaction_list")),
    )


# ---------------------------------------------------------------- the client timeline

DOCUMENT_NAMES = {
    "quote": gettext_lazy("Quote"),
    "order": gettext_lazy("Order"),
    "invoice": gettext_lazy("Invoice"),
    "shipment": gettext_lazy("Shipment"),
    "payment": gettext_lazy("Payment"),
}
DOCUMENT_ICONS = {"quote": "file", "order": "file", "invoice": "file", "shipment": "package",
                  "payment": "bank"}  # fmt: skip


def _document_row(entry: Entry) -> dict[str, Any]:
    obj = entry.obj
    amount = getattr(obj, "total", None) if entry.kind != "payment" else obj.amount
    number = getattr(obj, "number", "") or _("draft")
    status = obj.get_status_display() if hasattr(obj, "get_status_display") else ""
    return {
        "icon": DOCUMENT_ICONS[entry.kind],
        "title": f"{DOCUMENT_NAMES[entry.kind]} № {number}",
        "amount": amount,
        "currency": getattr(obj, "currency", "RUB"),
        "badge": status,
        "url": reverse(f"web:{entry.kind}_card", args=[obj.pk]),
        "who": getattr(obj, "responsible", None),
    }


def timeline_row(entry: Entry) -> dict[str, Any]:
    """What the timeline shows of one entry: icon, title, detail, link, badge, who."""
    obj = entry.obj
    row: dict[str, Any] = {"entry": entry, "kind": entry.kind, "at": entry.at}
    if entry.kind == "interaction":
        return row | {"interaction": obj, "who": obj.responsible}
    if entry.kind == "stage":
        moved = f"{obj.from_stage} → {obj.to_stage}" if obj.from_stage else str(obj.to_stage)
        return row | {"icon": "briefcase", "title": obj.deal.title, "detail": moved,
                      "url": reverse("web:deal_card", args=[obj.deal_id]),
                      "who": obj.changed_by}  # fmt: skip
    if entry.kind == "claim":
        return row | {"icon": "flag", "title": f"{_('Claim')} {obj.number}: {obj.subject}",
                      "badge": obj.get_status_display(),
                      "url": reverse("web:claim_card", args=[obj.pk]),
                      "who": obj.responsible}  # fmt: skip
    if entry.kind == "event":
        return row | {"icon": "pencil", "title": action_phrase(obj), "who": obj.actor_label}
    return row | _document_row(entry)


@login_required
@require_GET
def counterparty_timeline(request: AuthedRequest, pk: int) -> HttpResponse:
    """A page of the card's timeline; the next page loads when its end scrolls into view."""
    cp = counterparty_or_404(request, pk)
    groups = [g for g in request.GET.getlist("group") if g in GROUPS]
    try:
        page = timeline_page(
            viewer=request.user, counterparty=cp, groups=groups,
            cursor=request.GET.get("cursor") or None,
        )  # fmt: skip
    except DomainError:
        raise Http404 from None
    rows = [timeline_row(entry) for entry in page.entries]
    context = {"cp": cp, "page": page, "rows": rows, "groups": groups, "group_names": GROUPS,
               "can": interaction_perms(request.user), "more": bool(request.GET.get("cursor"))}  # fmt: skip
    return render(request, TIMELINE, context)
