"""Refused requests: every one answers the JSON error body and leaves the database unchanged."""

from __future__ import annotations

import base64
import json

import pytest

from accord.directory.models import PropertyDefinition
from tests.factories import CounterpartyFactory

URL = "/api/v1/counterparties"
NOT_FOUND = {"code": "not_found", "detail": "Not found.", "fields": {}}


@pytest.fixture
def mine(manager):
    return CounterpartyFactory(responsible=manager, name="ООО Ромашка", inn="7707083893")


def assert_refused(response, status: int, code: str, fields: list[str] | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["detail"], str)
    assert body["detail"]
    if fields is not None:
        assert sorted(body["fields"]) == sorted(fields)
    return body


# ---------------------------------------------------------------- domain validation


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "ООО Б", "inn": "7707083894"}, "inn"),
        ({"name": "ООО Б", "inn": "12345"}, "inn"),
        ({"name": "ООО Б", "phone": "12-34"}, "phone"),
        ({"name": "ООО Б", "email": "not an address"}, "email"),
        ({"name": "   "}, "name"),
        ({"name": "ООО Б", "kind": "person", "kpp": "770701001"}, "kpp"),
        ({"name": "ООО Б", "source_id": 999999}, "source_id"),
        ({"name": "ООО Б", "custom": {"no_such_property": 1}}, "custom.no_such_property"),
        ({"name": "ООО Б", "bank_accounts": [{"bic": "123", "account": "1"}]}, None),
    ],
)
def test_create_with_a_wrong_value_is_a_400_naming_the_field(api, mine, db_state, body, field):
    before = db_state()

    response = api.post(URL, body)

    result = assert_refused(response, 400, "invalid")
    if field:
        assert list(result["fields"]) == [field]
    else:
        assert set(result["fields"]) == {"bank_accounts.0.bic", "bank_accounts.0.account"}
    assert db_state() == before


def test_a_required_custom_property_is_checked(api, db_state):
    PropertyDefinition.objects.create(
        target="counterparty", code="region", name="Region", kind="text", required=True
    )
    before = db_state()

    response = api.post(URL, {"name": "ООО Б"})

    assert_refused(response, 400, "invalid", ["custom.region"])
    assert db_state() == before


def test_patch_with_a_wrong_inn_changes_nothing(api, mine, db_state):
    before = db_state()

    response = api.patch(f"{URL}/{mine.pk}", {"inn": "7707083894", "notes": "новое"})

    assert_refused(response, 400, "invalid", ["inn"])
    assert db_state() == before


# ---------------------------------------------------------------- schema validation


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"inn": "7707083893"}, ["name"]),
        ({"name": 123}, ["name"]),
        ({"name": "ООО Б", "is_vip": "maybe"}, ["is_vip"]),
        ({"name": "ООО Б", "kind": "llc"}, ["kind"]),
        ({"name": "ООО Б", "tags": "опт"}, ["tags"]),
        ({"name": "ООО Б", "tags": [1]}, ["tags.0"]),
        (
            {"name": "ООО Б", "bank_accounts": [{"bic": 44525225}]},
            ["bank_accounts.0.bic", "bank_accounts.0.account"],
        ),
        ({"name": "ООО Б", "responsible_id": "me"}, ["responsible_id"]),
        ({"name": "ООО Б", "responsible_id": 10**30}, ["responsible_id"]),
        ({"name": "ООО Б", "responsible_id": -1}, ["responsible_id"]),
        ({"name": "ООО Б", "custom": []}, ["custom"]),
        ({"name": "ООО Б", "unknown": 1}, ["unknown"]),
        ({"name": "ООО Б", "id": 5}, ["id"]),
    ],
)
def test_a_body_that_breaks_the_schema_is_a_400_naming_the_field(api, db_state, body, fields):
    before = db_state()

    response = api.post(URL, body)

    assert_refused(response, 400, "invalid", fields)
    assert db_state() == before


@pytest.mark.parametrize(
    "raw",
    [
        b'{"name": "B",}',
        b'{"name": ',
        b"",
        b"\xff\xfe{\x00}\x00",
        '{"name": "ООО Б"}'.encode("cp1251"),
        b'{"name": "B", "notes": NaN}',
        b'{"name": "B", "responsible_id": 1e999}',
        b'{"name": "B", "responsible_id": ' + b"9" * 5000 + b"}",
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=[
        "trailing-comma",
        "truncated",
        "empty",
        "utf-16",
        "cp1251",
        "nan",
        "overflowing-float",
        "5000-digit-int",
        "deep-nesting",
    ],
)
def test_a_body_that_is_not_json_is_a_400(api, db_state, raw):
    before = db_state()

    response = api.post(URL, raw)

    code = "invalid" if raw == b"" else "malformed_json"
    assert_refused(response, 400, code)
    assert db_state() == before


@pytest.mark.parametrize("body", [[{"name": "ООО Б"}], "ООО Б", 42, None])
def test_a_body_that_is_not_an_object_is_a_400(api, db_state, body):
    before = db_state()

    response = api.post(URL, body)

    result = assert_refused(response, 400, "invalid")
    assert result["detail"] == "Send a JSON object in the request body."
    assert db_state() == before


def test_a_patch_body_that_is_a_list_changes_nothing(api, mine, db_state):
    before = db_state()

    response = api.patch(f"{URL}/{mine.pk}", [{"name": "ООО Б"}])

    assert_refused(response, 400, "invalid")
    assert db_state() == before


# ---------------------------------------------------------------- list parameters


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"limit": 0}, ["limit"]),
        ({"limit": 201}, ["limit"]),
        ({"limit": "ten"}, ["limit"]),
        ({"limit": 10**30}, ["limit"]),
        ({"offset": -1}, ["offset"]),
        ({"offset": 10**30}, ["offset"]),
        ({"sort": "phone"}, ["sort"]),
        ({"kind": "llc"}, ["kind"]),
        ({"responsible": "me"}, ["responsible"]),
        ({"vip": "maybe"}, ["vip"]),
        ({"offset": 5, "cursor": "abc"}, ["offset"]),
    ],
)
def test_wrong_list_parameters_are_a_400_naming_them(api, mine, params, fields):
    assert_refused(api.get(URL, params), 400, "invalid", fields)


def _cursor(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        _cursor({"v": ["ромашка"], "d": "n"}),
        _cursor({"v": ["ромашка", "x"], "d": "n"}),
        _cursor({"v": ["ромашка", {"dt": "yesterday"}], "d": "n"}),
        _cursor({"v": ["ромашка", [1]], "d": "n"}),
        _cursor({"v": ["ромашка", {"x": 1}], "d": "n"}),
        _cursor({"v": ["ромашка", 1], "d": "sideways"}),
    ],
)
def test_a_forged_cursor_is_a_400(api, mine, cursor):
    assert_refused(api.get(URL, {"cursor": cursor}), 400, "invalid_cursor")


def test_a_forged_cursor_on_a_date_sort_is_a_400(api, mine):
    cursor = _cursor({"v": ["not a date", 1], "d": "n"})

    assert_refused(api.get(URL, {"cursor": cursor, "sort": "created"}), 400, "invalid_cursor")


# ---------------------------------------------------------------- not found, never an oracle


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_another_managers_counterparty_answers_exactly_like_a_missing_one(
    api, other_manager, db_state, method
):
    hidden = CounterpartyFactory(responsible=other_manager)
    before = db_state()

    def call(pk: object):
        path = f"{URL}/{pk}"
        return api.patch(path, {"notes": "x"}) if method == "patch" else getattr(api, method)(path)

    answers = [call(hidden.pk), call(hidden.pk + 1000), call("abc"), call(10**30), call(0)]

    for answer in answers:
        assert answer.status_code == 404
        assert answer.json() == NOT_FOUND
    assert db_state() == before


def test_an_unknown_path_or_method_answers_json(api):
    assert api.get("/api/v1/no-such-thing").json() == NOT_FOUND
    assert api.get("/api/").json() == NOT_FOUND
    response = api.client.put(URL, **api.headers)
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert response["Allow"]


def test_a_too_large_body_is_a_413(api, db_state, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    before = db_state()

    response = api.post(URL, {"name": "ООО Б", "notes": "x" * 2000})

    assert_refused(response, 413, "too_large")
    assert db_state() == before


def test_a_bug_answers_a_json_500_and_is_logged(api, mine, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("accord.api.counterparties.counterparty_get", broken)
    api.client.raise_request_exception = False

    response = api.get(f"{URL}/{mine.pk}")

    assert response.status_code == 500
    assert response.json() == {
        "code": "server_error",
        "detail": "An unexpected error occurred.",
        "fields": {},
    }
    assert "boom" in caplog.text
