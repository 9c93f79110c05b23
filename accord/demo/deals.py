"""Deals for demo data: about three for every ten counterparties, on the default pipeline,
each for a counterparty of its responsible manager (so the manager sees it), with a stage
history that thins out stage by stage like a real funnel.

Deterministic for a seed: one `random.Random` of its own, consumed in a fixed order over the
counterparties in id order. Written in bulk, bypassing the services like the rest of the demo
(see accord/demo/directory.py); one audit event sums the run up.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from accord.demo.activities import activities_wipe
from accord.demo.documents import documents_wipe
from accord.demo.invoices import invoices_wipe
from accord.directory.models import Counterparty, Source
from accord.sales.models import Deal, DealStageChange, LostReason, Pipeline, Stage, StageKind

DEALS_PER_COUNTERPARTY = 0.3
INSERT_BATCH = 1000
HISTORY_DAYS = 540
ADVANCE = 0.62  # the chance a deal goes on to the next open stage
TITLES = (
    "Поставка оборудования", "Внедрение CRM", "Сервисный контракт", "Поставка материалов",
    "Годовой договор", "Пилотный проект", "Расширение лицензий", "Монтаж и наладка",
    "Консультации", "Обучение персонала", "Аренда техники", "Комплексное обслуживание",
)  # fmt: skip


def deal_count(counterparties: int) -> int:
    return int(counterparties * DEALS_PER_COUNTERPARTY)


@dataclass(frozen=True)
class Funnel:
    open: Sequence[Stage]
    won: Stage
    lost: Stage
    reasons: Sequence[int]
    sources: Sequence[int]


def _funnel() -> Funnel | None:
    pipeline = Pipeline.objects.order_by("-is_default", "position", "id").first()
    stages = list(pipeline.stages.all()) if pipeline else []
    open_stages = [s for s in stages if s.kind == StageKind.OPEN]
    won = next((s for s in stages if s.kind == StageKind.WON), None)
    lost = next((s for s in stages if s.kind == StageKind.LOST), None)
    if not open_stages or won is None or lost is None:
        return None
    reasons = list(LostReason.objects.values_list("pk", flat=True))
    sources = list(Source.objects.values_list("pk", flat=True))
    return Funnel(open_stages, won, lost, reasons, sources)


class DealMaker:
    def __init__(self, *, rng: random.Random, funnel: Funnel, now: dt.datetime) -> None:
        self.rng, self.funnel, self.now = rng, funnel, now

    def _path(self, created: dt.datetime) -> list[tuple[Stage, dt.datetime]]:
        """(stage, entered at) from creation on, never past now."""
        rng, funnel = self.rng, self.funnel
        path = [(funnel.open[0], created)]
        for stage in funnel.open[1:]:
            if rng.random() > ADVANCE:
                break
            path.append((stage, path[-1][1] + dt.timedelta(days=rng.randint(1, 21))))
        close = rng.random()
        won_chance = 0.08 + 0.12 * len(path)
        if close < 0.65:
            final = self.funnel.won if close < won_chance else self.funnel.lost
            path.append((final, path[-1][1] + dt.timedelta(days=rng.randint(1, 14))))
        return [step for step in path if step[1] <= self.now] or path[:1]

    def one(self, counterparty_id: int, responsible_id: int) -> tuple[Deal, list[DealStageChange]]:
        rng = self.rng
        created = self.now - dt.timedelta(
            days=rng.randint(1, HISTORY_DAYS), minutes=rng.randint(0, 1439)
        )
        path = self._path(created)
        stage, entered = path[-1]
        amount = Decimal(int(rng.lognormvariate(11.5, 1.1)) // 1000 * 1000 + 1000)
        deal = Deal(
            title=rng.choice(TITLES), pipeline_id=stage.pipeline_id, stage=stage,
            counterparty_id=counterparty_id, responsible_id=responsible_id,
            amount=min(amount, Decimal("999999999")), currency="RUB",
            expected_close_date=(created + dt.timedelta(days=rng.randint(20, 120))).date(),
            source_id=rng.choice(self.funnel.sources) if self.funnel.sources and rng.random() < 0.5 else None,
            lost_reason_id=rng.choice(self.funnel.reasons) if stage.kind == StageKind.LOST and self.funnel.reasons else None,
            closed_at=entered if stage.is_closed else None, stage_entered_at=entered,
            created_at=created, updated_at=entered,
        )  # fmt: skip
        changes = [DealStageChange(to_stage=path[0][0], changed_at=created)]
        for (before, since), (after, at) in itertools.pairwise(path):
            seconds = int((at - since).total_seconds())
            changes.append(DealStageChange(
                from_stage=before, to_stage=after, changed_at=at, seconds_in_previous_stage=seconds))  # fmt: skip
        return deal, changes


def deals_generate(
    *, seed: int, total: int, batch_size: int = 2000, after_batch: Callable[[], None] | None = None
) -> int:
    """Write `total` deals spread over the counterparties that have a responsible manager."""
    funnel = _funnel()
    owners = list(
        Counterparty.objects.filter(responsible__isnull=False)
        .order_by("pk")
        .values_list("pk", "responsible_id")
    )
    if funnel is None or not owners or total <= 0:
        return 0
    maker = DealMaker(rng=random.Random(f"deals-{seed}"), funnel=funnel, now=timezone.now())
    written = 0
    for start in range(0, total, batch_size):
        rows = [maker.one(*maker.rng.choice(owners)) for _ in range(min(batch_size, total - start))]
        with transaction.atomic():
            Deal.objects.bulk_create([d for d, _c in rows], batch_size=INSERT_BATCH)
            for deal, changes in rows:
                for change in changes:
                    change.deal_id = deal.pk
            DealStageChange.objects.bulk_create(
                [c for _d, changes in rows for c in changes], batch_size=INSERT_BATCH
            )
        written += len(rows)
        if after_batch is not None:
            after_batch()
    return written


def deals_wipe() -> int:
    """Delete every deal with its history and participants (plain DELETEs, children first)."""
    deleted = 0
    activities_wipe()  # interactions, assignments and reminders point at the deals
    invoices_wipe()  # the demo's invoices point at the deals
    documents_wipe()  # the demo's quotes and orders point at the deals
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        for model in (DealStageChange, Deal.participants.through, Deal):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
            deleted = cursor.rowcount
    return deleted
