"""Large CommerceML files written on the fly, for the streaming and speed checks."""

from __future__ import annotations

import uuid
from pathlib import Path

NS = "urn:1C.ru:commerceml_2"
CATALOG_ID = "b21db898-7f82-46d8-a5ca-7c4f1d200a13"
PRICE_TYPE_ID = "279b6812-740b-11e8-80c8-0cc47ab29cd1"
GROUP_ID = "82cfb8dc-18f9-11e7-80c2-0cc47ab29cd1"
WAREHOUSES = (
    "6abdb0b5-18fd-11e7-80c2-0cc47ab29cd1",
    "d2a52d49-19c9-11e7-80c2-0cc47ab29cd1",
    "dd306af1-19c9-11e7-80c2-0cc47ab29cd1",
)


def product_id(index: int) -> str:
    return str(uuid.UUID(int=index + 1))


def _head(kind: str) -> str:
    return (
        '\ufeff<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<КоммерческаяИнформация xmlns="{NS}" ВерсияСхемы="2.07" '
        f'ДатаФормирования="2024-01-02T03:04:05">\n'
        f"<{kind}>\n"
    )


def _product(index: int) -> str:
    return f"""<Товар>
<Ид>{product_id(index)}</Ид>
<Штрихкод>{4600000000000 + index}</Штрихкод>
<Артикул>ART-{index}</Артикул>
<Наименование>Товар номер {index} — коврик 140x200 см</Наименование>
<БазоваяЕдиница Код="796 " НаименованиеПолное="Штука" МеждународноеСокращение="PCE">шт</БазоваяЕдиница>
<Группы><Ид>{GROUP_ID}</Ид></Группы>
<Описание>Описание товара {index}</Описание>
<Изготовитель><Ид>018b11b8-18fa-11e7-80c2-0cc47ab29cd1</Ид><Наименование>Crazy Boom</Наименование></Изготовитель>
<ЗначенияСвойств>
<ЗначенияСвойства><Ид>8d11c16f-1d64-11e9-80c9-0cc47ab29cd1</Ид><Значение>{index}</Значение></ЗначенияСвойства>
<ЗначенияСвойства><Ид>38409b0c-29da-11e9-80c9-0cc47ab29cd1</Ид><Значение>1,4</Значение></ЗначенияСвойства>
</ЗначенияСвойств>
<СтавкиНалогов><СтавкаНалога><Наименование>НДС</Наименование><Ставка>20</Ставка></СтавкаНалога></СтавкиНалогов>
<ЗначенияРеквизитов>
<ЗначениеРеквизита><Наименование>ВидНоменклатуры</Наименование><Значение>Товар</Значение></ЗначениеРеквизита>
<ЗначениеРеквизита><Наименование>ТипНоменклатуры</Наименование><Значение>Товар</Значение></ЗначениеРеквизита>
<ЗначениеРеквизита><Наименование>Полное наименование</Наименование><Значение>Товар номер {index}</Значение></ЗначениеРеквизита>
</ЗначенияРеквизитов>
</Товар>
"""


def _small_product(index: int) -> str:
    return (
        f"<Товар><Ид>{product_id(index)}</Ид><Артикул>A{index}</Артикул>"
        f"<Наименование>Товар {index}</Наименование>"
        '<БазоваяЕдиница Код="796">шт</БазоваяЕдиница>'
        f"<Группы><Ид>{GROUP_ID}</Ид></Группы></Товар>\n"
    )


def _offer(index: int) -> str:
    stock = "".join(
        f'<Склад ИдСклада="{warehouse}" КоличествоНаСкладе="{(index + n) % 7}"/>'
        for n, warehouse in enumerate(WAREHOUSES)
    )
    total = sum((index + n) % 7 for n in range(len(WAREHOUSES)))
    return f"""<Предложение>
<Ид>{product_id(index)}</Ид>
<Артикул>ART-{index}</Артикул>
<Наименование>Товар номер {index}</Наименование>
<БазоваяЕдиница Код="796 " НаименованиеПолное="Штука" МеждународноеСокращение="PCE">шт</БазоваяЕдиница>
<Цены><Цена><Представление> 1 719 RUB за PCE</Представление><ИдТипаЦены>{PRICE_TYPE_ID}</ИдТипаЦены><ЦенаЗаЕдиницу>{100 + index % 1000},50</ЦенаЗаЕдиницу><Валюта>RUB</Валюта><Единица>PCE</Единица><Коэффициент>1</Коэффициент></Цена></Цены>
<Количество>{total}</Количество>
{stock}
</Предложение>
"""


def write_import(path: Path, count: int, *, rich: bool = True, batch: int = 1000) -> Path:
    """An import.xml with a one-group classifier and `count` products, written in batches.

    Rich products look like UT 11's (properties, requisites, taxes); small ones carry only
    an id, article, name, unit and group.
    """
    product = _product if rich else _small_product
    with path.open("w", encoding="utf-8") as out:
        out.write(_head("Классификатор"))
        out.write(f"<Ид>{CATALOG_ID}</Ид><Наименование>Классификатор</Наименование>\n")
        out.write(f"<Группы><Группа><Ид>{GROUP_ID}</Ид><Наименование>Коврики</Наименование>")
        out.write("</Группа></Группы>\n</Классификатор>\n")
        out.write('<Каталог СодержитТолькоИзменения="false">\n')
        out.write(f"<Ид>{CATALOG_ID}</Ид><ИдКлассификатора>{CATALOG_ID}</ИдКлассификатора>\n")
        out.write("<Наименование>Каталог</Наименование>\n<Товары>\n")
        for start in range(0, count, batch):
            out.write("".join(product(i) for i in range(start, min(start + batch, count))))
        out.write("</Товары>\n</Каталог>\n</КоммерческаяИнформация>\n")
    return path


def write_offers(path: Path, count: int, *, batch: int = 1000) -> Path:
    """An offers.xml with one price type, three warehouses and `count` offers."""
    with path.open("w", encoding="utf-8") as out:
        out.write(_head('ПакетПредложений СодержитТолькоИзменения="false"'))
        out.write(f"<Ид>{CATALOG_ID}#</Ид><Наименование>Пакет предложений</Наименование>\n")
        out.write(f"<ИдКаталога>{CATALOG_ID}</ИдКаталога>\n<ТипыЦен><ТипЦены>")
        out.write(f"<Ид>{PRICE_TYPE_ID}</Ид><Наименование>Розничная</Наименование>")
        out.write("<Валюта>RUB</Валюта></ТипЦены></ТипыЦен>\n<Склады>")
        for n, warehouse in enumerate(WAREHOUSES):
            out.write(f"<Склад><Ид>{warehouse}</Ид><Наименование>Склад {n}</Наименование></Склад>")
        out.write("</Склады>\n<Предложения>\n")
        for start in range(0, count, batch):
            out.write("".join(_offer(i) for i in range(start, min(start + batch, count))))
        out.write("</Предложения>\n</ПакетПредложений>\n</КоммерческаяИнформация>\n")
    return path
