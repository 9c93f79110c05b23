"""Fixtures of the sales tests: the standard pipeline and a snapshot of the sales tables."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from accord.core.models import AuditEvent
from accord.sales.models import Deal, DealStageChange, LostReason, Pipeline, Stage
from tests.factories import sales_pipeline

TRACKED = (
    Pipeline,
    Stage,
    LostReason,
    Deal,
    Deal.participants.through,
    DealStageChange,
    AuditEvent,
)


@pytest.fixture
def pipeline(db) -> Pipeline:
    return sales_pipeline()


@pytest.fixture
def stages(pipeline) -> dict[str, Stage]:
    """The standard stages by kind and name: `new`, `qualification`, ..., `won`, `lost`."""
    names = ("new", "qualification", "proposal", "negotiation", "won", "lost")
    return dict(zip(names, pipeline.stages.all(), strict=True))


@pytest.fixture
def sales_state() -> Callable[[], dict[str, list[dict[str, Any]]]]:
    """Every row of the sales tables and the audit trail, to prove a refusal wrote nothing."""

    def state() -> dict[str, list[dict[str, Any]]]:
        return {m._meta.label: list(m.objects.order_by("pk").values()) for m in TRACKED}

    return state
