"""Products, their groups, variants and properties; units, currencies, prices and stock.

Every model keeps a stable integer primary key that the exchange's ExternalRef points at
(see the package docstring), and what 1C can retire has `is_active`/`marked_for_deletion`.
Rows that may hang on a product or on one of its variants (prices, stock) keep a nullable
`variant`, with two conditional unique constraints, because NULLs never collide in a plain
UNIQUE on SQLite or PostgreSQL.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accord.catalog.money import (
    PRICE_DIGITS,
    PRICE_PLACES,
    QUANTITY_DIGITS,
    QUANTITY_PLACES,
    RATE_DIGITS,
    RATE_PLACES,
)
from accord.core.models import TimestampedModel
from accord.users.access import can

PRODUCT_TYPE = "catalog.product"
POSITION = pgettext_lazy("order in a list", "position")


class CatalogQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> CatalogQuerySet:
        """The catalog is company-wide: every row for who may view products, else none."""
        return self if can(user, "view", PRODUCT_TYPE) else self.none()


CatalogManager = models.Manager.from_queryset(CatalogQuerySet)


class Retirable(models.Model):
    """What 1C can switch off or mark for deletion without the row disappearing."""

    is_active = models.BooleanField(_("active"), default=True)
    marked_for_deletion = models.BooleanField(_("marked for deletion"), default=False)

    objects = CatalogManager()

    class Meta:
        abstract = True


class Currency(models.Model):
    code = models.CharField(_("ISO code"), max_length=3, unique=True)
    numeric_code = models.CharField(_("numeric code"), max_length=3, blank=True)
    name = models.CharField(_("name"), max_length=100)
    symbol = models.CharField(_("symbol"), max_length=8, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = CatalogManager()

    class Meta:
        verbose_name = _("currency")
        verbose_name_plural = _("currencies")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class CurrencyRate(models.Model):
    """Roubles for `multiplier` units of the currency, from `date` until the next rate."""

    currency = models.ForeignKey(Currency, on_delete=models.CASCADE, related_name="rates")
    date = models.DateField(_("date"))
    rate = models.DecimalField(_("rate"), max_digits=RATE_DIGITS, decimal_places=RATE_PLACES)
    multiplier = models.PositiveIntegerField(_("multiplier"), default=1)

    class Meta:
        verbose_name = _("currency rate")
        verbose_name_plural = _("currency rates")
        ordering = ["currency", "-date"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "date"], name="catalog_rate_unique")
        ]

    def __str__(self) -> str:
        return f"{self.currency_id} {self.date}: {self.rate}/{self.multiplier}"


class Unit(Retirable):
    """A unit of measure by the OKEI classifier ("796" шт, "166" кг)."""

    code = models.CharField(_("OKEI code"), max_length=10, unique=True)
    short_name = models.CharField(_("short name"), max_length=20)
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    international = models.CharField(_("international abbreviation"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["short_name", "id"]

    def __str__(self) -> str:
        return self.short_name


class ProductGroup(Retirable):
    """A node of the product tree; `path` is the ids from the root ("/3/17/"), for subtrees."""

    name = models.CharField(_("name"), max_length=255)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="/")
    position = models.PositiveIntegerField(POSITION, default=0)

    class Meta:
        verbose_name = _("product group")
        verbose_name_plural = _("product groups")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2


class ProductKind(models.TextChoices):
    GOODS = "goods", _("Goods")
    SERVICE = "service", _("Service")


class VatRate(models.TextChoices):
    """VAT rates of Russia as 1C names them; `VAT_RATES` gives each as a Decimal."""

    NONE = "none", _("Without VAT")
    ZERO = "0", "0%"
    FIVE = "5", "5%"
    SEVEN = "7", "7%"
    TEN = "10", "10%"
    TWENTY = "20", "20%"
    TWENTY_TWO = "22", "22%"


VAT_RATES: dict[str, Decimal | None] = {
    rate.value: None if rate == VatRate.NONE else Decimal(rate.value) for rate in VatRate
}


class Product(Retirable, TimestampedModel):
    kind = models.CharField(
        _("kind"), max_length=10, choices=ProductKind.choices, default=ProductKind.GOODS
    )
    article = models.CharField(_("article"), max_length=100, blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=255)
    # The name in lower case with ё as е: the sort key and the name-search column.
    name_key = models.CharField(max_length=255, editable=False, default="")
    full_name = models.CharField(_("full name"), max_length=1000, blank=True)
    group = models.ForeignKey(
        ProductGroup,
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    vat_rate = models.CharField(
        _("VAT rate"), max_length=4, choices=VatRate.choices, default=VatRate.TWENTY_TWO
    )
    barcode = models.CharField(_("barcode"), max_length=64, blank=True, db_index=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=255, blank=True)
    country = models.CharField(_("country of origin"), max_length=100, blank=True)
    trademark = models.CharField(_("trademark"), max_length=255, blank=True)
    weight = models.DecimalField(
        _("weight, kg"),
        max_digits=QUANTITY_DIGITS,
        decimal_places=QUANTITY_PLACES,
        null=True,
        blank=True,
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [
            models.Index(fields=["name_key", "id"], name="product_name_key_id"),
            models.Index(fields=["group", "name_key", "id"], name="product_group_name_id"),
            models.Index(fields=["-created_at", "-id"], name="product_created_id"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def vat(self) -> Decimal | None:
        """The VAT rate as a Decimal percentage (Decimal("20")); None: without VAT."""
        return VAT_RATES[self.vat_rate]


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(_("file"), upload_to="catalog/products/%Y/%m/", max_length=255)
    caption = models.CharField(_("caption"), max_length=255, blank=True)
    position = models.PositiveIntegerField(POSITION, default=0)

    class Meta:
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        ordering = ["product", "position", "id"]

    def __str__(self) -> str:
        return self.file.name


class Variant(Retirable, TimestampedModel):
    """A characteristic of a product in 1C terms: a size, a colour, a pack of it."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="variants"
    )
    name = models.CharField(_("name"), max_length=255)
    article = models.CharField(_("article"), max_length=100, blank=True, db_index=True)
    barcode = models.CharField(_("barcode"), max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["product", "name", "id"]

    def __str__(self) -> str:
        return self.name


class PropertyKind(models.TextChoices):
    STRING = "string", _("Text")
    NUMBER = "number", _("Number")
    CHOICE = "choice", _("Choice from a list")


class CatalogProperty(Retirable):
    """A described quality of products (1C Свойство): "Colour", "Size", "Material"."""

    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("type"), max_length=10, choices=PropertyKind.choices)
    for_variants = models.BooleanField(
        _("for variants"), default=False, help_text=_("Describes variants, not products.")
    )
    position = models.PositiveIntegerField(POSITION, default=0)

    class Meta:
        verbose_name = _("catalog property")
        verbose_name_plural = _("catalog properties")
        ordering = ["position", "name", "id"]

    def __str__(self) -> str:
        return self.name


class CatalogPropertyChoice(models.Model):
    property = models.ForeignKey(CatalogProperty, on_delete=models.CASCADE, related_name="choices")
    value = models.CharField(_("value"), max_length=255)
    position = models.PositiveIntegerField(POSITION, default=0)

    class Meta:
        verbose_name = _("property value choice")
        verbose_name_plural = _("property value choices")
        ordering = ["property", "position", "value", "id"]

    def __str__(self) -> str:
        return self.value


class ProductPropertyValue(models.Model):
    """The value of one property for a product or for one variant, in its kind's column."""

    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.CASCADE, related_name="property_values"
    )
    variant = models.ForeignKey(
        Variant, null=True, blank=True, on_delete=models.CASCADE, related_name="property_values"
    )
    property = models.ForeignKey(CatalogProperty, on_delete=models.CASCADE, related_name="+")
    value_string = models.CharField(max_length=1000, blank=True)
    value_number = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    value_choice = models.ForeignKey(
        CatalogPropertyChoice, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("property value")
        verbose_name_plural = _("property values")
        constraints = [
            models.CheckConstraint(
                condition=Q(product__isnull=False, variant__isnull=True)
                | Q(product__isnull=True, variant__isnull=False),
                name="catalog_value_one_owner",
            ),
            models.UniqueConstraint(
                fields=["product", "property"],
                condition=Q(variant__isnull=True),
                name="catalog_value_product_unique",
            ),
            models.UniqueConstraint(
                fields=["variant", "property"],
                condition=Q(product__isnull=True),
                name="catalog_value_variant_unique",
            ),
        ]

    def __str__(self) -> str:
        return str(self.typed_value())

    def typed_value(self) -> Any:
        """The value in its kind's type (text, Decimal, or the chosen text)."""
        if self.property.kind == PropertyKind.NUMBER:
            return self.value_number
        if self.property.kind == PropertyKind.CHOICE:
            return self.value_choice.value if self.value_choice else ""
        return self.value_string


class PriceType(Retirable):
    """A list of prices: retail, wholesale, purchase; each in one currency."""

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    currency = models.ForeignKey(
        Currency, verbose_name=_("currency"), on_delete=models.PROTECT, related_name="+"
    )
    vat_included = models.BooleanField(_("VAT included"), default=True)
    is_default = models.BooleanField(_("default"), default=False)
    position = models.PositiveIntegerField(POSITION, default=0)

    class Meta:
        verbose_name = _("price type")
        verbose_name_plural = _("price types")
        ordering = ["position", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="catalog_one_default"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Price(models.Model):
    price_type = models.ForeignKey(PriceType, on_delete=models.CASCADE, related_name="prices")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="prices")
    variant = models.ForeignKey(
        Variant, null=True, blank=True, on_delete=models.CASCADE, related_name="prices"
    )
    value = models.DecimalField(_("price"), max_digits=PRICE_DIGITS, decimal_places=PRICE_PLACES)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CatalogManager()

    class Meta:
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        constraints = [
            models.UniqueConstraint(
                fields=["price_type", "product"],
                condition=Q(variant__isnull=True),
                name="catalog_price_product_unique",
            ),
            models.UniqueConstraint(
                fields=["price_type", "product", "variant"],
                condition=Q(variant__isnull=False),
                name="catalog_price_variant_unique",
            ),
        ]
        indexes = [models.Index(fields=["product", "price_type"], name="price_product_type")]

    def __str__(self) -> str:
        return f"{self.value}"


class Warehouse(Retirable):
    name = models.CharField(_("name"), max_length=255)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    position = models.PositiveIntegerField(POSITION, default=0)

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["position", "name", "id"]

    def __str__(self) -> str:
        return self.name


class Stock(models.Model):
    """How much is on a warehouse. May be negative: 1C sends it so; the UI flags it."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="stock")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="stock")
    variant = models.ForeignKey(
        Variant, null=True, blank=True, on_delete=models.CASCADE, related_name="stock"
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CatalogManager()

    class Meta:
        verbose_name = _("stock")
        verbose_name_plural = _("stock")
        constraints = [
            models.UniqueConstraint(
                fields=["warehouse", "product"],
                condition=Q(variant__isnull=True),
                name="catalog_stock_product_unique",
            ),
            models.UniqueConstraint(
                fields=["warehouse", "product", "variant"],
                condition=Q(variant__isnull=False),
                name="catalog_stock_variant_unique",
            ),
        ]
        indexes = [models.Index(fields=["product", "warehouse"], name="stock_product_wh")]

    def __str__(self) -> str:
        return f"{self.quantity}"

    @property
    def is_negative(self) -> bool:
        return self.quantity < 0
