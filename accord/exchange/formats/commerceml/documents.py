"""Orders (`Документ`) and counterparties (`Контрагент`), in every shape seen from 1C and sites.

Status fields come from the requisites 1C writes back (§1.6.2 of the exchange notes):
`Номер по 1С`, `Проведен`, `Номер оплаты по 1С`, … and from the 1C-Bitrix module's own
elements (`Номер1С`, `Дата1С`, `ПометкаУдаления`).
"""

from __future__ import annotations

from decimal import Decimal

from accord.exchange.formats.commerceml.catalog import (
    base_unit,
    is_service,
    requisite,
    unit_element,
    vat_rate,
)
from accord.exchange.formats.commerceml.elements import (
    Children,
    Element,
    child_text,
    child_text_or_none,
    children,
    first,
    items,
    marked_deleted,
    pairs,
)
from accord.exchange.formats.commerceml.values import (
    is_true,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_time,
)
from accord.exchange.formats.records import (
    BankAccountRecord,
    CounterpartyRecord,
    DocumentLineRecord,
    DocumentRecord,
    SubordinateRecord,
)

_PAYMENT_MARKS = ("денег", "эквайринг")
_SHIPMENT_MARK = "отпуск товара"


def _presentation(kids: Children, name: str) -> str:
    """`<Адрес><Представление>…</Представление></Адрес>` → the text."""
    address = first(kids, name)
    return child_text(children(address), "Представление") if address is not None else ""


def _bank_account(element: Element) -> BankAccountRecord:
    kids = children(element)
    bank = first(kids, "Банк")
    bank_kids = children(bank) if bank is not None else {}
    return BankAccountRecord(
        number=child_text(kids, "НомерСчета"),
        bank_name=child_text(bank_kids, "Наименование"),
        bic=child_text(bank_kids, "БИК"),
        correspondent_account=child_text(bank_kids, "СчетКорреспондентский"),
    )


def _representatives(kids: Children) -> tuple[tuple[str, str], ...]:
    """Both `Представитель/Контрагент/{Ид, Наименование}` (sites) and the flat 1C form."""
    found: list[tuple[str, str]] = []
    for element in items(kids, "Представители", "Представитель"):
        sub = children(element)
        nested = first(sub, "Контрагент")
        if nested is not None:
            sub = children(nested)
        found.append((child_text(sub, "Ид"), child_text(sub, "Наименование")))
    return tuple(found)


def counterparty_record(element: Element) -> CounterpartyRecord:
    kids = children(element)
    accounts = items(kids, "РасчетныеСчета", "РасчетныйСчет") + kids.get("РасчетныйСчет", [])
    return CounterpartyRecord(
        external_id=child_text(kids, "Ид"),
        name=child_text(kids, "Наименование"),
        # 1C's own rule (ЗаполнитьДанныеКонтрагента): present, even empty, means a company.
        is_legal="ОфициальноеНаименование" in kids,
        official_name=child_text(kids, "ОфициальноеНаименование"),
        full_name=child_text(kids, "ПолноеНаименование"),
        last_name=child_text(kids, "Фамилия"),
        first_name=child_text(kids, "Имя"),
        middle_name=child_text(kids, "Отчество"),
        inn=child_text(kids, "ИНН"),
        kpp=child_text(kids, "КПП"),
        okpo=child_text(kids, "ОКПО") or child_text(kids, "КодПоОКПО"),
        role=child_text(kids, "Роль"),
        legal_address=_presentation(kids, "ЮридическийАдрес")
        or _presentation(kids, "АдресРегистрации"),
        address=_presentation(kids, "Адрес"),
        contacts=tuple(pairs(kids, "Контакты", "Контакт", "Тип", "Значение")),
        representatives=_representatives(kids),
        bank_accounts=tuple(map(_bank_account, accounts)),
        deleted=marked_deleted(kids, element),
    )


def _vat_tax(kids: Children) -> tuple[bool | None, Decimal | None, str | None]:
    """`Налоги/Налог` named НДС: (УчтеноВСумме, Сумма, Ставка)."""
    for tax in items(kids, "Налоги", "Налог"):
        sub = children(tax)
        if child_text(sub, "Наименование").casefold() == "ндс":
            return (
                parse_bool(child_text(sub, "УчтеноВСумме")),
                parse_decimal(child_text(sub, "Сумма")),
                child_text_or_none(sub, "Ставка"),
            )
    return None, None, None


def _discount(kids: Children) -> Decimal | None:
    amounts = [
        parse_decimal(child_text(children(each), "Сумма"))
        for each in items(kids, "Скидки", "Скидка")
    ]
    known = [amount for amount in amounts if amount is not None]
    return sum(known, Decimal(0)) if known else None


def _line(element: Element) -> DocumentLineRecord | None:
    kids = children(element)
    quantity = parse_decimal(child_text(kids, "Количество"))
    if quantity is None:
        return None  # a line without a readable quantity cannot be applied
    requisites = pairs(kids, "ЗначенияРеквизитов", "ЗначениеРеквизита", "Наименование", "Значение")
    _included, vat_amount, tax_rate = _vat_tax(kids)
    unit = base_unit(first(kids, "БазоваяЕдиница"))
    if unit is None and "Единица" in kids:
        unit = unit_element(kids["Единица"][0])
    rate = vat_rate(kids)
    price_text = child_text_or_none(kids, "ЦенаЗаЕдиницу")
    if price_text is None:
        price_text = child_text(kids, "Цена")  # the 1C-Bitrix module's spelling
    return DocumentLineRecord(
        external_id=child_text(kids, "Ид"),
        name=child_text(kids, "Наименование"),
        quantity=quantity,
        price=parse_decimal(price_text),
        amount=parse_decimal(child_text(kids, "Сумма")),
        article=child_text(kids, "Артикул"),
        unit=unit,
        coefficient=parse_decimal(child_text(kids, "Коэффициент")),
        vat_rate=rate if rate is not None else tax_rate,
        vat_amount=vat_amount,
        discount_amount=_discount(kids),
        is_service=is_service(requisites),
        requisites=tuple(requisites),
    )


def _subordinates(kids: Children) -> tuple[SubordinateRecord, ...]:
    """2.09 `Оплаты/Оплата` and 2.10 `ПодчиненныеДокументы/ПодчиненныйДокумент`."""
    found: list[SubordinateRecord] = []
    for payment in items(kids, "Оплаты", "Оплата"):
        sub = children(payment)
        found.append(
            SubordinateRecord(
                kind="payment",
                external_id=child_text(sub, "НомерТранзакции"),
                number=child_text(sub, "НомерДокумента"),
                date=parse_date(child_text(sub, "ДатаОплаты")),
                amount=parse_decimal(child_text(sub, "СуммаОплаты")),
                operation=child_text(sub, "СпособОплаты"),
            )
        )
    for document in items(kids, "ПодчиненныеДокументы", "ПодчиненныйДокумент"):
        sub = children(document)
        operation = child_text(sub, "ХозОперация")
        lowered = operation.casefold()
        if any(mark in lowered for mark in _PAYMENT_MARKS):
            kind = "payment"
        elif _SHIPMENT_MARK in lowered:
            kind = "shipment"
        else:
            continue  # invoices and the like are neither a payment nor a shipment
        found.append(
            SubordinateRecord(
                kind=kind,
                external_id=child_text(sub, "Ид"),
                number=child_text(sub, "Номер"),
                date=parse_date(child_text(sub, "Дата")),
                amount=parse_decimal(child_text(sub, "Сумма")),
                operation=operation,
            )
        )
    return tuple(found)


def document_record(element: Element) -> DocumentRecord:
    kids = children(element)
    requisites = pairs(kids, "ЗначенияРеквизитов", "ЗначениеРеквизита", "Наименование", "Значение")

    def req(name: str) -> str:
        return requisite(requisites, name) or ""

    vat_included, vat_amount, _rate = _vat_tax(kids)
    payment_number = req("Номер оплаты по 1С")
    payment_date = parse_datetime(req("Дата оплаты по 1С"))
    shipment_number = req("Номер отгрузки по 1С")
    shipment_date = parse_datetime(req("Дата отгрузки по 1С"))
    lines = (_line(each) for each in items(kids, "Товары", "Товар"))
    return DocumentRecord(
        external_id=child_text(kids, "Ид"),
        number=child_text(kids, "Номер"),
        date=parse_date(child_text(kids, "Дата")),
        operation=child_text(kids, "ХозОперация"),
        role=child_text(kids, "Роль"),
        currency=child_text(kids, "Валюта"),
        rate=parse_decimal(child_text(kids, "Курс")),
        amount=parse_decimal(child_text(kids, "Сумма")),
        time=parse_time(child_text(kids, "Время")),
        comment=child_text(kids, "Комментарий"),
        counterparties=tuple(map(counterparty_record, items(kids, "Контрагенты", "Контрагент"))),
        lines=tuple(line for line in lines if line is not None),
        vat_included=vat_included,
        vat_amount=vat_amount,
        requisites=tuple(requisites),
        number_1c=child_text(kids, "Номер1С") or req("Номер по 1С"),
        date_1c=parse_datetime(child_text(kids, "Дата1С")) or parse_datetime(req("Дата по 1С")),
        posted=is_true(req("Проведен")),
        deleted=marked_deleted(kids, element) or is_true(req("ПометкаУдаления")),
        cancelled=is_true(req("Отменен")),
        paid=bool(payment_number or payment_date)
        or is_true(req("Оплачен"))
        or is_true(req("Заказ оплачен")),
        payment_number=payment_number,
        payment_date=payment_date,
        shipped=bool(shipment_number or shipment_date) or is_true(req("Отгружен")),
        shipment_number=shipment_number,
        shipment_date=shipment_date,
        # The readable status wins over Bitrix's code (`Статуса заказа ИД`, sic) when both come.
        status=req("Статус заказа") or req("Статуса заказа ИД"),
        subordinates=_subordinates(kids),
    )
