"""Currencies: the seeded rouble, rates by date, and a clear error for a missing rate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accord.catalog import settings_services
from accord.catalog.currencies import convert
from accord.catalog.errors import NoRateError
from accord.catalog.models import Currency, CurrencyRate, Unit
from accord.core.errors import PermissionDeniedError, ValidationFailedError

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 20)


def test_migrations_seed_rouble_and_units():
    rub = Currency.objects.get(code="RUB")
    assert (rub.numeric_code, rub.symbol) == ("643", "₽")
    names = set(Unit.objects.values_list("short_name", flat=True))
    assert {"шт", "кг", "л", "м", "м2", "усл. ед.", "упак", "ч"} <= names
    assert Unit.objects.get(code="796").full_name == "Штука"


def test_convert_by_the_latest_rate_on_or_before_the_date(admin_user):
    settings_services.currency_rate_set(
        actor=admin_user, data={"currency": "USD", "date": "2026-11-01", "rate": "80,5"}
    )
    settings_services.currency_rate_set(
        actor=admin_user, data={"currency": "CNY", "date": DAY, "rate": "110", "multiplier": 10}
    )
    assert convert(Decimal("10"), "USD", "RUB", DAY) == Decimal("805.00")
    assert convert(Decimal("805"), "RUB", "USD", DAY) == Decimal("10.00")
    assert convert(Decimal("10"), "USD", "CNY", DAY) == Decimal("73.18")
    assert convert(Decimal("1.005"), "RUB", "RUB", DAY) == Decimal("1.01")


def test_missing_rate_is_a_clear_error():
    with pytest.raises(NoRateError) as exc:
        convert(Decimal("1"), "USD", "RUB", DAY)
    assert str(exc.value) == "no rate for USD on 2026-11-20"
    assert exc.value.code == "no_rate"


def test_rate_before_the_first_one_is_missing(admin_user):
    settings_services.currency_rate_set(
        actor=admin_user, data={"currency": "USD", "date": "2026-12-01", "rate": "80"}
    )
    with pytest.raises(NoRateError):
        convert(Decimal("1"), "USD", "RUB", DAY)


def test_bad_rate_writes_nothing(admin_user, manager):
    with pytest.raises(ValidationFailedError) as exc:
        settings_services.currency_rate_set(
            actor=admin_user, data={"currency": "RUB", "date": "soon", "rate": "-1"}
        )
    assert set(exc.value.fields) == {"currency", "date", "rate"}
    with pytest.raises(PermissionDeniedError):
        settings_services.currency_rate_set(
            actor=manager, data={"currency": "USD", "date": DAY, "rate": "80"}
        )
    assert not CurrencyRate.objects.exists()
