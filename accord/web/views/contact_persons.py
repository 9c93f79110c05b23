"""Contact persons: the list, add/edit/delete from the counterparty card, and the audited
reveal of a VIP person's details on the card (masked everywhere else, `directory.masking`).

On the card the forms open in a dialog (htmx); a saved change answers the card's refreshed
`contacts` partial and closes the dialog. Without htmx the same URLs are whole pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from accord.core.errors import DomainError
from accord.directory import selectors, services
from accord.directory.masking import CONTACT_PERSON, is_vip, may_reveal, person_contacts
from accord.directory.models import ContactPerson, Counterparty
from accord.web.forms.contact_persons import ContactPersonForm, ContactPersonSearchForm
from accord.web.forms.errors import DomainForm, attempt, submit
from accord.web.views.base import (
    AuthedRequest,
    contact_person_or_404,
    counterparty_or_404,
    go,
    is_fragment,
)
from accord.web.views.counterparties import (
    PersonView,
    card_page,
    contacts_context,
    export_context,
    person_view,
)

LIST = "contact_persons/list.html"
FORM = "contact_persons/form.html"
DELETE = "contact_persons/delete.html"


def list_context(request: AuthedRequest) -> dict[str, Any]:
    form = ContactPersonSearchForm(request.GET)
    values = form.values()
    page, count, error = None, None, ""
    try:
        page, count = selectors.contact_persons_list(
            viewer=request.user, query=values["q"], cursor=values["cursor"] or None
        )
    except DomainError:
        error = _("This page link is out of date. Start again from the first page.")
    rows = [person_view(p) for p in page.items] if page else []
    return {
        "values": values,
        "page": page,
        "rows": rows,
        "count": count,
        "error": error,
        "export": export_context(request, CONTACT_PERSON),
    }


@login_required
@require_GET
def contact_person_list(request: AuthedRequest) -> HttpResponse:
    template = f"{LIST}#results" if is_fragment(request) else LIST
    return render(request, template, list_context(request))


def form_context(
    request: AuthedRequest, form: ContactPersonForm, cp: Counterparty, action_url: str
) -> dict[str, Any]:
    """The form page and its `form` partial, shown in the card's dialog for htmx."""
    return {
        "form": form,
        "cp": cp,
        "person": form.instance,
        "action_url": action_url,
        "cancel_url": reverse("web:counterparty_card", args=[cp.pk]),
        "in_modal": is_fragment(request),
    }


def _render_form(request: AuthedRequest, context: dict[str, Any]) -> HttpResponse:
    return render(request, f"{FORM}#form" if is_fragment(request) else FORM, context)


def saved(request: AuthedRequest, counterparty_id: int, message: str) -> HttpResponse:
    """After a write: the card's refreshed contacts for htmx, else back to the card."""
    if not is_fragment(request):
        messages.success(request, message)
        return go(request, reverse("web:counterparty_card", args=[counterparty_id]) + "#contacts")
    cp = counterparty_or_404(request, counterparty_id)
    context = {**contacts_context(request, cp), "toast": message}
    response = render(request, "counterparties/card.html#contacts", context)
    response = retarget(reswap(response, "outerHTML"), "#contacts")
    return trigger_client_event(response, "accord:modal-close")


class VipContactPersonForm(ContactPersonForm):
    """The edit form of a VIP person for a user who may not reveal: details show masked,
    read-only, and never reach the service, which then keeps the stored ones."""

    WITHHELD = ("phones", "emails", "messengers")

    def __init__(self, *args: Any, instance: ContactPerson, **kwargs: Any) -> None:
        super().__init__(*args, instance=instance, **kwargs)
        shown = person_contacts(instance)
        self.initial["phones"] = shown.phones
        self.initial["emails"] = shown.emails
        self.initial["messengers"] = [{"service": s, "value": v} for s, v in shown.messengers]
        for name in self.WITHHELD:
            self.fields[name].disabled = True

    def to_service(self) -> dict[str, Any]:
        return {k: v for k, v in super().to_service().items() if k not in self.WITHHELD}


def _form(request: AuthedRequest, person: ContactPerson | None = None) -> ContactPersonForm:
    if person is not None and is_vip(person) and not may_reveal(request.user, CONTACT_PERSON):
        return VipContactPersonForm(
            request.POST if request.method == "POST" else None,
            definitions=selectors.property_definitions(target="contact_person"),
            instance=person,
        )
    return ContactPersonForm(
        request.POST if request.method == "POST" else None,
        definitions=selectors.property_definitions(target="contact_person"),
        instance=person,
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_person_create(request: AuthedRequest, pk: int) -> HttpResponse:
    cp = counterparty_or_404(request, pk)
    form = _form(request)
    if request.method == "POST":
        person = submit(form, lambda data: services.contact_person_create(
            actor=request.user, data={**data, "counterparty_id": cp.pk}))  # fmt: skip
        if person is not None:
            return saved(
                request, cp.pk, _("Contact person “%(name)s” added.") % {"name": person.name}
            )
    action = reverse("web:contact_person_create", args=[cp.pk])
    return _render_form(request, form_context(request, form, cp, action))


@login_required
@require_http_methods(["GET", "POST"])
def contact_person_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    person = contact_person_or_404(request, pk)
    form = _form(request, person)
    if request.method == "POST":
        done = submit(form, lambda data: services.contact_person_update(
            actor=request.user, contact_person=person, data=data))  # fmt: skip
        if done is not None:
            return saved(request, done.counterparty_id, _("Changes saved."))
    action = reverse("web:contact_person_edit", args=[person.pk])
    return _render_form(request, form_context(request, form, person.counterparty, action))


@login_required
@require_http_methods(["GET", "POST"])
def contact_person_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    person = contact_person_or_404(request, pk)
    form = DomainForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and attempt(
        form, lambda: services.contact_person_delete(actor=request.user, contact_person=person)
    ):
        message = _("Contact person “%(name)s” deleted.") % {"name": person.name}
        return saved(request, person.counterparty_id, message)
    context = {
        "person": person,
        "cp": person.counterparty,
        "form": form,
        "in_modal": is_fragment(request),
    }
    return render(request, f"{DELETE}#confirm" if is_fragment(request) else DELETE, context)


@login_required
@require_POST
def contact_person_reveal(request: AuthedRequest, pk: int) -> HttpResponse:
    """A VIP person's details unmasked on the card (htmx: that person's block only)."""
    person = contact_person_or_404(request, pk)
    shown = services.contact_person_reveal(actor=request.user, contact_person=person)
    item = PersonView(person, shown.phones, shown.emails, shown.messengers, masked=False)
    if is_fragment(request):
        return render(request, "counterparties/card.html#person_details", {"item": item})
    return card_page(request, counterparty_or_404(request, person.counterparty_id), revealed=item)
