"""Fixtures shared by the whole suite: users with roles, logged-in clients, API tokens."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.factories import UserFactory


def rows_of(models: Iterable[Any]) -> dict[str, list[dict[str, Any]]]:
    """Every row of these tables, to prove that a refused request wrote nothing.

    A refusal (403) is itself recorded as an `access.refused` audit event: that record is
    the one row a refused request may add, so it is left out.
    """
    state = {}
    for model in models:
        rows = model._base_manager.order_by("pk")
        if model._meta.label == "core.AuditEvent":
            rows = rows.exclude(action="access.refused")
        state[model._meta.label] = list(rows.values())
    return state


SHARED = Path(__file__).resolve().parents[2] / "shared"
OUTPUT = Path(
    os.environ.get("ACCORD_TEST_OUTPUT", Path(__file__).resolve().parents[1] / "test-output")
)


@pytest.fixture
def output_dir() -> Path:
    """Where tests keep artifacts (screenshots, reports): test-output/ in the project."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT


@pytest.fixture
def shared_dir() -> Path:
    """../shared beside the project; tests that need it skip cleanly without it."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the project")
    return SHARED


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", roles=["admin"], is_superuser=True)


@pytest.fixture
def manager(db):
    return UserFactory(username="manager", roles=["manager"])


@pytest.fixture
def other_manager(db):
    return UserFactory(username="other", roles=["manager"])


@pytest.fixture
def manager_client(manager) -> Client:
    client = Client()
    client.force_login(manager)
    return client


@pytest.fixture
def admin_client(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def manager_token(manager) -> str:
    from accord.users.services import token_create

    _token, raw = token_create(actor=None, username=manager.username, name="tests")
    return raw


@pytest.fixture
def api_headers(manager_token) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {manager_token}"}
