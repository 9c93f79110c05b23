"""Reads of the exchange for its settings pages: nodes, runs, their errors, linked objects.

Every read that takes a viewer needs "view" on `admin.exchange`; the helpers that take a
node or a run trust that the caller fetched it through one of those.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from accord.catalog.models import PriceType, Warehouse
from accord.core.errors import NotFoundError
from accord.core.pagination import Page, keyset_page
from accord.exchange.models import (
    COUNT_KEYS,
    ExchangeNode,
    ExchangeRun,
    ExchangeRunError,
    ExternalRef,
    RefKind,
    RunStatus,
)
from accord.exchange.node_services import ADMIN_EXCHANGE
from accord.sales.models import OrderStatus
from accord.users.access import require

RUN_ORDER = ("-created_at", "-id")
RUNS_PAGE = 50
# The kinds whose Accord object an administrator may re-point (reference data, not records).
MAPPED_KINDS: dict[str, type[PriceType] | type[Warehouse]] = {
    RefKind.PRICE_TYPE: PriceType,
    RefKind.WAREHOUSE: Warehouse,
}


# What the runs count and report, beyond the kinds of external ids.
KIND_LABELS: dict[str, Any] = {
    **dict(RefKind.choices),
    "unit": _("Unit"),
    "offer": _("Offer"),
    "document": _("Document"),
    "file": _("File"),
}
PACKAGE_LABELS: dict[str, Any] = {
    "catalog": _("Catalog"),
    "offers": _("Offers"),
    "documents": _("Documents"),
    "contractors": _("Counterparties"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def package_label(package: str) -> str:
    return str(PACKAGE_LABELS.get(package, package))


@dataclass(frozen=True)
class ErrorRow:
    kind: str
    label: str
    external_id: str
    message: str


@dataclass(frozen=True)
class RunErrors:
    items: list[ErrorRow]
    total: int

    @property
    def more(self) -> int:
        """How many errors are kept but not shown."""
        return max(0, self.total - len(self.items))


@dataclass(frozen=True)
class CountRow:
    kind: str
    label: str
    values: list[int]  # in the order of COUNT_KEYS


@dataclass(frozen=True)
class NodeSummary:
    refs: list[tuple[str, str, int]]  # (kind, its label, how many objects are linked)
    pending_orders: int | None  # None: the order export is not available


@dataclass(frozen=True)
class MappingRow:
    """One 1C price type or warehouse and the Accord object it loads into (None: gone)."""

    ref: ExternalRef
    target: PriceType | Warehouse | None


def _pk(value: Any) -> int:
    """The id in `value`, or 0 (which names no row)."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return 0
    return max(pk, 0)


def nodes_list(*, viewer: Any) -> list[ExchangeNode]:
    """Every node, each with `last_run_status` and `last_run_at` of its newest run."""
    require(viewer, "view", ADMIN_EXCHANGE)
    newest = ExchangeRun.objects.filter(node=OuterRef("pk")).order_by(*RUN_ORDER)
    return list(
        ExchangeNode.objects.annotate(
            last_run_status=Subquery(newest.values("status")[:1]),
            last_run_at=Subquery(newest.values("created_at")[:1]),
        ).order_by("name")
    )


def node_get(*, viewer: Any, pk: Any) -> ExchangeNode:
    require(viewer, "view", ADMIN_EXCHANGE)
    node = ExchangeNode.objects.select_related("actor").filter(pk=_pk(pk)).first()
    if node is None:
        raise NotFoundError
    return node


def runs_filtered(
    *, viewer: Any, node: Any = None, status: str | None = None
) -> QuerySet[ExchangeRun]:
    require(viewer, "view", ADMIN_EXCHANGE)
    runs = ExchangeRun.objects.select_related("node")
    if node is not None:
        runs = runs.filter(node=node)
    if status:
        runs = runs.filter(status=status) if status in RunStatus.values else runs.none()
    return runs


def runs_list(
    *,
    viewer: Any,
    node: Any = None,
    status: str | None = None,
    cursor: str | None = None,
    size: int = RUNS_PAGE,
) -> Page[ExchangeRun]:
    """One page of runs, newest first (keyset: any depth costs the same)."""
    runs = runs_filtered(viewer=viewer, node=node, status=status)
    return keyset_page(runs, order=RUN_ORDER, cursor=cursor, size=size)


def run_detail(*, viewer: Any, pk: Any) -> ExchangeRun:
    require(viewer, "view", ADMIN_EXCHANGE)
    run = ExchangeRun.objects.select_related("node", "created_by").filter(pk=_pk(pk)).first()
    if run is None:
        raise NotFoundError
    return run


def run_errors(run: ExchangeRun, limit: int) -> RunErrors:
    """The run's first `limit` errors and how many it kept in all."""
    errors = ExchangeRunError.objects.filter(run=run).order_by("id")
    items = [
        ErrorRow(e.kind, kind_label(e.kind) if e.kind else "", e.external_id, e.message)
        for e in errors[:limit]
    ]
    return RunErrors(items=items, total=errors.count())


def run_counts(run: ExchangeRun) -> list[CountRow]:
    """The run's counts per object kind, as table rows (columns: COUNT_KEYS)."""
    per_kind: dict[str, Any] = run.counts or {}
    return [
        CountRow(kind, kind_label(kind), [int(counts.get(key, 0)) for key in COUNT_KEYS])
        for kind, counts in per_kind.items()
        if isinstance(counts, dict)
    ]


def _pending_orders(node: ExchangeNode) -> int | None:
    try:  # written beside this module; the page still works without it
        from accord.exchange.order_services import orders_pending
    except ImportError:
        return None
    return orders_pending(node).count()


def node_summary(node: ExchangeNode) -> NodeSummary:
    """How many Accord objects the node has linked, per kind, and its orders waiting for 1C."""
    counted = dict(
        ExternalRef.objects.filter(node=node)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("kind", "n")
    )
    refs = [(kind, str(label), counted[kind]) for kind, label in RefKind.choices if kind in counted]
    return NodeSummary(refs=refs, pending_orders=_pending_orders(node))


def node_mappings(node: ExchangeNode) -> dict[str, list[MappingRow]]:
    """The node's 1C price types and warehouses with the Accord objects they load into."""
    result: dict[str, list[MappingRow]] = {}
    for kind, model in MAPPED_KINDS.items():
        refs = list(ExternalRef.objects.filter(node=node, kind=kind).order_by("external_id"))
        targets = model.objects.in_bulk([ref.object_id for ref in refs])
        result[kind] = [MappingRow(ref=ref, target=targets.get(ref.object_id)) for ref in refs]
    return result


def status_map_rows(node: ExchangeNode) -> list[tuple[str, str]]:
    """The node's 1C order statuses with the names of the Accord statuses they mean."""
    labels = dict(OrderStatus.choices)
    return [(text, str(labels.get(value, value))) for text, value in node.status_map.items()]


def mapping_choices(kind: str) -> list[PriceType] | list[Warehouse]:
    """The Accord objects a 1C price type or warehouse may be re-pointed to."""
    if kind == RefKind.PRICE_TYPE:
        return list(PriceType.objects.select_related("currency").order_by("position", "name"))
    return list(Warehouse.objects.order_by("position", "name"))


def ref_get(*, viewer: Any, pk: Any) -> ExternalRef:
    """A re-pointable link (a price type or a warehouse) of any node."""
    require(viewer, "view", ADMIN_EXCHANGE)
    ref = ExternalRef.objects.filter(pk=_pk(pk), kind__in=list(MAPPED_KINDS)).first()
    if ref is None:
        raise NotFoundError
    return ref
