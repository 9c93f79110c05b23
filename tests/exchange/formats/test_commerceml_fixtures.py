"""The reader on the project's own small CommerceML files (tests/exchange/fixtures/commerceml)."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest

from accord.exchange.formats.commerceml import read_package, safety
from accord.exchange.formats.records import (
    DocumentRecord,
    GroupRecord,
    OfferRecord,
    PackageHeader,
    PackageKind,
    PriceRecord,
    ProductRecord,
    PropertyRecord,
    StockRecord,
    SubordinateRecord,
    UnitRecord,
    WarehouseRecord,
)
from tests.exchange.formats.helpers import FIXTURES, counts, header, only, read

CATALOG = "c0000000-0000-4000-8000-000000000001"
TABLE = "t0000000-0000-4000-8000-000000000001"
WHITE_TABLE = f"{TABLE}#h0000000-0000-4000-8000-000000000001"
RETAIL = "r0000000-0000-4000-8000-000000000001"
WHOLESALE = "r0000000-0000-4000-8000-000000000002"
MAIN_STORE = "w0000000-0000-4000-8000-000000000001"
SHOP = "w0000000-0000-4000-8000-000000000002"


def test_import_header_comes_first_and_tells_a_full_catalog() -> None:
    records = read(FIXTURES / "import_207.xml")
    assert records[0] == PackageHeader(
        kind=PackageKind.CATALOG,
        version="2.07",
        namespace="urn:1C.ru:commerceml_2",
        encoding="utf-8",
        generated_at=dt.datetime(2024, 3, 1, 10, 20, 30),
        only_changes=False,
        catalog_id=CATALOG,
        classifier_id=CATALOG,
    )
    assert counts(records) == {
        "PackageHeader": 1,
        "GroupRecord": 3,
        "PropertyRecord": 4,
        "ProductRecord": 4,
    }


def test_groups_come_parents_first_with_their_parent_id() -> None:
    groups = only(read(FIXTURES / "import_207.xml"), GroupRecord)
    assert [(g.name, g.parent_id) for g in groups] == [
        ("Мебель", None),
        ("Столы", "g0000000-0000-4000-8000-000000000001"),
        ("Услуги", None),
    ]


def test_properties_map_their_value_types() -> None:
    properties = only(read(FIXTURES / "import_207.xml"), PropertyRecord)
    assert [(p.name, p.kind, p.for_offers) for p in properties] == [
        ("Материал", "choice", False),
        ("Длина, м", "number", False),
        ("Цвет", "string", True),
        ("Дата поступления", "string", False),  # unknown types read as strings
    ]
    assert properties[0].choices == (
        ("v0000000-0000-4000-8000-000000000001", "Дуб"),
        ("v0000000-0000-4000-8000-000000000002", "Сосна"),
    )


def test_a_full_product() -> None:
    product = only(read(FIXTURES / "import_207.xml"), ProductRecord)[0]
    assert product == ProductRecord(
        external_id=TABLE,
        name="Стол обеденный",
        article="СТ-100",
        barcode="4601234567893",
        full_name="Стол обеденный раздвижной",
        description="Стол из массива <дуба>",
        unit=UnitRecord(code="796", short_name="шт", full_name="Штука", international="PCE"),
        group_ids=("g0000000-0000-4000-8000-000000000002",),
        is_service=False,
        vat_rate="20",
        manufacturer="Фабрика «Лес»",
        country="РОССИЯ",
        trademark="Аккорд",
        weight=Decimal("12.5"),
        properties=(
            ("p0000000-0000-4000-8000-000000000001", "v0000000-0000-4000-8000-000000000001"),
            ("p0000000-0000-4000-8000-000000000002", "1,4"),
        ),
        requisites=(
            ("ВидНоменклатуры", "Мебель"),
            ("ТипНоменклатуры", "Товар"),
            ("Полное наименование", "Стол обеденный раздвижной"),
            ("Вес", "12,5"),
        ),
        images=(
            "import_files/5c/t0000000_i0000001.jpg",
            "import_files/5c/t0000000_i0000002.png",
        ),
    )


def test_services_deleted_products_variants_and_bad_values() -> None:
    _table, service, deleted, variant = only(read(FIXTURES / "import_207.xml"), ProductRecord)
    assert service.is_service is True
    assert service.vat_rate == "Без НДС"
    assert service.weight is None  # "не указан" is not a number: left empty, not guessed
    assert (service.article, service.description) == ("", "")
    assert deleted.deleted is True  # Статус="Удален"
    assert deleted.unit is None
    assert variant.external_id == WHITE_TABLE
    assert variant.characteristics == (("Цвет", "Белый"),)


def test_offers_read_prices_with_spaces_and_commas_and_stock() -> None:
    records = read(FIXTURES / "offers_207.xml")
    assert header(records).kind is PackageKind.OFFERS
    assert header(records).only_changes is True
    assert only(records, WarehouseRecord)[0] == WarehouseRecord(
        external_id=MAIN_STORE, name="Основной склад", address="Москва, Складская ул., 1"
    )
    table, white, service = only(records, OfferRecord)
    assert table.prices == (
        PriceRecord(RETAIL, Decimal("1719.50"), "RUB", "шт", Decimal(1)),
        PriceRecord(WHOLESALE, Decimal("20.5"), "USD"),
    )
    assert table.quantity == 7
    assert table.stock_by_warehouse == (
        StockRecord(MAIN_STORE, Decimal(5)),
        StockRecord(SHOP, Decimal(2)),
    )
    # An unreadable price is dropped, an unreadable quantity is left unknown.
    assert white.external_id == WHITE_TABLE
    assert white.prices == (PriceRecord(WHOLESALE, Decimal(21)),)
    assert white.quantity is None
    assert white.stock_by_warehouse is None
    assert service.prices == ()


def test_rests_31_have_stock_and_no_prices() -> None:
    records = read(FIXTURES / "rests_31.xml")
    assert header(records).namespace == "urn:1C.ru:commerceml_3"
    table, white, gone = only(records, OfferRecord)
    assert table.prices is None
    assert table.quantity is None
    assert table.stock_by_warehouse == (
        StockRecord(MAIN_STORE, Decimal(5)),
        StockRecord(SHOP, Decimal("0.5")),
    )
    assert (white.quantity, white.stock_by_warehouse) == (3, ())  # a rest without a warehouse
    assert gone.deleted is True
    assert gone.stock_by_warehouse == ()


def test_offer_package_changes_are_a_delta_with_joined_variant_ids() -> None:
    records = read(FIXTURES / "offers_delta_208.xml")
    assert header(records).kind is PackageKind.OFFERS
    assert header(records).only_changes is True
    assert header(records).catalog_id == CATALOG
    white, service = only(records, OfferRecord)
    assert white.external_id == WHITE_TABLE
    assert white.unit == UnitRecord(code="796", short_name="")
    assert white.stock_by_warehouse == (
        StockRecord(MAIN_STORE, Decimal(4)),
        StockRecord(SHOP, Decimal(1)),
    )
    assert white.quantity == 5
    assert white.prices == (PriceRecord(RETAIL, Decimal(1800), "RUB"),)
    assert service.prices == (PriceRecord(RETAIL, Decimal("990.00")),)
    assert (service.quantity, service.stock_by_warehouse) == (None, None)


def test_status_document_from_1c() -> None:
    records = read(FIXTURES / "statuses_210.xml")
    assert header(records).kind is PackageKind.DOCUMENTS
    order, _closed = only(records, DocumentRecord)
    assert order.number_1c == "УТ-000123"
    assert order.date_1c == dt.datetime(2024, 3, 1, 15, 16, 17)
    assert order.posted is True
    assert (order.paid, order.payment_number) == (True, "ПКО-77")
    assert order.payment_date == dt.datetime(2024, 3, 2, 8)
    # "T" is 1C's rendering of an empty date: no shipment.
    assert (order.shipped, order.shipment_date) == (False, None)
    assert order.status == "В работе"
    assert order.amount == Decimal("2519.50")
    assert order.currency == "643"
    assert (order.vat_included, order.vat_amount) == (True, Decimal("419.92"))
    person = order.counterparties[0]
    assert person.is_legal is False
    assert (person.last_name, person.first_name, person.middle_name) == (
        "Петров",
        "Пётр",
        "Петрович",
    )
    assert person.legal_address == "Тверь, ул. Советская, 5"
    assert person.inn == "771234567890"
    table, delivery = order.lines  # the line without a readable quantity is skipped
    assert table.discount_amount == Decimal("150.5")
    assert table.unit == UnitRecord("796", "шт", "Штука", "PCE")
    assert delivery.is_service is True
    assert (delivery.vat_rate, delivery.vat_amount) == ("20", Decimal("133.33"))
    assert order.subordinates == (
        SubordinateRecord(
            "payment",
            "d0000000-0000-4000-8000-000000000001",
            "ПКО-77",
            dt.date(2024, 3, 2),
            Decimal("2519.50"),
            "Выплата наличных денег",
        ),
        SubordinateRecord(
            "shipment",
            "d0000000-0000-4000-8000-000000000002",
            "РТУ-12",
            dt.date(2024, 3, 3),
            Decimal("2519.50"),
            "Отпуск товара",
        ),
    )


def test_document_in_a_container_with_flags_and_a_2_09_payment() -> None:
    closed = only(read(FIXTURES / "statuses_210.xml"), DocumentRecord)[1]
    assert closed.number_1c == "УТ-000124"
    assert closed.date_1c == dt.datetime(2024, 3, 1)  # Дата1С wins over the empty 0001-01-01
    assert closed.deleted is True
    assert closed.cancelled is True
    assert closed.paid is True
    assert closed.payment_number == ""
    assert closed.shipped is True
    assert closed.status == "F"
    assert closed.subordinates == (
        SubordinateRecord("payment", "TX-1", "77", dt.date(2024, 3, 2), Decimal(500), "Картой"),
    )
    assert closed.amount is None
    assert closed.counterparties == ()


def test_a_classifier_alone_is_a_catalog_package() -> None:
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<КоммерческаяИнформация ВерсияСхемы="2.09" ДатаФормирования="2024-01-01T00:00:00">'
        '<Классификатор СодержитТолькоИзменения="true"><Ид>k1</Ид><Наименование>К</Наименование>'
        "<Группы><Группа><Ид>g1</Ид><Наименование>Г</Наименование>"
        "<ПометкаУдаления>true</ПометкаУдаления></Группа></Группы></Классификатор>"
        "</КоммерческаяИнформация>"
    ).encode()
    records = read(xml)
    assert header(records).kind is PackageKind.CATALOG
    assert header(records).only_changes is True
    assert header(records).classifier_id == "k1"
    assert only(records, GroupRecord) == [GroupRecord("g1", "Г", None, deleted=True)]


def test_the_old_element_form_of_only_changes() -> None:
    xml = (
        '<КоммерческаяИнформация ВерсияСхемы="2.03" ДатаФормирования="2007-10-30">'
        "<Каталог><СодержитТолькоИзменения>true</СодержитТолькоИзменения><Ид>c</Ид>"
        "<Товары><Товар><Ид>p</Ид><Наименование>Т</Наименование></Товар></Товары>"
        "</Каталог></КоммерческаяИнформация>"
    ).encode()
    records = read(xml)
    assert header(records).only_changes is True
    assert header(records).generated_at == dt.datetime(2007, 10, 30)
    assert only(records, ProductRecord) == [ProductRecord(external_id="p", name="Т")]


def test_empty_elements_read_as_empty_strings_and_unknown_elements_are_ignored() -> None:
    xml = (
        '<КоммерческаяИнформация ВерсияСхемы="2.08" ДатаФормирования="нет">'
        "<Новинка><Что-то/></Новинка>"
        "<Контрагенты><Контрагент><Ид>x</Ид><Наименование/><ОфициальноеНаименование/>"
        "<ИНН/><Неизвестно>1</Неизвестно></Контрагент></Контрагенты>"
        "</КоммерческаяИнформация>"
    ).encode()
    records = read(xml)
    assert header(records).kind is PackageKind.CONTRACTORS
    assert header(records).generated_at is None
    (party,) = records[1:]
    assert party.is_legal is True  # ОфициальноеНаименование present, even empty
    assert (party.name, party.official_name, party.inn) == ("", "", "")


def test_records_come_in_file_order_after_the_header() -> None:
    kinds = [type(record).__name__ for record in read(FIXTURES / "import_207.xml")]
    assert (
        kinds
        == ["PackageHeader"] + ["GroupRecord"] * 3 + ["PropertyRecord"] * 4 + ["ProductRecord"] * 4
    )


@pytest.mark.parametrize("name", sorted(path.name for path in FIXTURES.glob("*.xml")))
def test_any_chunking_of_the_input_gives_the_same_records(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = read(FIXTURES / name)
    monkeypatch.setattr(safety, "CHUNK_BYTES", 7)  # splits the prolog, tags and characters
    assert read(FIXTURES / name) == expected


def test_a_file_object_is_read_from_where_it_is_and_left_open() -> None:
    data = (FIXTURES / "rests_31.xml").read_bytes()
    stream = io.BytesIO(data)
    records = list(read_package(stream))
    assert not stream.closed
    assert records == read(data)


def test_prefixed_element_names_read_like_the_default_namespace() -> None:
    text = (FIXTURES / "offers_207.xml").read_text(encoding="utf-8")
    text = re.sub(r"<(/?)([А-ЯЁ])", r"<\1cml:\2", text)
    text = text.replace('xmlns="urn:1C.ru:commerceml_2"', 'xmlns:cml="urn:1C.ru:commerceml_2"')
    assert read(text.encode()) == read(FIXTURES / "offers_207.xml")


def test_known_names_in_unknown_places_are_skipped() -> None:
    stray = "<Товары>" + "<Товар><Ид>x</Ид><Наименование>Не здесь</Наименование></Товар>" * 3
    xml = (
        '<КоммерческаяИнформация ВерсияСхемы="2.07" ДатаФормирования="2024-01-01T00:00:00">'
        f"<ПакетПредложений><ИдКаталога>c</ИдКаталога>{stray}</Товары><Предложения>"
        "<Предложение><Ид>p</Ид><Количество>1</Количество></Предложение>"
        "</Предложения></ПакетПредложений></КоммерческаяИнформация>"
    ).encode()
    records = read(xml)
    assert counts(records) == {"PackageHeader": 1, "OfferRecord": 1}
    assert header(records).catalog_id == "c"


@pytest.mark.parametrize("chunk", [7, 64, 256 * 1024])
def test_header_ids_survive_containers_read_before_them(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(safety, "CHUNK_BYTES", chunk)
    xml = (
        '<КоммерческаяИнформация ВерсияСхемы="3.1" ДатаФормирования="2024-01-01T00:00:00">'
        "<Классификатор><Ид>k</Ид><Склады><Склад><Ид>w</Ид><Наименование>С</Наименование>"
        "</Склад></Склады><Группы><Группа><Ид>g</Ид><Наименование>Г</Наименование></Группа>"
        "</Группы></Классификатор>"
        "<ПакетПредложений><Ид>c#</Ид><ИдКаталога>c</ИдКаталога>"
        "<Склады><Склад><Ид>w2</Ид><Наименование>С2</Наименование></Склад></Склады>"
        "<СодержитТолькоИзменения>true</СодержитТолькоИзменения>"
        "<Предложения><Предложение><Ид>p</Ид></Предложение></Предложения>"
        "</ПакетПредложений></КоммерческаяИнформация>"
    ).encode()
    records = read(xml)
    head = header(records)
    assert (head.kind, head.classifier_id, head.catalog_id) == (PackageKind.OFFERS, "k", "c")
    # The element form comes after the first warehouses: too late for the header, whatever
    # the chunking.
    assert head.only_changes is False
    assert [type(r).__name__ for r in records[1:]] == [
        "WarehouseRecord",
        "GroupRecord",
        "WarehouseRecord",
        "OfferRecord",
    ]


def test_stock_written_as_child_elements_of_the_warehouse() -> None:
    xml = (
        '<КоммерческаяИнформация ВерсияСхемы="2.09" ДатаФормирования="2024-01-01T00:00:00">'
        "<ПакетПредложений><Предложения><Предложение><Ид>p</Ид>"
        "<Склад><Ид>w1</Ид><Количество>2,5</Количество></Склад>"
        '<Склад ИдСклада="w2" КоличествоНаСкладе="1"/>'
        '<Склад ИдСклада="w3" КоличествоНаСкладе="нет"/>'
        "</Предложение></Предложения></ПакетПредложений></КоммерческаяИнформация>"
    ).encode()
    (offer,) = only(read(xml), OfferRecord)
    assert offer.stock_by_warehouse == (
        StockRecord("w1", Decimal("2.5")),
        StockRecord("w2", Decimal(1)),
    )
    assert offer.quantity is None
