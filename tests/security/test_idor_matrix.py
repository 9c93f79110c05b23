"""The IDOR matrix (targets S12): manager A asks for manager B's objects through every route.

Routes come from the URL conf and the OpenAPI document (`routes.py`); how each is protected
comes from `route_map.py`. Another manager's object must answer exactly what a missing id
answers (404, no existence oracle), and no request may change anything.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.api.conftest import JsonClient, bearer
from tests.security.objects import MAKERS
from tests.security.route_map import API, WEB, Admin, Owned, Shared
from tests.security.routes import api_operations, web_routes

MISSING = 987_654_321

WEB_ROUTES = {route.name: route for route in web_routes()}
API_OPERATIONS = {operation.key: operation for operation in api_operations()}


def test_every_web_route_is_classified():
    unclassified = sorted(set(WEB_ROUTES) - set(WEB))
    stale = sorted(set(WEB) - set(WEB_ROUTES))
    assert not unclassified, f"classify these routes in tests/security/route_map.py: {unclassified}"
    assert not stale, f"these routes are gone; remove them from route_map.py: {stale}"


def test_every_api_operation_is_classified():
    unclassified = sorted(set(API_OPERATIONS) - set(API))
    stale = sorted(set(API) - set(API_OPERATIONS))
    assert not unclassified, (
        f"classify these operations in tests/security/route_map.py: {unclassified}"
    )
    assert not stale, f"these operations are gone; remove them from route_map.py: {stale}"


def test_every_route_with_an_id_names_how_the_id_is_protected():
    """A route that takes an object id cannot be waved through as a mere collection."""
    for name, route in WEB_ROUTES.items():
        if route.params and name in WEB:
            assert isinstance(WEB[name], Owned | Admin | Shared), f"{name} takes {route.params}"
    for key, operation in API_OPERATIONS.items():
        if operation.params and key in API:
            assert isinstance(API[key], Owned | Admin | Shared), f"{key} takes {operation.params}"


def _normalized(content: bytes) -> str:
    """The answer without what differs on every page (the CSRF token)."""
    text = content.decode("utf-8", "replace")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def _owned_web() -> list[str]:
    return sorted(n for n, rule in WEB.items() if isinstance(rule, Owned) and n in WEB_ROUTES)


@pytest.mark.parametrize("name", _owned_web())
@pytest.mark.parametrize("method", ["get", "post"])
def test_web_route_hides_another_managers_object(name, method, requester, owner, db_snapshot):
    rule = WEB[name]
    assert isinstance(rule, Owned)
    foreign = MAKERS[rule.kind](owner)
    client = Client()
    client.force_login(requester)
    before = db_snapshot()

    send = getattr(client, method)
    foreign_answer = send(reverse(name, kwargs={rule.param: foreign.pk}))
    missing_answer = send(reverse(name, kwargs={rule.param: MISSING}))

    # 405 comes from the method guard, before any lookup: it says nothing about the object.
    assert foreign_answer.status_code in {404, 405}
    assert missing_answer.status_code == foreign_answer.status_code
    assert _normalized(foreign_answer.content) == _normalized(missing_answer.content)
    assert db_snapshot() == before


def _admin_web() -> list[str]:
    return sorted(n for n, rule in WEB.items() if isinstance(rule, Admin) and n in WEB_ROUTES)


@pytest.mark.parametrize("name", _admin_web())
@pytest.mark.parametrize("method", ["get", "post"])
def test_web_administration_refuses_a_manager(name, method, requester, owner, db_snapshot):
    rule = WEB[name]
    assert isinstance(rule, Admin)
    kwargs: dict[str, Any] = {}
    if rule.kind and rule.param:
        kwargs[rule.param] = MAKERS[rule.kind](owner).pk
    elif rule.param:
        kwargs[rule.param] = rule.value
    client = Client()
    client.force_login(requester)
    before = db_snapshot()

    answer = getattr(client, method)(reverse(name, kwargs=kwargs))

    assert answer.status_code == 403
    assert db_snapshot() == before


def _api_path(path: str, param: str | None, value: int) -> str:
    return path.replace("{" + param + "}", str(value)) if param else path


def _api_body(rule: Owned, value: int) -> Any:
    return {key: (value if item == "@id" else item) for key, item in rule.body.items()}


def _owned_api() -> list[str]:
    return sorted(k for k, rule in API.items() if isinstance(rule, Owned) and k in API_OPERATIONS)


@pytest.mark.parametrize("key", _owned_api())
def test_api_operation_hides_another_managers_object(key, requester, owner, db_snapshot):
    rule = API[key]
    assert isinstance(rule, Owned)
    method, path = key.split(" ", 1)
    foreign = MAKERS[rule.kind](owner)
    api = JsonClient(Client(), bearer(requester.username))
    before = db_snapshot()

    def call(value: int) -> Any:
        target = _api_path(path, rule.param, value)
        if method in {"GET", "DELETE"}:
            return getattr(api, method.lower())(target)
        send = getattr(api.client, method.lower())
        return send(
            target,
            data=json.dumps(_api_body(rule, value)),
            content_type="application/json",
            **api.headers,
        )

    foreign_answer = call(foreign.pk)
    missing_answer = call(MISSING)

    assert foreign_answer.status_code == missing_answer.status_code
    assert foreign_answer.status_code in {400, 404}
    if rule.param:  # the id is the resource itself: it does not exist for A
        assert foreign_answer.status_code == 404
    assert _normalized(foreign_answer.content) == _normalized(missing_answer.content)
    assert db_snapshot() == before
