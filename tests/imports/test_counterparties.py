"""Counterparties with contact persons from a CSV: check, load, re-load, undo, refusals."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from accord.core.errors import ConflictError, PermissionDeniedError, ValidationFailedError
from accord.core.models import AuditEvent
from accord.directory.models import ContactDetail, ContactPerson, Counterparty, Tag
from accord.imports.models import ImportedRecord, ImportJob, ImportStatus
from accord.imports.services import (
    import_apply,
    import_check,
    import_map,
    import_undo,
    import_upload,
)
from tests.conftest import rows_of
from tests.factories import CounterpartyFactory, UserFactory, valid_inn

pytestmark = pytest.mark.django_db

HEADER = "Наименование;ИНН;КПП;Телефон;E-mail;Контактное лицо;Должность;Теги\n"
MAPPING = {
    "object": "counterparties",
    "columns": {
        "Наименование": "name", "ИНН": "inn", "КПП": "kpp", "Телефон": "phone",
        "E-mail": "email", "Контактное лицо": "contact.name", "Должность": "contact.position",
        "Теги": "tags",
    },
    "key": "inn_kpp",
    "policy": "upsert",
    "on_error": "skip",
}  # fmt: skip


@pytest.fixture(autouse=True)
def _data_dir(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path


def _csv(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO((header + "".join(r + "\n" for r in rows)).encode(encoding))


def _row(n: int, name: str = "", phone: str = "", contact: str = "", tags: str = "") -> str:
    return f"{name or f'Компания {n}'};{valid_inn(n)};;{phone};;{contact};;{tags}"


def _load(actor: Any, data: io.BytesIO, mapping: dict[str, Any] | None = None) -> ImportJob:
    job = import_upload(actor=actor, obj="counterparties", filename="clients.csv", source=data)
    job = import_map(actor=actor, job=job, mapping=mapping or MAPPING)
    job = import_check(actor=actor, job=job, run_now=True)
    assert job.status == ImportStatus.CHECKED, job.message
    return import_apply(actor=actor, job=job, run_now=True)


def test_check_counts_and_flags_bad_rows_without_writing(manager: Any) -> None:
    data = _csv(
        _row(1, phone="+7 916 123-45-67", contact="Иванов Иван", tags="опт, VIP-кандидат"),
        "Плохой ИНН;7707083890;;;;;;",
        _row(2, phone="не телефон"),
        ";" + valid_inn(3) + ";;;;;;",
    )
    job = import_upload(actor=manager, obj="counterparties", filename="c.csv", source=data)
    job = import_map(actor=manager, job=job, mapping=MAPPING)
    before = rows_of([Counterparty, ContactPerson, Tag])
    job = import_check(actor=manager, job=job, run_now=True)
    assert job.check_counts == {
        "inserted": 1, "updated": 0, "unchanged": 0, "skipped": 0, "failed": 3,
    }  # fmt: skip
    errors = {e.line: (e.column, e.reason) for e in job.row_errors.filter(phase="check")}
    assert errors[3][0] == "ИНН"
    assert "check digits" in errors[3][1]
    assert errors[4][0] == "Телефон"
    assert errors[5][0] == "Наименование" or "name" in errors[5][1].lower()
    assert rows_of([Counterparty, ContactPerson, Tag]) == before


def test_load_then_reload_changes_nothing(manager: Any) -> None:
    rows = [_row(n, phone=f"+7 916 000-00-{n:02d}", contact=f"Контакт {n}", tags="опт")
            for n in range(1, 31)]  # fmt: skip
    job = _load(manager, _csv(*rows))
    assert job.status == ImportStatus.DONE
    assert job.counts["inserted"] == 30
    cp = Counterparty.objects.get(inn=valid_inn(7))
    assert cp.responsible == manager
    assert cp.phone == "+79160000007"
    assert [t.name for t in cp.tags.all()] == ["опт"]
    person = ContactPerson.objects.get(counterparty=cp)
    assert person.name == "Контакт 7"
    stamps = dict(Counterparty.objects.values_list("pk", "updated_at"))
    events = AuditEvent.objects.count()

    again = _load(manager, _csv(*rows))
    assert again.counts == {"inserted": 0, "updated": 0, "unchanged": 30, "skipped": 0,
                            "failed": 0}  # fmt: skip
    assert dict(Counterparty.objects.values_list("pk", "updated_at")) == stamps
    assert ContactPerson.objects.count() == 30
    # Only the import's own steps were audited, no record events.
    assert (
        not AuditEvent.objects.filter(pk__gt=0)
        .exclude(action__startswith="imports.")[events:]
        .exists()
    )


def test_one_changed_row_is_one_update_with_its_diff(manager: Any) -> None:
    _load(manager, _csv(_row(1), _row(2)))
    job = _load(manager, _csv(_row(1), _row(2, name="Компания 2 (новое имя)")))
    assert job.counts["updated"] == 1
    assert job.counts["unchanged"] == 1
    assert job.sample_updates[0]["changes"]["name"] == ["Компания 2", "Компания 2 (новое имя)"]
    cp = Counterparty.objects.get(inn=valid_inn(2))
    assert cp.name == "Компания 2 (новое имя)"
    assert AuditEvent.objects.filter(
        action="directory.counterparty.updated", object_id=str(cp.pk)
    ).exists()


def test_rows_with_one_key_make_one_counterparty_with_several_contacts(manager: Any) -> None:
    job = _load(manager, _csv(_row(1, contact="Анна"), _row(1, contact="Борис"),
                              _row(1, contact="Анна")))  # fmt: skip
    assert Counterparty.objects.count() == 1
    assert sorted(ContactPerson.objects.values_list("name", flat=True)) == ["Анна", "Борис"]
    assert job.counts["inserted"] == 1


def test_policies(manager: Any) -> None:
    _load(manager, _csv(_row(1)))
    job = _load(manager, _csv(_row(1, name="Другое"), _row(2)), {**MAPPING, "policy": "add"})
    assert job.counts["inserted"] == 1
    assert job.counts["skipped"] == 1
    assert Counterparty.objects.get(inn=valid_inn(1)).name == "Компания 1"
    job = _load(manager, _csv(_row(1, name="Другое"), _row(3)), {**MAPPING, "policy": "update"})
    assert job.counts["updated"] == 1
    assert job.counts["skipped"] == 1
    assert not Counterparty.objects.filter(inn=valid_inn(3)).exists()


def test_stop_on_error_loads_nothing(manager: Any) -> None:
    data = _csv(_row(1), "Плохой;7707083890;;;;;;")
    job = import_upload(actor=manager, obj="counterparties", filename="c.csv", source=data)
    job = import_map(actor=manager, job=job, mapping={**MAPPING, "on_error": "stop"})
    job = import_check(actor=manager, job=job, run_now=True)
    with pytest.raises(ConflictError):
        import_apply(actor=manager, job=job, run_now=True)
    assert not Counterparty.objects.exists()


def test_stop_without_a_check_rolls_back_what_it_wrote(manager: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr("accord.imports.loading.BATCH_ROWS", 1000)  # the bad row is in batch 3
    rows = [_row(n) for n in range(1, 2500)] + ["Плохой;7707083890;;;;;;"]
    job = import_upload(actor=manager, obj="counterparties", filename="c.csv", source=_csv(*rows))
    job = import_map(actor=manager, job=job, mapping={**MAPPING, "on_error": "stop"})
    job = import_apply(actor=manager, job=job, run_now=True)
    assert job.status == ImportStatus.STOPPED
    assert "2501" in job.message
    assert not Counterparty.objects.exists()


def test_an_invisible_match_is_refused_not_duplicated(manager: Any, other_manager: Any) -> None:
    CounterpartyFactory(name="Чужой", inn=valid_inn(1), responsible=other_manager)
    job = _load(manager, _csv(_row(1)))
    assert job.counts["failed"] == 1
    assert Counterparty.objects.filter(inn=valid_inn(1)).count() == 1
    assert Counterparty.objects.get(inn=valid_inn(1)).name == "Чужой"


def test_undo_removes_and_restores(manager: Any) -> None:
    old = CounterpartyFactory(name="Старое имя", inn=valid_inn(1), responsible=manager)
    job = _load(manager, _csv(_row(1, contact="Анна"), _row(2, contact="Борис")))
    assert job.counts == {"inserted": 1, "updated": 1, "unchanged": 0, "skipped": 0,
                          "failed": 0}  # fmt: skip
    import_undo(actor=manager, job=job)
    old.refresh_from_db()
    assert old.name == "Старое имя"
    assert list(Counterparty.objects.values_list("pk", flat=True)) == [old.pk]
    assert not ContactPerson.objects.filter(counterparty=old).exists()
    assert not ImportedRecord.objects.exclude(job=job).exists()
    job.refresh_from_db()
    assert job.status == ImportStatus.UNDONE


def test_undo_refuses_when_a_record_was_touched(manager: Any) -> None:
    job = _load(manager, _csv(_row(1), _row(2)))
    cp = Counterparty.objects.get(inn=valid_inn(2))
    from accord.directory.services import counterparty_update

    counterparty_update(actor=manager, counterparty=cp, data={"notes": "позвонить"})
    before = rows_of([Counterparty, ContactPerson, ContactDetail])
    with pytest.raises(ConflictError, match="changed after the import"):
        import_undo(actor=manager, job=job)
    assert rows_of([Counterparty, ContactPerson, ContactDetail]) == before


def test_windows_1251_and_utf8_give_the_same_rows(manager: Any) -> None:
    rows = [_row(1, phone="+7 916 111-22-33", contact="Пётр Ёлкин")]
    _load(manager, _csv(*rows, encoding="cp1251"))
    first = list(Counterparty.objects.values("name", "inn", "phone"))
    Counterparty.objects.all().delete()
    _load(manager, _csv(*rows, encoding="utf-8-sig"))
    assert list(Counterparty.objects.values("name", "inn", "phone")) == first


def test_refusals_write_nothing(manager: Any) -> None:
    before = rows_of([ImportJob, Counterparty])
    with pytest.raises(ValidationFailedError) as caught:
        import_upload(actor=manager, obj="counterparties", filename="x.csv", source=io.BytesIO())
    assert "file" in caught.value.fields
    with pytest.raises(ValidationFailedError):
        import_upload(actor=manager, obj="planets", filename="x.csv", source=_csv(_row(1)))
    job = import_upload(actor=manager, obj="counterparties", filename="c.csv", source=_csv(_row(1)))
    with pytest.raises(ValidationFailedError):
        import_map(actor=manager, job=job, mapping={**MAPPING, "columns": {"ИНН": "nope"}})
    outsider = UserFactory(username="viewer", roles=[])
    with pytest.raises(PermissionDeniedError):
        import_upload(actor=outsider, obj="counterparties", filename="c.csv", source=_csv(_row(1)))
    job.delete()
    assert rows_of([ImportJob, Counterparty]) == before
