"""No list, search, autocomplete or export shows another manager's client (targets S12).

Every collection route of the URL conf and the OpenAPI document is asked for manager B's
client by its name, INN, phone and e-mail, as manager A; B's values must not appear in any
answer. New collection routes are covered without editing this file.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.api.conftest import JsonClient, bearer
from tests.factories import ContactPersonFactory, CounterpartyFactory, DealFactory
from tests.security.route_map import API, WEB, Collection
from tests.security.routes import api_operations, web_routes

QUERY_PARAMS = ("q", "search", "query", "counterparty")


@pytest.fixture
def secret(owner):
    """Manager B's client, with values that appear nowhere else."""
    cp = CounterpartyFactory(
        responsible=owner,
        name="ООО «Секретный Клиент»",
        inn="7707083893",
        phone="+74951234567",
        email="secret@klient.example",
    )
    ContactPersonFactory(counterparty=cp, name="Тайный Контакт Иванович")
    DealFactory(responsible=owner, counterparty=cp, title="Секретная сделка")
    return cp


NEEDLES = ("Секретный Клиент", "7707083893", "1234567", "secret@klient", "Тайный", "Секретная")
SEARCHES = ("Секретный", "7707083893", "+7 495 123-45-67", "secret@klient.example", "Тайный")


def _web_collections() -> list[str]:
    return sorted(r.name for r in web_routes() if isinstance(WEB.get(r.name), Collection))


def _api_collections() -> list[str]:
    return sorted(
        o.path
        for o in api_operations()
        if o.method == "GET" and isinstance(API.get(o.key), Collection)
    )


def _body(response: Any) -> str:
    """The answer as text, with JSON's \\u escapes of Cyrillic undone so needles match."""
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


def _leaks(body: str, search: str) -> list[str]:
    """B's values in the answer, leaving out those the page echoes from the query itself."""
    return [n for n in NEEDLES if n not in search and search not in n and n in body]


@pytest.mark.parametrize("name", _web_collections())
def test_web_collection_never_shows_another_managers_client(name, requester, secret):
    client = Client()
    client.force_login(requester)
    url = reverse(name)
    for search in SEARCHES:
        for param in QUERY_PARAMS:
            body = _body(client.get(url, {param: search}))
            assert not _leaks(body, search), (url, param, search, _leaks(body, search))


@pytest.mark.parametrize("path", _api_collections())
def test_api_collection_never_shows_another_managers_client(path, requester, secret):
    api = JsonClient(Client(), bearer(requester.username))
    for search in SEARCHES:
        for param in QUERY_PARAMS:
            body = _body(api.get(path, {param: search}))
            assert not _leaks(body, search), (path, param, search, _leaks(body, search))


def test_the_needles_are_found_by_their_owner(owner, secret):
    """The check above can fail: the owner does find the client through the same routes."""
    client = Client()
    client.force_login(owner)
    body = client.get(reverse("web:counterparty_list"), {"q": "7707083893"}).content.decode()
    assert "Секретный Клиент" in body
    api = JsonClient(Client(), bearer(owner.username))
    assert "Секретная" in _body(api.get("/api/v1/deals", {"q": "Секретная"}))
