"""Settings of sales: pipelines, their stages (add, edit, reorder, delete) and lost reasons.

Only holders of `admin.sales_settings` know these pages exist: everyone else gets 404.
Writes are checked again by the services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.errors import DomainError, NotFoundError
from accord.sales import selectors, settings_services
from accord.sales.models import Pipeline, Stage
from accord.users.access import can
from accord.web.forms.deals import LostReasonForm, PipelineForm, StageForm
from accord.web.forms.errors import DomainForm, attempt, submit
from accord.web.views.base import AuthedRequest, admin_page, go

SETTINGS = settings_services.SETTINGS_TYPE
PAGE = "settings/pipelines.html"
STAGE_FORM = "settings/pipelines_stage.html"


sales_settings = admin_page(SETTINGS)


def _pipeline(pk: int) -> Pipeline:
    try:
        return selectors.pipeline_get(pk=pk)
    except NotFoundError:
        raise Http404 from None


def _stage(pk: int) -> Stage:
    try:
        return selectors.stage_get(pk=pk)
    except NotFoundError:
        raise Http404 from None


def page_context(
    request: AuthedRequest, *, failed_pipeline: Pipeline | None = None, **forms: DomainForm
) -> dict[str, Any]:
    return {
        "pipelines": selectors.pipelines_all(),
        "lost_reasons": selectors.lost_reasons(),
        "pipeline_form": forms.get("pipeline_form") or PipelineForm(),
        "stage_form": forms.get("stage_form") or StageForm(),
        "reason_form": forms.get("reason_form") or LostReasonForm(),
        "failed_pipeline": failed_pipeline,
        "can_change": can(request.user, "change", SETTINGS),
    }


def _done(request: AuthedRequest) -> HttpResponse:
    messages.success(request, _("Changes saved."))
    return go(request, reverse("web:settings_pipelines"))


@sales_settings
@require_GET
def pipelines(request: AuthedRequest) -> HttpResponse:
    return render(request, PAGE, page_context(request))


@sales_settings
@require_POST
def pipeline_add(request: AuthedRequest) -> HttpResponse:
    form = PipelineForm(request.POST)
    if submit(form, lambda data: settings_services.pipeline_save(actor=request.user, data=data)):
        return _done(request)
    return render(request, PAGE, page_context(request, pipeline_form=form), status=400)


@sales_settings
@require_POST
def pipeline_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    pipeline = _pipeline(pk)
    form = PipelineForm(request.POST)
    if submit(form, lambda data: settings_services.pipeline_save(
            actor=request.user, data=data, instance=pipeline)):  # fmt: skip
        return _done(request)
    messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
    return go(request, reverse("web:settings_pipelines"))


@sales_settings
@require_POST
def stage_add(request: AuthedRequest, pk: int) -> HttpResponse:
    pipeline = _pipeline(pk)
    form = StageForm(request.POST)
    if submit(form, lambda data: settings_services.stage_save(
            actor=request.user, pipeline=pipeline, data=data)):  # fmt: skip
        return _done(request)
    context = page_context(request, stage_form=form, failed_pipeline=pipeline)
    return render(request, PAGE, context, status=400)


@sales_settings
@require_http_methods(["GET", "POST"])
def stage_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    stage = _stage(pk)
    form = StageForm(request.POST if request.method == "POST" else None, instance=stage)
    if request.method == "POST":
        saved = submit(form, lambda data: settings_services.stage_save(
            actor=request.user, pipeline=stage.pipeline, data=data, instance=stage))  # fmt: skip
        if saved is not None:
            return _done(request)
    return render(request, STAGE_FORM, {"form": form, "stage": stage})


@sales_settings
@require_POST
def stage_move(request: AuthedRequest, pk: int) -> HttpResponse:
    """Swap the stage with its neighbour above ("up") or below ("down")."""
    stage = _stage(pk)
    order = [s.pk for s in stage.pipeline.stages.all()]
    i = order.index(stage.pk)
    j = i - 1 if request.POST.get("direction") == "up" else i + 1
    if 0 <= j < len(order):
        order[i], order[j] = order[j], order[i]
        try:
            settings_services.stage_reorder(
                actor=request.user, pipeline=stage.pipeline, stage_ids=order
            )
        except DomainError as exc:
            messages.error(request, exc.message)
    return go(request, reverse("web:settings_pipelines"))


@sales_settings
@require_POST
def stage_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    stage = _stage(pk)
    form = DomainForm(request.POST)
    if attempt(form, lambda: settings_services.stage_delete(actor=request.user, stage=stage)):
        return _done(request)
    messages.error(request, "; ".join(str(e) for e in form.non_field_errors()))
    return go(request, reverse("web:settings_pipelines"))


@sales_settings
@require_POST
def lost_reason_add(request: AuthedRequest) -> HttpResponse:
    form = LostReasonForm(request.POST)
    if submit(form, lambda data: settings_services.lost_reason_save(
            actor=request.user, data=data)):  # fmt: skip
        return _done(request)
    return render(request, PAGE, page_context(request, reason_form=form), status=400)
