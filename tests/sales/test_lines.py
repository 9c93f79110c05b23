"""Line arithmetic of commercial documents, checked against an independent calculation."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.sales.lines import LineAmounts, document_totals, line_amounts


def half_up(value: Fraction) -> Decimal:
    """Kopecks half-up on exact fractions (independent of Decimal.quantize)."""
    kopecks = value * 100
    sign = -1 if kopecks < 0 else 1
    whole = int(abs(kopecks) + Fraction(1, 2))
    return Decimal(sign * whole) / 100


def expected(quantity, price, discount, rate, included) -> tuple[Decimal, Decimal, Decimal]:
    amount = half_up(Fraction(quantity) * Fraction(price) * (1 - Fraction(discount) / 100))
    if rate is None:
        return amount, Decimal(0), amount
    if included:
        vat = half_up(Fraction(amount) * Fraction(rate) / (100 + Fraction(rate)))
        return amount, vat, amount
    vat = half_up(Fraction(amount) * Fraction(rate) / 100)
    return amount, vat, amount + vat


quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(100000), places=3)
prices = st.decimals(min_value=Decimal(0), max_value=Decimal(1000000), places=2)
discounts = st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=2)
rates = st.sampled_from([None, Decimal(0), Decimal(10), Decimal(20)])
line_inputs = st.tuples(quantities, prices, discounts, rates, st.booleans())


@given(line_inputs)
def test_line_matches_independent_calculation(args):
    quantity, price, discount, rate, included = args
    got = line_amounts(
        quantity=quantity,
        price=price,
        discount_percent=discount,
        vat_rate=rate,
        vat_included=included,
    )
    assert (got.amount, got.vat_amount, got.total) == expected(*args)
    assert got.amount >= 0
    assert got.vat_amount >= 0
    assert got.total >= got.amount
    assert got.amount.as_tuple().exponent == -2


@given(st.lists(line_inputs, max_size=12))
def test_document_total_is_the_sum_of_lines(inputs):
    lines = [
        line_amounts(quantity=q, price=p, discount_percent=d, vat_rate=r, vat_included=i)
        for q, p, d, r, i in inputs
    ]
    totals = document_totals(lines)
    assert totals.amount == sum((line.amount for line in lines), Decimal(0))
    assert totals.vat_amount == sum((line.vat_amount for line in lines), Decimal(0))
    assert totals.total == sum((line.total for line in lines), Decimal(0))
    assert totals.total >= 0


@given(quantities, prices, st.sampled_from([Decimal(0), Decimal(10), Decimal(20)]))
def test_included_vat_never_exceeds_on_top_vat(quantity, price, rate):
    included = line_amounts(quantity=quantity, price=price, vat_rate=rate, vat_included=True)
    on_top = line_amounts(quantity=quantity, price=price, vat_rate=rate, vat_included=False)
    assert included.amount == on_top.amount
    assert included.vat_amount <= on_top.vat_amount
    assert on_top.total - on_top.vat_amount == on_top.amount


@pytest.mark.parametrize(
    ("rate", "included", "vat", "total"),
    [
        (Decimal(20), True, Decimal("16.67"), Decimal("100.00")),
        (Decimal(20), False, Decimal("20.00"), Decimal("120.00")),
        (Decimal(10), True, Decimal("9.09"), Decimal("100.00")),
        (Decimal(10), False, Decimal("10.00"), Decimal("110.00")),
        (Decimal(0), True, Decimal("0.00"), Decimal("100.00")),
        (Decimal(0), False, Decimal("0.00"), Decimal("100.00")),
        (None, False, Decimal("0.00"), Decimal("100.00")),
    ],
)
def test_known_vat_values(rate, included, vat, total):
    got = line_amounts(
        quantity=Decimal(1), price=Decimal(100), vat_rate=rate, vat_included=included
    )
    assert got == LineAmounts(amount=Decimal("100.00"), vat_amount=vat, total=total)


def test_discount_and_half_up_rounding():
    # 3 * 0.335 = 1.005 -> 1.01 half-up (banker's rounding would give 1.00)
    got = line_amounts(
        quantity=Decimal(3), price=Decimal("0.335"), vat_rate=None, vat_included=True
    )
    assert got.amount == Decimal("1.01")
    discounted = line_amounts(
        quantity=Decimal(2),
        price=Decimal("99.99"),
        discount_percent=Decimal("12.5"),
        vat_rate=Decimal(20),
        vat_included=False,
    )
    assert discounted.amount == Decimal("174.98")
    assert discounted.vat_amount == Decimal("35.00")
    assert discounted.total == Decimal("209.98")


def test_empty_document_is_zero():
    assert document_totals([]) == LineAmounts(Decimal(0), Decimal(0), Decimal(0))
