"""Reads of sales. Every function takes the viewer first and filters by visibility."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from accord.core.errors import DomainError, NotFoundError
from accord.core.pagination import CappedCount, Page, capped_count, keyset_page
from accord.directory.identifiers import name_key
from accord.directory.models import Counterparty
from accord.directory.selectors import counterparties_filtered
from accord.sales.models import Deal, DealStageChange, LostReason, Pipeline, Stage

# Sort names offered to users -> keyset order (the last key is unique).
DEAL_SORTS: dict[str, tuple[str, ...]] = {
    "-created": ("-created_at", "-id"),
    "created": ("created_at", "id"),
    "-amount": ("-amount", "-id"),
    "amount": ("amount", "id"),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
}
DEAL_FILTERS = ("pipeline", "stage", "responsible", "counterparty")
# Cards of a board column: the latest arrivals first.
BOARD_ORDER = ("-stage_entered_at", "-id")
COLUMN_SIZE = 30  # cards per column before "show more": the board stays light (bench web)


@dataclass(frozen=True)
class DealList:
    page: Page[Deal]
    count: CappedCount


@dataclass(frozen=True)
class Column:
    stage: Stage
    count: int
    total: Decimal
    page: Page[Deal]


@dataclass(frozen=True)
class StageStay:
    """One stay of a deal in a stage: when it came, when it left (None: still there)."""

    stage: Stage
    entered_at: Any
    left_at: Any
    seconds: int
    changed_by: Any


def pipelines_active() -> list[Pipeline]:
    """Active pipelines with their stages, the default first."""
    return list(
        Pipeline.objects.filter(is_active=True)
        .order_by("-is_default", "position", "id")
        .prefetch_related("stages")
    )


def pipelines_all() -> list[Pipeline]:
    return list(Pipeline.objects.prefetch_related("stages"))


def pipeline_get(*, pk: Any) -> Pipeline:
    try:
        return Pipeline.objects.prefetch_related("stages").get(pk=int(pk))
    except (TypeError, ValueError, Pipeline.DoesNotExist):
        raise NotFoundError from None


def stage_get(*, pk: Any) -> Stage:
    try:
        return Stage.objects.select_related("pipeline").get(pk=int(pk))
    except (TypeError, ValueError, Stage.DoesNotExist):
        raise NotFoundError from None


def lost_reasons() -> list[LostReason]:
    return list(LostReason.objects.all())


def _id_filter(name: str, value: Any) -> Q:
    try:
        return Q(**{f"{name}_id": int(value)})
    except (TypeError, ValueError):
        raise DomainError(
            "invalid_filter", f"Filter {name} takes an id.", fields={name: ["Give an id."]}
        ) from None


def search_condition(query: str) -> Q:
    """Deals whose title or counterparty name contains `query`."""
    query = query.strip()
    if not query:
        return Q()
    condition = Q(title__icontains=query)
    key = name_key(query)
    if key:
        condition |= Q(counterparty__name_key__contains=key)
    return condition


def deals_filtered(
    *, viewer: Any, query: str = "", filters: dict[str, Any] | None = None
) -> QuerySet[Deal]:
    """Deals the viewer sees that match `query` and `filters`, ready to page over."""
    condition = search_condition(query)
    for name in DEAL_FILTERS:
        value = (filters or {}).get(name)
        if value not in (None, ""):
            condition &= _id_filter(name, value)
    return (
        Deal.objects.visible_to(viewer)
        .filter(condition)
        .select_related("counterparty", "responsible", "stage", "pipeline")
    )


def deals_list(
    *,
    viewer: Any,
    query: str = "",
    filters: dict[str, Any] | None = None,
    sort: str = "-created",
    cursor: str | None = None,
    size: int = 50,
) -> DealList:
    if sort not in DEAL_SORTS:
        raise DomainError(
            "invalid_sort",
            f"Sort by one of: {', '.join(DEAL_SORTS)}.",
            fields={"sort": ["Unknown sort."]},
        )
    qs = deals_filtered(viewer=viewer, query=query, filters=filters)
    page = keyset_page(qs, order=DEAL_SORTS[sort], cursor=cursor, size=size)
    return DealList(page=page, count=capped_count(qs))


def deal_get(*, viewer: Any, pk: Any) -> Deal:
    """One deal the viewer may see; a hidden one is as missing as an unknown id."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError from None
    deal = (
        Deal.objects.visible_to(viewer)
        .select_related(
            "counterparty",
            "contact_person",
            "responsible",
            "stage",
            "pipeline",
            "source",
            "lost_reason",
            "created_by",
            "updated_by",
        )
        .prefetch_related("participants")
        .filter(pk=pk)
        .first()
    )
    if deal is None:
        raise NotFoundError
    return deal


def column_totals(rows: QuerySet[Deal]) -> dict[int, tuple[int, Decimal]]:
    """`{stage id: (deals, sum of amounts)}` over `rows`, in one aggregate query."""
    totals = rows.order_by().values("stage_id").annotate(n=Count("id"), total=Sum("amount"))
    return {t["stage_id"]: (t["n"], t["total"] or Decimal("0")) for t in totals}


def column_page(rows: QuerySet[Deal], stage: Stage, cursor: str | None = None) -> Page[Deal]:
    return keyset_page(rows.filter(stage=stage), order=BOARD_ORDER, cursor=cursor, size=COLUMN_SIZE)


def board_columns(
    *, viewer: Any, pipeline: Pipeline, query: str = "", filters: dict[str, Any] | None = None
) -> list[Column]:
    """One column per stage: the count and sum over every visible deal, the first cards.

    One aggregate query plus one query per stage, whatever the number of deals.
    """
    rows = deals_filtered(
        viewer=viewer, query=query, filters={**(filters or {}), "pipeline": pipeline.pk}
    )
    totals = column_totals(rows)
    return [
        Column(stage, *totals.get(stage.pk, (0, Decimal("0"))), column_page(rows, stage))
        for stage in pipeline.stages.all()
    ]


def deal_stays(deal: Deal) -> list[StageStay]:
    """The stages the deal went through, oldest first, with the time spent in each."""
    changes = list(
        DealStageChange.objects.filter(deal=deal).select_related("to_stage", "changed_by")
    )
    stays = []
    for i, change in enumerate(changes):
        left = changes[i + 1].changed_at if i + 1 < len(changes) else None
        end = left or timezone.now()
        seconds = max(0, int((end - change.changed_at).total_seconds()))
        stays.append(
            StageStay(change.to_stage, change.changed_at, left, seconds, change.changed_by)
        )
    return stays


def stage_durations(deal: Deal) -> dict[int, int]:
    """Seconds the deal spent in each stage (the current stay counts up to now)."""
    seconds: dict[int, int] = defaultdict(int)
    for change in DealStageChange.objects.filter(deal=deal, from_stage__isnull=False):
        seconds[change.from_stage_id or 0] += change.seconds_in_previous_stage or 0
    seconds[deal.stage_id] += max(0, int((timezone.now() - deal.stage_entered_at).total_seconds()))
    return dict(seconds)


def counterparty_deals(*, viewer: Any, counterparty: Counterparty, limit: int = 10) -> list[Deal]:
    return list(
        Deal.objects.visible_to(viewer)
        .filter(counterparty=counterparty)
        .select_related("stage", "responsible")
        .order_by("-created_at", "-id")[:limit]
    )


def counterparties_for_deal(*, viewer: Any, query: str, limit: int = 20) -> list[Counterparty]:
    """Counterparties the viewer may open a deal for, matching `query` (the autocomplete)."""
    rows = counterparties_filtered(viewer=viewer, query=query).prefetch_related(None)
    return list(rows.order_by("name_key", "id")[:limit])
