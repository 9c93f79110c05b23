"""The records a format reader yields and the mapping applies: frozen, plain values only.

Every 1C identifier (`Ид`) is kept verbatim as `external_id`. A variant's id is
`<product Ид>#<characteristic Ид>`; `split_id` is the one place that splits it. Amounts and
quantities are `Decimal`; dates are `datetime.date`/`datetime.datetime`; text is stripped.
A value that a file does not carry is `None` (not given), which the mapping must tell apart
from an empty value that 1C did send ("" or an empty tuple).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class PackageKind(StrEnum):
    """What a file holds, decided from its content (never from its name)."""

    CATALOG = "catalog"  # Классификатор and/or Каталог (import.xml, classifier)
    OFFERS = "offers"  # ПакетПредложений (offers, prices, rests) or ИзмененияПакетаПредложений
    DOCUMENTS = "documents"  # Документ elements (orders and their statuses)
    CONTRACTORS = "contractors"  # Контрагенты at the root


def split_id(external_id: str) -> tuple[str, str | None]:
    """`("product", "variant")` for `product#variant`, `("product", None)` without `#`.

    1C joins a product and its characteristic with the first `#`; an id ending with `#`
    (an offer package's) has no variant part.
    """
    product, sep, variant = external_id.partition("#")
    return product, (variant or None) if sep else None


@dataclass(frozen=True, slots=True)
class PackageHeader:
    """The first record of every file."""

    kind: PackageKind
    version: str  # ВерсияСхемы as written, e.g. "2.07"
    namespace: str  # "" when the file has none
    encoding: str  # as declared (or detected), lower case: "utf-8", "windows-1251"
    generated_at: dt.datetime | None
    only_changes: bool  # СодержитТолькоИзменения; False means a full package
    catalog_id: str = ""  # Каталог/Ид, or ИдКаталога of an offer package
    classifier_id: str = ""


@dataclass(frozen=True, slots=True)
class UnitRecord:
    code: str  # OKEI code, stripped ("796")
    short_name: str  # the element text ("шт")
    full_name: str = ""
    international: str = ""


@dataclass(frozen=True, slots=True)
class GroupRecord:
    external_id: str
    name: str
    parent_id: str | None  # None for a top-level group
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class PropertyRecord:
    external_id: str
    name: str
    kind: str  # "string", "number" or "choice" (Справочник); anything else reads as "string"
    choices: tuple[tuple[str, str], ...] = ()  # (ИдЗначения, Значение)
    for_offers: bool = False  # ДляПредложений: a property of variants
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class PriceTypeRecord:
    external_id: str
    name: str
    currency: str = ""  # as 1C wrote it: "руб", "RUB", "643"
    vat_included: bool | None = None  # Налог/УчтеноВСумме, when given


@dataclass(frozen=True, slots=True)
class WarehouseRecord:
    external_id: str
    name: str
    address: str = ""
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class ProductRecord:
    """A `Товар` of a catalog. With `#` in its id it describes a variant (old layouts)."""

    external_id: str
    name: str
    article: str = ""
    barcode: str = ""
    full_name: str = ""  # ЗначениеРеквизита "Полное наименование"
    description: str = ""
    unit: UnitRecord | None = None
    group_ids: tuple[str, ...] = ()
    is_service: bool = False  # ТипНоменклатуры = Услуга
    vat_rate: str | None = None  # СтавкаНалога "НДС" as written: "20", "10", "Без НДС"
    manufacturer: str = ""
    country: str = ""
    trademark: str = ""
    weight: Decimal | None = None
    properties: tuple[tuple[str, str], ...] = ()  # (property Ид, value text or ИдЗначения)
    characteristics: tuple[tuple[str, str], ...] = ()  # (name, value)
    requisites: tuple[tuple[str, str], ...] = ()  # every ЗначениеРеквизита, in file order
    images: tuple[str, ...] = ()  # relative paths (import_files/...)
    deleted: bool = False  # ПометкаУдаления, or Статус="Удален"


@dataclass(frozen=True, slots=True)
class PriceRecord:
    price_type_id: str
    value: Decimal
    currency: str = ""
    unit: str = ""
    coefficient: Decimal | None = None


@dataclass(frozen=True, slots=True)
class StockRecord:
    warehouse_id: str
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class OfferRecord:
    """A `Предложение`: prices and stock of a product or of a variant (`product#variant`).

    `prices`/`stock_by_warehouse`/`quantity` are None when the file does not carry them
    (a rests package has no prices, a prices package no stock), so the mapping leaves them.
    """

    external_id: str
    name: str = ""
    article: str = ""
    barcode: str = ""
    unit: UnitRecord | None = None
    prices: tuple[PriceRecord, ...] | None = None
    quantity: Decimal | None = None  # Количество: the total over all warehouses
    stock_by_warehouse: tuple[StockRecord, ...] | None = None
    characteristics: tuple[tuple[str, str], ...] = ()
    properties: tuple[tuple[str, str], ...] = ()
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class BankAccountRecord:
    number: str
    bank_name: str = ""
    bic: str = ""
    correspondent_account: str = ""


@dataclass(frozen=True, slots=True)
class CounterpartyRecord:
    """A `Контрагент`: of an order, or of a contractors package."""

    external_id: str
    name: str
    is_legal: bool  # 1C's rule: a legal entity iff ОфициальноеНаименование is present
    official_name: str = ""
    full_name: str = ""
    last_name: str = ""
    first_name: str = ""
    middle_name: str = ""
    inn: str = ""
    kpp: str = ""
    okpo: str = ""
    role: str = ""  # Покупатель, Продавец, ...
    legal_address: str = ""  # Представление of ЮридическийАдрес or АдресРегистрации
    address: str = ""  # Адрес/Представление
    contacts: tuple[tuple[str, str], ...] = ()  # (Тип, Значение): Почта, ТелефонРабочий, ...
    representatives: tuple[tuple[str, str], ...] = ()  # (Ид or "", Наименование)
    bank_accounts: tuple[BankAccountRecord, ...] = ()
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class DocumentLineRecord:
    external_id: str  # product Ид, product#variant, or a service id like ORDER_DELIVERY
    name: str
    quantity: Decimal
    price: Decimal | None = None
    amount: Decimal | None = None
    article: str = ""
    unit: UnitRecord | None = None
    coefficient: Decimal | None = None
    vat_rate: str | None = None  # as written: "20", "Без НДС"
    vat_amount: Decimal | None = None
    discount_amount: Decimal | None = None
    is_service: bool = False
    requisites: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class SubordinateRecord:
    """A payment or shipment reported inside an order (CML 2.09 Оплаты, 2.10 ПодчиненныеДокументы)."""

    kind: str  # "payment" or "shipment"
    external_id: str
    number: str
    date: dt.date | None
    amount: Decimal | None = None
    operation: str = ""  # ХозОперация as written


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """A `Документ`. Status-only documents from 1C lack amounts, counterparties and lines."""

    external_id: str
    number: str
    date: dt.date | None
    operation: str = ""  # ХозОперация: "Заказ товара", ...
    role: str = ""
    currency: str = ""
    rate: Decimal | None = None
    amount: Decimal | None = None
    time: dt.time | None = None
    comment: str = ""
    counterparties: tuple[CounterpartyRecord, ...] = ()
    lines: tuple[DocumentLineRecord, ...] = ()
    vat_included: bool | None = None  # document Налоги/Налог НДС УчтеноВСумме
    vat_amount: Decimal | None = None
    requisites: tuple[tuple[str, str], ...] = ()  # every ЗначениеРеквизита, in file order
    number_1c: str = ""  # Номер1С element or requisite "Номер по 1С"
    date_1c: dt.datetime | None = None
    posted: bool = False  # requisite Проведен = true (absent means not posted)
    deleted: bool = False  # ПометкаУдаления element or requisite
    cancelled: bool = False  # requisite Отменен = true
    paid: bool = False  # a payment number/date from 1C, or Оплачен = true
    payment_number: str = ""
    payment_date: dt.datetime | None = None
    shipped: bool = False
    shipment_number: str = ""
    shipment_date: dt.datetime | None = None
    status: str = ""  # "Статус заказа" or "Статуса заказа ИД", as written
    subordinates: tuple[SubordinateRecord, ...] = ()


Record = (
    PackageHeader
    | GroupRecord
    | PropertyRecord
    | PriceTypeRecord
    | WarehouseRecord
    | UnitRecord
    | ProductRecord
    | OfferRecord
    | CounterpartyRecord
    | DocumentRecord
)
