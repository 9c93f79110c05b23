"""Settings -> Exchange with 1C in a real browser: add a node, check a package, import it.

The test plays the worker itself: after each upload it processes the newest run with
`run_process`, and the run page, which polls its status block, shows the outcome.
Screenshots of the node card and the run page go to test-output/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from accord.catalog.models import Product
from accord.exchange.models import ExchangeNode, ExchangeRun, ExternalRef, RefKind, RunStatus
from accord.exchange.run_services import run_process
from tests.browser.conftest import sign_in
from tests.factories import PriceTypeFactory, UserFactory
from tests.web.test_exchange_pages import catalog_xml

pytestmark = pytest.mark.browser


def _process_newest_run() -> ExchangeRun:
    run = ExchangeRun.objects.order_by("-pk").first()
    assert run is not None
    run_process(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    return run


def _upload(page, package: Path, mode_label: str) -> None:
    page.set_input_files("#upload-form input[type=file]", str(package))
    page.locator("#upload-form label.segment", has_text=mode_label).click()
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(re.compile(r"/settings/exchange/runs/\d+/$"))


def test_admin_adds_a_node_checks_a_package_and_imports_it(
    live_server, transactional_db, new_page, output_dir, settings, tmp_path
):
    settings.DATA_DIR = tmp_path  # uploads land in the test's folder
    UserFactory(username="admin", first_name="Ada", roles=["admin"], is_superuser=True)
    package = tmp_path / "import.xml"
    package.write_bytes(catalog_xml())
    page = new_page("en-US")
    sign_in(page, live_server.url, "admin")

    page.click(".sidebar >> text=Exchange with 1C")
    page.wait_for_url(re.compile(r"/settings/exchange/$"))
    page.click("text=Add node")
    page.fill("input[name=name]", "УТ 11 Центральный офис")
    page.fill("input[name=login]", "ut11")
    page.fill("input[name=password]", "secret-1c-pass")
    page.locator("input[name=status_map_1c]").first.fill("Отгружен")
    page.locator("select[name=status_map_accord]").first.select_option("shipped")
    assert page.inner_text("#exchange-endpoint") == f"{live_server.url}/exchange/1c/"
    page.screenshot(path=str(output_dir / "exchange_form.png"), full_page=True)
    page.click("#exchange-node-form button[type=submit]")
    page.wait_for_url(re.compile(r"/settings/exchange/\d+/$"))
    node = ExchangeNode.objects.get()
    assert node.status_map == {"Отгружен": "shipped"}

    page.click(".crumbs >> text=Exchange with 1C")
    assert "УТ 11 Центральный офис" in page.locator("#exchange-nodes").inner_text()
    page.screenshot(path=str(output_dir / "exchange_nodes.png"))
    page.click("#exchange-nodes >> text=УТ 11 Центральный офис")
    page.wait_for_url(re.compile(rf"/settings/exchange/{node.pk}/$"))

    _upload(page, package, "Check only")
    checked = _process_newest_run()
    assert checked.dry_run
    page.wait_for_selector("#run-status [data-status=done]")  # the status block polled itself
    counts = page.locator("#run-counts").inner_text()
    assert "Product" in counts
    assert "Product group" in counts
    assert page.locator("#run-counts tr[data-kind=product] td").nth(2).inner_text() == "3"
    assert not Product.objects.exists()
    page.screenshot(path=str(output_dir / "exchange_run.png"), full_page=True)

    page.goto(f"{live_server.url}/settings/exchange/{node.pk}/")
    assert page.locator("#exchange-runs tbody tr").count() == 1
    page.screenshot(path=str(output_dir / "exchange_card.png"), full_page=True)

    _upload(page, package, "Import")
    _process_newest_run()
    page.wait_for_selector("#run-status [data-status=done]")
    page.goto(f"{live_server.url}/catalog/")
    catalog = page.locator("#catalog-results").inner_text()
    for name in ("Молоток", "Отвёртка", "Болт М6"):
        assert name in catalog
    # 1C's retail price type, created by an offers package, is re-pointed to Accord's own.
    from_1c = PriceTypeFactory(name="Розничная (1С)")
    ours = PriceTypeFactory(name="Retail")
    ExternalRef.objects.create(
        node=node, kind=RefKind.PRICE_TYPE, external_id="bd72d8f9-55bc", object_id=from_1c.pk
    )
    page.goto(f"{live_server.url}/settings/exchange/{node.pk}/")
    assert page.locator("#linked [data-kind=product]").inner_text().strip() == "3"
    page.select_option("#exchange-mappings select[name=object_id]", str(ours.pk))
    page.click("#exchange-mappings button[type=submit]")
    page.wait_for_selector(".toast")
    assert ExternalRef.objects.get(kind=RefKind.PRICE_TYPE).object_id == ours.pk
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(output_dir / "exchange_card_after_import.png"), full_page=True)
