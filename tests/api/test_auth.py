"""Who may call the API: a live Bearer token or a signed-in session with its CSRF token."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from accord.directory.models import Counterparty
from accord.users.models import ApiToken
from tests.factories import CounterpartyFactory

URL = "/api/v1/counterparties"


def assert_unauthorized(response) -> None:
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert set(response.json()) == {"code", "detail", "fields"}
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_call_without_credentials_is_a_401(db, client, db_state, method):
    before = db_state()

    response = getattr(client, method)(URL)

    assert_unauthorized(response)
    assert "Bearer" in response.json()["detail"]
    assert db_state() == before


@pytest.mark.parametrize(
    "header",
    ["Bearer acc_unknown", "Bearer ", "Bearer", "Basic dXNlcjpwYXNz", "acc_no_scheme"],
)
def test_an_unknown_token_or_scheme_is_a_401(db, client, header):
    assert_unauthorized(client.get(URL, HTTP_AUTHORIZATION=header))


def test_a_revoked_token_is_a_401(client, manager, manager_token, db_state):
    ApiToken.objects.update(revoked_at=timezone.now())
    before = db_state()

    response = client.post(
        URL,
        {"name": "ООО Б"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {manager_token}",
    )

    assert_unauthorized(response)
    assert db_state() == before


def test_a_token_of_a_deactivated_user_is_a_401(client, manager, api_headers):
    manager.is_active = False
    manager.save()

    assert_unauthorized(client.get(URL, **api_headers))


def test_a_bad_token_is_a_401_even_with_a_session(manager_client):
    response = manager_client.get(URL, HTTP_AUTHORIZATION="Bearer acc_unknown")

    assert_unauthorized(response)


def test_a_live_token_authenticates(client, manager, api_headers):
    CounterpartyFactory(responsible=manager)

    response = client.get(URL, **api_headers)

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_a_session_reads_without_a_csrf_token(manager, manager_client):
    CounterpartyFactory(responsible=manager)

    response = manager_client.get(URL)

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_a_session_post_without_the_csrf_token_is_a_403(manager, db_state):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    before = db_state()

    response = client.post(URL, {"name": "ООО Б"}, content_type="application/json")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert "CSRF" in response.json()["detail"]
    assert db_state() == before


def test_a_session_post_with_the_csrf_token_is_accepted(manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    client.get("/api/docs")  # sets the CSRF cookie, as the web pages do
    token = client.cookies["csrftoken"].value

    response = client.post(
        URL, {"name": "ООО Б"}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )

    assert response.status_code == 201
    assert Counterparty.objects.get().responsible == manager


def test_a_token_call_needs_no_csrf_token(manager, api_headers):
    client = Client(enforce_csrf_checks=True)

    response = client.post(URL, {"name": "ООО Б"}, content_type="application/json", **api_headers)

    assert response.status_code == 201
