"""Quote services: creation with prices from the price type, currency conversion, updates,
statuses, and every refusal writing nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accord.catalog.errors import NoRateError
from accord.catalog.models import Currency, CurrencyRate, Price
from accord.core.errors import ConflictError, DomainError, NotFoundError, ValidationFailedError
from accord.core.models import AuditEvent
from accord.sales.document_services import quote_create, quote_set_status, quote_update
from accord.sales.models import DocumentCounter, Order, OrderLine, Quote, QuoteLine
from tests.conftest import rows_of
from tests.factories import (
    CounterpartyFactory,
    DealFactory,
    PriceTypeFactory,
    ProductFactory,
    VariantFactory,
    priced_product,
    quote_for,
)

pytestmark = pytest.mark.django_db
TABLES = (Quote, QuoteLine, Order, OrderLine, DocumentCounter, AuditEvent)


@pytest.fixture
def deal(manager):
    return DealFactory(responsible=manager)


def test_quote_from_deal_prices_from_price_type_and_totals(manager, deal):
    price_type = PriceTypeFactory()
    first = priced_product("1000.00", price_type=price_type, vat_rate="20")
    second = priced_product("99.99", price_type=price_type, vat_rate="10")
    quote = quote_create(actor=manager, data={
        "deal_id": deal.pk, "price_type_id": price_type.pk, "vat_included": False,
        "lines": [
            {"product_id": first.pk, "quantity": "2"},
            {"product_id": second.pk, "quantity": "3", "discount_percent": "10"},
        ],
    })  # fmt: skip
    assert quote.counterparty_id == deal.counterparty_id
    assert quote.responsible == manager
    assert quote.number.startswith("КП-")
    lines = list(quote.lines.all())
    assert [line.price for line in lines] == [Decimal("1000.00"), Decimal("99.99")]
    # 2000 + 20% = 400; 269.97 (299.97 - 10%, half up 269.973 -> 269.97) + 10% = 27.00
    assert lines[1].amount == Decimal("269.97")
    assert lines[1].vat_amount == Decimal("27.00")
    assert quote.amount == Decimal("2269.97")
    assert quote.vat_amount == Decimal("427.00")
    assert quote.total == Decimal("2696.97")
    event = AuditEvent.objects.get(action="sales.quote.created")
    assert len(event.changes["lines"]) == 2


def test_numbers_are_sequential(manager, deal):
    first = quote_for(manager, deal=deal)
    second = quote_for(manager, deal=deal)
    assert int(second.number.split("-")[1]) == int(first.number.split("-")[1]) + 1


def test_price_in_another_currency_is_converted_on_the_document_date(manager, deal):
    usd = PriceTypeFactory(currency=Currency.objects.get(code="USD"))
    product = priced_product("10.00", price_type=usd)
    CurrencyRate.objects.create(
        currency=Currency.objects.get(code="USD"), date=dt.date(2026, 1, 1), rate="90.5"
    )
    quote = quote_create(actor=manager, data={
        "deal_id": deal.pk, "price_type_id": usd.pk, "currency": "RUB", "date": "2026-02-01",
        "lines": [{"product_id": product.pk, "quantity": "1"}],
    })  # fmt: skip
    assert quote.lines.get().price == Decimal("905.00")


def test_variant_price_wins_over_product_price(manager, deal):
    price_type = PriceTypeFactory()
    product = priced_product("100.00", price_type=price_type)
    variant = VariantFactory(product=product)
    Price.objects.create(price_type=price_type, product=product, variant=variant, value="120")
    quote = quote_create(actor=manager, data={
        "deal_id": deal.pk, "price_type_id": price_type.pk,
        "lines": [{"product_id": product.pk, "variant_id": variant.pk, "quantity": "1"}],
    })  # fmt: skip
    assert quote.lines.get().price == Decimal("120.00")


def _refused(actor, data, error=DomainError):
    before = rows_of(TABLES)
    with pytest.raises(error) as caught:
        quote_create(actor=actor, data=data)
    assert rows_of(TABLES) == before
    return caught.value


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"quantity": "0", "price": "1"}, "lines.0.quantity"),
        ({"quantity": "-1", "price": "1"}, "lines.0.quantity"),
        ({"quantity": "1", "price": "-0.01"}, "lines.0.price"),
        ({"quantity": "1", "price": "1", "discount_percent": "100.01"}, "lines.0.discount_percent"),
        ({"quantity": "1", "price": "1", "vat_rate": "19"}, "lines.0.vat_rate"),
        ({"quantity": "1"}, "lines.0.price"),  # no price given and no price type
    ],
)
def test_bad_line_is_refused_and_nothing_written(manager, deal, line, field):
    product = ProductFactory()
    error = _refused(manager, {"deal_id": deal.pk, "lines": [{"product_id": product.pk, **line}]})
    assert field in error.fields


def test_variant_of_another_product_is_refused(manager, deal):
    product, other = ProductFactory(), VariantFactory()
    line = {"product_id": product.pk, "variant_id": other.pk, "quantity": "1", "price": "1"}
    error = _refused(manager, {"deal_id": deal.pk, "lines": [line]})
    assert "lines.0.variant_id" in error.fields


def test_product_marked_for_deletion_is_refused(manager, deal):
    product = ProductFactory(marked_for_deletion=True)
    line = {"product_id": product.pk, "quantity": "1", "price": "1"}
    error = _refused(manager, {"deal_id": deal.pk, "lines": [line]})
    assert "lines.0.product_id" in error.fields


def test_unknown_price_type_is_refused(manager, deal):
    line = {"product_id": ProductFactory().pk, "quantity": "1", "price": "1"}
    error = _refused(manager, {"deal_id": deal.pk, "price_type_id": 987654, "lines": [line]})
    assert "price_type_id" in error.fields


def test_currency_without_rate_is_refused(manager, deal):
    line = {"product_id": ProductFactory().pk, "quantity": "1", "price": "1"}
    error = _refused(manager, {"deal_id": deal.pk, "currency": "EUR", "lines": [line]})
    assert isinstance(error, NoRateError)
    assert "EUR" in error.message


def test_price_type_conversion_without_rate_is_refused(manager, deal):
    usd = PriceTypeFactory(currency=Currency.objects.get(code="USD"))
    product = priced_product("10.00", price_type=usd)
    data = {"deal_id": deal.pk, "price_type_id": usd.pk,
            "lines": [{"product_id": product.pk, "quantity": "1"}]}  # fmt: skip
    assert isinstance(_refused(manager, data), NoRateError)


def test_no_lines_is_refused(manager, deal):
    assert "lines" in _refused(manager, {"deal_id": deal.pk, "lines": []}).fields


def test_hidden_deal_and_counterparty_are_refused(manager, other_manager):
    theirs = DealFactory(responsible=other_manager)
    line = {"product_id": ProductFactory().pk, "quantity": "1", "price": "1"}
    assert "deal_id" in _refused(manager, {"deal_id": theirs.pk, "lines": [line]}).fields
    cp = CounterpartyFactory(responsible=other_manager)
    assert (
        "counterparty_id" in _refused(manager, {"counterparty_id": cp.pk, "lines": [line]}).fields
    )


def test_deal_of_another_counterparty_is_refused(manager, deal):
    cp = CounterpartyFactory(responsible=manager)
    line = {"product_id": ProductFactory().pk, "quantity": "1", "price": "1"}
    data = {"deal_id": deal.pk, "counterparty_id": cp.pk, "lines": [line]}
    assert "deal_id" in _refused(manager, data).fields


def test_update_replaces_lines_and_recomputes(manager, deal):
    quote = quote_for(manager, deal=deal)
    product = ProductFactory(vat_rate="none")
    updated = quote_update(actor=manager, quote=quote, data={
        "notes": "Скидка согласована",
        "lines": [{"product_id": product.pk, "quantity": "5", "price": "10"}],
    })  # fmt: skip
    assert updated.lines.count() == 1
    assert (updated.amount, updated.vat_amount, updated.total) == (
        Decimal("50.00"), Decimal("0.00"), Decimal("50.00"),
    )  # fmt: skip
    event = AuditEvent.objects.get(action="sales.quote.updated")
    assert "lines" in event.changes
    assert "notes" in event.changes


def test_header_change_recomputes_existing_lines(manager, deal):
    line = {"product_id": ProductFactory(vat_rate="20").pk, "quantity": "1", "price": "100"}
    quote = quote_for(manager, deal=deal, lines=[line])
    assert quote.total == Decimal("100.00")
    updated = quote_update(actor=manager, quote=quote, data={"vat_included": False})
    assert updated.total == Decimal("120.00")


def test_accepted_quote_cannot_change(manager, deal):
    quote = quote_for(manager, deal=deal)
    quote_set_status(actor=manager, quote=quote, status="accepted")
    before = rows_of(TABLES)
    with pytest.raises(ConflictError):
        quote_update(actor=manager, quote=quote, data={"notes": "late"})
    assert rows_of(TABLES) == before


def test_status_transitions(manager, deal):
    quote = quote_for(manager, deal=deal)
    quote = quote_set_status(actor=manager, quote=quote, status="sent")
    assert quote.status == "sent"
    quote_set_status(actor=manager, quote=quote, status="accepted")
    before = rows_of(TABLES)
    with pytest.raises(ConflictError):
        quote_set_status(actor=manager, quote=quote, status="draft")
    with pytest.raises(ValidationFailedError):
        quote_set_status(actor=manager, quote=quote, status="bogus")
    assert rows_of(TABLES) == before


def test_another_managers_quote_is_not_found(manager, other_manager):
    quote = quote_for(other_manager)
    before = rows_of(TABLES)
    with pytest.raises(NotFoundError):
        quote_update(actor=manager, quote=quote, data={"notes": "mine now"})
    with pytest.raises(NotFoundError):
        quote_set_status(actor=manager, quote=quote, status="sent")
    assert rows_of(TABLES) == before


def test_visibility_union_rule(manager, other_manager, admin_user):
    mine, theirs = quote_for(manager), quote_for(other_manager)
    assert list(Quote.objects.visible_to(manager)) == [mine]
    assert set(Quote.objects.visible_to(admin_user)) == {mine, theirs}
