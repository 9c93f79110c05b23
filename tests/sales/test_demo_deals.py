"""`accord demo` deals: for visible counterparties, a realistic funnel, deterministic."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from accord.demo.deals import deal_count, deals_generate, deals_wipe
from accord.sales.models import Deal, DealStageChange, StageKind

pytestmark = pytest.mark.django_db
COUNT = 300


def run_demo(*args: str, **options) -> None:
    call_command("demo", *args, stdout=StringIO(), **options)


def deal_rows() -> list[tuple]:
    return list(
        Deal.objects.order_by("id").values_list(
            "title",
            "stage__name",
            "amount",
            "counterparty__inn",
            "responsible__username",
            "lost_reason__name",
        )
    )


def history_rows() -> list[tuple]:
    return list(
        DealStageChange.objects.order_by("deal_id", "changed_at", "id").values_list(
            "from_stage__name", "to_stage__name"
        )
    )


def test_deals_belong_to_their_managers_counterparties_and_form_a_funnel(pipeline):
    run_demo(count=COUNT, seed=3)

    deals = list(Deal.objects.select_related("counterparty", "stage"))
    assert len(deals) == COUNT * 3 // 10
    assert all(d.responsible_id == d.counterparty.responsible_id for d in deals)
    for deal in deals[:20]:
        assert deal in Deal.objects.visible_to(deal.responsible)
    by_kind = {k: sum(d.stage.kind == k for d in deals) for k in StageKind.values}
    assert all(by_kind.values()), by_kind
    assert all((d.closed_at is not None) == d.stage.is_closed for d in deals)
    assert all(d.lost_reason_id for d in deals if d.stage.kind == StageKind.LOST)
    first_open = pipeline.stages.first()
    entered = {
        s.pk: DealStageChange.objects.filter(to_stage=s).count() for s in pipeline.stages.all()
    }
    assert entered[first_open.pk] == len(deals)  # every deal starts at the first stage
    open_counts = [entered[s.pk] for s in pipeline.stages.all() if s.kind == StageKind.OPEN]
    assert open_counts == sorted(open_counts, reverse=True)  # the funnel thins out
    last = {c.deal_id: c for c in DealStageChange.objects.order_by("changed_at", "id")}
    assert all(last[d.pk].to_stage_id == d.stage_id for d in deals)


def test_same_seed_same_deals_and_the_wipe_clears_them(pipeline):
    run_demo(count=COUNT, seed=3)
    first = (deal_rows(), history_rows())

    deals_wipe()
    assert not Deal.objects.exists()
    assert not DealStageChange.objects.exists()
    deals_generate(seed=3, total=deal_count(COUNT), batch_size=50)

    assert (deal_rows(), history_rows()) == first
