"""The handover step: open deals of the handed-over counterparties go to the new manager."""

from __future__ import annotations

import pytest

from accord.sales.hooks import deals_handover
from tests.factories import CounterpartyFactory, DealFactory

pytestmark = pytest.mark.django_db


def test_open_deals_of_the_counterparties_move_closed_and_others_stay(
    admin_user, manager, other_manager, stages
):
    cp = CounterpartyFactory(responsible=manager)
    open_deal = DealFactory(responsible=manager, counterparty=cp)
    won = DealFactory(responsible=manager, counterparty=cp, stage=stages["won"])
    elsewhere = DealFactory(responsible=manager)

    moved = deals_handover(
        actor=admin_user, from_user=manager, to_user=other_manager, counterparty_ids=[cp.pk]
    )

    assert moved == 1
    for deal in (open_deal, won, elsewhere):
        deal.refresh_from_db()
    assert (open_deal.responsible, won.responsible, elsewhere.responsible) == (
        other_manager, manager, manager)  # fmt: skip


def test_the_step_is_registered_when_the_directory_offers_handover():
    handover = pytest.importorskip("accord.directory.handover")

    assert deals_handover in handover.handover_steps().values()
