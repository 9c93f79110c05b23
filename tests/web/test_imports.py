"""The import wizard: upload, mapping, check, load, re-import, undo, the bad rows as CSV,
mapping profiles, and every refusal (nothing is written when refused).

The check and the load run in the background worker; the tests play the worker by calling
`services.import_run` for the step the page queued.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accord.core.models import AuditEvent
from accord.directory.models import ContactPerson, Counterparty
from accord.directory.services import counterparty_update
from accord.imports import services
from accord.imports.models import (
    ImportedRecord,
    ImportJob,
    ImportProfile,
    ImportRowError,
    ImportStatus,
)
from tests.conftest import rows_of
from tests.factories import UserFactory, valid_inn

pytestmark = pytest.mark.django_db

WRITTEN = (Counterparty, ContactPerson, ImportJob, ImportRowError, ImportedRecord, ImportProfile,
           AuditEvent)  # fmt: skip
HEADER = ["ИНН", "Наименование", "Телефон"]
INN_1, INN_2 = valid_inn(910_001), valid_inn(910_002)


def clients_csv(*, bad: bool = True) -> bytes:
    """Two good clients and, with `bad`, one whose INN fails its checksum (line 4)."""
    rows = [HEADER, [INN_1, "ООО Ромашка", "+7 495 123-45-67"], [INN_2, "ООО Василёк", ""]]
    if bad:
        rows.append(["1234567890", "ООО Ошибка", "+7 495 000-00-00"])
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    """Uploads go to a folder of the test, not to the project's var/."""
    settings.DATA_DIR = tmp_path
    return tmp_path


def upload(client: Client, content: bytes, name: str = "clients.csv", **fields: str) -> Any:
    data: dict[str, Any] = {"object": "counterparties", "encoding": "", "delimiter": "",
                            "profile": ""}  # fmt: skip
    data |= fields
    data["file"] = SimpleUploadedFile(name, content)
    return client.post(reverse("web:import_new"), data)


def newest_job() -> ImportJob:
    job = ImportJob.objects.order_by("-pk").first()
    assert job is not None
    return job


def mapping_data(job: ImportJob, columns: dict[str, str], **settings: str) -> dict[str, str]:
    data = {"key": "inn_kpp", "policy": "upsert", "on_error": "skip", "profile_name": "",
            "action": "check"}  # fmt: skip
    data |= settings
    for index, column in enumerate(job.header):
        data[f"column_{index}"] = columns.get(column, "")
    return data


SUGGESTED = {"ИНН": "inn", "Наименование": "name", "Телефон": "phone"}


def check(client: Client, job: ImportJob, columns: dict[str, str] | None = None) -> ImportJob:
    """Press "Check" on the mapping step and play the worker."""
    answer = client.post(
        reverse("web:import_map", args=[job.pk]), mapping_data(job, columns or SUGGESTED)
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKING
    services.import_run(job.pk, "check")
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED, job.message
    return job


def load(client: Client, job: ImportJob) -> ImportJob:
    answer = client.post(reverse("web:import_apply", args=[job.pk]))
    assert answer.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLYING
    services.import_run(job.pk, "apply")
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.message
    return job


# ---------------------------------------------------------------- the whole way


def test_upload_maps_russian_headers_and_shows_sample_values(manager_client):
    answer = upload(manager_client, clients_csv())

    job = newest_job()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("web:import_detail", args=[job.pk])
    assert job.status == ImportStatus.NEW
    assert job.header == HEADER
    assert job.mapping["columns"] == SUGGESTED
    assert job.mapping["key"] == "inn_kpp"

    page = manager_client.get(job.get_absolute_url()).content.decode()
    assert 'id="import-mapping-form"' in page
    assert '<option value="inn" selected>' in page
    assert '<option value="phone" selected>' in page
    assert "ООО Ромашка" in page  # a sample value next to its column
    assert "— do not load —" in page


def test_check_load_reimport_and_undo(manager, manager_client):
    upload(manager_client, clients_csv())
    job = check(manager_client, newest_job())

    assert job.check_counts["inserted"] == 2
    assert job.check_counts["failed"] == 1
    assert not Counterparty.objects.exists()  # a check writes nothing
    page = manager_client.get(job.get_absolute_url()).content.decode()
    assert "To insert" in page
    assert 'data-outcome="inserted"' in page
    assert 'data-line="4"' in page  # the bad row is flagged with its line
    assert 'id="import-load"' in page
    error = ImportRowError.objects.get(job=job, phase="check")
    assert error.line == 4
    assert error.column == "ИНН"

    job = load(manager_client, job)

    assert job.counts["inserted"] == 2
    assert job.counts["failed"] == 1
    names = set(Counterparty.objects.values_list("name", flat=True))
    assert names == {"ООО Ромашка", "ООО Василёк"}
    assert set(Counterparty.objects.values_list("responsible", flat=True)) == {manager.pk}
    page = manager_client.get(job.get_absolute_url()).content.decode()
    assert "Inserted" in page
    assert 'id="import-undo"' in page
    log = manager_client.get(reverse("web:import_list")).content.decode()
    assert "clients.csv" in log
    assert 'data-status="done"' in log

    # The same file again changes nothing.
    upload(manager_client, clients_csv())
    again = load(manager_client, check(manager_client, newest_job()))
    assert again.counts["inserted"] == 0
    assert again.counts["updated"] == 0
    assert again.counts["unchanged"] == 2
    assert Counterparty.objects.count() == 2

    answer = manager_client.post(reverse("web:import_undo", args=[job.pk]))

    assert answer.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.UNDONE
    assert not Counterparty.objects.exists()


def test_the_step_block_polls_while_the_job_runs(manager_client):
    upload(manager_client, clients_csv())
    job = newest_job()
    manager_client.post(reverse("web:import_map", args=[job.pk]), mapping_data(job, SUGGESTED))

    running = manager_client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true")
    services.import_run(job.pk, "check")
    finished = manager_client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true")

    assert 'hx-trigger="every 2s"' in running.content.decode()
    assert 'id="import-progress"' in running.content.decode()
    assert "<html" not in running.content.decode()  # only the step block
    assert 'hx-trigger="every 2s"' not in finished.content.decode()
    assert 'data-step="checked"' in finished.content.decode()


def test_change_the_mapping_goes_back_to_the_mapping_step(manager_client):
    upload(manager_client, clients_csv())
    job = check(manager_client, newest_job())

    answer = manager_client.post(reverse("web:import_remap", args=[job.pk]))

    assert answer.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.NEW
    assert job.mapping["columns"] == SUGGESTED
    page = manager_client.get(job.get_absolute_url()).content.decode()
    assert 'id="import-mapping-form"' in page


def test_bad_rows_download_as_csv_ready_to_fix(manager_client):
    upload(manager_client, clients_csv())
    job = check(manager_client, newest_job())

    answer = manager_client.get(reverse("web:import_errors", args=[job.pk]) + "?phase=check")

    body = b"".join(answer.streaming_content)
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/csv")
    assert "attachment" in answer["Content-Disposition"]
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [*HEADER, "Line", "Error"]
    assert rows[1][:4] == ["1234567890", "ООО Ошибка", "+7 495 000-00-00", "4"]
    assert rows[1][4].startswith("ИНН")
    assert len(rows) == 2


def test_xlsx_upload_is_read_too(manager_client, tmp_path):
    xlsxwriter = pytest.importorskip("xlsxwriter")
    path = tmp_path / "clients.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for r, row in enumerate([HEADER, [INN_1, "ООО Ромашка", "+7 495 123-45-67"]]):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()

    upload(manager_client, path.read_bytes(), name="clients.xlsx")
    job = load(manager_client, check(manager_client, newest_job()))

    assert job.dialect["kind"] == "xlsx"
    assert job.counts["inserted"] == 1
    assert Counterparty.objects.get().inn == INN_1


# ---------------------------------------------------------------- refusals


def test_a_file_that_is_not_a_table_is_refused_and_nothing_is_kept(manager_client, data_dir):
    before = rows_of(WRITTEN)

    answer = upload(manager_client, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "logo.csv")

    assert answer.status_code == 400
    page = answer.content.decode()
    assert 'id="field-file"' in page
    assert "has-error" in page
    assert rows_of(WRITTEN) == before
    assert not list((data_dir / "imports").iterdir())  # the upload's folder is removed


def test_a_mapping_with_an_unknown_field_is_refused(manager_client):
    upload(manager_client, clients_csv())
    job = newest_job()
    before = (job.mapping, job.status)

    answer = manager_client.post(
        reverse("web:import_map", args=[job.pk]),
        mapping_data(job, {"ИНН": "inn", "Наименование": "name", "Телефон": "favourite_colour"}),
    )

    assert answer.status_code == 400
    assert "favourite_colour is not one of the available choices" in answer.content.decode()
    job.refresh_from_db()
    assert (job.mapping, job.status) == before


def test_a_field_fed_by_two_columns_is_named_next_to_both(manager_client):
    upload(manager_client, clients_csv())
    job = newest_job()

    answer = manager_client.post(
        reverse("web:import_map", args=[job.pk]),
        mapping_data(job, {"ИНН": "inn", "Наименование": "name", "Телефон": "name"}),
    )

    assert answer.status_code == 400
    assert "already fed by the column “Наименование”" in answer.content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.NEW


def test_the_services_objections_to_a_mapping_are_shown_on_top(manager_client):
    upload(manager_client, clients_csv())
    job = newest_job()
    before = job.mapping

    answer = manager_client.post(
        reverse("web:import_map", args=[job.pk]), mapping_data(job, {"ИНН": "inn"})
    )

    assert answer.status_code == 400
    page = answer.content.decode()
    assert 'id="mapping-errors"' in page
    assert "new records need it" in page
    job.refresh_from_db()
    assert job.mapping == before
    assert job.status == ImportStatus.NEW


def test_another_managers_import_is_not_found(manager_client, other_manager):
    other = Client()
    other.force_login(other_manager)
    upload(other, clients_csv())
    job = check(other, newest_job())
    before = rows_of(WRITTEN)

    for name in ("import_detail", "import_errors", "import_undo"):
        assert manager_client.get(reverse(f"web:{name}", args=[job.pk])).status_code == 404
    for name in ("import_map", "import_remap", "import_apply", "import_undo"):
        url = reverse(f"web:{name}", args=[job.pk])
        assert manager_client.post(url, mapping_data(job, SUGGESTED)).status_code == 404
    log = manager_client.get(reverse("web:import_list")).content.decode()

    assert "clients.csv" not in log
    assert rows_of(WRITTEN) == before


def test_a_user_who_may_not_add_records_is_refused(data_dir):
    director = UserFactory(username="director", roles=["director"])
    client = Client()
    client.force_login(director)
    before = rows_of(WRITTEN)

    assert client.get(reverse("web:import_new")).status_code == 403
    assert upload(client, clients_csv()).status_code == 403
    page = client.get(reverse("web:import_list")).content.decode()

    assert reverse("web:import_new") not in page
    assert rows_of(WRITTEN) == before
    assert AuditEvent.objects.filter(action="access.refused").count() == 2


def test_undo_after_a_record_was_edited_is_refused(manager, manager_client):
    upload(manager_client, clients_csv(bad=False))
    job = load(manager_client, check(manager_client, newest_job()))
    edited = Counterparty.objects.get(inn=INN_1)
    counterparty_update(actor=manager, counterparty=edited, data={"notes": "Called them"})
    before = rows_of(WRITTEN)

    answer = manager_client.post(reverse("web:import_undo", args=[job.pk]))

    assert answer.status_code == 400
    assert "changed after the import" in answer.content.decode()
    assert rows_of(WRITTEN) == before
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    # In the dialog the refusal is swapped in where the question was.
    in_modal = manager_client.post(
        reverse("web:import_undo", args=[job.pk]), HTTP_HX_REQUEST="true"
    )
    assert in_modal.status_code == 200
    assert "changed after the import" in in_modal.content.decode()
    assert "<html" not in in_modal.content.decode()
    assert rows_of(WRITTEN) == before


def test_load_is_refused_before_a_check_that_passes_with_stop(manager_client):
    upload(manager_client, clients_csv())
    job = newest_job()
    mapping = mapping_data(job, SUGGESTED, on_error="stop")
    manager_client.post(reverse("web:import_map", args=[job.pk]), mapping)
    services.import_run(job.pk, "check")
    before = rows_of(WRITTEN)

    answer = manager_client.post(reverse("web:import_apply", args=[job.pk]), follow=True)

    assert "bad rows" in answer.content.decode()
    assert rows_of(WRITTEN) == before
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED


# ---------------------------------------------------------------- profiles


def test_save_a_mapping_as_a_profile_and_use_it_for_the_next_file(manager, manager_client):
    upload(manager_client, clients_csv())
    job = newest_job()
    columns = {"ИНН": "inn", "Наименование": "full_name", "Телефон": ""}
    data = mapping_data(job, {**columns, "Наименование": "name"}, action="profile",
                        profile_name="Старая CRM", key="inn_kpp")  # fmt: skip

    answer = manager_client.post(reverse("web:import_map", args=[job.pk]), data)

    assert answer.status_code == 302
    profile = ImportProfile.objects.get(owner=manager)
    assert profile.name == "Старая CRM"
    assert profile.settings["columns"] == {"ИНН": "inn", "Наименование": "name"}
    job.refresh_from_db()
    assert job.status == ImportStatus.NEW  # saving a profile does not check

    upload(manager_client, clients_csv(), profile=str(profile.pk))
    assert newest_job().mapping["columns"] == {"ИНН": "inn", "Наименование": "name"}


def test_a_profile_needs_a_name(manager_client):
    upload(manager_client, clients_csv())
    job = newest_job()

    answer = manager_client.post(
        reverse("web:import_map", args=[job.pk]), mapping_data(job, SUGGESTED, action="profile")
    )

    assert answer.status_code == 400
    assert "Name the profile." in answer.content.decode()
    assert not ImportProfile.objects.exists()


def test_profiles_export_import_and_delete(manager, manager_client):
    settings = {"object": "counterparties", "columns": {"ИНН": "inn", "Компания": "name"},
                "key": "inn_kpp", "policy": "add", "on_error": "stop"}  # fmt: skip
    profile = services.profile_save(actor=manager, name="Из 1С", mapping=settings)

    listing = manager_client.get(reverse("web:import_profiles")).content.decode()
    exported = manager_client.get(reverse("web:import_profile_export", args=[profile.pk]))
    uploaded = manager_client.post(
        reverse("web:import_profiles"),
        {"name": "Копия", "file": SimpleUploadedFile("p.json", exported.content)},
    )
    deleted = manager_client.post(reverse("web:import_profile_delete", args=[profile.pk]))

    assert "Из 1С" in listing
    assert exported["Content-Type"].startswith("application/json")
    assert json.loads(exported.content) == profile.settings
    assert uploaded.status_code == 302
    assert deleted.status_code == 302
    copy = ImportProfile.objects.get()
    assert copy.name == "Копия"
    assert copy.settings == profile.settings


def test_a_broken_profile_file_is_refused(manager, manager_client):
    bad_json = manager_client.post(
        reverse("web:import_profiles"),
        {"name": "X", "file": SimpleUploadedFile("p.json", b"{not json")},
    )
    bad_field = manager_client.post(
        reverse("web:import_profiles"),
        {"name": "X", "file": SimpleUploadedFile(
            "p.json", json.dumps({"object": "counterparties", "columns": {"A": "nope"}}).encode())},
    )  # fmt: skip

    assert bad_json.status_code == 400
    assert "This is not a JSON file." in bad_json.content.decode()
    assert bad_field.status_code == 400
    assert "unknown field nope" in bad_field.content.decode()
    assert not ImportProfile.objects.exists()


def test_another_users_profile_is_not_found(manager_client, other_manager):
    profile = services.profile_save(
        actor=other_manager, name="Чужой", mapping={"object": "counterparties",
                                                    "columns": {"Имя": "name"}, "key": "none"},
    )  # fmt: skip

    assert (
        manager_client.get(reverse("web:import_profile_export", args=[profile.pk])).status_code
        == 404
    )
    assert (
        manager_client.post(reverse("web:import_profile_delete", args=[profile.pk])).status_code
        == 404
    )
    assert "Чужой" not in manager_client.get(reverse("web:import_profiles")).content.decode()
    assert ImportProfile.objects.filter(pk=profile.pk).exists()


def test_an_administrator_sees_anothers_import_but_may_not_run_it(manager_client, admin_client):
    upload(manager_client, clients_csv())
    job = check(manager_client, newest_job())
    before = rows_of(WRITTEN)

    page = admin_client.get(job.get_absolute_url())
    answer = admin_client.post(reverse("web:import_apply", args=[job.pk]))

    assert page.status_code == 200
    assert 'id="import-load"' not in page.content.decode()
    assert answer.status_code == 403
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    assert rows_of(WRITTEN)["directory.Counterparty"] == before["directory.Counterparty"]


def test_a_check_that_fails_says_why_and_offers_the_mapping_again(manager_client):
    upload(manager_client, clients_csv())
    job = newest_job()
    manager_client.post(reverse("web:import_map", args=[job.pk]), mapping_data(job, SUGGESTED))
    Path(job.path).unlink()  # the file is gone before the worker reads it

    services.import_run(job.pk, "check")

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    page = manager_client.get(job.get_absolute_url()).content.decode()
    assert 'id="import-message"' in page
    assert 'id="import-mapping-form"' in page


def test_the_import_log_pages_newest_first(manager, manager_client, other_manager):
    for number in range(52):
        ImportJob.objects.create(object="counterparties", filename=f"file-{number}.csv",
                                 created_by=manager, updated_by=manager)  # fmt: skip
    ImportJob.objects.create(object="products", filename="theirs.csv", created_by=other_manager)

    first = manager_client.get(reverse("web:import_list"))
    page = first.content.decode()
    cursor = first.context["page"].next_cursor
    second = manager_client.get(reverse("web:import_list"), {"cursor": cursor}).content.decode()

    assert page.index("file-51.csv") < page.index("file-50.csv")
    assert "file-1.csv" not in page
    assert "file-0.csv" in second
    assert "file-1.csv" in second
    assert "theirs.csv" not in page + second
