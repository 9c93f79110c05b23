"""Contact persons: the list, and add/edit/delete from the counterparty card.

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
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import reswap, retarget, trigger_client_event

from accord.core.errors import DomainError
from accord.directory import selectors, services
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
from accord.web.views.counterparties import contacts_context, person_view

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
    return {"values": values, "page": page, "rows": rows, "count": count, "error": error}


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


def _form(request: AuthedRequest, person: ContactPerson | None = None) -> ContactPersonForm:
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
