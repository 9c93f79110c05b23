"""The mapping profile: suggested from headers, checked before anything is read."""

from __future__ import annotations

import pytest

from accord.core.errors import ValidationFailedError
from accord.imports.fields import suggest
from accord.imports.profiles import parse_mapping

HEADER = ["Наименование", "ИНН", "КПП", "Телефон", "E-mail", "Контактное лицо", "Должность", "X"]


def test_suggest_reads_russian_and_english_headers() -> None:
    assert suggest(HEADER, "counterparties") == {
        "Наименование": "name",
        "ИНН": "inn",
        "КПП": "kpp",
        "Телефон": "phone",
        "E-mail": "email",
        "Контактное лицо": "contact.name",
        "Должность": "contact.position",
    }
    assert suggest(["Company", "Tax ID", "Phone"], "counterparties") == {
        "Company": "name",
        "Tax ID": "inn",
        "Phone": "phone",
    }


def test_suggest_uses_each_field_once_and_knows_custom_properties() -> None:
    found = suggest(["Телефон", "Тел.", "Канал"], "counterparties", [("channel", "Канал")])
    assert found == {"Телефон": "phone", "Канал": "custom.channel"}


def test_a_complete_profile_parses() -> None:
    mapping = parse_mapping(
        {"object": "counterparties", "columns": {"Наименование": "name", "ИНН": "inn"},
         "key": "inn_kpp", "policy": "upsert", "on_error": "stop"},
        header=HEADER,
    )  # fmt: skip
    assert mapping.key == "inn_kpp"
    assert mapping.on_error == "stop"
    assert mapping.as_json()["columns"] == {"Наименование": "name", "ИНН": "inn"}


@pytest.mark.parametrize(
    ("raw", "field", "fragment"),
    [
        ([], "mapping", "JSON object"),
        ({"object": "planets"}, "object", "Choose one of"),
        ({"object": "counterparties", "columns": {"ИНН": "tax"}}, "columns", "unknown field"),
        ({"object": "counterparties", "columns": {"Нет такой": "name"}}, "columns", "no column"),
        ({"object": "counterparties", "columns": {"Наименование": "name", "X": "name"}},
         "columns", "mapped twice"),
        ({"object": "counterparties", "columns": {"ИНН": "inn"}}, "columns", "new records"),
        ({"object": "counterparties", "columns": {"Наименование": "name"}, "key": "inn_kpp"},
         "key", "inn"),
        ({"object": "counterparties", "columns": {"Наименование": "name"}, "key": "article"},
         "key", "Choose one of"),
        ({"object": "counterparties", "columns": {"Наименование": "name"}, "key": "none",
          "policy": "update"}, "key", "Without a key"),
        ({"object": "counterparties", "columns": {"Наименование": "name"}, "key": "none",
          "on_error": "ignore"}, "on_error", "Choose one of"),
        ({"object": "counterparties", "columns": {"Наименование": "name"}, "key": "none",
          "extra": 1}, "extra", "Unknown setting"),
    ],
)  # fmt: skip
def test_a_wrong_profile_is_refused_with_the_reason(raw: object, field: str, fragment: str) -> None:
    with pytest.raises(ValidationFailedError) as caught:
        parse_mapping(raw, header=HEADER)
    assert field in caught.value.fields
    assert fragment in " ".join(caught.value.fields[field])


def test_custom_fields_need_a_definition() -> None:
    raw = {"object": "counterparties", "key": "none",
           "columns": {"Наименование": "name", "X": "custom.channel"}}  # fmt: skip
    with pytest.raises(ValidationFailedError):
        parse_mapping(raw, header=HEADER)
    assert parse_mapping(raw, header=HEADER, custom_codes=["channel"]).fields == {
        "name", "custom.channel",
    }  # fmt: skip
