"""The rouble (the base currency) and the units of measure every catalog needs (OKEI)."""

from __future__ import annotations

from django.db import migrations

CURRENCIES = [
    ("RUB", "643", "Российский рубль", "₽"),
    ("USD", "840", "Доллар США", "$"),
    ("EUR", "978", "Евро", "€"),
    ("CNY", "156", "Китайский юань", "¥"),
]
UNITS = [
    ("796", "шт", "Штука", "PCE"),
    ("166", "кг", "Килограмм", "KGM"),
    ("112", "л", "Литр", "LTR"),
    ("006", "м", "Метр", "MTR"),
    ("055", "м2", "Квадратный метр", "MTK"),
    ("876", "усл. ед.", "Условная единица", ""),
    ("778", "упак", "Упаковка", "NMP"),
    ("356", "ч", "Час", "HUR"),
]


def seed(apps, schema_editor):
    Currency = apps.get_model("catalog", "Currency")
    Unit = apps.get_model("catalog", "Unit")
    for code, numeric, name, symbol in CURRENCIES:
        Currency.objects.get_or_create(
            code=code, defaults={"numeric_code": numeric, "name": name, "symbol": symbol}
        )
    for code, short, full, international in UNITS:
        Unit.objects.get_or_create(
            code=code,
            defaults={"short_name": short, "full_name": full, "international": international},
        )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
