"""Amounts in Russian words: genders, plural forms, the 11-14 exception, big numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.billing.words import amount_in_words, number_in_words, plural

KNOWN = [
    ("0", "Ноль рублей 00 копеек"),
    ("0.01", "Ноль рублей 01 копейка"),
    ("1", "Один рубль 00 копеек"),
    ("2.02", "Два рубля 02 копейки"),
    ("5.05", "Пять рублей 05 копеек"),
    ("11.11", "Одиннадцать рублей 11 копеек"),
    ("12.12", "Двенадцать рублей 12 копеек"),
    ("14.14", "Четырнадцать рублей 14 копеек"),
    ("21.21", "Двадцать один рубль 21 копейка"),
    ("22.22", "Двадцать два рубля 22 копейки"),
    ("101", "Сто один рубль 00 копеек"),
    ("111", "Сто одиннадцать рублей 00 копеек"),
    ("1000", "Одна тысяча рублей 00 копеек"),
    ("1501.21", "Одна тысяча пятьсот один рубль 21 копейка"),
    ("2000", "Две тысячи рублей 00 копеек"),
    ("5000", "Пять тысяч рублей 00 копеек"),
    ("11000", "Одиннадцать тысяч рублей 00 копеек"),
    ("21000", "Двадцать одна тысяча рублей 00 копеек"),
    ("22400.99", "Двадцать две тысячи четыреста рублей 99 копеек"),
    ("1000000", "Один миллион рублей 00 копеек"),
    ("2000000", "Два миллиона рублей 00 копеек"),
    ("5001001", "Пять миллионов одна тысяча один рубль 00 копеек"),
    ("2000000000", "Два миллиарда рублей 00 копеек"),
    ("1000000000000", "Один триллион рублей 00 копеек"),
    ("118000", "Сто восемнадцать тысяч рублей 00 копеек"),
    ("999999.99", "Девятьсот девяносто девять тысяч девятьсот девяносто девять рублей 99 копеек"),
]


@pytest.mark.parametrize(("amount", "words"), KNOWN)
def test_known_amounts(amount, words):
    assert amount_in_words(Decimal(amount)) == words


def test_kopecks_are_rounded_half_up():
    assert amount_in_words(Decimal("1.005")) == "Один рубль 01 копейка"


def test_other_currencies():
    assert amount_in_words(Decimal("21.01"), "USD") == "Двадцать один доллар США 01 цент"
    assert amount_in_words(Decimal("3"), "EUR") == "Три евро 00 центов"
    assert amount_in_words(Decimal("2.50"), "CNY") == "Два CNY 50/100"


@pytest.mark.parametrize("bad", [Decimal("-1"), Decimal("NaN"), Decimal("1e15")])
def test_refuses_what_cannot_be_written(bad):
    with pytest.raises(ValueError, match=r"non-negative Decimal|in words"):
        amount_in_words(bad)


@pytest.mark.parametrize(
    ("n", "form"),
    [(1, "рубль"), (2, "рубля"), (4, "рубля"), (5, "рублей"), (11, "рублей"), (12, "рублей"),
     (14, "рублей"), (21, "рубль"), (111, "рублей"), (112, "рублей"), (1001, "рубль"),
     (1022, "рубля")],
)  # fmt: skip
def test_plural_forms(n, form):
    assert plural(n, "рубль", "рубля", "рублей") == form


amounts = st.decimals(
    min_value=Decimal("0"), max_value=Decimal("999999999999.99"), places=2, allow_nan=False
)


@given(amounts)
def test_words_are_never_empty_and_end_with_the_right_kopeck_form(amount):
    text = amount_in_words(amount)
    kopecks = int(amount * 100) % 100
    assert text
    assert text[0].isupper()
    assert text.endswith(f"{kopecks:02d} {plural(kopecks, 'копейка', 'копейки', 'копеек')}")
    whole = int(amount)
    assert plural(whole, "рубль", "рубля", "рублей") in text.split()


@given(st.integers(min_value=0, max_value=10**15 - 1))
def test_every_number_has_words_of_known_parts(n):
    words = number_in_words(n).split()
    assert words
    assert "" not in words
    assert ("ноль" in words) == (n == 0)
