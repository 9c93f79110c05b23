"""Fixtures of the billing tests: a snapshot of the billing tables and the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from accord.billing.models import (
    Invoice,
    InvoiceLine,
    InvoiceSequence,
    OwnBankAccount,
    OwnCompany,
)
from accord.core.models import AuditEvent

TRACKED = (OwnCompany, OwnBankAccount, InvoiceSequence, Invoice, InvoiceLine, AuditEvent)


@pytest.fixture
def billing_state() -> Callable[[], dict[str, list[dict[str, Any]]]]:
    """Every row of the billing tables and the audit trail, to prove a refusal wrote nothing."""

    def state() -> dict[str, list[dict[str, Any]]]:
        return {m._meta.label: list(m.objects.order_by("pk").values()) for m in TRACKED}

    return state
