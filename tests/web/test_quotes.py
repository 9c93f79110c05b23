"""Quote and order pages: lists, cards, the form with lines, order from a quote, print view,
the deal card's documents block, hidden documents as 404, and query budgets."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from accord.core.models import AuditEvent
from accord.sales.models import DocumentCounter, Order, OrderLine, Quote, QuoteLine
from tests.conftest import rows_of
from tests.factories import (
    DealFactory,
    PriceTypeFactory,
    ProductFactory,
    order_for,
    priced_product,
    quote_for,
)

pytestmark = pytest.mark.django_db
TABLES = (Quote, QuoteLine, Order, OrderLine, DocumentCounter, AuditEvent)


def _lines(*rows):
    """The form's parallel line lists for (product, quantity, price) rows."""
    return {
        "line_product": [str(r[0].pk) for r in rows],
        "line_quantity": [r[1] for r in rows],
        "line_price": [r[2] for r in rows],
        "line_discount": ["" for _r in rows],
        "line_vat": ["" for _r in rows],
    }


def test_create_quote_for_a_deal_with_two_lines(manager, manager_client):
    deal = DealFactory(responsible=manager)
    price_type = PriceTypeFactory()
    chair = priced_product("1500.00", price_type=price_type)
    table = ProductFactory(vat_rate="20")
    url = reverse("web:quote_create") + f"?deal={deal.pk}"
    page = manager_client.get(url)
    assert page.status_code == 200
    assert deal.counterparty.name in page.content.decode()
    data = {"counterparty_id": deal.counterparty_id, "deal_id": deal.pk,
            "price_type_id": price_type.pk, "currency": "RUB", "vat_included": "on",
            "responsible_id": manager.pk, **_lines((chair, "2", ""), (table, "1", "999.99"))}  # fmt: skip
    response = manager_client.post(url, data)
    quote = Quote.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:quote_card", args=[quote.pk])
    assert quote.deal == deal
    assert quote.total == Decimal("3999.99")
    card = manager_client.get(response["Location"]).content.decode()
    assert quote.number in card
    total = card[card.index('id="doc-total"') :][:40]
    assert "3,999.99" in total or "3\xa0999,99" in total


def test_bad_line_shows_errors_and_writes_nothing(manager, manager_client):
    deal = DealFactory(responsible=manager)
    before = rows_of(TABLES)
    data = {"counterparty_id": deal.counterparty_id, "currency": "RUB",
            **_lines((ProductFactory(), "0", "10"))}  # fmt: skip
    response = manager_client.post(reverse("web:quote_create"), data)
    assert response.status_code == 200
    assert "The quantity must be above zero." in response.content.decode()
    assert rows_of(TABLES) == before


def test_edit_replaces_lines(manager, manager_client):
    quote = quote_for(manager)
    product = ProductFactory(vat_rate="none")
    page = manager_client.get(reverse("web:quote_edit", args=[quote.pk]))
    assert page.status_code == 200
    data = {"counterparty_id": quote.counterparty_id, "deal_id": quote.deal_id,
            "currency": "RUB", "responsible_id": manager.pk, **_lines((product, "4", "25"))}  # fmt: skip
    response = manager_client.post(reverse("web:quote_edit", args=[quote.pk]), data)
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.total == Decimal("100.00")
    assert quote.lines.get().product == product


def test_create_order_from_quote_in_one_click(manager, manager_client):
    quote = quote_for(manager)
    card = manager_client.get(reverse("web:quote_card", args=[quote.pk])).content.decode()
    assert 'id="create-order"' in card
    response = manager_client.post(reverse("web:quote_order", args=[quote.pk]))
    order = Order.objects.get()
    assert response["Location"] == reverse("web:order_card", args=[order.pk])
    assert order.total == quote.total
    again = manager_client.post(reverse("web:quote_order", args=[quote.pk]))
    assert again.status_code == 302
    assert Order.objects.count() == 1


def test_order_status_change(manager, manager_client):
    order = order_for(manager)
    url = reverse("web:order_status", args=[order.pk])
    manager_client.post(url, {"status": "confirmed"})
    order.refresh_from_db()
    assert order.status == "confirmed"
    manager_client.post(url, {"status": "completed"})  # not allowed from confirmed
    order.refresh_from_db()
    assert order.status == "confirmed"


def test_print_view(manager, manager_client):
    quote = quote_for(manager)
    for name, doc in (("web:quote_print", quote), ("web:order_print", order_for(manager))):
        page = manager_client.get(reverse(name, args=[doc.pk]))
        assert page.status_code == 200
        text = page.content.decode()
        assert doc.number in text
        assert "print-doc" in text


def test_deal_card_shows_documents(manager, manager_client):
    deal = DealFactory(responsible=manager)
    quote, order = quote_for(manager, deal=deal), order_for(manager, deal=deal)
    card = manager_client.get(reverse("web:deal_card", args=[deal.pk])).content.decode()
    assert reverse("web:deal_documents", args=[deal.pk]) in card
    assert f"{reverse('web:quote_create')}?deal={deal.pk}" in card
    block = manager_client.get(reverse("web:deal_documents", args=[deal.pk])).content.decode()
    assert quote.number in block
    assert order.number in block


@pytest.mark.parametrize("name", ["web:quote_card", "web:quote_edit", "web:quote_print"])
def test_another_managers_quote_is_404(manager_client, other_manager, name):
    quote = quote_for(other_manager)
    assert manager_client.get(reverse(name, args=[quote.pk])).status_code == 404
    before = rows_of(TABLES)
    assert manager_client.post(reverse("web:quote_order", args=[quote.pk])).status_code == 404
    assert rows_of(TABLES) == before


def test_another_managers_order_is_404_and_not_listed(manager_client, other_manager, manager):
    theirs, mine = order_for(other_manager), order_for(manager)
    assert manager_client.get(reverse("web:order_card", args=[theirs.pk])).status_code == 404
    listing = manager_client.get(reverse("web:order_list")).content.decode()
    assert mine.number in listing
    assert theirs.number not in listing


def test_list_filters_by_status_and_search(manager, manager_client):
    sent, draft = quote_for(manager), quote_for(manager)
    sent.status = "sent"
    sent.save()
    page = manager_client.get(reverse("web:quote_list"), {"status": "sent"}).content.decode()
    assert sent.number in page
    assert draft.number not in page
    page = manager_client.get(reverse("web:quote_list"), {"q": draft.number}).content.decode()
    assert draft.number in page
    assert sent.number not in page


def test_list_query_budget(manager, manager_client, django_assert_max_num_queries):
    for _i in range(12):
        quote_for(manager)
        order_for(manager)
    for name in ("web:quote_list", "web:order_list"):
        with django_assert_max_num_queries(14):
            assert manager_client.get(reverse(name)).status_code == 200


def test_card_query_budget(manager, manager_client, django_assert_max_num_queries):
    lines = [{"product_id": ProductFactory().pk, "quantity": "1", "price": "5"} for _i in range(15)]
    quote = quote_for(manager, lines=lines)
    order = order_for(manager, lines=lines)
    with django_assert_max_num_queries(14):
        assert manager_client.get(reverse("web:quote_card", args=[quote.pk])).status_code == 200
    with django_assert_max_num_queries(14):
        assert manager_client.get(reverse("web:order_card", args=[order.pk])).status_code == 200
