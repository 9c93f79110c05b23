"""The History of a card and the administrators' audit list (Settings -> Audit log).

A History page first finds the object through the viewer's visibility (a hidden one is the
same 404 as a missing id), then reads its events with `core.audit_selectors`, passes every
event's changes through the directory's VIP masking, and shows them newest first; "Show
more" appends the next keyset page through htmx, or opens it as a page without JS.
Nothing here writes: audit events are append-only (`core.models.AuditEvent`).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accord.core.audit_display import AuditEntry, describe
from accord.core.audit_selectors import (
    AUDIT_FILTERS,
    AUDIT_TYPE,
    audit_actor_choices,
    audit_events_for,
    audit_events_list,
    audit_ids_linked,
    audit_object_types,
    clean_audit_filters,
)
from accord.core.errors import DomainError, ValidationFailedError
from accord.core.models import AuditEvent, model_label
from accord.core.pagination import Page
from accord.directory.masking import MASKED_FIELDS, mask_changes
from accord.directory.models import ContactPerson, Counterparty
from accord.web.views.base import (
    AuthedRequest,
    admin_page,
    contact_person_or_404,
    counterparty_or_404,
    is_fragment,
)
from accord.web.views.deals import deal_or_404

HISTORY = "audit/history.html"
AUDIT_LIST = "audit/list.html"
COUNTERPARTY = model_label(Counterparty)
PERSON = model_label(ContactPerson)
STALE = _("This page link is out of date. Start again from the first page.")

# An event's object as the masking sees it: (object type, id) -> the model instance.
Objects = dict[tuple[str, str], models.Model]


def _counterparty_objects(cp: Counterparty) -> Objects:
    """The counterparty, its contact persons, and those deleted from it (by their events).

    Bank accounts, tags and contact details are recorded in their owner's own events. A
    deleted person counts as VIP, so that its details stay masked for those who may not
    reveal them; a person moved to another counterparty is not this card's history.
    """
    objects: Objects = {(model_label(cp), str(cp.pk)): cp}
    objects |= {(PERSON, str(p.pk)): p for p in cp.contact_persons.all()}
    linked = audit_ids_linked(object_type=PERSON, key="counterparty", value=cp.pk)
    still_there = {
        str(pk) for pk in ContactPerson.objects.filter(pk__in=linked).values_list("pk", flat=True)
    }
    for pk in sorted(linked - still_there):
        gone = ContactPerson(pk=int(pk), counterparty=cp, is_vip=True)
        objects[(PERSON, pk)] = gone
    return objects


def _entries(request: AuthedRequest, page: Page[AuditEvent], objects: Objects) -> list[AuditEntry]:
    """The page's events in words, each one's changes masked as the viewer may read them."""
    items: list[tuple[AuditEvent, dict[str, Any]]] = []
    for event in page.items:
        obj = objects.get((event.object_type, event.object_id))
        changes = event.changes if obj is None else mask_changes(request.user, obj, event.changes)
        items.append((event, changes))
    return describe(items)


def _masked_objects(events: list[AuditEvent]) -> Objects:
    """The directory rows that events of the audit list are about, for the VIP masking.

    Two queries whatever the page holds; a row deleted since counts as VIP (masked unless
    the viewer may reveal).
    """
    wanted: dict[str, set[int]] = {t: set() for t in MASKED_FIELDS}
    for event in events:
        if event.object_type in wanted and event.object_id.isdigit():
            wanted[event.object_type].add(int(event.object_id))
    found: Objects = {}
    cps = Counterparty._base_manager.in_bulk(wanted.get(COUNTERPARTY, set()))
    persons = ContactPerson._base_manager.select_related("counterparty").in_bulk(
        wanted.get(PERSON, set())
    )
    for object_type, rows, model in (
        (COUNTERPARTY, cps, Counterparty),
        (PERSON, persons, ContactPerson),
    ):
        for pk in wanted.get(object_type, set()):
            found[(object_type, str(pk))] = rows.get(pk) or model(pk=pk, is_vip=True)
    return found


def history_context(
    request: AuthedRequest, subject: models.Model, objects: Objects
) -> dict[str, Any]:
    """The History page and its `entries` partial (one more page for "Show more")."""
    subjects: dict[str, list[str]] = {}
    for object_type, pk in objects:
        subjects.setdefault(object_type, []).append(pk)
    cursor = request.GET.get("cursor") or None
    page, entries, error = None, [], ""
    try:
        page = audit_events_for(viewer=request.user, subjects=subjects.items(), cursor=cursor)
        entries = _entries(request, page, objects)
    except DomainError:
        error = STALE
    return {
        "subject": subject,
        "subject_type": model_label(subject),
        "page": page,
        "entries": entries,
        "error": error,
        "cursor": cursor,
    }


def _render_history(request: AuthedRequest, context: dict[str, Any]) -> HttpResponse:
    return render(request, f"{HISTORY}#entries" if is_fragment(request) else HISTORY, context)


def _counterparty_crumbs(cp: Counterparty) -> list[tuple[str, str]]:
    return [
        (reverse("web:counterparty_list"), _("Counterparties")),
        (reverse("web:counterparty_card", args=[cp.pk]), cp.name),
    ]


@login_required
@require_GET
def counterparty_history(request: AuthedRequest, pk: int) -> HttpResponse:
    cp = counterparty_or_404(request, pk)
    context = history_context(request, cp, _counterparty_objects(cp))
    subtitle = _(
        "Every change of this counterparty, its contact persons and bank accounts, newest first"
    )
    return _render_history(
        request, {**context, "crumbs": _counterparty_crumbs(cp), "subtitle": subtitle}
    )


@login_required
@require_GET
def contact_person_history(request: AuthedRequest, pk: int) -> HttpResponse:
    person = contact_person_or_404(request, pk)
    context = history_context(request, person, {(PERSON, str(person.pk)): person})
    crumbs = [
        *_counterparty_crumbs(person.counterparty),
        (reverse("web:contact_person_edit", args=[person.pk]), person.name),
    ]
    subtitle = _("Every change of this contact person, newest first")
    return _render_history(request, {**context, "crumbs": crumbs, "subtitle": subtitle})


@login_required
@require_GET
def deal_history(request: AuthedRequest, pk: int) -> HttpResponse:
    deal = deal_or_404(request, pk)
    context = history_context(request, deal, {(model_label(deal), str(deal.pk)): deal})
    crumbs = [
        (reverse("web:deal_board"), _("Deals")),
        (reverse("web:deal_card", args=[deal.pk]), deal.title),
    ]
    subtitle = _("Every change of this deal, its stage moves included, newest first")
    return _render_history(request, {**context, "crumbs": crumbs, "subtitle": subtitle})


# ---------------------------------------------------------------- the audit list


def audit_list_context(request: AuthedRequest) -> dict[str, Any]:
    """The audit list and its `results` partial: exact filters from GET, a capped count."""
    values = {name: request.GET.get(name, "").strip() for name in AUDIT_FILTERS}
    result, entries, error, field_errors = None, [], "", {}
    try:
        filters = clean_audit_filters(values)
        result = audit_events_list(viewer=request.user, filters=filters,
                                   cursor=request.GET.get("cursor") or None)  # fmt: skip
        entries = _entries(request, result.page, _masked_objects(result.page.items))
    except ValidationFailedError as exc:
        error, field_errors = _("Some filters are not valid."), exc.fields
    except DomainError:
        error = STALE
    return {
        "values": values,
        "filtered": any(values.values()),
        "result": result,
        "page": result.page if result else None,
        "entries": entries,
        "error": error,
        "field_errors": field_errors,
        "actors": audit_actor_choices(),
        "object_types": audit_object_types(),
    }


@admin_page(AUDIT_TYPE)
@require_GET
def audit_list(request: AuthedRequest) -> HttpResponse:
    template = f"{AUDIT_LIST}#results" if is_fragment(request) else AUDIT_LIST
    return render(request, template, audit_list_context(request))
