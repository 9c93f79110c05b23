"""Business process pages: the status control (every running process, its current step, who
holds it and for how long), a process's card with its history, cancelling one, the block of
an object's card that lists its processes and starts one, and Settings -> process templates
(the list and the editor: the template and a table of its steps with their conditions).

Templates are administrative (`admin.processes`: 403 without it); processes and the objects
they run on are business records (404 when hidden).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.activities import process_selectors as selectors
from accord.activities import process_services as services
from accord.activities.models import (
    PROCESS,
    PROCESS_SETTINGS,
    ProcessInstance,
    ProcessObject,
    ProcessTemplate,
)
from accord.activities.process_validation import FIELDS, OPS, describe
from accord.core.errors import DomainError, NotFoundError
from accord.users.access import can
from accord.web.forms.errors import DomainForm, attempt, submit
from accord.web.forms.processes import (
    CancelForm,
    ProcessFilterForm,
    StartForm,
    StepFormSet,
    TemplateForm,
    step_initial,
)
from accord.web.views.base import AuthedRequest, admin_page, go, is_fragment

LIST = "processes/list.html"
CARD = "processes/card.html"
BLOCK = "processes/block.html"
TEMPLATES = "processes/templates.html"
EDITOR = "processes/template_form.html"

process_settings = admin_page(PROCESS_SETTINGS)


def process_or_404(request: AuthedRequest, pk: int) -> ProcessInstance:
    try:
        return selectors.process_get(viewer=request.user, pk=pk)
    except NotFoundError:
        raise Http404 from None


def _card_url(pk: int) -> str:
    return reverse("web:process_card", args=[pk])


# ---------------------------------------------------------------- status control


def list_context(request: AuthedRequest) -> dict[str, Any]:
    form = ProcessFilterForm(request.GET)
    values = form.values()
    result, error = None, ""
    try:
        result = selectors.processes_list(
            viewer=request.user, query=values["q"], filters=form.filters(),
            sort=values["sort"] or "-started", cursor=values["cursor"] or None,
        )  # fmt: skip
    except DomainError:
        error = _("This page link is out of date. Start again from the first page.")
    return {"filters": form, "values": values, "result": result, "error": error}


@login_required
@require_GET
def process_list(request: AuthedRequest) -> HttpResponse:
    template = f"{LIST}#results" if is_fragment(request) else LIST
    return render(request, template, list_context(request))


# ---------------------------------------------------------------- card and cancel


def card_context(request: AuthedRequest, instance: ProcessInstance, **extra: Any) -> dict[str, Any]:
    history = selectors.process_history(instance)
    related = ("assignee_user", "assignee_role")
    steps = list(instance.template.steps.select_related(*related))
    for step in steps:
        step.conditions = [  # type: ignore[attr-defined]
            (describe(instance.object_kind, t), t.get("next", "")) for t in step.transitions or []
        ]
    return {
        "process": instance,
        "history": history,
        "steps": steps,
        "object_url": selectors.object_url(instance.object_kind, instance.object_id),
        "may_cancel": services.may_cancel(request.user, instance),
        "cancel_form": extra.get("cancel_form") or CancelForm(),
    }


@login_required
@require_GET
def process_card(request: AuthedRequest, pk: int) -> HttpResponse:
    instance = process_or_404(request, pk)
    return render(request, CARD, card_context(request, instance))


@login_required
@require_POST
def process_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    instance = process_or_404(request, pk)
    form = CancelForm(request.POST)
    done = submit(form, lambda data: services.process_cancel(
        actor=request.user, process=instance, reason=data["reason"]))  # fmt: skip
    if done is not None:
        messages.success(request, _("The process is cancelled."))
        return go(request, _card_url(instance.pk))
    return render(request, CARD, card_context(request, instance, cancel_form=form), status=400)


# ---------------------------------------------------------------- an object's block


def _object_or_404(request: AuthedRequest, pk: int) -> tuple[str, Any]:
    """The object of `?kind=` (a deal by default) with id `pk`, if the user sees it."""
    kind = request.GET.get("kind") or ProcessObject.DEAL
    try:
        return kind, selectors.process_object_get(viewer=request.user, kind=kind, pk=pk)
    except NotFoundError:
        raise Http404 from None


def block_context(
    request: AuthedRequest, kind: str, obj: Any, form: StartForm | None = None
) -> dict[str, Any]:
    templates = selectors.process_templates_for(kind)
    may_start = can(request.user, "add", PROCESS) and bool(templates)
    return {
        "kind": kind,
        "object": obj,
        "processes": selectors.object_processes(viewer=request.user, kind=kind, object_id=obj.pk),
        "start_form": form or (StartForm(templates=templates) if may_start else None),
    }


@login_required
@require_GET
def process_block(request: AuthedRequest, pk: int) -> HttpResponse:
    """The processes of an object's card (loaded by `processes/_start.html`)."""
    kind, obj = _object_or_404(request, pk)
    return render(request, BLOCK, block_context(request, kind, obj))


@login_required
@require_POST
def process_start(request: AuthedRequest, pk: int) -> HttpResponse:
    kind, obj = _object_or_404(request, pk)
    form = StartForm(request.POST, templates=selectors.process_templates_for(kind))
    instance = submit(form, lambda data: services.process_start(
        actor=request.user, template=int(data["template_id"]), obj=obj))  # fmt: skip
    if instance is not None:
        messages.success(request, _("The process is started."))
        return go(request, _card_url(instance.pk))
    if is_fragment(request):  # htmx swaps the block with the form's errors
        return render(request, BLOCK, block_context(request, kind, obj, form))
    for error in [*form.non_field_errors(), *form.errors.get("template_id", [])]:
        messages.error(request, error)
    return go(request, selectors.object_url(kind, obj.pk) or reverse("web:process_list"))


# ---------------------------------------------------------------- settings: templates


@process_settings
@require_GET
def process_template_list(request: AuthedRequest) -> HttpResponse:
    return render(request, TEMPLATES, {
        "templates": selectors.process_templates_all(),
        "can_change": can(request.user, "change", PROCESS_SETTINGS),
    })  # fmt: skip


def _template(pk: int) -> ProcessTemplate:
    try:
        return selectors.process_template_get(pk=pk)
    except NotFoundError:
        raise Http404 from None


def _editor(request: AuthedRequest, template: ProcessTemplate | None) -> HttpResponse:
    """The editor: GET shows it; `_add`/`_refresh` re-render it; a plain POST saves."""
    post = request.POST if request.method == "POST" else None
    form = TemplateForm(post, instance=template)
    kind = form.chosen_kind()
    if post is not None and ("_add" in post or "_refresh" in post):
        data = post.copy()
        if "_add" in post:
            total = int(data.get("steps-TOTAL_FORMS") or 0)
            data["steps-TOTAL_FORMS"] = str(min(total + 1, 50))
        initial = step_initial(template) if template is not None else None
        form = TemplateForm(data, instance=template)
        steps = StepFormSet(data, prefix="steps", object_kind=kind, initial=initial,
                            pipeline_id=form.chosen_pipeline())  # fmt: skip
        return _render_editor(request, template, form, steps, refreshed=True)
    initial = step_initial(template) if template is not None else None
    steps = StepFormSet(post, prefix="steps", object_kind=kind, initial=initial,
                        pipeline_id=form.chosen_pipeline())  # fmt: skip
    if post is not None:
        saved = _save(request, template, form, steps)
        if saved is not None:
            messages.success(request, _("Process template saved."))
            return go(request, reverse("web:process_template_edit", args=[saved.pk]))
    return _render_editor(request, template, form, steps, status=400 if post else 200)


def _save(
    request: AuthedRequest, template: ProcessTemplate | None, form: TemplateForm, steps: Any
) -> ProcessTemplate | None:
    header_ok, steps_ok = form.is_valid(), steps.is_valid()  # both, to show every error
    if not (header_ok and steps_ok):
        return None
    data = {**form.to_service(), "steps": steps.to_steps()}
    try:
        return services.process_template_save(actor=request.user, data=data, instance=template)
    except DomainError as exc:
        steps.apply_domain_error(exc, form)
        return None


def _render_editor(
    request: AuthedRequest, template: ProcessTemplate | None, form: TemplateForm, steps: Any,
    *, status: int = 200, refreshed: bool = False,
) -> HttpResponse:  # fmt: skip
    kind = form.chosen_kind()
    keys = [f["key"].value() for f in steps.forms if f["key"].value()]
    return render(request, EDITOR, {
        "template": template, "form": form, "steps": steps, "step_keys": keys,
        "fields": [(name, spec) for name, spec in FIELDS[kind].items()],
        "ops": OPS, "refreshed": refreshed,
        "can_change": can(request.user, "change", PROCESS_SETTINGS),
    }, status=status)  # fmt: skip


@process_settings
@require_http_methods(["GET", "POST"])
def process_template_new(request: AuthedRequest) -> HttpResponse:
    return _editor(request, None)


@process_settings
@require_http_methods(["GET", "POST"])
def process_template_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _editor(request, _template(pk))


@process_settings
@require_POST
def process_template_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    template = _template(pk)
    form = DomainForm(request.POST)
    if attempt(form, lambda: services.process_template_delete(actor=request.user,
                                                              template=template)):  # fmt: skip
        messages.success(request, _("Process template deleted."))
    else:
        messages.error(request, "; ".join(str(e) for e in form.non_field_errors()))
    return go(request, reverse("web:process_template_list"))
