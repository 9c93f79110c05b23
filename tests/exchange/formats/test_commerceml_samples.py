"""Golden tests over the real CommerceML files in ../shared/samples/1c (skipped without it)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from accord.exchange.formats.commerceml import safety
from accord.exchange.formats.records import (
    CounterpartyRecord,
    DocumentRecord,
    GroupRecord,
    OfferRecord,
    PackageKind,
    PriceTypeRecord,
    ProductRecord,
    PropertyRecord,
    UnitRecord,
    WarehouseRecord,
)
from tests.exchange.formats.helpers import (
    counts,
    header,
    only,
    read,
    reencode,
    without_header_encoding,
)

pytestmark = pytest.mark.shared

SAMPLES = {
    "01_cml204_ut103demo_import.xml": (
        PackageKind.CATALOG,
        {"GroupRecord": 1, "ProductRecord": 4},
    ),
    "02_cml204_ut103demo_offers.xml": (
        PackageKind.OFFERS,
        {"PriceTypeRecord": 4, "OfferRecord": 2},
    ),
    "04_cml207_import0_1.xml": (
        PackageKind.CATALOG,
        {"GroupRecord": 1, "PropertyRecord": 12, "ProductRecord": 36},
    ),
    "05_cml207_offers0_1_warehouses.xml": (
        PackageKind.OFFERS,
        {"PriceTypeRecord": 1, "WarehouseRecord": 3, "OfferRecord": 44},
    ),
    "12_cml208_ns210_import.xml": (
        PackageKind.CATALOG,
        {"GroupRecord": 5, "PropertyRecord": 3, "UnitRecord": 1, "ProductRecord": 2},
    ),
    "13_cml208_ns210_offers_3pricetypes_characteristics.xml": (
        PackageKind.OFFERS,
        {"PropertyRecord": 1, "PriceTypeRecord": 3, "OfferRecord": 2},
    ),
    "14_cml209_documents_from_1c_with_statuses.xml": (
        PackageKind.DOCUMENTS,
        {"DocumentRecord": 2},
    ),
    "15_cml209_contractors.xml": (PackageKind.CONTRACTORS, {"CounterpartyRecord": 4}),
    "16_cml31_classifier.xml": (
        PackageKind.CATALOG,
        {"GroupRecord": 2, "PriceTypeRecord": 7, "WarehouseRecord": 14, "UnitRecord": 1},
    ),
    "17_cml31_offers_characteristics.xml": (PackageKind.OFFERS, {"OfferRecord": 12}),
    "18_cml31_rests_14warehouses.xml": (PackageKind.OFFERS, {"OfferRecord": 12}),
    "19_cml205_win1251_bitrix_query_orders.xml": (
        PackageKind.DOCUMENTS,
        {"DocumentRecord": 2},
    ),
    "20_cml203_win1251_bitrix_order_to_1c.xml": (
        PackageKind.DOCUMENTS,
        {"DocumentRecord": 1},
    ),
}


@pytest.fixture
def samples(shared_dir: Path) -> Path:
    return shared_dir / "samples" / "1c"


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_sample_reads_with_the_expected_kind_and_counts(samples: Path, name: str) -> None:
    kind, expected = SAMPLES[name]
    records = read(samples / name)
    assert header(records).kind is kind
    assert counts(records) == {"PackageHeader": 1, **expected}


VARIANTS = {
    "utf-8": {"encoding": "utf-8"},
    "utf-8 with BOM": {"encoding": "utf-8", "bom": True},
    "windows-1251": {"encoding": "windows-1251"},
    "windows-1251 without namespace": {"encoding": "windows-1251", "strip_namespace": True},
    "utf-8 without namespace": {"encoding": "utf-8", "strip_namespace": True},
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_a_sample_in_another_encoding_gives_the_same_records(
    samples: Path, name: str, variant: str
) -> None:
    original = (samples / name).read_bytes()
    options = VARIANTS[variant]
    converted = reencode(original, **options)  # type: ignore[arg-type]
    records = read(converted)
    assert without_header_encoding(records) == without_header_encoding(read(original))
    assert header(records).encoding == options["encoding"]
    if options.get("strip_namespace"):
        assert header(records).namespace == ""


def test_ut103_import_products_keep_variant_ids_units_and_requisites(samples: Path) -> None:
    records = read(samples / "01_cml204_ut103demo_import.xml")
    assert header(records).version == "2.04"
    assert header(records).namespace == ""
    assert header(records).generated_at == dt.datetime(2008, 1, 9, 18, 13, 34)
    assert header(records).only_changes is False
    product = only(records, ProductRecord)[0]
    assert product.external_id == (
        "05e26d70-01e4-11dc-a411-00055d80a2d1#05e26d76-01e4-11dc-a411-00055d80a2d1"
    )
    assert product.name == "Стол обеденный"
    assert product.full_name == "Стол обеденный"
    assert product.unit == UnitRecord(
        code="796", short_name="шт", full_name="Штука", international="PCE"
    )
    assert product.group_ids == ("05e26d6f-01e4-11dc-a411-00055d80a2d1",)
    assert product.vat_rate == "18"
    assert product.characteristics == (("Цвет", "Белый"),)
    assert product.is_service is False


def test_ut103_offers_carry_four_price_types(samples: Path) -> None:
    records = read(samples / "02_cml204_ut103demo_offers.xml")
    assert header(records).catalog_id == "bd72d8f9-55bc-11d9-848a-00112f43529a"
    price_types = only(records, PriceTypeRecord)
    assert [p.name for p in price_types] == ["Оптовая", "Закупочная", "Плановая", "Розничная"]
    assert price_types[0].vat_included is False
    assert price_types[3].currency == "руб"
    offer = only(records, OfferRecord)[0]
    assert offer.prices is not None
    first = offer.prices[0]
    assert (first.price_type_id, first.value) == ("bd72d8fc-55bc-11d9-848a-00112f43529a", 4)
    assert (first.currency, first.unit, first.coefficient) == ("USD", "шт", 1)
    assert offer.stock_by_warehouse is None


def test_ut11_import_reads_products_with_barcodes_manufacturers_and_properties(
    samples: Path,
) -> None:
    records = read(samples / "04_cml207_import0_1.xml")
    assert header(records).namespace == "urn:1C.ru:commerceml_2"
    properties = {p.external_id: p for p in only(records, PropertyRecord)}
    assert properties["38409b0c-29da-11e9-80c9-0cc47ab29cd1"].kind == "number"
    country = properties["3268183f-18fa-11e7-80c2-0cc47ab29cd1"]
    assert country.kind == "choice"
    assert country.choices == (("af848a7e-18fa-11e7-80c2-0cc47ab29cd1", "КОРЕЯ, РЕСПУБЛИКА"),)
    product = only(records, ProductRecord)[0]
    assert product.name == "Портативный коврик Portable 140x200x1 см, Деревянные лошадки"
    assert (product.article, product.barcode) == ("PM-421-WP", "8809288404089")
    # `Код="796 "` comes with a trailing space, and the element has no short name text.
    assert product.unit == UnitRecord(
        code="796", short_name="", full_name="Штука", international="PCE"
    )
    assert product.group_ids == ("82cfb8dc-18f9-11e7-80c2-0cc47ab29cd1",)
    assert product.manufacturer == "Crazy Boom"
    assert product.vat_rate == "20"
    assert product.description == ""
    assert ("38409b0c-29da-11e9-80c9-0cc47ab29cd1", "1,4") in product.properties
    assert product.requisites[0] == ("ВидНоменклатуры", "Коврики для дома")


def test_ut11_offers_read_stock_per_warehouse_after_a_classifier(samples: Path) -> None:
    records = read(samples / "05_cml207_offers0_1_warehouses.xml")
    assert header(records).kind is PackageKind.OFFERS
    assert header(records).classifier_id == "b21db898-7f82-46d8-a5ca-7c4f1d200a13"
    assert [w.name for w in only(records, WarehouseRecord)] == [
        "Владивосток",
        "Новосибирск",
        "Москва",
    ]
    assert only(records, PriceTypeRecord)[0] == PriceTypeRecord(
        external_id="279b6812-740b-11e8-80c8-0cc47ab29cd1",
        name="BASE",
        currency="RUB",
        vat_included=True,
    )
    offer = only(records, OfferRecord)[0]
    assert offer.quantity == 377
    assert offer.stock_by_warehouse is not None
    assert [(s.warehouse_id[:8], s.quantity) for s in offer.stock_by_warehouse] == [
        ("6abdb0b5", 1),
        ("d2a52d49", 0),
        ("dd306af1", 376),
    ]
    assert offer.prices is not None
    assert offer.prices[0].value == 100


def test_cml208_with_the_210_namespace_reads_nested_groups_and_units(samples: Path) -> None:
    records = read(samples / "12_cml208_ns210_import.xml")
    assert header(records).namespace == "urn:1C.ru:commerceml_210"
    groups = {g.name: g for g in only(records, GroupRecord)}
    assert groups["subtest1"].parent_id == groups["test3"].external_id
    assert groups["test3"].parent_id is None
    assert [p.kind for p in only(records, PropertyRecord)] == ["number", "string", "choice"]
    assert only(records, UnitRecord) == [
        UnitRecord(code="796", short_name="", full_name="Штука", international="PCE")
    ]
    assert only(records, ProductRecord)[0].full_name == "test product"


def test_variant_offers_with_three_price_types(samples: Path) -> None:
    records = read(samples / "13_cml208_ns210_offers_3pricetypes_characteristics.xml")
    assert only(records, PropertyRecord)[0].for_offers is True
    offer = only(records, OfferRecord)[0]
    assert offer.external_id.split("#") == [
        "ffce323d-c133-11e8-8111-0050569b2b72",
        "8a4e5ea9-d129-11e8-8112-0050569b2b72",
    ]
    assert offer.characteristics == (("Цвет", "Бежевый"),)
    assert offer.prices is not None
    assert sorted(p.value for p in offer.prices) == [10500, 10500, 15500]
    assert offer.quantity == 2


def test_documents_from_1c_carry_1c_numbers_payment_shipment_and_status(samples: Path) -> None:
    first, second = only(
        read(samples / "14_cml209_documents_from_1c_with_statuses.xml"), DocumentRecord
    )
    assert (first.number, first.number_1c) == ("142", "ТДЦУ-000001")
    assert first.date_1c == dt.datetime(2015, 6, 29)
    assert first.posted is True
    assert first.paid is True
    assert first.payment_number == "ТДЦУ-000001"
    assert first.payment_date == dt.datetime(2015, 6, 29, 15, 39, 10)
    assert first.shipped is True
    assert first.shipment_number == "ТДЦУ-000003"
    assert first.status == "P"
    assert first.amount == Decimal("8186.84")
    assert (first.vat_included, first.vat_amount) == (False, Decimal("1248.84"))
    assert first.time == dt.time(15, 39, 10)
    party = first.counterparties[0]
    assert party.is_legal is True
    assert party.representatives == (
        ("5018186c-ddb3-11df-aeb7-0015e9b8c48d", "Смирнов Олег Иванович"),
    )
    assert [account.bic for account in party.bank_accounts] == ["044525222", "044579555"]
    line = first.lines[0]
    assert (line.quantity, line.price, line.amount) == (1, 3338, 3338)
    assert line.unit == UnitRecord(code="796", short_name="шт", full_name="Штука")
    assert (line.vat_rate, line.vat_amount) == ("18", Decimal("600.84"))
    assert second.shipped is False
    assert second.lines[-1].external_id == "ORDER_DELIVERY"
    assert second.lines[-1].is_service is True


def test_contractors_package(samples: Path) -> None:
    records = read(samples / "15_cml209_contractors.xml")
    assert header(records).only_changes is True
    parties = {p.name: p for p in only(records, CounterpartyRecord)}
    assert parties["Алтай ТОО"].inn == "181310839110"
    assert parties["Алтай ТОО"].official_name == 'ТОО "Алтай"'
    shop = parties["ТД Уют"]
    assert shop.legal_address.startswith("005897, Города Республиканского значения")
    assert shop.contacts == (
        ("Электронная почта", "Uyt@komp.kz"),
        ("Телефон рабочий", "+7 (3272) 25-39-39"),
    )
    assert shop.representatives[0][1] == "Коновалов Александр Зиновьевич"
    assert shop.bank_accounts[0].number == "798321"
    assert all(p.is_legal and not p.deleted for p in parties.values())


def test_cml31_classifier_holds_price_types_warehouses_and_units(samples: Path) -> None:
    records = read(samples / "16_cml31_classifier.xml")
    assert header(records).version == "3.1"
    assert header(records).only_changes is True
    assert only(records, UnitRecord) == [
        UnitRecord(code="2009", short_name="шт", full_name="Штука", international="PCE")
    ]
    assert only(records, WarehouseRecord)[0].name == "Склад ремонтного цеха"
    assert only(records, PriceTypeRecord)[0].currency == "грн"


def test_cml31_offers_and_rests(samples: Path) -> None:
    offers = only(read(samples / "17_cml31_offers_characteristics.xml"), OfferRecord)
    assert sum("#" in offer.external_id for offer in offers) == 2
    assert all(o.prices is None and o.stock_by_warehouse is None for o in offers)
    rests = only(read(samples / "18_cml31_rests_14warehouses.xml"), OfferRecord)
    assert all(o.prices is None and o.quantity is None for o in rests)
    assert [len(o.stock_by_warehouse or ()) for o in rests] == [14] * 12
    first = rests[0].stock_by_warehouse
    assert first is not None
    assert first[0].warehouse_id == "b4a2a6c4-911d-11dd-a4af-00112f3000a2"


def test_bitrix_windows_1251_orders(samples: Path) -> None:
    records = read(samples / "19_cml205_win1251_bitrix_query_orders.xml")
    assert header(records).encoding == "windows-1251"
    first, second = only(records, DocumentRecord)
    assert first.status == "[N] Принят, ожидается оплата"
    assert (first.paid, first.cancelled, first.posted) == (False, False, False)
    assert first.counterparties[0].external_id == "38#catalog_exchange#"
    assert first.lines[0].price == Decimal("231.74")
    assert len(second.lines) == 7
    assert second.amount == Decimal("14380.58")


def test_bitrix_2_03_order_with_a_person_and_delivery(samples: Path) -> None:
    (order,) = only(read(samples / "20_cml203_win1251_bitrix_order_to_1c.xml"), DocumentRecord)
    party = order.counterparties[0]
    assert party.is_legal is False
    assert (party.last_name, party.first_name, party.legal_address) == ("Иванов", "admin", "ггг")
    assert party.representatives == (("b342955a9185c40132d4c1df6b30af2f", "admin"),)
    delivery = order.lines[0]
    assert (delivery.external_id, delivery.is_service) == ("ORDER_DELIVERY", True)
    assert order.amount == Decimal("6734.47")
    assert order.date == dt.date(2007, 10, 30)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_a_sample_read_in_tiny_chunks_gives_the_same_records(
    samples: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = read(samples / name)
    monkeypatch.setattr(safety, "CHUNK_BYTES", 13)
    assert read(samples / name) == expected
