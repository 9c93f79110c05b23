"""Demo catalog: a two-level group tree, goods and services with articles and EAN-13
barcodes, clothing with size variants, three price types (retail, wholesale, purchase), two
warehouses, and prices and stock for everything (a few stock rows negative, as 1C sends).

Deterministic for a seed: its own `random.Random` seeded from the demo seed, consumed in a
fixed order, so the catalog is the same whatever else the demo generates around it. Rows go
in with bulk_create, one transaction per batch, bypassing the services for speed (see
`accord.demo.directory`); values are in the stored form the services produce.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction

from accord.catalog.models import (
    CatalogProperty,
    CatalogPropertyChoice,
    Currency,
    Price,
    PriceType,
    Product,
    ProductGroup,
    ProductImage,
    ProductKind,
    ProductPropertyValue,
    Stock,
    Unit,
    Variant,
    Warehouse,
)
from accord.catalog.validation import text_key

INSERT_BATCH = 1000
PRODUCTS_PER_COUNTERPARTY = Decimal("0.15")  # S: 10,000 counterparties -> 1,500 products
SIZES = ("XS", "S", "M", "L", "XL", "XXL")
NEGATIVE_STOCK_SHARE = 0.01
VAT_CHOICES = ("22", "22", "22", "22", "10", "none")

# Top group -> its subgroups -> (unit code, nouns); "" kind marks services.
TREE: tuple[tuple[str, str, tuple[tuple[str, str, tuple[str, ...]], ...]], ...] = (
    (
        "Одежда",
        "CL",
        (
            ("Куртки", "796", ("Куртка", "Парка", "Ветровка", "Пуховик")),
            ("Футболки", "796", ("Футболка", "Поло", "Лонгслив")),
            ("Брюки", "796", ("Брюки", "Джинсы", "Шорты")),
        ),
    ),
    (
        "Обувь",
        "SH",
        (
            ("Ботинки", "796", ("Ботинки", "Полуботинки", "Берцы")),
            ("Кроссовки", "796", ("Кроссовки", "Кеды")),
        ),
    ),
    (
        "Инструмент",
        "TL",
        (
            ("Ручной инструмент", "796", ("Молоток", "Отвёртка", "Ключ гаечный", "Плоскогубцы")),
            ("Электроинструмент", "796", ("Дрель", "Шуруповёрт", "Перфоратор", "Болгарка")),
            ("Расходные материалы", "778", ("Свёрла", "Биты", "Диски отрезные")),
        ),
    ),
    (
        "Стройматериалы",
        "BM",
        (
            ("Сухие смеси", "166", ("Цемент", "Штукатурка", "Шпаклёвка", "Клей плиточный")),
            ("Краски", "112", ("Краска фасадная", "Эмаль", "Грунтовка", "Лак")),
            ("Отделка", "055", ("Ламинат", "Плитка", "Обои")),
        ),
    ),
    (
        "Электрика",
        "EL",
        (
            ("Кабель", "006", ("Кабель ВВГ", "Провод ПВС", "Кабель UTP")),
            ("Освещение", "796", ("Светильник", "Лампа светодиодная", "Прожектор")),
        ),
    ),
    (
        "Канцелярия",
        "OF",
        (
            ("Бумага", "778", ("Бумага офисная", "Блокнот", "Тетрадь")),
            ("Письменные принадлежности", "796", ("Ручка", "Карандаш", "Маркер")),
        ),
    ),
    (
        "Услуги",
        "SV",
        (
            ("Доставка", "876", ("Доставка по городу", "Доставка по области", "Подъём на этаж")),
            ("Монтаж", "356", ("Монтаж", "Сборка", "Консультация специалиста")),
        ),
    ),
)
CLOTHING = {"Одежда", "Обувь"}
QUALITIES = ("Стандарт", "Профи", "Лайт", "Макс", "Эко", "Классик", "Премиум", "Базовый")
BRANDS = ("Север", "Вектор", "Орион", "Гранит", "Лидер", "Мастер", "Альфа", "Тайга")
COUNTRIES = ("Россия", "Россия", "Россия", "Китай", "Беларусь", "Турция")
MATERIALS = ("хлопок", "полиэстер", "шерсть", "нейлон", "кожа")
PRICE_RANGE = {"796": (90, 25_000), "778": (60, 3_000), "166": (250, 1_200), "112": (300, 4_000),
               "055": (350, 2_500), "006": (25, 400), "876": (500, 5_000), "356": (800, 4_000)}  # fmt: skip


@dataclass
class CatalogCounts:
    groups: int = 0
    products: int = 0
    variants: int = 0
    prices: int = 0
    stock: int = 0
    property_values: int = 0

    def add(self, other: CatalogCounts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def as_dict(self) -> dict[str, int]:
        return {f"catalog_{f.name}": getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Leaf:
    """A subgroup products are made in, with what its products are."""

    group_id: int
    top: str
    prefix: str
    unit_id: int
    unit_code: str
    nouns: tuple[str, ...]


@dataclass(frozen=True)
class Setup:
    leaves: list[Leaf]
    price_types: list[tuple[PriceType, Decimal]]  # with the share of the retail price
    warehouses: list[Warehouse]
    size_property: CatalogProperty
    size_choices: dict[str, CatalogPropertyChoice]
    material: CatalogProperty


def product_count(counterparties: int) -> int:
    return int(counterparties * PRODUCTS_PER_COUNTERPARTY)


def ean13(body12: str) -> str:
    """A 12-digit body with its EAN-13 check digit."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def _groups() -> tuple[int, list[Leaf]]:
    units = dict(Unit.objects.values_list("code", "pk"))
    tops = ProductGroup.objects.bulk_create(
        ProductGroup(name=name, position=i) for i, (name, _p, _s) in enumerate(TREE)
    )
    children, leaves_spec = [], []
    for top, (name, prefix, subs) in zip(tops, TREE, strict=True):
        top.path = f"/{top.pk}/"
        for i, (sub, unit, nouns) in enumerate(subs):
            children.append(ProductGroup(name=sub, parent=top, position=i))
            leaves_spec.append((name, prefix, unit, nouns))
    ProductGroup.objects.bulk_update(tops, ["path"])
    ProductGroup.objects.bulk_create(children)
    for child in children:
        child.path = f"{child.parent.path}{child.pk}/"  # type: ignore[union-attr]
    ProductGroup.objects.bulk_update(children, ["path"])
    leaves = [
        Leaf(child.pk, top, prefix, units[unit], unit, nouns)
        for child, (top, prefix, unit, nouns) in zip(children, leaves_spec, strict=True)
    ]
    return len(tops) + len(children), leaves


def _setup() -> tuple[int, Setup]:
    rub = Currency.objects.get(code="RUB")
    specs = (("Розничная", "retail", True, "1"), ("Оптовая", "wholesale", False, "0.85"),
             ("Закупочная", "purchase", False, "0.6"))  # fmt: skip
    types = []
    has_default = PriceType.objects.filter(is_default=True).exists()
    for i, (name, code, default, share) in enumerate(specs):
        row, _ = PriceType.objects.get_or_create(
            code=code,
            defaults={"name": name, "currency": rub, "position": i,
                      "is_default": default and not has_default},
        )  # fmt: skip
        types.append((row, Decimal(share)))
    warehouses = [
        Warehouse.objects.get_or_create(code=code, defaults={"name": name, "position": i})[0]
        for i, (name, code) in enumerate((("Основной склад", "main"), ("Склад Юг", "south")))
    ]
    size = CatalogProperty.objects.create(name="Размер", kind="choice", for_variants=True)
    choices = CatalogPropertyChoice.objects.bulk_create(
        CatalogPropertyChoice(property=size, value=s, position=i) for i, s in enumerate(SIZES)
    )
    material = CatalogProperty.objects.create(name="Материал", kind="string", position=1)
    groups, leaves = _groups()
    setup = Setup(leaves, types, warehouses, size, {c.value: c for c in choices}, material)
    return groups, setup


@dataclass
class Batch:
    products: list[Product]
    variants: list[tuple[Product, Variant, str]]
    prices: list[tuple[Product, Variant | None, PriceType, Decimal]]
    stock: list[tuple[Product, Variant | None, Warehouse, Decimal]]
    materials: list[tuple[Product, str]]


class CatalogMaker:
    def __init__(self, *, rng: random.Random, setup: Setup) -> None:
        self.rng, self.setup, self.n = rng, setup, 0

    def _money(self, value: Decimal) -> Decimal:
        return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def batch(self, size: int) -> Batch:
        batch = Batch([], [], [], [], [])
        for _ in range(size):
            self._product(batch)
        return batch

    def _product(self, batch: Batch) -> None:
        rng, self.n = self.rng, self.n + 1
        leaf = rng.choice(self.setup.leaves)
        service = leaf.top == "Услуги"
        name = f"{rng.choice(leaf.nouns)} {rng.choice(QUALITIES)} {self.n}"
        brand = "" if service else rng.choice(BRANDS)
        product = Product(
            kind=ProductKind.SERVICE if service else ProductKind.GOODS,
            article=f"{leaf.prefix}-{self.n:06d}", name=name, name_key=text_key(name),
            full_name=f"{name} {brand}".strip(), group_id=leaf.group_id, unit_id=leaf.unit_id,
            vat_rate=rng.choice(VAT_CHOICES), manufacturer=brand and f"ООО «{brand}»",
            barcode="" if service else ean13(f"460{self.n:09d}"), trademark=brand,
            country="" if service else rng.choice(COUNTRIES),
        )  # fmt: skip
        batch.products.append(product)
        low, high = PRICE_RANGE[leaf.unit_code]
        retail = Decimal(rng.randint(low * 100, high * 100)) / 100
        owners: list[Variant | None] = [None]
        if leaf.top in CLOTHING:
            batch.materials.append((product, rng.choice(MATERIALS)))
            start = rng.randint(0, 2)
            owners = []
            for size_name in SIZES[start : start + rng.randint(3, 4)]:
                variant = Variant(
                    name=f"{name}, {size_name}", article=f"{product.article}-{size_name}"
                )
                batch.variants.append((product, variant, size_name))
                owners.append(variant)
        for owner in owners:
            for price_type, share in self.setup.price_types:
                batch.prices.append((product, owner, price_type, self._money(retail * share)))
            if not service:
                for warehouse in self.setup.warehouses:
                    batch.stock.append((product, owner, warehouse, self._quantity()))

    def _quantity(self) -> Decimal:
        if self.rng.random() < NEGATIVE_STOCK_SHARE:
            return Decimal(-self.rng.randint(1, 5))
        return Decimal(self.rng.choice((0, 0, 1, 2, 5, 10, 12, 20, 40, 100, 250)))


def batch_write(batch: Batch, setup: Setup) -> CatalogCounts:
    """Insert one batch in its own transaction: products, then what hangs on them."""
    with transaction.atomic():
        Product.objects.bulk_create(batch.products, batch_size=INSERT_BATCH)
        for product, variant, _size in batch.variants:
            variant.product_id = product.pk
        Variant.objects.bulk_create([v for _p, v, _s in batch.variants], batch_size=INSERT_BATCH)
        values = [
            ProductPropertyValue(variant=v, property=setup.size_property,
                                 value_choice=setup.size_choices[s])
            for _p, v, s in batch.variants
        ] + [
            ProductPropertyValue(product=p, property=setup.material, value_string=m)
            for p, m in batch.materials
        ]  # fmt: skip
        ProductPropertyValue.objects.bulk_create(values, batch_size=INSERT_BATCH)
        prices = [
            Price(price_type=t, product_id=p.pk, variant_id=v.pk if v else None, value=value)
            for p, v, t, value in batch.prices
        ]
        Price.objects.bulk_create(prices, batch_size=INSERT_BATCH)
        stock = [
            Stock(warehouse=w, product_id=p.pk, variant_id=v.pk if v else None, quantity=q)
            for p, v, w, q in batch.stock
        ]
        Stock.objects.bulk_create(stock, batch_size=INSERT_BATCH)
    return CatalogCounts(0, len(batch.products), len(batch.variants), len(prices), len(stock),
                         len(values))  # fmt: skip


def catalog_generate(
    *, seed: int, total: int, batch_size: int, after_batch: Callable[[], None] | None = None
) -> CatalogCounts:
    """Generate the demo catalog of `total` products (see `product_count`)."""
    rng = random.Random(f"catalog:{seed}")  # str seeds hash the same in every run (sha512)
    with transaction.atomic():
        groups, setup = _setup()
    counts = CatalogCounts(groups=groups)
    maker = CatalogMaker(rng=rng, setup=setup)
    for start in range(0, total, batch_size):
        counts.add(batch_write(maker.batch(min(batch_size, total - start)), setup))
        if after_batch is not None:
            after_batch()
    return counts


# Children before parents; currencies and units stay (the migrations seed them).
_WIPE_ORDER = (
    ProductPropertyValue, Stock, Price, ProductImage, Variant, Product, ProductGroup,
    CatalogPropertyChoice, CatalogProperty, PriceType, Warehouse,
)  # fmt: skip


def catalog_wipe() -> int:
    """Delete the catalog's rows with plain DELETEs (see `directory_wipe` for why)."""
    deleted = 0
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        for model in _WIPE_ORDER:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a model's own table name
            deleted += max(cursor.rowcount, 0)
    return deleted
