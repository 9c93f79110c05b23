"""/api/v1/imports and /api/v1/import-profiles: the whole way from an upload to an undo,
and every refusal (nothing is written when refused).

The check and the load run in the background worker; the tests play the worker by calling
`services.import_run` for the step the API queued.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

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
from tests.api.conftest import JsonClient, bearer
from tests.conftest import rows_of
from tests.factories import UserFactory
from tests.web.test_imports import HEADER, INN_1, SUGGESTED, clients_csv

pytestmark = pytest.mark.django_db

WRITTEN = (Counterparty, ContactPerson, ImportJob, ImportRowError, ImportedRecord, ImportProfile,
           AuditEvent)  # fmt: skip
MAPPING = {"object": "counterparties", "columns": SUGGESTED, "key": "inn_kpp",
           "policy": "upsert", "on_error": "skip"}  # fmt: skip


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


def send_file(api: JsonClient, content: bytes, name: str = "clients.csv", **fields: str) -> Any:
    data: dict[str, Any] = {"object": "counterparties", **fields}
    data["file"] = SimpleUploadedFile(name, content)
    return api.client.post("/api/v1/imports", data, **api.headers)


def put_mapping(api: JsonClient, pk: int, body: dict[str, Any]) -> Any:
    return api.client.put(
        f"/api/v1/imports/{pk}/mapping", json.dumps(body), content_type="application/json",
        **api.headers,
    )  # fmt: skip


def run_step(api: JsonClient, pk: int, step: str) -> dict[str, Any]:
    """POST check or apply, play the worker, answer the import as GET shows it."""
    answer = api.post(f"/api/v1/imports/{pk}/{step}", {})
    assert answer.status_code == 202, answer.json()
    assert answer.json()["status"] == ("checking" if step == "check" else "applying")
    services.import_run(pk, step)
    return api.get(f"/api/v1/imports/{pk}").json()


def test_upload_check_load_reimport_and_undo(api, manager):
    created = send_file(api, clients_csv())

    assert created.status_code == 201, created.json()
    job = created.json()
    assert job["status"] == "new"
    assert job["header"] == HEADER
    assert job["mapping"]["columns"] == SUGGESTED
    assert job["dialect"]["kind"] == "csv"
    assert job["dialect"]["delimiter"] == ";"

    checked = run_step(api, job["id"], "check")

    assert checked["status"] == "checked"
    assert checked["check_counts"]["inserted"] == 2
    assert checked["check_counts"]["failed"] == 1
    assert not Counterparty.objects.exists()
    errors = api.get(f"/api/v1/imports/{job['id']}/errors", {"phase": "check"}).json()
    assert errors["count"] == 1
    assert errors["items"][0]["line"] == 4
    assert errors["items"][0]["column"] == "ИНН"
    assert errors["items"][0]["phase"] == "check"
    assert errors["items"][0]["values"][0] == "1234567890"

    loaded = run_step(api, job["id"], "apply")

    assert loaded["status"] == "done"
    assert loaded["counts"]["inserted"] == 2
    assert loaded["progress"] == 100
    assert Counterparty.objects.filter(responsible=manager).count() == 2
    listed = api.get("/api/v1/imports").json()
    assert [item["id"] for item in listed["items"]] == [job["id"]]

    again = send_file(api, clients_csv(), mapping=json.dumps(MAPPING)).json()
    run_step(api, again["id"], "check")
    reloaded = run_step(api, again["id"], "apply")
    assert reloaded["counts"]["inserted"] == 0
    assert reloaded["counts"]["updated"] == 0
    assert Counterparty.objects.count() == 2

    undone = api.post(f"/api/v1/imports/{job['id']}/undo", {})

    assert undone.status_code == 200, undone.json()
    assert undone.json()["status"] == "undone"
    assert not Counterparty.objects.exists()


def test_an_xlsx_file_is_read(api, tmp_path):
    xlsxwriter = pytest.importorskip("xlsxwriter")
    path = tmp_path / "clients.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Клиенты")
    for r, row in enumerate([HEADER, [INN_1, "ООО Ромашка", "+7 495 123-45-67"]]):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()

    job = send_file(api, path.read_bytes(), name="clients.xlsx").json()
    checked = run_step(api, job["id"], "check")

    assert job["dialect"]["kind"] == "xlsx"
    assert checked["check_counts"]["inserted"] == 1


def test_the_mapping_can_be_changed_and_the_job_goes_back_to_new(api):
    job = send_file(api, clients_csv()).json()
    run_step(api, job["id"], "check")

    answer = put_mapping(
        api, job["id"], {**MAPPING, "columns": {"ИНН": "inn", "Наименование": "name"}}
    )

    assert answer.status_code == 200, answer.json()
    assert answer.json()["status"] == "new"
    assert answer.json()["mapping"]["columns"] == {"ИНН": "inn", "Наименование": "name"}
    assert answer.json()["check_counts"] == {}


def test_a_file_that_is_not_a_table_is_refused_and_nothing_is_kept(api, data_dir):
    before = rows_of(WRITTEN)

    answer = send_file(api, b"\x00\x01\x02\x03PK\x00garbage\x00", name="clients.csv")

    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid"
    assert "file" in answer.json()["fields"]
    assert rows_of(WRITTEN) == before
    assert not list((data_dir / "imports").iterdir())  # the upload's folder is removed


def test_a_mapping_with_an_unknown_field_is_refused(api):
    job = send_file(api, clients_csv()).json()
    before = rows_of(WRITTEN)

    answer = put_mapping(
        api, job["id"], {**MAPPING, "columns": {"ИНН": "inn", "Наименование": "nickname"}}
    )

    assert answer.status_code == 400
    assert "unknown field nickname" in " ".join(answer.json()["fields"]["columns"])
    assert rows_of(WRITTEN) == before


def test_an_upload_with_a_broken_mapping_keeps_nothing(api):
    before = rows_of(WRITTEN)

    not_json = send_file(api, clients_csv(), mapping="{columns")
    unknown = send_file(api, clients_csv(), mapping=json.dumps(
        {**MAPPING, "columns": {"Нет такой": "name"}}))  # fmt: skip

    assert not_json.status_code == 400
    assert "mapping" in not_json.json()["fields"]
    assert unknown.status_code == 400
    assert "columns" in unknown.json()["fields"]
    assert rows_of(WRITTEN) == before


def test_another_managers_import_is_not_found(api, other_manager):
    theirs = JsonClient(Client(), bearer(other_manager.username))
    job = send_file(theirs, clients_csv()).json()
    before = rows_of(WRITTEN)

    answers = [
        api.get(f"/api/v1/imports/{job['id']}"),
        api.get(f"/api/v1/imports/{job['id']}/errors"),
        put_mapping(api, job["id"], MAPPING),
        api.post(f"/api/v1/imports/{job['id']}/check", {}),
        api.post(f"/api/v1/imports/{job['id']}/apply", {}),
        api.post(f"/api/v1/imports/{job['id']}/undo", {}),
    ]

    assert [a.status_code for a in answers] == [404] * len(answers)
    assert api.get("/api/v1/imports").json()["count"] == 0
    assert rows_of(WRITTEN) == before


def test_a_user_who_may_not_add_records_is_refused(db):
    UserFactory(username="director", roles=["director"])
    director = JsonClient(Client(), bearer("director"))
    before = rows_of(WRITTEN)

    answer = send_file(director, clients_csv())
    profile = director.post("/api/v1/import-profiles", {"name": "P", **MAPPING})

    assert answer.status_code == 403
    assert profile.status_code == 403
    assert rows_of(WRITTEN) == before


def test_undo_after_a_record_was_edited_is_refused(api, manager):
    job = send_file(api, clients_csv(bad=False)).json()
    run_step(api, job["id"], "check")
    run_step(api, job["id"], "apply")
    edited = Counterparty.objects.get(inn=INN_1)
    counterparty_update(actor=manager, counterparty=edited, data={"notes": "Called them"})
    before = rows_of(WRITTEN)

    answer = api.post(f"/api/v1/imports/{job['id']}/undo", {})

    assert answer.status_code == 409
    assert "changed after the import" in answer.json()["detail"]
    assert rows_of(WRITTEN) == before
    assert ImportJob.objects.get(pk=job["id"]).status == ImportStatus.DONE


def test_check_of_an_incomplete_mapping_is_refused(api):
    job = send_file(api, f"ИНН;Телефон\n{INN_1};+7 495 123-45-67\n".encode()).json()
    before = rows_of(WRITTEN)

    answer = api.post(f"/api/v1/imports/{job['id']}/check", {})

    assert job["mapping"]["columns"] == {"ИНН": "inn", "Телефон": "phone"}
    assert answer.status_code == 400
    assert "new records need it" in " ".join(answer.json()["fields"]["columns"])
    assert rows_of(WRITTEN) == before


def test_profiles_save_list_and_delete(api, manager, other_manager):
    theirs = services.profile_save(actor=other_manager, name="Чужой", mapping=MAPPING)

    saved = api.post("/api/v1/import-profiles", {"name": "Старая CRM", **MAPPING})
    replaced = api.post("/api/v1/import-profiles", {"name": "Старая CRM", **MAPPING,
                                                    "policy": "add"})  # fmt: skip
    listed = api.get("/api/v1/import-profiles").json()
    foreign = api.delete(f"/api/v1/import-profiles/{theirs.pk}")
    deleted = api.delete(f"/api/v1/import-profiles/{saved.json()['id']}")

    assert saved.status_code == 201, saved.json()
    assert saved.json()["settings"]["columns"] == SUGGESTED
    assert replaced.json()["id"] == saved.json()["id"]
    assert replaced.json()["settings"]["policy"] == "add"
    assert [p["name"] for p in listed["items"]] == ["Старая CRM"]
    assert foreign.status_code == 404
    assert deleted.status_code == 204
    assert list(ImportProfile.objects.values_list("name", flat=True)) == ["Чужой"]


def test_a_profile_with_an_unknown_field_is_refused(api):
    answer = api.post("/api/v1/import-profiles", {"name": "P", **MAPPING,
                                                  "columns": {"A": "nope"}})  # fmt: skip

    assert answer.status_code == 400
    assert "columns" in answer.json()["fields"]
    assert not ImportProfile.objects.exists()
