"""Counterparty pages: the list, the card, the create/edit form with its live
validation, delete, and the audited reveal of a VIP card's contact details.

VIP contact details are masked on every page (`directory.masking`); the card's "Show"
button (POST, htmx) asks `services.counterparty_reveal` for them, which checks the
permission and records the reveal.

Each page has one context builder; an htmx request for a fragment gets the same context
rendered through the page's inline partial (`template.html#partial`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.errors import DomainError
from accord.dedup.models import Kind
from accord.dedup.selectors import merged_into
from accord.directory import selectors, services
from accord.directory.masking import (
    CONTACT_PERSON,
    COUNTERPARTY,
    MASKED_FIELDS,
    CounterpartyContacts,
    counterparty_contacts,
    is_vip,
    may_reveal,
    person_contacts,
)
from accord.directory.models import ContactPerson, Counterparty, PropertyDefinition, PropertyKind
from accord.directory.selectors import COUNTERPARTY_SORTS
from accord.directory.services import DuplicatePolicy
from accord.users.access import can
from accord.web.forms.counterparties import CounterpartyFilterForm, CounterpartyForm
from accord.web.forms.errors import DomainForm, attempt, submit
from accord.web.views.base import (
    AuthedRequest,
    counterparty_or_404,
    counterparty_perms,
    go,
    is_fragment,
)
from accord.web.views.deals import counterparty_deals_context as deals_block
from accord.web.views.receivables import counterparty_balance_context as balance_block
from accord.web.views.validation import validate_counterparty_form

LIST = "counterparties/list.html"
CARD = "counterparties/card.html"
FORM = "counterparties/form.html"
DELETE = "counterparties/delete.html"

# ---------------------------------------------------------------- list


@dataclass(frozen=True)
class SortLink:
    """A sortable column header: what clicking asks for, and the current direction."""

    param: str
    direction: str  # "asc", "desc" or "" when the list is sorted by another column


def sort_links(current: str) -> dict[str, SortLink]:
    links = {}
    for key, first in (("name", "name"), ("inn", "inn"), ("created", "-created")):
        if current == key:
            reverse_sort = f"-{key}"
            links[key] = SortLink(
                reverse_sort if reverse_sort in COUNTERPARTY_SORTS else key, "asc"
            )
        elif current == f"-{key}":
            links[key] = SortLink(key, "desc")
        else:
            links[key] = SortLink(first, "")
    return links


def list_context(request: AuthedRequest) -> dict[str, Any]:
    """The list page and its `results` partial: filters, one page of rows, the count."""
    form = CounterpartyFilterForm(request.GET, user=request.user)
    values, filters = form.values(), form.filters()
    sort = values["sort"] or "name"
    result, error = None, ""
    try:
        result = selectors.counterparties_list(
            viewer=request.user, query=values["q"], filters=filters, sort=sort,
            cursor=values["cursor"] or None,
        )  # fmt: skip
    except DomainError:
        error = _("This page link is out of date. Start again from the first page.")
    rows = [(cp, counterparty_contacts(cp)) for cp in result.page.items] if result else []
    return {
        "rows": rows,
        "export": export_context(request, COUNTERPARTY),
        "filters": form,
        "values": values,
        "filtered": bool(values["q"] or filters),
        "sort": sort,
        "sorts": sort_links(sort),
        "result": result,
        "error": error,
        "can": counterparty_perms(request.user),
    }


def export_context(request: AuthedRequest, object_type: str) -> dict[str, Any]:
    """The list's Export form: shown with "export"; the VIP tick only with "reveal" too."""
    params = [(k, v) for k, v in request.GET.items() if k not in ("cursor", "include_vip") and v]
    return {
        "allowed": can(request.user, "export", object_type),
        "may_include_vip": may_reveal(request.user, object_type),
        "params": params,
    }


@login_required
@require_GET
def counterparty_list(request: AuthedRequest) -> HttpResponse:
    template = f"{LIST}#results" if is_fragment(request) else LIST
    return render(request, template, list_context(request))


# ---------------------------------------------------------------- card


@dataclass(frozen=True)
class PersonView:
    person: ContactPerson
    phones: list[str]
    emails: list[str]
    messengers: list[tuple[str, str]]
    masked: bool = False  # the values are VIP masks; a reveal would show them


def person_view(person: ContactPerson, *, revealed: bool = False) -> PersonView:
    """A person's details as a page shows them: masked for a VIP unless just revealed."""
    shown = person_contacts(person, revealed=revealed)
    return PersonView(person, shown.phones, shown.emails, shown.messengers, shown.masked)


def property_value(definition: PropertyDefinition, value: Any) -> Any:
    """A stored custom value as the template shows it (dates and numbers localized)."""
    try:
        if definition.kind == PropertyKind.DATE:
            return dt.date.fromisoformat(str(value))
        if definition.kind == PropertyKind.NUMBER:
            return Decimal(str(value))
    except (ValueError, InvalidOperation):
        pass
    return value


def contacts_context(
    request: AuthedRequest, cp: Counterparty, revealed: PersonView | None = None
) -> dict[str, Any]:
    """The card's `contacts` partial, also answered after a contact person is saved.

    `revealed` replaces its person's masked row (a reveal answered without htmx).
    """
    people = [person_view(p) for p in cp.contact_persons.all()]
    if revealed is not None:
        people = [revealed if v.person.pk == revealed.person.pk else v for v in people]
    return {
        "cp": cp,
        "contacts": people,
        "can": counterparty_perms(request.user),
        "can_reveal_person": may_reveal(request.user, CONTACT_PERSON),
    }


def card_context(
    request: AuthedRequest, cp: Counterparty, revealed: PersonView | None = None
) -> dict[str, Any]:
    definitions = selectors.property_definitions(target="counterparty")
    custom = [
        (d, property_value(d, cp.custom[d.code]))
        for d in definitions
        if cp.custom.get(d.code) not in (None, "")
    ]
    return {
        **contacts_context(request, cp, revealed),
        "custom": custom,
        "shown": counterparty_contacts(cp),
        "can_reveal": may_reveal(request.user, COUNTERPARTY),
    }


@login_required
@require_GET
def counterparty_card(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        cp = counterparty_or_404(request, pk)
    except Http404:
        # A card merged into another one: its old address leads to the kept card.
        kept = merged_into(kind=Kind.COUNTERPARTY, pk=pk)
        if (
            kept is None
            or not Counterparty.objects.visible_to(request.user).filter(pk=kept).exists()
        ):
            raise
        return redirect("web:counterparty_card", kept)
    context = card_context(request, cp) | deals_block(request, cp) | balance_block(request, cp)
    return render(request, CARD, context)


@login_required
@require_POST
def counterparty_reveal(request: AuthedRequest, pk: int) -> HttpResponse:
    """The card's contact details unmasked (htmx: that block only); refused without "reveal"."""
    cp = counterparty_or_404(request, pk)
    shown = services.counterparty_reveal(actor=request.user, counterparty=cp)
    if is_fragment(request):
        return render(request, f"{CARD}#cp_contacts", {"cp": cp, "shown": shown})
    return card_page(request, cp, shown=shown)


def card_page(
    request: AuthedRequest,
    cp: Counterparty,
    *,
    shown: CounterpartyContacts | None = None,
    revealed: PersonView | None = None,
) -> HttpResponse:
    """The whole card with a just-revealed block: a reveal's answer when htmx is off."""
    context = card_context(request, cp, revealed) | deals_block(request, cp)
    context |= balance_block(request, cp)
    return render(request, CARD, context | ({"shown": shown} if shown else {}))


# ---------------------------------------------------------------- create, edit, validate


class VipCounterpartyForm(CounterpartyForm):
    """The edit form of a VIP counterparty for a user who may not reveal its details.

    The contact fields show masks, read-only, and never reach the service, so the stored
    values stay as they are (the service takes a missing field as unchanged).
    """

    WITHHELD = MASKED_FIELDS[COUNTERPARTY]

    def __init__(self, *args: Any, instance: Counterparty, **kwargs: Any) -> None:
        super().__init__(*args, instance=instance, **kwargs)
        shown = counterparty_contacts(instance)
        for name in self.WITHHELD:
            self.fields[name].disabled = True
            self.initial[name] = getattr(shown, name)

    def to_service(self) -> dict[str, Any]:
        data = super().to_service()
        return {k: v for k, v in data.items() if k not in self.WITHHELD}


def counterparty_form(request: AuthedRequest, cp: Counterparty | None = None) -> CounterpartyForm:
    if cp is not None and is_vip(cp) and not may_reveal(request.user, COUNTERPARTY):
        return VipCounterpartyForm(
            request.POST if request.method == "POST" else None,
            user=request.user,
            definitions=selectors.property_definitions(target="counterparty"),
            instance=cp,
        )
    return CounterpartyForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        definitions=selectors.property_definitions(target="counterparty"),
        instance=cp,
    )


def form_context(form: CounterpartyForm, cp: Counterparty | None) -> dict[str, Any]:
    """The form page and its `form` partial (also answered by the live validation)."""
    if cp is None:
        return {
            "form": form,
            "cp": None,
            "action_url": reverse("web:counterparty_create"),
            "validate_url": reverse("web:counterparty_validate"),
            "cancel_url": reverse("web:counterparty_list"),
        }
    return {
        "form": form,
        "cp": cp,
        "action_url": reverse("web:counterparty_edit", args=[cp.pk]),
        "validate_url": reverse("web:counterparty_validate_existing", args=[cp.pk]),
        "cancel_url": reverse("web:counterparty_card", args=[cp.pk]),
    }


def _policy(form: CounterpartyForm) -> DuplicatePolicy:
    return DuplicatePolicy.ALLOW if form.confirmed else DuplicatePolicy.WARN_ANY


@login_required
@require_http_methods(["GET", "POST"])
def counterparty_create(request: AuthedRequest) -> HttpResponse:
    form = counterparty_form(request)
    if request.method == "POST":
        cp = submit(form, lambda data: services.counterparty_create(
            actor=request.user, data=data, duplicates=_policy(form)))  # fmt: skip
        if cp is not None:
            messages.success(request, _("Counterparty “%(name)s” created.") % {"name": cp.name})
            return go(request, reverse("web:counterparty_card", args=[cp.pk]))
    return render(request, FORM, form_context(form, None))


@login_required
@require_http_methods(["GET", "POST"])
def counterparty_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    cp = counterparty_or_404(request, pk)
    form = counterparty_form(request, cp)
    if request.method == "POST":
        saved = submit(form, lambda data: services.counterparty_update(
            actor=request.user, counterparty=cp, data=data, duplicates=_policy(form)))  # fmt: skip
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return go(request, reverse("web:counterparty_card", args=[saved.pk]))
    return render(request, FORM, form_context(form, cp))


@login_required
@require_POST
def counterparty_validate(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    """The form as typed so far with its errors and likely duplicates; writes nothing."""
    cp = counterparty_or_404(request, pk) if pk is not None else None
    form = counterparty_form(request, cp)
    validate_counterparty_form(form, viewer=request.user, instance=cp)
    return render(request, f"{FORM}#form", form_context(form, cp))


# ---------------------------------------------------------------- delete


@login_required
@require_http_methods(["GET", "POST"])
def counterparty_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    cp = counterparty_or_404(request, pk)
    form = DomainForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and attempt(
        form, lambda: services.counterparty_delete(actor=request.user, counterparty=cp)
    ):
        messages.success(request, _("Counterparty “%(name)s” deleted.") % {"name": cp.name})
        return go(request, reverse("web:counterparty_list"))
    template = f"{DELETE}#confirm" if is_fragment(request) else DELETE
    return render(request, template, {"cp": cp, "form": form, "in_modal": is_fragment(request)})
