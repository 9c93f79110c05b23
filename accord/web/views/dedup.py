"""Duplicates: the review of likely duplicates that a scan found, side by side, with merge
(a confirmation that says what will move) and "not a duplicate"; starting a scan and
watching it run. For those who edit the directory ("change" on counterparties); merging two
counterparties also needs "delete".
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

from accord.core.audit import AccessRefusedError
from accord.core.errors import DomainError, NotFoundError
from accord.core.pagination import capped_count
from accord.dedup import selectors, services
from accord.dedup.models import Kind, Pair
from accord.web.forms.dedup import MergeForm
from accord.web.forms.errors import attempt
from accord.web.views.base import AuthedRequest, act, go, is_fragment, safe_next

LIST = "dedup/list.html"
MERGE = "dedup/merge.html"
COUNTERPARTY_TYPE = "directory.counterparty"


def _guard(request: AuthedRequest) -> None:
    """The review is for those who may change counterparties: others are refused (403)."""
    if not selectors.may_review(request.user):
        raise AccessRefusedError("change", COUNTERPARTY_TYPE)


def pair_or_404(request: AuthedRequest, pk: int) -> Pair:
    try:
        return selectors.pair_get(viewer=request.user, pk=pk)
    except NotFoundError:
        raise Http404 from None


# ---------------------------------------------------------------- the review


def scan_context(request: AuthedRequest) -> dict[str, Any]:
    scan = selectors.scan_latest()
    return {"scan": scan, "show_totals": selectors.sees_everything(request.user)}


def pairs_context(request: AuthedRequest) -> dict[str, Any]:
    kind = request.GET.get("kind", "")
    kind = kind if kind in Kind.values else ""
    page, error = None, ""
    try:
        page = selectors.pairs_page(
            viewer=request.user, kind=kind, cursor=request.GET.get("cursor") or None
        )
    except DomainError:
        error = _("This page link is out of date. Start again from the first page.")
    views = selectors.pair_views(viewer=request.user, pairs=page.items) if page else []
    counts = {
        value: capped_count(selectors.pairs_visible(viewer=request.user, kind=value))
        for value in Kind.values
    }
    tabs = [("", _("All"), None)] + [(k.value, k.label, counts[k.value]) for k in Kind]
    return {"kind": kind, "page": page, "views": views, "error": error, "tabs": tabs}


@login_required
@require_GET
def dedup_list(request: AuthedRequest) -> HttpResponse:
    _guard(request)
    if is_fragment(request) and request.GET.get("part") == "scan":
        return render(request, f"{LIST}#scan", scan_context(request))
    context = pairs_context(request)
    if is_fragment(request):
        return render(request, f"{LIST}#pairs", context)
    return render(request, LIST, {**context, **scan_context(request)})


@login_required
@require_POST
def dedup_scan(request: AuthedRequest) -> HttpResponse:
    """Start a scan (or join the one running) and show its progress."""
    _guard(request)
    kinds = [k for k in request.POST.getlist("kinds") if k] or None
    try:
        services.scan_start(actor=request.user, kinds=kinds)
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
    if is_fragment(request):
        return render(request, f"{LIST}#scan", scan_context(request))
    messages.success(request, _("The search for duplicates has started."))
    return go(request, reverse("web:dedup_list"))


# ---------------------------------------------------------------- decisions


@login_required
@require_http_methods(["GET", "POST"])
def dedup_merge(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET: what the merge will do, to confirm; POST: merge, keeping the chosen side."""
    pair = pair_or_404(request, pk)
    _guard(request)
    data = request.POST if request.method == "POST" else None
    form = MergeForm(data, initial={"keep": request.GET.get("keep", "left")})
    keep = (data or request.GET).get("keep", "left")
    back = safe_next(request, reverse("web:dedup_list"))
    if data is not None and attempt(form, lambda: _merge(request, pair, form.cleaned_data["keep"])):
        return go(request, back)
    views = selectors.pair_views(viewer=request.user, pairs=[pair])
    if not views:
        raise Http404
    view = views[0]
    kept, other = (view.left, view.right) if keep != "right" else (view.right, view.left)
    fills = [row.label for row in view.rows if row.state == "fills" and not _side(row, keep)]
    context = {"view": view, "form": form, "keep": "right" if keep == "right" else "left",
               "kept": kept, "other": other, "moves": selectors.linked_counts(record=other),
               "fills": fills, "back": back, "in_modal": is_fragment(request)}  # fmt: skip
    return render(request, f"{MERGE}#confirm" if is_fragment(request) else MERGE, context)


def _side(row: selectors.Row, keep: str) -> str:
    return row.right if keep == "right" else row.left


def _merge(request: AuthedRequest, pair: Pair, keep: str) -> None:
    result = services.pair_merge(actor=request.user, pair=pair, keep=keep)
    moved = sum(result.moved.values())
    messages.success(
        request,
        _("Merged into “%(name)s”: %(moved)d linked records moved, %(filled)d fields filled.")
        % {"name": result.kept, "moved": moved, "filled": len(result.filled)},
    )


@login_required
@require_POST
def dedup_dismiss(request: AuthedRequest, pk: int) -> HttpResponse:
    pair = pair_or_404(request, pk)
    _guard(request)
    return act(
        request,
        lambda: services.pair_dismiss(actor=request.user, pair=pair),
        done=_("Marked as not a duplicate: it will not be proposed again."),
        back=safe_next(request, reverse("web:dedup_list")),
    )
