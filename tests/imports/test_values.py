"""Cells as people type them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accord.directory.models import Relation
from accord.imports import values


@pytest.mark.parametrize("text", ["да", "Yes", "1", "true", "+"])
def test_yes(text: str) -> None:
    assert values.boolean(text) is True


@pytest.mark.parametrize("text", ["нет", "No", "0", "false", "-"])
def test_no(text: str) -> None:
    assert values.boolean(text) is False


def test_not_a_boolean() -> None:
    with pytest.raises(ValueError, match="yes or no"):
        values.boolean("может быть")


@pytest.mark.parametrize(
    "text", ["1980-05-31", "31.05.1980", "31/05/1980", "1980-05-31T00:00:00", "31.05.80"]
)
def test_dates(text: str) -> None:
    assert values.date(text) == dt.date(1980, 5, 31)


@pytest.mark.parametrize("text", ["31.02.1980", "yesterday", "1980-13-01"])
def test_not_dates(text: str) -> None:
    with pytest.raises(ValueError, match="not a date"):
        values.date(text)


def test_a_birthday_is_in_the_past() -> None:
    with pytest.raises(ValueError, match="real birthday"):
        values.birthday((dt.date.today() + dt.timedelta(days=1)).isoformat())


@pytest.mark.parametrize(("text", "number"), [("1 234,50", "1234.50"), ("12.5", "12.5")])
def test_numbers(text: str, number: str) -> None:
    assert values.number(text) == Decimal(number)


@pytest.mark.parametrize("text", ["abc", "NaN", "Infinity"])
def test_not_numbers(text: str) -> None:
    with pytest.raises(ValueError, match="not a number"):
        values.number(text)


def test_a_choice_by_value_or_label_in_either_language() -> None:
    index = values.choices_index(Relation)
    assert values.choice("client", index) == "client"
    assert values.choice("Клиент", index) == "client"
    assert values.choice("CLIENT", index) == "client"
    with pytest.raises(ValueError, match="Unknown value"):
        values.choice("friend", index)


def test_lists_in_one_cell() -> None:
    assert values.split_list("a@x.ru; b@x.ru, ") == ["a@x.ru", "b@x.ru"]
