"""The orders document a site hands 1C for `type=sale&mode=query` (§1.6.1 of the exchange notes).

Elements are written in the order of the CommerceML schema (CML208, the XDTO package UT 11.5
reads with). The body starts with `<?xml` and carries no BOM, since 1C refuses anything else;
in windows-1251 a character the code page lacks becomes a character reference.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from lxml import etree

from accord.exchange.formats.commerceml.values import parse_decimal
from accord.exchange.formats.records import (
    CounterpartyRecord,
    DocumentLineRecord,
    DocumentRecord,
)

NAMESPACE_2 = "urn:1C.ru:commerceml_2"
NAMESPACE_3 = "urn:1C.ru:commerceml_3"

_ENCODINGS = {
    "utf-8": ("utf-8", "UTF-8"),
    "utf8": ("utf-8", "UTF-8"),
    "windows-1251": ("windows-1251", "windows-1251"),
    "cp1251": ("windows-1251", "windows-1251"),
}
_VERSION = re.compile(r"^(\d+)\.(\d{1,2})$")
# XML 1.0 forbids these characters outright; they are dropped rather than crash the export.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_CENT = Decimal("0.01")
_SERVICE, _GOODS = "Услуга", "Товар"
_ITEM_KIND_REQUISITES = ("ВидНоменклатуры", "ТипНоменклатуры")


def write_orders(
    orders: Iterable[DocumentRecord],
    *,
    version: str = "2.07",
    encoding: str = "utf-8",
    generated_at: dt.datetime,
) -> bytes:
    """A `КоммерческаяИнформация` holding one `Документ` per order, as bytes to send to 1C.

    `version` is the ВерсияСхемы to declare ("2.05", "2.07", "2.10", …): from 2.07 on the
    document is in 1C's namespace, before it in none. `encoding` is "utf-8" or
    "windows-1251".
    """
    codec, declared = _codec(encoding)
    namespace = _namespace(version)
    root = etree.Element(
        _qualified(namespace, "КоммерческаяИнформация"),
        nsmap={None: namespace} if namespace else None,
    )
    builder = _Builder(root)
    root.set("ВерсияСхемы", version)
    root.set("ДатаФормирования", _datetime(generated_at))
    for order in orders:
        builder.document(order)
    body = etree.tostring(root, encoding=codec, xml_declaration=False, pretty_print=True)
    return f'<?xml version="1.0" encoding="{declared}"?>\n'.encode("ascii") + body


def _codec(encoding: str) -> tuple[str, str]:
    try:
        return _ENCODINGS[encoding.strip().lower()]
    except KeyError:
        raise ValueError(f"Unsupported encoding {encoding!r}: use utf-8 or windows-1251") from None


def _namespace(version: str) -> str:
    match = _VERSION.match(version.strip())
    if not match:
        raise ValueError(f"Not a CommerceML schema version: {version!r}")
    major, minor = int(match[1]), int(match[2].ljust(2, "0"))
    if major >= 3:
        return NAMESPACE_3
    return NAMESPACE_2 if (major, minor) >= (2, 7) else ""


def _qualified(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}" if namespace else name


def _clean(value: str) -> str:
    return _NOT_XML.sub("", value)


def _datetime(value: dt.datetime) -> str:
    return value.replace(tzinfo=None, microsecond=0).isoformat()


def amount(value: Decimal) -> str:
    """Money as 1C expects it: two decimals and a dot (`231.74`)."""
    return str(value.quantize(_CENT, rounding=ROUND_HALF_UP))


def quantity(value: Decimal) -> str:
    """A quantity or coefficient without trailing zeros (`2`, `1.5`), never in exponent form."""
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


class _Builder:
    """Appends CommerceML elements in the root's namespace."""

    def __init__(self, root: Any) -> None:
        self._root = root
        self._namespace = root.nsmap.get(None) or ""

    def element(self, parent: Any, name: str, value: str | None = None, **attrs: str) -> Any:
        node = etree.SubElement(parent, _qualified(self._namespace, name))
        for key, attr in attrs.items():
            node.set(key, _clean(attr))
        if value is not None:
            node.text = _clean(value)
        return node

    def optional(self, parent: Any, name: str, value: str) -> None:
        if value:
            self.element(parent, name, value)

    def requisites(self, parent: Any, values: Iterable[tuple[str, str]]) -> None:
        values = list(values)
        if not values:
            return
        box = self.element(parent, "ЗначенияРеквизитов")
        for name, value in values:
            item = self.element(box, "ЗначениеРеквизита")
            self.element(item, "Наименование", name)
            self.element(item, "Значение", value)

    def document(self, order: DocumentRecord) -> None:
        # 1C refuses the whole file for an order without a date or a currency.
        if order.date is None:
            raise ValueError(f"Order {order.external_id!r} has no date")
        if not order.currency:
            raise ValueError(f"Order {order.external_id!r} has no currency")
        doc = self.element(self._root, "Документ")
        self.element(doc, "Ид", order.external_id)
        self.element(doc, "Номер", order.number)
        self.element(doc, "Дата", order.date.isoformat())
        self.element(doc, "ХозОперация", order.operation or "Заказ товара")
        self.element(doc, "Роль", order.role or "Продавец")
        self.element(doc, "Валюта", order.currency)
        self.element(doc, "Курс", quantity(order.rate if order.rate is not None else Decimal(1)))
        self.element(doc, "Сумма", amount(_order_total(order)))
        parties = self.element(doc, "Контрагенты")
        for party in order.counterparties:
            self.counterparty(parties, party)
        if order.time is not None:
            self.element(doc, "Время", order.time.replace(microsecond=0).isoformat())
        self.element(doc, "Комментарий", order.comment)
        if order.vat_included is not None or order.vat_amount is not None:
            taxes = self.element(doc, "Налоги")
            self.tax(taxes, bool(order.vat_included), order.vat_amount or Decimal(0), None)
        if order.lines:
            goods = self.element(doc, "Товары")
            for line in order.lines:
                self.line(goods, line, bool(order.vat_included))
        self.requisites(doc, order.requisites)

    def counterparty(self, parent: Any, party: CounterpartyRecord) -> None:
        node = self.element(parent, "Контрагент")
        self.element(node, "Ид", party.external_id)
        self.element(node, "Наименование", party.name)
        self.element(node, "Роль", party.role or "Покупатель")
        if party.is_legal:
            self.legal_entity(node, party)
        else:
            self.person(node, party)
        if party.bank_accounts:
            accounts = self.element(node, "РасчетныеСчета")
            for account in party.bank_accounts:
                item = self.element(accounts, "РасчетныйСчет")
                self.element(item, "НомерСчета", account.number)
                bank = self.element(item, "Банк")
                self.optional(bank, "СчетКорреспондентский", account.correspondent_account)
                self.optional(bank, "Наименование", account.bank_name)
                self.optional(bank, "БИК", account.bic)
        self.address(node, "Адрес", party.address)
        if party.contacts:
            contacts = self.element(node, "Контакты")
            for kind, value in party.contacts:
                contact = self.element(contacts, "Контакт")
                self.element(contact, "Тип", kind)
                self.element(contact, "Значение", value)
        if party.representatives:
            people = self.element(node, "Представители")
            for person_id, person_name in party.representatives:
                person = self.element(self.element(people, "Представитель"), "Контрагент")
                self.element(person, "Отношение", "Контактное лицо")
                self.element(person, "Ид", person_id)
                self.element(person, "Наименование", person_name)

    def legal_entity(self, node: Any, party: CounterpartyRecord) -> None:
        self.element(node, "ОфициальноеНаименование", party.official_name or party.name)
        self.address(node, "ЮридическийАдрес", party.legal_address)
        self.tax_ids(node, party)
        self.optional(node, "ОКПО", party.okpo)

    def person(self, node: Any, party: CounterpartyRecord) -> None:
        self.element(node, "ПолноеНаименование", party.full_name or party.name)
        self.optional(node, "Фамилия", party.last_name)
        self.optional(node, "Имя", party.first_name)
        self.optional(node, "Отчество", party.middle_name)
        self.address(node, "АдресРегистрации", party.legal_address)
        self.tax_ids(node, party)

    def tax_ids(self, node: Any, party: CounterpartyRecord) -> None:
        # UT 11.5 rejects an ИНН or КПП of the wrong length (XDTO ИННТип, КППТип): leave it out.
        if 10 <= len(party.inn) <= 12:
            self.element(node, "ИНН", party.inn)
        if len(party.kpp) == 9:
            self.element(node, "КПП", party.kpp)

    def address(self, parent: Any, name: str, presentation: str) -> None:
        if presentation:
            self.element(self.element(parent, name), "Представление", presentation)

    def tax(self, parent: Any, included: bool, total: Decimal, rate: str | None) -> None:
        tax = self.element(parent, "Налог")
        self.element(tax, "Наименование", "НДС")
        self.element(tax, "УчтеноВСумме", "true" if included else "false")
        self.element(tax, "Сумма", amount(total))
        if rate is not None and parse_decimal(rate) is not None:
            self.element(tax, "Ставка", rate)

    def line(self, parent: Any, line: DocumentLineRecord, vat_included: bool) -> None:
        item = self.element(parent, "Товар")
        self.element(item, "Ид", line.external_id)
        self.optional(item, "Артикул", line.article)
        self.element(item, "Наименование", line.name)
        if line.unit is not None:
            attrs = {
                "Код": line.unit.code,
                "НаименованиеПолное": line.unit.full_name,
                "МеждународноеСокращение": line.unit.international,
            }
            self.element(
                item,
                "БазоваяЕдиница",
                line.unit.short_name,
                **{key: value for key, value in attrs.items() if value},
            )
        if line.vat_rate:
            rate = self.element(self.element(item, "СтавкиНалогов"), "СтавкаНалога")
            self.element(rate, "Наименование", "НДС")
            self.element(rate, "Ставка", line.vat_rate)
        kind = _SERVICE if line.is_service else _GOODS
        extra = [(k, v) for k, v in line.requisites if k not in _ITEM_KIND_REQUISITES]
        self.requisites(item, [(name, kind) for name in _ITEM_KIND_REQUISITES] + extra)
        if line.price is not None:
            self.element(item, "ЦенаЗаЕдиницу", amount(line.price))
        self.element(item, "Количество", quantity(line.quantity))
        if line.amount is not None:
            self.element(item, "Сумма", amount(line.amount))
        if line.coefficient is not None:
            self.element(item, "Коэффициент", quantity(line.coefficient))
        if line.vat_amount is not None:
            self.tax(self.element(item, "Налоги"), vat_included, line.vat_amount, line.vat_rate)
        if line.discount_amount:
            discount = self.element(self.element(item, "Скидки"), "Скидка")
            self.element(discount, "Наименование", "Скидка")
            self.element(discount, "Сумма", amount(line.discount_amount))
            self.element(discount, "УчтеноВСумме", "true")


def _order_total(order: DocumentRecord) -> Decimal:
    if order.amount is not None:
        return order.amount
    return sum((line.amount for line in order.lines if line.amount is not None), Decimal(0))
