"""Fixtures of the catalog tests: a snapshot of every catalog table and the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps

from accord.core.models import AuditEvent
from tests.conftest import rows_of


@pytest.fixture
def catalog_state() -> Callable[[], dict[str, list[dict[str, Any]]]]:
    """Every row of the catalog tables and the audit trail, to prove a refusal wrote nothing."""
    models = [*apps.get_app_config("catalog").get_models(), AuditEvent]

    def state() -> dict[str, list[dict[str, Any]]]:
        return rows_of(models)

    return state
