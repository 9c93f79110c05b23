"""Settings of the directory: custom properties, and the sources and industries lists.

Only those who may view the settings know the pages exist: for everyone else every settings
URL answers 404, whatever the method. Writes are checked again by the services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.errors import NotFoundError
from accord.directory import selectors, settings_services
from accord.directory.models import PropertyDefinition
from accord.users.access import can
from accord.web.forms.errors import DomainForm, attempt, submit
from accord.web.forms.settings import ClassifierForm, PropertyDefinitionForm
from accord.web.views.base import AuthedRequest, admin_page, go, is_fragment

SETTINGS = settings_services.SETTINGS_TYPE
PROPERTIES = "settings/properties.html"
PROPERTY_FORM = "settings/property_form.html"
PROPERTY_DELETE = "settings/property_delete.html"
CLASSIFIERS = "settings/classifiers.html"

TARGET_TITLES: dict[str, Any] = {
    PropertyDefinition.Target.COUNTERPARTY.value: gettext_lazy("Counterparties"),
    PropertyDefinition.Target.CONTACT_PERSON.value: gettext_lazy("Contact persons"),
}
# The lists of classifiers: kind -> (title, placeholder of the "add" field).
CLASSIFIER_KINDS = {
    "source": (gettext_lazy("Sources"), gettext_lazy("e.g. exhibition, website, referral")),
    "industry": (gettext_lazy("Industries"), gettext_lazy("e.g. construction, retail")),
}


settings_page = admin_page(SETTINGS)


def settings_perms(request: AuthedRequest) -> dict[str, bool]:
    return {action: can(request.user, action, SETTINGS) for action in ("add", "change", "delete")}


def definition_or_404(pk: int) -> PropertyDefinition:
    try:
        return selectors.property_definition_get(pk=pk)
    except NotFoundError:
        raise Http404 from None


# ---------------------------------------------------------------- custom properties


@settings_page
@require_GET
def properties(request: AuthedRequest) -> HttpResponse:
    grouped = selectors.property_definitions_grouped()
    groups = [(TARGET_TITLES.get(t, t), items) for t, items in grouped.items()]
    return render(request, PROPERTIES, {"groups": groups, "can": settings_perms(request)})


def _property_form(
    request: AuthedRequest, definition: PropertyDefinition | None = None
) -> PropertyDefinitionForm:
    data = request.POST if request.method == "POST" else None
    initial = {"target": request.GET.get("target", "counterparty")} if definition is None else None
    return PropertyDefinitionForm(data, instance=definition, initial=initial)


@settings_page
@require_http_methods(["GET", "POST"])
def property_new(request: AuthedRequest) -> HttpResponse:
    form = _property_form(request)
    if request.method == "POST":
        saved = submit(form, lambda data: settings_services.property_definition_save(
            actor=request.user, data=data))  # fmt: skip
        if saved is not None:
            messages.success(request, _("Property “%(name)s” created.") % {"name": saved.name})
            return go(request, reverse("web:settings_properties"))
    return render(request, PROPERTY_FORM, {"form": form, "definition": None})


@settings_page
@require_http_methods(["GET", "POST"])
def property_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    definition = definition_or_404(pk)
    form = _property_form(request, definition)
    if request.method == "POST":
        saved = submit(form, lambda data: settings_services.property_definition_save(
            actor=request.user, data=data, instance=definition))  # fmt: skip
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return go(request, reverse("web:settings_properties"))
    return render(request, PROPERTY_FORM, {"form": form, "definition": definition})


@settings_page
@require_http_methods(["GET", "POST"])
def property_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    definition = definition_or_404(pk)
    form = DomainForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and attempt(
        form,
        lambda: settings_services.property_definition_delete(
            actor=request.user, definition=definition
        ),
    ):
        messages.success(request, _("Property “%(name)s” deleted.") % {"name": definition.name})
        return go(request, reverse("web:settings_properties"))
    template = f"{PROPERTY_DELETE}#confirm" if is_fragment(request) else PROPERTY_DELETE
    context = {"definition": definition, "form": form, "in_modal": is_fragment(request)}
    return render(request, template, context)


# ---------------------------------------------------------------- sources and industries


def classifiers_context(
    request: AuthedRequest, forms: dict[str, ClassifierForm] | None = None
) -> dict[str, Any]:
    """Both lists, each with its "add" form (the one just posted keeps its input and errors)."""
    forms = forms or {}
    values = selectors.classifiers_list()
    lists = [
        {
            "kind": kind,
            "title": title,
            "items": values[kind],
            "form": forms.get(kind) or ClassifierForm(prefix=kind, placeholder=str(placeholder)),
        }
        for kind, (title, placeholder) in CLASSIFIER_KINDS.items()
    ]
    return {"lists": lists, "can": settings_perms(request)}


@settings_page
@require_GET
def classifiers(request: AuthedRequest) -> HttpResponse:
    return render(request, CLASSIFIERS, classifiers_context(request))


@settings_page
@require_POST
def classifier_add(request: AuthedRequest, kind: str) -> HttpResponse:
    if kind not in CLASSIFIER_KINDS:
        raise Http404
    form = ClassifierForm(request.POST, prefix=kind, placeholder=str(CLASSIFIER_KINDS[kind][1]))
    added = submit(form, lambda data: settings_services.classifier_add(
        actor=request.user, kind=kind, name=data["name"]))  # fmt: skip
    if added is not None:
        messages.success(request, _("“%(name)s” added.") % {"name": added.name})
        return go(request, reverse("web:settings_classifiers") + f"#{kind}")
    return render(request, CLASSIFIERS, classifiers_context(request, {kind: form}))
