"""The orders document for 1C: schema order, encodings, namespaces, and a lossless read-back."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from accord.exchange.formats.commerceml import write_orders
from accord.exchange.formats.commerceml.writer import amount, quantity
from accord.exchange.formats.records import (
    BankAccountRecord,
    CounterpartyRecord,
    DocumentLineRecord,
    DocumentRecord,
    PackageKind,
    UnitRecord,
)
from tests.exchange.formats.helpers import header, only, read

GENERATED = dt.datetime(2024, 3, 5, 14, 15, 16, 987654)
PIECE = UnitRecord(code="796", short_name="шт", full_name="Штука", international="PCE")
GOODS = (("ВидНоменклатуры", "Товар"), ("ТипНоменклатуры", "Товар"))
SERVICE = (("ВидНоменклатуры", "Услуга"), ("ТипНоменклатуры", "Услуга"))

COMPANY = CounterpartyRecord(
    external_id="crm#company#17",
    name="Ромашка",
    is_legal=True,
    official_name='ООО "Ромашка"',
    inn="7701234567",
    kpp="770101001",
    okpo="12345678",
    role="Покупатель",
    legal_address="125009, Москва, Тверская ул., 1",
    address="Москва, склад на Складской, 5",
    contacts=(("Почта", "zakaz@romashka.ru"), ("ТелефонРабочий", "+7 495 000-00-00")),
    representatives=(("crm#person#3", "Иванова Анна"),),
    bank_accounts=(
        BankAccountRecord(
            number="40702810900000000001",
            bank_name='ПАО "Банк"',
            bic="044525225",
            correspondent_account="30101810400000000225",
        ),
    ),
)
PERSON = CounterpartyRecord(
    external_id="crm#person#8",
    name="Пётр Сидоров",
    is_legal=False,
    full_name="Сидоров Пётр Ильич",
    last_name="Сидоров",
    first_name="Пётр",
    middle_name="Ильич",
    inn="771234567890",
    role="Покупатель",
    legal_address="Тверь, ул. Советская, 5, кв. 7",
    contacts=(("Почта", "petr@example.ru"),),
)


def order(number: str, party: CounterpartyRecord, *, emoji: bool = False) -> DocumentRecord:
    name = "Стол «Дуб» 😀" if emoji else "Стол «Дуб»"
    return DocumentRecord(
        external_id=f"crm-order-{number}",
        number=number,
        date=dt.date(2024, 3, 4),
        operation="Заказ товара",
        role="Продавец",
        currency="руб",
        rate=Decimal(1),
        amount=Decimal("20489.50"),
        time=dt.time(9, 30, 5),
        comment="Доставить после 18:00 & позвонить <заранее>",
        counterparties=(party,),
        lines=(
            DocumentLineRecord(
                external_id="f1c0a1b2-0000-4000-8000-000000000001",
                name=name,
                quantity=Decimal(2),
                price=Decimal("9000"),
                amount=Decimal("18000"),
                article="СТ-100",
                unit=PIECE,
                coefficient=Decimal(1),
                vat_rate="20",
                vat_amount=Decimal("3000"),
                discount_amount=Decimal("500.5"),
                requisites=(*GOODS, ("НомерПозицииКорзины", "1")),
            ),
            DocumentLineRecord(
                external_id=(
                    "f1c0a1b2-0000-4000-8000-000000000002#c4a4a000-0000-4000-8000-000000000009"
                ),
                name="Стул (белый)",
                quantity=Decimal("1.5"),
                price=Decimal("1000"),
                amount=Decimal("1500"),
                unit=PIECE,
                vat_rate="Без НДС",
                requisites=GOODS,
            ),
            DocumentLineRecord(
                external_id="ORDER_DELIVERY",
                name="Доставка заказа",
                quantity=Decimal(1),
                price=Decimal("989.50"),
                amount=Decimal("989.50"),
                is_service=True,
                requisites=SERVICE,
            ),
        ),
        vat_included=True,
        vat_amount=Decimal("3000"),
        requisites=(
            ("Метод оплаты", "Банковский перевод"),
            ("Заказ оплачен", "true"),
            ("Отменен", "false"),
            ("Статус заказа", "[N] Принят"),
        ),
        paid=True,
        status="[N] Принят",
    )


ORDERS = [order("101", COMPANY), order("102", PERSON)]


@pytest.mark.parametrize("version", ["2.05", "2.07", "2.10"])
@pytest.mark.parametrize("encoding", ["utf-8", "windows-1251"])
def test_orders_read_back_unchanged(version: str, encoding: str) -> None:
    data = write_orders(ORDERS, version=version, encoding=encoding, generated_at=GENERATED)
    records = read(data)
    head = header(records)
    assert head.kind is PackageKind.DOCUMENTS
    assert head.version == version
    assert head.encoding == encoding
    assert head.generated_at == GENERATED.replace(microsecond=0)
    assert head.namespace == ("" if version == "2.05" else "urn:1C.ru:commerceml_2")
    assert only(records, DocumentRecord) == ORDERS


@pytest.mark.parametrize("encoding", ["utf-8", "windows-1251", "UTF-8", "cp1251"])
def test_bytes_start_with_the_declaration_and_no_bom(encoding: str) -> None:
    data = write_orders(ORDERS, encoding=encoding, generated_at=GENERATED)
    declared = "UTF-8" if encoding.lower().startswith("utf") else "windows-1251"
    assert data.startswith(f'<?xml version="1.0" encoding="{declared}"?>'.encode("ascii"))
    assert not data.startswith(b"\xef\xbb\xbf")
    codec = "utf-8" if declared == "UTF-8" else "cp1251"
    assert "Заказ товара".encode(codec) in data


def test_windows_1251_writes_characters_outside_the_code_page_as_references() -> None:
    emoji_order = order("103", PERSON, emoji=True)
    data = write_orders([emoji_order], encoding="windows-1251", generated_at=GENERATED)
    assert b"&#128512;" in data
    assert "«Дуб»".encode("cp1251") in data
    assert only(read(data), DocumentRecord) == [emoji_order]


def test_text_is_escaped_and_forbidden_control_characters_are_dropped() -> None:
    noisy = order("104", PERSON)
    noisy = replace(noisy, comment="a\x01b & <c>\x0b")
    data = write_orders([noisy], generated_at=GENERATED)
    assert "<Комментарий>ab &amp; &lt;c&gt;</Комментарий>".encode() in data
    assert only(read(data), DocumentRecord)[0].comment == "ab & <c>"


@pytest.mark.parametrize(
    ("version", "namespace"),
    [
        ("2.03", None),
        ("2.05", None),
        ("2.07", "urn:1C.ru:commerceml_2"),
        ("2.08", "urn:1C.ru:commerceml_2"),
        ("2.10", "urn:1C.ru:commerceml_2"),
        ("3.1", "urn:1C.ru:commerceml_3"),
    ],
)
def test_namespace_follows_the_schema_version(version: str, namespace: str | None) -> None:
    root = etree.fromstring(write_orders([], version=version, generated_at=GENERATED))
    assert root.nsmap.get(None) == namespace
    assert root.get("ВерсияСхемы") == version
    assert root.get("ДатаФормирования") == "2024-03-05T14:15:16"
    assert len(root) == 0


def _names(element: etree._Element) -> list[str]:
    return [etree.QName(child).localname for child in element]


def test_elements_follow_the_schema_order() -> None:
    root = etree.fromstring(write_orders(ORDERS[:1], generated_at=GENERATED))
    (document,) = root
    assert _names(document) == [
        "Ид", "Номер", "Дата", "ХозОперация", "Роль", "Валюта", "Курс", "Сумма",
        "Контрагенты", "Время", "Комментарий", "Налоги", "Товары", "ЗначенияРеквизитов",
    ]  # fmt: skip
    line = document.find("{*}Товары")[0]
    assert _names(line) == [
        "Ид", "Артикул", "Наименование", "БазоваяЕдиница", "СтавкиНалогов",
        "ЗначенияРеквизитов", "ЦенаЗаЕдиницу", "Количество", "Сумма", "Коэффициент",
        "Налоги", "Скидки",
    ]  # fmt: skip
    unit = line.find("{*}БазоваяЕдиница")
    assert dict(unit.attrib) == {
        "Код": "796",
        "НаименованиеПолное": "Штука",
        "МеждународноеСокращение": "PCE",
    }
    assert unit.text == "шт"
    party = document.find("{*}Контрагенты")[0]
    assert _names(party)[:4] == ["Ид", "Наименование", "Роль", "ОфициальноеНаименование"]
    person = party.find("{*}Представители/{*}Представитель/{*}Контрагент")
    assert _names(person) == ["Отношение", "Ид", "Наименование"]
    assert person[0].text == "Контактное лицо"


def test_amounts_have_two_decimals_and_quantities_no_trailing_zeros() -> None:
    assert [amount(Decimal(v)) for v in ("231.74", "0.1", "18000", "2.005")] == [
        "231.74",
        "0.10",
        "18000.00",
        "2.01",
    ]
    assert [quantity(Decimal(v)) for v in ("2.000", "1.50", "100", "0.001", "-0")] == [
        "2",
        "1.5",
        "100",
        "0.001",
        "0",
    ]
    data = write_orders(ORDERS[:1], generated_at=GENERATED).decode()
    assert "<Сумма>20489.50</Сумма>" in data
    assert "<Количество>1.5</Количество>" in data
    assert "<ЦенаЗаЕдиницу>9000.00</ЦенаЗаЕдиницу>" in data


def test_tax_ids_of_the_wrong_length_are_left_out() -> None:
    sloppy = CounterpartyRecord(
        external_id="x", name="ИП", is_legal=True, official_name="ИП", inn="123", kpp="1"
    )
    document = DocumentRecord(
        external_id="1", number="1", date=dt.date(2024, 1, 1), currency="руб",
        counterparties=(sloppy,),
    )  # fmt: skip
    data = write_orders([document], generated_at=GENERATED).decode()
    assert "<ИНН>" not in data
    assert "<КПП>" not in data
    assert "<Сумма>0.00</Сумма>" in data  # no amount and no lines


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"encoding": "latin-1"}, "Unsupported encoding"),
        ({"version": "2"}, "Not a CommerceML schema version"),
        ({"version": "two"}, "Not a CommerceML schema version"),
    ],
)
def test_bad_arguments_are_refused(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        write_orders(ORDERS, generated_at=GENERATED, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"date": None}, "has no date"), ({"currency": ""}, "has no currency")],
)
def test_an_order_1c_would_refuse_is_not_written(changes: dict[str, object], message: str) -> None:
    broken = replace(ORDERS[0], **changes)
    with pytest.raises(ValueError, match=message):
        write_orders([broken], generated_at=GENERATED)


def _commerceml_schemas(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.glob("*.xsd")):
        root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
        if (root.getroot().get("targetNamespace") or "").startswith("urn:1C.ru:commerceml"):
            found.append(path)
    return found


@pytest.mark.shared
def test_orders_validate_against_a_local_commerceml_xsd(shared_dir: Path) -> None:
    schemas = _commerceml_schemas(shared_dir / "schemas" / "1c")
    if not schemas:
        pytest.skip("no CommerceML XSD under ../shared/schemas/1c (only XDTO packages)")
    schema = etree.XMLSchema(etree.parse(str(schemas[0])))
    data = write_orders(ORDERS, version="2.08", generated_at=GENERATED)
    schema.assertValid(etree.fromstring(data))
