"""Records of a classifier and a catalog: groups, properties, price types, warehouses, units
and products, each built from one finished element."""

from __future__ import annotations

from collections.abc import Iterator

from accord.exchange.formats.commerceml.elements import (
    Children,
    Element,
    child_text,
    children,
    first,
    items,
    marked_deleted,
    pairs,
    text,
)
from accord.exchange.formats.commerceml.values import is_true, parse_bool, parse_decimal
from accord.exchange.formats.records import (
    GroupRecord,
    PriceTypeRecord,
    ProductRecord,
    PropertyRecord,
    UnitRecord,
    WarehouseRecord,
)

_PROPERTY_KINDS = {"строка": "string", "число": "number", "справочник": "choice"}


def requisite(requisites: list[tuple[str, str]], name: str) -> str | None:
    """The first ЗначениеРеквизита of that name (compared case-insensitively), if any."""
    wanted = name.casefold()
    for key, value in requisites:
        if key.casefold() == wanted:
            return value
    return None


def is_service(requisites: list[tuple[str, str]]) -> bool:
    return (requisite(requisites, "ТипНоменклатуры") or "").casefold() == "услуга"


def vat_rate(kids: Children) -> str | None:
    """СтавкиНалогов/СтавкаНалога named НДС: the rate as written ("20", "Без НДС")."""
    for rate in items(kids, "СтавкиНалогов", "СтавкаНалога"):
        sub = children(rate)
        if child_text(sub, "Наименование").casefold() == "ндс":
            return child_text(sub, "Ставка")
    return None


def _filled(unit: UnitRecord) -> bool:
    return bool(unit.code or unit.short_name or unit.full_name or unit.international)


def base_unit(element: Element | None) -> UnitRecord | None:
    """`<БазоваяЕдиница Код="796 " НаименованиеПолное="Штука" …>шт</БазоваяЕдиница>`."""
    if element is None:
        return None
    unit = UnitRecord(
        code=(element.get("Код") or "").strip(),
        short_name=text(element) or (element.get("НаименованиеКраткое") or "").strip(),
        full_name=(element.get("НаименованиеПолное") or "").strip(),
        international=(element.get("МеждународноеСокращение") or "").strip(),
    )
    return unit if _filled(unit) else None


def unit_element(element: Element) -> UnitRecord | None:
    """A unit written as child elements: ЕдиницаИзмерения (2.08+/3.1) or a document's Единица."""
    kids = children(element)
    if not kids:
        code = text(element)  # Единица as a plain OKEI code
        return UnitRecord(code=code, short_name="") if code else None
    unit = UnitRecord(
        code=child_text(kids, "Код") or child_text(kids, "Ид"),
        short_name=child_text(kids, "НаименованиеКраткое"),
        full_name=child_text(kids, "НаименованиеПолное"),
        international=child_text(kids, "МеждународноеСокращение"),
    )
    return unit if _filled(unit) else None


def group_tree(element: Element, parent_id: str | None) -> Iterator[GroupRecord]:
    """A Группа and its nested groups, parents first."""
    kids = children(element)
    external_id = child_text(kids, "Ид")
    yield GroupRecord(
        external_id=external_id,
        name=child_text(kids, "Наименование"),
        parent_id=parent_id,
        deleted=marked_deleted(kids, element),
    )
    for child in items(kids, "Группы", "Группа"):
        yield from group_tree(child, external_id or parent_id)


def property_record(element: Element) -> PropertyRecord:
    kids = children(element)
    kind = _PROPERTY_KINDS.get(child_text(kids, "ТипЗначений").casefold(), "string")
    choices = tuple(
        (child_text(sub, "ИдЗначения"), child_text(sub, "Значение"))
        for sub in map(children, items(kids, "ВариантыЗначений", "Справочник"))
    )
    return PropertyRecord(
        external_id=child_text(kids, "Ид"),
        name=child_text(kids, "Наименование"),
        kind=kind,
        choices=choices,
        for_offers=is_true(child_text(kids, "ДляПредложений")),
        deleted=marked_deleted(kids, element),
    )


def price_type_record(element: Element) -> PriceTypeRecord:
    kids = children(element)
    vat_included: bool | None = None
    for tax in kids.get("Налог", ()):  # the НДС one wins; otherwise the first tax given
        sub = children(tax)
        value = parse_bool(child_text(sub, "УчтеноВСумме"))
        if child_text(sub, "Наименование").casefold() == "ндс":
            vat_included = value
            break
        if vat_included is None:
            vat_included = value
    return PriceTypeRecord(
        external_id=child_text(kids, "Ид"),
        name=child_text(kids, "Наименование"),
        currency=child_text(kids, "Валюта"),
        vat_included=vat_included,
    )


def warehouse_record(element: Element) -> WarehouseRecord:
    kids = children(element)
    address = first(kids, "Адрес")
    return WarehouseRecord(
        external_id=child_text(kids, "Ид"),
        name=child_text(kids, "Наименование"),
        address=child_text(children(address), "Представление") if address is not None else "",
        deleted=marked_deleted(kids, element),
    )


def product_record(element: Element) -> ProductRecord:
    kids = children(element)
    requisites = (
        pairs(kids, "ЗначенияРеквизитов", "ЗначениеРеквизита", "Наименование", "Значение")
        if "ЗначенияРеквизитов" in kids
        else []
    )
    manufacturer = first(kids, "Изготовитель")
    weight_text = child_text(kids, "Вес") or requisite(requisites, "Вес")
    return ProductRecord(
        external_id=child_text(kids, "Ид"),
        name=child_text(kids, "Наименование"),
        article=child_text(kids, "Артикул"),
        barcode=child_text(kids, "Штрихкод"),
        full_name=requisite(requisites, "Полное наименование") or "",
        description=child_text(kids, "Описание"),
        unit=base_unit(first(kids, "БазоваяЕдиница")),
        group_ids=tuple(filter(None, map(text, items(kids, "Группы", "Ид")))),
        is_service=is_service(requisites),
        vat_rate=vat_rate(kids) if "СтавкиНалогов" in kids else None,
        manufacturer=(
            child_text(children(manufacturer), "Наименование") if manufacturer is not None else ""
        ),
        country=child_text(kids, "Страна"),
        trademark=child_text(kids, "ТорговаяМарка"),
        weight=parse_decimal(weight_text),
        properties=_pairs_if(kids, "ЗначенияСвойств", "ЗначенияСвойства", "Ид"),
        characteristics=_pairs_if(
            kids, "ХарактеристикиТовара", "ХарактеристикаТовара", "Наименование"
        ),
        requisites=tuple(requisites),
        images=tuple(filter(None, map(text, kids.get("Картинка", ())))),
        deleted=marked_deleted(kids, element),
    )


def _pairs_if(kids: Children, container: str, item: str, key: str) -> tuple[tuple[str, str], ...]:
    if container not in kids:
        return ()
    return tuple(pairs(kids, container, item, key, "Значение"))
