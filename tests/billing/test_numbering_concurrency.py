"""Two issues at the same moment take different, consecutive numbers (PostgreSQL: the
sequence row is locked with SELECT ... FOR UPDATE; SQLite serialises writers anyway)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from accord.billing.models import Invoice
from accord.billing.services import invoice_issue
from tests.factories import UserFactory, invoice_draft, own_company


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers")
def test_concurrent_issues_take_consecutive_numbers(transactional_db):
    user = UserFactory(username="parallel", roles=["manager"])
    company = own_company()
    drafts = [invoice_draft(responsible=user, company=company) for _ in range(4)]
    barrier = threading.Barrier(len(drafts))
    errors: list[BaseException] = []

    def issue(invoice: Invoice) -> None:
        try:
            barrier.wait()
            invoice_issue(actor=user, invoice=invoice)
        except BaseException as exc:  # reported to the test thread below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4]
