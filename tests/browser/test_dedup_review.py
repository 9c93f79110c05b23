"""The duplicates review in a real browser: start a scan, see the pair side by side with
its reasons, merge it keeping the left record, and find the deal of the removed record on
the kept one. The test plays the worker: it runs the queued scan itself.
"""

from __future__ import annotations

import re

import pytest

from accord.dedup.models import Scan
from accord.dedup.scan import scan_run
from accord.directory.models import Counterparty
from accord.sales.models import Deal
from tests.browser.conftest import sign_in
from tests.factories import CounterpartyFactory, DealFactory, UserFactory, valid_inn

pytestmark = pytest.mark.browser


def test_scan_review_and_merge_a_pair(live_server, transactional_db, new_page, output_dir):
    anna = UserFactory(username="anna", first_name="Anna", last_name="Smirnova", roles=["head"])
    kept = CounterpartyFactory(name="ООО «Ромашка»", inn=valid_inn(930_001), kpp="770101001",
                               phone="+74951234567", responsible=anna)  # fmt: skip
    twin = CounterpartyFactory(name="Ромашка ООО", inn=valid_inn(930_001), kpp="770101001",
                               email="info@romashka.ru", responsible=anna)  # fmt: skip
    CounterpartyFactory(name="ООО «Василёк»", inn=valid_inn(930_002), responsible=anna)
    deal = DealFactory(counterparty=twin, responsible=anna)

    page = new_page("en-US")
    sign_in(page, live_server.url, "anna")
    page.click(".sidebar >> text=Duplicates")
    page.wait_for_url(re.compile(r"/duplicates/$"))
    page.click("#dedup-scan-start")
    page.wait_for_selector("#dedup-scan-status")
    scan_run(Scan.objects.get().pk)
    page.reload()
    pairs = page.locator(".dedup-pair")
    assert pairs.count() == 1
    text = pairs.first.inner_text()
    assert "Ромашка" in text
    assert "INN" in text
    page.screenshot(path=str(output_dir / "dedup_review.png"), full_page=True)

    left_is_kept = text.index("ООО «Ромашка»") < text.index("Ромашка ООО")
    side = "left" if left_is_kept else "right"
    pairs.first.locator(f"text=Merge, keep {side}").click()
    page.wait_for_selector("#dedup-merge-form")
    page.screenshot(path=str(output_dir / "dedup_merge_confirm.png"))
    page.locator("#dedup-merge-form button[type=submit]").click()
    page.wait_for_selector(".toast")
    page.screenshot(path=str(output_dir / "dedup_after_merge.png"), full_page=True)

    assert list(
        Counterparty.objects.filter(inn=valid_inn(930_001)).values_list("pk", flat=True)
    ) == [kept.pk]
    kept.refresh_from_db()
    assert kept.email == "info@romashka.ru"  # filled from the removed record
    assert Deal.objects.get(pk=deal.pk).counterparty_id == kept.pk
