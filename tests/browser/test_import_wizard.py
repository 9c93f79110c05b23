"""The import wizard in a real browser: upload a CSV of clients, check the suggested
mapping, run the check, see the bad row flagged, load, and read the counts.

The test plays the worker: after each button it runs the queued step with
`services.import_run`, and the job page, which polls its step block, shows the outcome.
Screenshots of every step go to test-output/.
"""

from __future__ import annotations

import re

import pytest

from accord.directory.models import Counterparty
from accord.imports import services
from accord.imports.models import ImportJob, ImportProfile, ImportStatus
from tests.browser.conftest import sign_in
from tests.factories import UserFactory, valid_inn

pytestmark = pytest.mark.browser

ROWS = [
    ["ИНН", "КПП", "Наименование", "Телефон", "E-mail", "Контактное лицо", "Должность"],
    [valid_inn(920_001), "770101001", "ООО «Ромашка»", "+7 495 123-45-67", "info@romashka.ru",
     "Иванов Иван Иванович", "Директор"],
    [valid_inn(920_002), "", "ООО «Василёк»", "8 (812) 555-12-34", "", "Петрова Анна", ""],
    ["1234567890", "", "ООО «Ошибка»", "+7 495 000-00-00", "", "", ""],
    [valid_inn(920_003), "", "ИП Сидоров", "", "sidorov@example.ru", "", ""],
]  # fmt: skip


def _csv() -> bytes:
    return ("\n".join(";".join(row) for row in ROWS) + "\n").encode("utf-8")


def _run(step: str) -> ImportJob:
    job = ImportJob.objects.get()
    services.import_run(job.pk, step)
    job.refresh_from_db()
    return job


def test_upload_check_and_load_a_csv_of_clients(
    live_server, transactional_db, new_page, output_dir, settings, tmp_path
):
    settings.DATA_DIR = tmp_path  # uploads land in the test's folder
    UserFactory(username="anna", first_name="Anna", last_name="Smirnova", roles=["manager"])
    source = tmp_path / "клиенты.csv"
    source.write_bytes(_csv())
    page = new_page("en-US")
    sign_in(page, live_server.url, "anna")

    page.click(".sidebar >> text=Import")
    page.wait_for_url(re.compile(r"/imports/$"))
    page.click("text=New import")
    page.wait_for_url(re.compile(r"/imports/new/$"))
    page.set_input_files("#import-upload-form input[type=file]", str(source))
    page.screenshot(path=str(output_dir / "import_upload.png"), full_page=True)
    page.click("#import-upload-form button[type=submit]")
    page.wait_for_url(re.compile(r"/imports/\d+/$"))

    # The mapping step: every column matched from its Russian name.
    assert page.locator("#import-columns tbody tr").count() == len(ROWS[0])
    assert page.input_value("select[data-column='ИНН']") == "inn"
    assert page.input_value("select[data-column='Наименование']") == "name"
    assert page.input_value("select[data-column='Контактное лицо']") == "contact.name"
    assert "ООО «Ромашка»" in page.locator("#import-columns").inner_text()
    page.screenshot(path=str(output_dir / "import_mapping.png"), full_page=True)
    # Without a name column new records cannot be made: said above the table, nothing saved.
    page.select_option("select[data-column='Наименование']", "")
    page.click("#import-check")
    page.wait_for_selector("#mapping-errors")
    assert "new records need it" in page.inner_text("#mapping-errors")
    assert ImportJob.objects.get().status == ImportStatus.NEW
    page.screenshot(path=str(output_dir / "import_mapping_error.png"), full_page=True)
    page.select_option("select[data-column='Наименование']", "name")
    page.fill("input[name=profile_name]", "Клиенты из старой CRM")
    page.click("#import-save-profile")
    page.wait_for_selector(".toast")
    assert ImportProfile.objects.get().settings["columns"]["ИНН"] == "inn"
    page.click("#import-check")
    page.wait_for_selector("#import-step[data-step=running]")
    ImportJob.objects.update(rows_done=2)  # the worker is half way through
    page.wait_for_selector("#import-progress [aria-valuenow='50']")  # the bar polled itself
    page.screenshot(path=str(output_dir / "import_checking.png"), full_page=True)

    checked = _run("check")
    assert checked.status == ImportStatus.CHECKED, checked.message
    page.wait_for_selector("#import-step[data-step=checked]")  # the step block polled itself
    assert page.inner_text("[data-outcome=inserted] dd") == "3"
    assert page.inner_text("[data-outcome=failed] dd") == "1"
    bad = page.locator("#import-errors tr[data-line='4']")
    assert "ИНН" in bad.inner_text()
    assert not Counterparty.objects.exists()
    page.screenshot(path=str(output_dir / "import_checked.png"), full_page=True)

    page.click("#import-load")
    page.wait_for_selector("#import-step[data-step=running]")
    loaded = _run("apply")
    assert loaded.status == ImportStatus.DONE, loaded.message
    page.wait_for_selector("#import-step[data-step=finished]")
    assert page.inner_text("[data-outcome=inserted] dd") == "3"
    assert page.locator("#import-errors tr[data-line='4']").count() == 1
    assert page.locator("#import-undo").is_visible()
    assert Counterparty.objects.count() == 3
    page.screenshot(path=str(output_dir / "import_done.png"), full_page=True)

    page.click(".crumbs >> text=Imports")
    page.wait_for_url(re.compile(r"/imports/$"))
    assert "клиенты.csv" in page.locator("#import-table").inner_text()
    page.screenshot(path=str(output_dir / "import_log.png"), full_page=True)
    page.click("text=Mapping profiles")
    page.wait_for_url(re.compile(r"/imports/profiles/$"))
    assert "Клиенты из старой CRM" in page.locator("#import-profiles").inner_text()
    page.screenshot(path=str(output_dir / "import_profiles.png"), full_page=True)

    # Undo, confirmed in the dialog: the three counterparties are gone again.
    page.go_back()
    page.click("#import-table >> text=клиенты.csv")
    page.click("#import-undo")
    page.wait_for_selector("#modal #import-undo-form")
    page.screenshot(path=str(output_dir / "import_undo.png"))
    page.click("#import-undo-form button[type=submit]")
    page.wait_for_selector("#import-step [data-status=undone]")
    assert not Counterparty.objects.exists()
