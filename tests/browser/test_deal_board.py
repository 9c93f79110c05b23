"""The deal board in a real browser: drag a card with the mouse to another column; the deal
moves, its history records the change and both columns' counts and sums follow.
"""

from __future__ import annotations

import re

import pytest

from accord.sales.models import Deal, DealStageChange
from tests.browser.conftest import sign_in
from tests.factories import DealFactory, UserFactory, lost_reason, sales_pipeline

pytestmark = pytest.mark.browser


def test_drag_a_deal_to_another_stage(live_server, transactional_db, new_page, output_dir):
    user = UserFactory(username="boris", first_name="Boris", last_name="Orlov", roles=["manager"])
    stages = list(sales_pipeline().stages.all())
    new, qualification, lost = stages[0], stages[1], stages[5]
    deal = DealFactory(responsible=user, stage=new, title="Станки для завода", amount=1000)
    DealFactory(responsible=user, stage=new, amount=500)
    DealFactory(responsible=user, stage=qualification, amount=200)
    reason = lost_reason("Дорого")
    page = new_page("en-US")
    sign_in(page, live_server.url, "boris")

    page.click("nav >> text=Deals")
    page.wait_for_url(re.compile(r"/deals/$"))
    target_count = page.locator(f"#column-{qualification.pk} [data-count]")
    assert target_count.inner_text() == "1"
    page.screenshot(path=str(output_dir / "deal_board_before.png"), full_page=True)

    page.drag_and_drop(f"#deal-{deal.pk}", f"#column-{qualification.pk}")

    page.wait_for_function(
        "id => document.querySelector(`#column-${id} [data-count]`).textContent.trim() === '2'",
        arg=qualification.pk,
    )
    assert page.locator(f"#column-{new.pk} [data-count]").inner_text() == "1"
    assert page.locator(f"#column-{qualification.pk} #deal-{deal.pk}").count() == 1
    assert "1,200" in page.locator(f"#column-{qualification.pk} [data-total]").inner_text()
    change = DealStageChange.objects.get(deal=deal, from_stage=new, to_stage=qualification)
    assert change.changed_by == user
    page.screenshot(path=str(output_dir / "deal_board_after.png"), full_page=True)

    # A lost stage asks for the reason first.
    page.drag_and_drop(f"#deal-{deal.pk}", f"#column-{lost.pk}")
    dialog = page.locator("dialog#lost-dialog[open]")
    dialog.wait_for()
    page.screenshot(path=str(output_dir / "deal_board_lost_reason.png"), full_page=True)
    dialog.locator("select").select_option(str(reason.pk))
    dialog.locator("button[value=ok]").click()
    page.wait_for_function(
        "id => document.querySelector(`#column-${id} [data-count]`).textContent.trim() === '1'",
        arg=lost.pk,
    )
    deal.refresh_from_db()
    assert (deal.stage, deal.lost_reason) == (lost, reason)
    assert Deal.objects.get(pk=deal.pk).closed_at is not None
