"""CSRF on every unsafe method, and GET never changes data (targets S16).

Both walk every route of the URL conf and every operation of the OpenAPI document, so a
new route is covered without editing this file.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.api.conftest import JsonClient, bearer
from tests.security.objects import MAKERS
from tests.security.route_map import API, WEB, Admin, Machine, Owned, Shared
from tests.security.routes import api_operations, web_routes

UNSAFE = ("post", "put", "patch", "delete")
# Reads that are themselves recorded: an export is audited, although it changes no data.
AUDITED_READS = (".exported",)


def _kwargs(name: str, holder: Any) -> dict[str, Any]:
    """Arguments that reach the real page: ids of objects that `holder` owns."""
    route = next(r for r in web_routes() if r.name == name)
    rule = WEB.get(name)
    kwargs: dict[str, Any] = {}
    for param in route.params:
        if isinstance(rule, Owned | Admin | Shared) and rule.kind and param == rule.param:
            kwargs[param] = MAKERS[rule.kind](holder).pk
        elif isinstance(rule, Admin) and rule.value is not None:
            kwargs[param] = rule.value
        else:
            kwargs[param] = 1
    return kwargs


@pytest.mark.parametrize("route", web_routes(), ids=lambda r: r.name)
@pytest.mark.parametrize("method", UNSAFE)
def test_web_unsafe_method_without_csrf_token_is_refused(route, method, admin_user, db_snapshot):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    url = reverse(route.name, kwargs=_kwargs(route.name, admin_user))
    before = db_snapshot()

    answer = getattr(client, method)(url)

    if isinstance(WEB.get(route.name), Machine):
        # CSRF-exempt; the sign-in session is no credential here: refused in its protocol.
        assert answer.status_code == 200, url
        assert answer.content.startswith(b"failure\n"), url
    else:
        assert answer.status_code == 403, url
    assert db_snapshot() == before


def _unsafe_operations() -> list[Any]:
    return [o for o in api_operations() if o.method.lower() in UNSAFE]


def _api_url(operation: Any, holder: Any) -> str:
    path = operation.path
    rule = API.get(operation.key)
    for param in operation.params:
        value = (
            MAKERS[rule.kind](holder).pk
            if isinstance(rule, Owned | Admin | Shared) and rule.kind
            else 1
        )
        path = path.replace("{" + param + "}", str(value))
    return path


@pytest.mark.parametrize("operation", _unsafe_operations(), ids=lambda o: o.key)
def test_api_session_write_without_csrf_token_is_refused(operation, admin_user, db_snapshot):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    url = _api_url(operation, admin_user)
    before = db_snapshot()

    answer = getattr(client, operation.method.lower())(
        url, data="{}", content_type="application/json"
    )

    assert answer.status_code == 403, url
    assert db_snapshot() == before


def _without_audited_reads(state: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    audit = [e for e in state["core.AuditEvent"] if not e["action"].endswith(AUDITED_READS)]
    return {**state, "core.AuditEvent": audit}


@pytest.mark.parametrize("role", ["admin", "manager"])
def test_crawling_every_get_route_changes_nothing(role, admin_user, manager, db_snapshot):
    user = admin_user if role == "admin" else manager
    client = Client()
    client.force_login(user)
    urls = [reverse(r.name, kwargs=_kwargs(r.name, user)) for r in web_routes()]
    api = JsonClient(Client(), bearer(user.username))
    api_urls = [_api_url(o, user) for o in api_operations() if o.method == "GET"]
    before = _without_audited_reads(db_snapshot())

    statuses = {url: client.get(url).status_code for url in urls}
    statuses |= {url: api.get(url).status_code for url in api_urls}

    statuses.pop("/healthz")  # 503 here: no worker runs during tests
    assert not {url: code for url, code in statuses.items() if code >= 500}
    assert _without_audited_reads(db_snapshot()) == before
