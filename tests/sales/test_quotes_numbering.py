"""Document numbers under concurrent creates: the counter row is locked, so no two
documents share a number (PostgreSQL only: SQLite serialises every write anyway)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from accord.sales.models import Quote
from accord.sales.numbering import next_number
from tests.factories import DealFactory, ProductFactory, UserFactory

THREADS = 6


def test_numbers_are_sequential_without_gaps(db):
    from django.db import transaction

    with transaction.atomic():
        numbers = [next_number("quote") for _i in range(3)]
    assert [int(n.split("-")[1]) for n in numbers] == [1, 2, 3]
    assert numbers[0] == "КП-000001"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks (PostgreSQL)")
def test_concurrent_creates_never_share_a_number(transactional_db):
    from accord.sales.document_services import quote_create

    user = UserFactory(roles=["manager"])
    deal = DealFactory(responsible=user)
    product = ProductFactory()
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def create() -> None:
        try:
            barrier.wait()
            line = {"product_id": product.pk, "quantity": "1", "price": "1"}
            quote_create(actor=user, data={"deal_id": deal.pk, "lines": [line]})
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create) for _i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    numbers = list(Quote.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == THREADS
