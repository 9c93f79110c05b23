import pytest

from accord.core.pagination import InvalidCursorError, capped_count, keyset_page
from accord.directory.models import Counterparty
from tests.factories import CounterpartyFactory, UserFactory


@pytest.fixture
def rows(db):
    owner = UserFactory()
    # Repeated names: the id tie-breaker must keep the order total.
    return [CounterpartyFactory(name=f"Name {i % 7}", responsible=owner) for i in range(23)]


def walk(order, size):
    seen, cursor, pages = [], None, 0
    while True:
        page = keyset_page(Counterparty.objects.all(), order=order, cursor=cursor, size=size)
        seen.extend(cp.pk for cp in page.items)
        pages += 1
        if not page.next_cursor:
            return seen, pages
        cursor = page.next_cursor


@pytest.mark.parametrize(
    "order", [("name_key", "id"), ("-name_key", "-id"), ("-created_at", "-id")]
)
def test_walking_forward_visits_every_row_once_in_order(rows, order):
    seen, pages = walk(order, size=5)
    expected = list(Counterparty.objects.order_by(*order).values_list("pk", flat=True))
    assert seen == expected
    assert pages == 5


def test_previous_cursor_returns_the_page_before(rows):
    order = ("name_key", "id")
    first = keyset_page(Counterparty.objects.all(), order=order, cursor=None, size=5)
    second = keyset_page(Counterparty.objects.all(), order=order, cursor=first.next_cursor, size=5)
    back = keyset_page(Counterparty.objects.all(), order=order, cursor=second.prev_cursor, size=5)
    assert [c.pk for c in back.items] == [c.pk for c in first.items]
    assert back.prev_cursor is None
    assert first.prev_cursor is None


@pytest.mark.parametrize("cursor", ["garbage", "eyJ2IjogWzFdfQ", "e30", "!!!"])
def test_a_broken_cursor_is_a_domain_error(rows, cursor):
    with pytest.raises(InvalidCursorError):
        keyset_page(Counterparty.objects.all(), order=("name_key", "id"), cursor=cursor, size=5)


def test_capped_count_is_exact_below_the_cap_and_marked_above(rows):
    assert str(capped_count(Counterparty.objects.all(), cap=100)) == "23"
    capped = capped_count(Counterparty.objects.all(), cap=10)
    assert (capped.value, capped.exact, str(capped)) == (10, False, "10+")
