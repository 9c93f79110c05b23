"""Deal pages: the board (kanban) with its move endpoint, the list, the card, the
create/edit form, delete, the counterparty search of the form, and the counterparty card's
deals block.

The board's columns are one include (`deals/partials/column.html`) rendered by the full page,
by "show more" and by a move, always from the same context builder.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.errors import DomainError, NotFoundError
from accord.directory.models import Counterparty
from accord.sales import selectors, services
from accord.sales.models import DEAL, Deal, Pipeline
from accord.users.access import can
from accord.web.forms.deals import DealFilterForm, DealForm, DealMoveForm
from accord.web.forms.errors import DomainForm, attempt, submit
from accord.web.views.base import (
    AuthedRequest,
    counterparty_or_404,
    error_detail,
    go,
    is_fragment,
    safe_next,
)

BOARD = "deals/board.html"
COLUMN = "deals/partials/column.html"
MOVED = "deals/partials/moved.html"
LIST = "deals/list.html"
CARD = "deals/card.html"
FORM = "deals/form.html"
DELETE = "deals/delete.html"
BOARD_HEADER = "HTTP_X_ACCORD_BOARD"  # board.js asks for columns, and errors as JSON


def deal_perms(user: Any) -> dict[str, bool]:
    return {action: can(user, action, DEAL) for action in ("add", "change", "delete")}


def deal_or_404(request: AuthedRequest, pk: int) -> Deal:
    """A deal the user may see; hidden and missing ones are the same 404."""
    try:
        return selectors.deal_get(viewer=request.user, pk=pk)
    except NotFoundError:
        raise Http404 from None


def filter_form(request: AuthedRequest, data: Any) -> tuple[DealFilterForm, list[Pipeline]]:
    pipelines = selectors.pipelines_active()
    return DealFilterForm(data, user=request.user, pipelines=pipelines), pipelines


def chosen_pipeline(pipelines: list[Pipeline], wanted: Any) -> Pipeline | None:
    """The pipeline asked for, else the default (listed first)."""
    return next((p for p in pipelines if str(p.pk) == str(wanted)), None) or next(
        iter(pipelines), None
    )


# ---------------------------------------------------------------- board


def board_context(request: AuthedRequest) -> dict[str, Any]:
    form, pipelines = filter_form(request, request.GET)
    values = form.values()
    pipeline = chosen_pipeline(pipelines, values["pipeline"])
    columns = []
    if pipeline is not None:
        columns = selectors.board_columns(
            viewer=request.user, pipeline=pipeline, query=values["q"],
            filters=form.filters("responsible"),
        )  # fmt: skip
    return {
        "filters": form,
        "values": values,
        "pipeline": pipeline,
        "columns": columns,
        "stages": pipeline.stages.all() if pipeline else [],
        "lost_reasons": selectors.lost_reasons(),
        "can": deal_perms(request.user),
    }


@login_required
@require_GET
def deal_board(request: AuthedRequest) -> HttpResponse:
    return render(request, BOARD, board_context(request))


def column_context(request: AuthedRequest, data: Any, stage_pks: list[int]) -> dict[str, Any]:
    """Columns of these stages (first page, or the page after `cursor` for "show more")."""
    form, pipelines = filter_form(request, data)
    values = form.values()
    stages = [s for p in pipelines for s in p.stages.all() if s.pk in stage_pks]
    if not stages:
        raise Http404
    rows = selectors.deals_filtered(
        viewer=request.user, query=values["q"],
        filters={**form.filters("responsible"), "pipeline": stages[0].pipeline_id},
    )  # fmt: skip
    totals = selectors.column_totals(rows.filter(stage__in=stages))
    cursor = values["cursor"] or None
    columns = []
    for stage in stages:
        count, total = totals.get(stage.pk, (0, Decimal("0")))
        columns.append(
            selectors.Column(stage, count, total, selectors.column_page(rows, stage, cursor))
        )
    return {"columns": columns, "values": values, "stages": stages[0].pipeline.stages.all(),
            "can": deal_perms(request.user), "more": bool(cursor)}  # fmt: skip


@login_required
@require_GET
def deal_column(request: AuthedRequest, stage_pk: int) -> HttpResponse:
    """The next cards of one column ("show more"), with the next "show more" link."""
    try:
        context = column_context(request, request.GET, [stage_pk])
    except DomainError:
        raise Http404 from None
    return render(request, COLUMN, {**context, "column": context["columns"][0]})


# ---------------------------------------------------------------- move


@login_required
@require_POST
def deal_move(request: AuthedRequest, pk: int) -> HttpResponse:
    """Move a deal: board.js gets the two columns back; a plain form goes back where it was."""
    deal = deal_or_404(request, pk)
    from_stage = deal.stage_id
    board = bool(request.META.get(BOARD_HEADER))
    try:
        deal = services.deal_move(actor=request.user, deal=deal,
            to_stage=request.POST.get("stage_id", ""),
            lost_reason=request.POST.get("lost_reason_id") or None)  # fmt: skip
    except DomainError as exc:
        if board:
            body = {"code": exc.code, "detail": error_detail(exc), "fields": exc.fields}
            return JsonResponse(body, status=exc.status)
        messages.error(request, error_detail(exc))
        return go(request, safe_next(request, reverse("web:deal_card", args=[deal.pk])))
    if board:
        return render(
            request, MOVED, column_context(request, request.POST, [from_stage, deal.stage_id])
        )
    messages.success(request, _("The deal moved to “%(stage)s”.") % {"stage": deal.stage.name})
    return go(request, safe_next(request, reverse("web:deal_card", args=[deal.pk])))


# ---------------------------------------------------------------- list


@dataclass(frozen=True)
class SortLink:
    """A sortable column header: what clicking asks for, and the current direction."""

    param: str
    direction: str  # "asc", "desc" or "" when the list is sorted by another column


def sort_links(current: str) -> dict[str, SortLink]:
    links = {}
    for key, first in (("title", "title"), ("amount", "-amount"), ("created", "-created")):
        if current == key:
            links[key] = SortLink(f"-{key}", "asc")
        elif current == f"-{key}":
            links[key] = SortLink(key, "desc")
        else:
            links[key] = SortLink(first, "")
    return links


def list_context(request: AuthedRequest) -> dict[str, Any]:
    form, _pipelines = filter_form(request, request.GET)
    values, filters = form.values(), form.filters()
    sort = values["sort"] or "-created"
    result, error = None, ""
    try:
        result = selectors.deals_list(
            viewer=request.user, query=values["q"], filters=filters, sort=sort,
            cursor=values["cursor"] or None,
        )  # fmt: skip
    except DomainError:
        error = _("This page link is out of date. Start again from the first page.")
    return {"filters": form, "values": values, "filtered": bool(values["q"] or filters),
            "sort": sort, "sorts": sort_links(sort), "result": result, "error": error,
            "can": deal_perms(request.user)}  # fmt: skip


@login_required
@require_GET
def deal_list(request: AuthedRequest) -> HttpResponse:
    template = f"{LIST}#results" if is_fragment(request) else LIST
    return render(request, template, list_context(request))


# ---------------------------------------------------------------- card


def card_context(request: AuthedRequest, deal: Deal) -> dict[str, Any]:
    return {
        "deal": deal,
        "stays": selectors.deal_stays(deal),
        "durations": selectors.stage_durations(deal),
        "move_form": DealMoveForm(deal=deal),
        "can": deal_perms(request.user),
    }


@login_required
@require_GET
def deal_card(request: AuthedRequest, pk: int) -> HttpResponse:
    deal = deal_or_404(request, pk)
    return render(request, CARD, card_context(request, deal))


# ---------------------------------------------------------------- create, edit, delete


def deal_form(
    request: AuthedRequest, deal: Deal | None = None, counterparty: Counterparty | None = None
) -> DealForm:
    return DealForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        pipelines=selectors.pipelines_active(),
        instance=deal,
        counterparty=counterparty,
    )


def _counterparty_param(request: AuthedRequest) -> Counterparty | None:
    raw = request.GET.get("counterparty", "")
    return counterparty_or_404(request, int(raw)) if raw.isdigit() else None


@login_required
@require_http_methods(["GET", "POST"])
def deal_create(request: AuthedRequest) -> HttpResponse:
    form = deal_form(request, counterparty=_counterparty_param(request))
    if request.method == "POST":
        deal = submit(form, lambda data: services.deal_create(actor=request.user, data=data))
        if deal is not None:
            messages.success(request, _("Deal “%(title)s” created.") % {"title": deal.title})
            return go(request, reverse("web:deal_card", args=[deal.pk]))
    return render(request, FORM, {"form": form, "deal": None})


@login_required
@require_http_methods(["GET", "POST"])
def deal_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    deal = deal_or_404(request, pk)
    form = deal_form(request, deal)
    if request.method == "POST":
        saved = submit(
            form, lambda data: services.deal_update(actor=request.user, deal=deal, data=data)
        )
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return go(request, reverse("web:deal_card", args=[saved.pk]))
    return render(request, FORM, {"form": form, "deal": deal})


@login_required
@require_http_methods(["GET", "POST"])
def deal_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    deal = deal_or_404(request, pk)
    form = DomainForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and attempt(
        form, lambda: services.deal_delete(actor=request.user, deal=deal)
    ):
        messages.success(request, _("Deal “%(title)s” deleted.") % {"title": deal.title})
        return go(request, reverse("web:deal_board"))
    template = f"{DELETE}#confirm" if is_fragment(request) else DELETE
    return render(request, template, {"deal": deal, "form": form, "in_modal": is_fragment(request)})


# ---------------------------------------------------------------- form helpers


@login_required
@require_GET
def deal_counterparty_options(request: AuthedRequest) -> HttpResponse:
    """`<option>`s of the visible counterparties matching `q` (the form's search)."""
    rows = selectors.counterparties_for_deal(viewer=request.user, query=request.GET.get("q", ""))
    return render(request, "deals/partials/options.html", {"options": rows, "blank": True})


@login_required
@require_GET
def deal_contact_options(request: AuthedRequest) -> HttpResponse:
    """`<option>`s of the contact persons of one visible counterparty."""
    raw = request.GET.get("counterparty_id", "")
    cp = counterparty_or_404(request, int(raw)) if raw.isdigit() else None
    people = list(cp.contact_persons.all()) if cp is not None else []
    return render(request, "deals/partials/options.html", {"options": people, "blank": True})


def counterparty_deals_context(request: AuthedRequest, cp: Counterparty) -> dict[str, Any]:
    """The counterparty card's deals block: the deals of it that the viewer sees."""
    return {
        "cp_deals": selectors.counterparty_deals(viewer=request.user, counterparty=cp),
        "can_add_deal": can(request.user, "add", DEAL),
    }
