"""Fixtures of the API tests: a JSON client per user and a snapshot of the directory tables."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from accord.core.models import AuditEvent
from accord.directory.models import BankAccount, ContactDetail, ContactPerson, Counterparty, Tag
from accord.users.services import token_create
from tests.conftest import rows_of

TRACKED = (
    Counterparty,
    Counterparty.tags.through,
    BankAccount,
    Tag,
    ContactPerson,
    ContactDetail,
    AuditEvent,
)


class JsonClient:
    """A test client that sends JSON bodies and an `Authorization` header."""

    def __init__(self, client: Client, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers

    def _send(self, method: str, path: str, body: Any, **extra: Any) -> Any:
        data = body if isinstance(body, bytes) else json.dumps(body)
        send = getattr(self.client, method)
        return send(path, data=data, content_type="application/json", **self.headers, **extra)

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(path, params or {}, **self.headers)

    def post(self, path: str, body: Any) -> Any:
        return self._send("post", path, body)

    def patch(self, path: str, body: Any) -> Any:
        return self._send("patch", path, body)

    def delete(self, path: str) -> Any:
        return self.client.delete(path, **self.headers)


def bearer(username: str) -> dict[str, str]:
    _token, raw = token_create(actor=None, username=username, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def api(api_headers) -> JsonClient:
    """The API as `manager` sees it (Bearer token)."""
    return JsonClient(Client(), api_headers)


@pytest.fixture
def admin_api(admin_user) -> JsonClient:
    return JsonClient(Client(), bearer(admin_user.username))


@pytest.fixture
def db_state() -> Callable[[], dict[str, list[dict[str, Any]]]]:
    """Every row of the directory tables and the audit trail, to prove a refusal wrote nothing."""

    def state() -> dict[str, list[dict[str, Any]]]:
        return rows_of(TRACKED)

    return state
