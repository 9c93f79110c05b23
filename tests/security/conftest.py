"""Fixtures of the security tests: two managers in two departments, and a database snapshot."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps

from tests.factories import DepartmentFactory, UserFactory

# Rows that a refused request may legitimately add: the record of the refusal itself.
REFUSAL_ACTIONS = {"access.refused"}
# Bookkeeping that reading may touch: when a token or a login was last used.
VOLATILE = {"users.ApiToken": {"last_used_at"}, "users.User": {"last_login"}}


@pytest.fixture
def requester(db):
    """Manager A, who tries to reach what is not his."""
    return UserFactory(username="anna", roles=["manager"], department=DepartmentFactory())


@pytest.fixture
def owner(db):
    """Manager B, who owns the objects A asks for."""
    return UserFactory(username="boris", roles=["manager"], department=DepartmentFactory())


def _models() -> list[Any]:
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("accord.") and model._meta.label != "core.WorkerHeartbeat"
    ]


@pytest.fixture
def db_snapshot() -> Callable[[], dict[str, list[dict[str, Any]]]]:
    """Every row of every Accord table, except the audit rows that record a refusal."""

    def snapshot() -> dict[str, list[dict[str, Any]]]:
        state: dict[str, list[dict[str, Any]]] = {}
        for model in _models():
            rows = model._base_manager.order_by("pk")
            if model._meta.label == "core.AuditEvent":
                rows = rows.exclude(action__in=REFUSAL_ACTIONS)
            skip = VOLATILE.get(model._meta.label, set())
            fields = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
            state[model._meta.label] = list(rows.values(*fields))
        return state

    return snapshot
