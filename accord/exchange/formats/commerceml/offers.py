"""An `Предложение` of a ПакетПредложений or ИзмененияПакетаПредложений: prices and stock.

Stock comes in three shapes, all read here:

* `<Склад ИдСклада=".." КоличествоНаСкладе=".."/>` children (CML ≤ 2.08, UT 11.5);
* `<Склады ИдСклада=".." КоличествоНаСкладе=".."/>` children (ИзмененияПакетаПредложений);
* `Остатки/Остаток/Склад/{Ид, Количество}` (the 1C-Bitrix module, CML 2.09+ and 3.1).
"""

from __future__ import annotations

from decimal import Decimal

from accord.exchange.formats.commerceml.catalog import base_unit
from accord.exchange.formats.commerceml.elements import (
    Children,
    Element,
    child_text,
    child_text_or_none,
    children,
    first,
    first_text,
    firsts,
    items,
    local_name,
    marked_deleted,
    pairs,
)
from accord.exchange.formats.commerceml.values import parse_decimal
from accord.exchange.formats.records import OfferRecord, PriceRecord, StockRecord, UnitRecord


def _prices(kids: Children) -> tuple[PriceRecord, ...] | None:
    boxes = kids.get("Цены")
    if boxes is None:
        return None
    found: list[PriceRecord] = []
    for box in boxes:
        for price in box:
            if local_name(price.tag) != "Цена":
                continue
            sub = firsts(price)
            value = parse_decimal(first_text(sub, "ЦенаЗаЕдиницу"))
            type_id = first_text(sub, "ИдТипаЦены")
            if value is None or not type_id:
                continue  # a price without its value or type says nothing we can keep
            found.append(
                PriceRecord(
                    price_type_id=type_id,
                    value=value,
                    currency=first_text(sub, "Валюта"),
                    unit=first_text(sub, "Единица"),
                    coefficient=parse_decimal(first_text(sub, "Коэффициент")),
                )
            )
    return tuple(found)


def _attribute_stock(element: Element) -> StockRecord | None:
    """`<Склад ИдСклада=".." КоличествоНаСкладе=".."/>`, or the same as child elements."""
    warehouse = element.get("ИдСклада")
    if warehouse is None:
        return _element_stock(element)
    quantity = parse_decimal(element.get("КоличествоНаСкладе"))
    if not warehouse.strip() or quantity is None:
        return None
    return StockRecord(warehouse_id=warehouse.strip(), quantity=quantity)


def _element_stock(element: Element) -> StockRecord | None:
    """`<Склад><Ид>..</Ид><Количество>..</Количество></Склад>`."""
    kids = children(element)
    warehouse = child_text(kids, "Ид") or child_text(kids, "ИдСклада")
    quantity = parse_decimal(
        child_text(kids, "Количество") or child_text(kids, "КоличествоНаСкладе")
    )
    if not warehouse or quantity is None:
        return None
    return StockRecord(warehouse_id=warehouse, quantity=quantity)


def _stock(kids: Children) -> tuple[tuple[StockRecord, ...] | None, Decimal | None]:
    """Stock per warehouse (None when the offer carries none) and a total from `Остаток`."""
    if "Склад" not in kids and "Склады" not in kids and "Остатки" not in kids:
        return None, None
    attributed: list[Element] = list(kids.get("Склад", ()))
    for element in kids.get("Склады", ()):
        attributed.append(element)
        attributed.extend(inner for inner in element if local_name(inner.tag) == "Склад")
    found = [stock for stock in map(_attribute_stock, attributed) if stock is not None]
    total: Decimal | None = None
    if "Остатки" in kids:
        for rest in items(kids, "Остатки", "Остаток"):
            sub = children(rest)
            found.extend(filter(None, map(_element_stock, sub.get("Склад", ()))))
            if "Склад" not in sub:  # CML 3.1: a rest without a warehouse is the total
                total = parse_decimal(child_text(sub, "Количество"))
    return tuple(found), total


def _offer_id(kids: Children) -> str:
    """`Ид`, joined with `ИдХарактеристики` (ИзмененияПакетаПредложений) into `product#variant`."""
    external_id = child_text(kids, "Ид")
    variant = child_text(kids, "ИдХарактеристики")
    if variant and "#" not in external_id:
        return f"{external_id}#{variant}"
    return external_id


def offer_record(element: Element) -> OfferRecord:
    kids = children(element)
    stock, rest_total = _stock(kids)
    quantity_text = child_text_or_none(kids, "Количество")
    quantity = parse_decimal(quantity_text) if quantity_text is not None else rest_total
    unit = base_unit(first(kids, "БазоваяЕдиница")) if "БазоваяЕдиница" in kids else None
    unit_code = child_text(kids, "КодЕдиницыИзмерения")
    if unit is None and unit_code:
        unit = UnitRecord(code=unit_code, short_name="")
    return OfferRecord(
        external_id=_offer_id(kids),
        name=child_text(kids, "Наименование"),
        article=child_text(kids, "Артикул"),
        barcode=child_text(kids, "Штрихкод"),
        unit=unit,
        prices=_prices(kids),
        quantity=quantity,
        stock_by_warehouse=stock,
        characteristics=_pairs_if(
            kids, "ХарактеристикиТовара", "ХарактеристикаТовара", "Наименование"
        ),
        properties=_pairs_if(kids, "ЗначенияСвойств", "ЗначенияСвойства", "Ид"),
        deleted=marked_deleted(kids, element),
    )


def _pairs_if(kids: Children, container: str, item: str, key: str) -> tuple[tuple[str, str], ...]:
    if container not in kids:
        return ()
    return tuple(pairs(kids, container, item, key, "Значение"))
