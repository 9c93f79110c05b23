"""Settings -> Exchange with 1C: nodes, their card (links, runs, a package to check), runs.

Every page needs "view" on `admin.exchange` (403, audited, for everyone else); each write
goes through one service of `accord.exchange`, which checks the permission again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.errors import ValidationFailedError
from accord.core.pagination import InvalidCursorError
from accord.exchange import node_services, ref_services, selectors, upload_services
from accord.exchange.models import ExchangeNode, RunStatus
from accord.exchange.node_services import ADMIN_EXCHANGE
from accord.users.access import can
from accord.web.forms.errors import DomainForm, attempt, submit
from accord.web.forms.exchange import NodeForm, UploadForm
from accord.web.views.base import AuthedRequest, admin_page, go, is_fragment

NODES, NODE_FORM, NODE_CARD = "exchange/nodes.html", "exchange/node_form.html", "exchange/card.html"
NODE_DELETE, RUN = "exchange/delete.html", "exchange/run.html"
ENDPOINT = "exchange:onec"  # what 1C's "Адрес сайта" points at (accord/exchange/protocols)
ERRORS_SHOWN = 500

exchange_page = admin_page(ADMIN_EXCHANGE)


def perms(request: AuthedRequest) -> dict[str, bool]:
    return {a: can(request.user, a, ADMIN_EXCHANGE) for a in ("add", "change", "delete")}


def _node_url(node: ExchangeNode) -> str:
    return reverse("web:settings_exchange_node", args=[node.pk])


def form_context(
    request: AuthedRequest, form: NodeForm, node: ExchangeNode | None
) -> dict[str, Any]:
    return {"form": form, "node": node, "endpoint": request.build_absolute_uri(reverse(ENDPOINT))}


def card_context(
    request: AuthedRequest, node: ExchangeNode, upload: UploadForm | None = None
) -> dict[str, Any]:
    """The node card: settings, linked objects, mappings, its latest runs, the upload form."""
    mappings = selectors.node_mappings(node)
    choices = {kind: selectors.mapping_choices(kind) for kind in mappings}
    rows = [(row, choices[kind]) for kind, kind_rows in mappings.items() for row in kind_rows]
    status = request.GET.get("status", "")
    try:
        runs = selectors.runs_list(
            viewer=request.user, node=node, status=status, cursor=request.GET.get("cursor")
        )
    except InvalidCursorError:  # a stale or forged page link: the first page
        runs = selectors.runs_list(viewer=request.user, node=node, status=status)
    return {
        "node": node,
        "summary": selectors.node_summary(node),
        "mappings": rows,
        "runs": [(r, selectors.package_label(r.package)) for r in runs.items],
        "runs_page": runs,
        "run_status": status,
        "run_statuses": RunStatus.choices,
        "status_rows": selectors.status_map_rows(node),
        "upload": upload or UploadForm(),
        "endpoint": request.build_absolute_uri(reverse(ENDPOINT)),
        "can": perms(request),
    }


@exchange_page
@require_GET
def nodes(request: AuthedRequest) -> HttpResponse:
    context = {"nodes": selectors.nodes_list(viewer=request.user), "can": perms(request)}
    return render(request, NODES, context)


@exchange_page
@require_http_methods(["GET", "POST"])
def node_new(request: AuthedRequest) -> HttpResponse:
    form = NodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        node = submit(form, lambda data: node_services.node_save(actor=request.user, data=data))
        if node is not None:
            messages.success(request, _("Node “%(name)s” added.") % {"name": node.name})
            return go(request, _node_url(node))
    return render(request, NODE_FORM, form_context(request, form, None))


@exchange_page
@require_http_methods(["GET", "POST"])
def node_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    node = selectors.node_get(viewer=request.user, pk=pk)
    form = NodeForm(request.POST if request.method == "POST" else None, instance=node)
    if request.method == "POST":
        saved = submit(form, lambda data: node_services.node_save(
            actor=request.user, data=data, instance=node))  # fmt: skip
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return go(request, _node_url(saved))
    return render(request, NODE_FORM, form_context(request, form, node))


@exchange_page
@require_GET
def node_card(request: AuthedRequest, pk: int) -> HttpResponse:
    node = selectors.node_get(viewer=request.user, pk=pk)
    return render(request, NODE_CARD, card_context(request, node))


@exchange_page
@require_http_methods(["GET", "POST"])
def node_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    node = selectors.node_get(viewer=request.user, pk=pk)
    form = DomainForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and attempt(
        form, lambda: node_services.node_delete(actor=request.user, node=node)
    ):
        messages.success(request, _("Node “%(name)s” deleted.") % {"name": node.name})
        return go(request, reverse("web:settings_exchange"))
    template = f"{NODE_DELETE}#confirm" if is_fragment(request) else NODE_DELETE
    return render(request, template, {"node": node, "form": form, "in_modal": is_fragment(request)})


@exchange_page
@require_POST
def node_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    """A package to check (dry run) or import; each XML file in it becomes a run."""
    node = selectors.node_get(viewer=request.user, pk=pk)
    form = UploadForm(request.POST, request.FILES)
    runs = submit(form, lambda data: upload_services.upload_accept(
        actor=request.user, node=node, name=data["file"].name,
        chunks=data["file"].chunks(), dry_run=form.dry_run))  # fmt: skip
    if not runs:
        return render(request, NODE_CARD, card_context(request, node, form), status=400)
    if len(runs) == 1:
        return go(request, reverse("web:settings_exchange_run", args=[runs[0].pk]))
    messages.success(request, _("%(n)d files queued.") % {"n": len(runs)})
    return go(request, _node_url(node))


@exchange_page
@require_POST
def ref_repoint(request: AuthedRequest, pk: int) -> HttpResponse:
    ref = selectors.ref_get(viewer=request.user, pk=pk)
    try:
        ref_services.ref_repoint(
            actor=request.user, ref=ref, object_id=request.POST.get("object_id")
        )
        messages.success(request, _("Changes saved."))
    except ValidationFailedError as exc:  # a refusal of permission stays a 403
        messages.error(request, exc.message)
    return go(request, reverse("web:settings_exchange_node", args=[ref.node_id]) + "#mappings")


@exchange_page
@require_GET
def run_page(request: AuthedRequest, pk: int) -> HttpResponse:
    """The run; while it works, htmx asks for its status block every 2 seconds."""
    run = selectors.run_detail(viewer=request.user, pk=pk)
    context = {
        "run": run,
        "active": run.status in (RunStatus.QUEUED, RunStatus.RUNNING),
        "errors": selectors.run_errors(run, ERRORS_SHOWN),
        "counts": selectors.run_counts(run),
        "package": selectors.package_label(run.package),
        "totals": run.totals(),
    }
    return render(request, f"{RUN}#status" if is_fragment(request) else RUN, context)
