"""Where demo counterparties live: cities with their tax offices, post codes and dialling
codes, streets, and banks with their BICs.

A counterparty's INN starts with the code of a tax office of its city, so the region in the
INN, the address, the phone's area code and (often) the bank agree, as they do in real data.
"""

from __future__ import annotations

from dataclasses import dataclass

from accord.demo.names import words


@dataclass(frozen=True)
class City:
    name: str
    address_prefix: str  # "Свердловская обл., г. Екатеринбург"
    tax_offices: tuple[str, ...]  # the first 4 digits of INNs registered there
    postcodes: tuple[int, int]  # inclusive range
    area_codes: tuple[str, ...]  # dialling codes of landlines, without +7
    weight: int  # relative share of counterparties
    bank_region: str  # key into REGIONAL_BANKS


def _offices(first: int, last: int, *extra: int) -> tuple[str, ...]:
    return tuple(f"{n:04d}" for n in (*range(first, last + 1), *extra))


_MO = "Московская обл."


def _city(
    name: str,
    region: str,  # empty for Moscow and St Petersburg
    offices: tuple[str, ...],
    postcodes: tuple[int, int],
    area_codes: tuple[str, ...],
    weight: int,
    bank_region: str,
) -> City:
    prefix = f"{region}, г. {name}" if region else f"г. {name}"
    return City(name, prefix, offices, postcodes, area_codes, weight, bank_region)


CITIES: tuple[City, ...] = (
    _city("Москва", "", _offices(7701, 7736, 7743, 7751), (101000, 129999), ("495", "499"), 340,
          "msk"),
    _city("Санкт-Петербург", "", _offices(7801, 7820, 7838, 7839, 7840, 7841, 7842),
          (190000, 199999), ("812",), 130, "spb"),
    _city("Химки", _MO, ("5047",), (141400, 141449), ("495",), 12, "msk"),
    _city("Мытищи", _MO, ("5029",), (141000, 141031), ("495",), 11, "msk"),
    _city("Балашиха", _MO, ("5001",), (143900, 143989), ("495",), 12, "msk"),
    _city("Подольск", _MO, ("5036",), (142100, 142119), ("4967",), 10, "msk"),
    _city("Королёв", _MO, ("5018",), (141060, 141079), ("495",), 8, "msk"),
    _city("Люберцы", _MO, ("5027",), (140000, 140015), ("495",), 9, "msk"),
    _city("Красногорск", _MO, ("5024",), (143400, 143409), ("495",), 8, "msk"),
    _city("Одинцово", _MO, ("5032",), (143000, 143009), ("495",), 8, "msk"),
    _city("Екатеринбург", "Свердловская обл.",
          _offices(6658, 6663, 6670, 6671, 6672, 6679, 6685, 6686), (620000, 620150), ("343",), 50,
          "ural"),
    _city("Казань", "Респ. Татарстан", _offices(1655, 1661, 1683, 1684), (420000, 420141),
          ("843",), 40, "volga"),
    _city("Новосибирск", "Новосибирская обл.", _offices(5401, 5410), (630000, 630133), ("383",),
          40, "sib"),
    _city("Нижний Новгород", "Нижегородская обл.", _offices(5256, 5263), (603000, 603163),
          ("831",), 30, "volga"),
    _city("Самара", "Самарская обл.", _offices(6311, 6319), (443000, 443125), ("846",), 28,
          "volga"),
    _city("Краснодар", "Краснодарский край", _offices(2308, 2312), (350000, 350089), ("861",), 30,
          "south"),
    _city("Ростов-на-Дону", "Ростовская обл.", _offices(6161, 6168), (344000, 344119), ("863",),
          28, "south"),
    _city("Челябинск", "Челябинская обл.", _offices(7447, 7453), (454000, 454139), ("351",), 25,
          "ural"),
    _city("Уфа", "Респ. Башкортостан", _offices(272, 278), (450000, 450112), ("347",), 22,
          "volga"),
    _city("Пермь", "Пермский край", _offices(5902, 5908), (614000, 614111), ("342",), 20, "ural"),
    _city("Воронеж", "Воронежская обл.", _offices(3661, 3666), (394000, 394095), ("473",), 18,
          "msk"),
    _city("Красноярск", "Красноярский край", _offices(2460, 2466), (660000, 660135), ("391",), 18,
          "sib"),
    _city("Тюмень", "Тюменская обл.", _offices(7202, 7204), (625000, 625059), ("3452",), 12,
          "ural"),
)  # fmt: skip

# Street types for named streets, with weights; adjectival streets are always "ул.".
STREET_TYPES: tuple[tuple[str, int], ...] = (
    ("ул.", 60), ("пр-т", 14), ("пер.", 8), ("ш.", 5), ("б-р", 6), ("наб.", 3), ("проезд", 4),
)  # fmt: skip

# Named after someone or something, in the genitive: these go with any street type.
STREETS_NAMED: tuple[str, ...] = words(
    """
    Ленина Мира Гагарина Пушкина Победы Кирова Чкалова Горького Калинина Маяковского Чапаева
    Лермонтова Свердлова Фрунзе Энгельса Ломоносова Менделеева Королёва Титова Жукова Суворова
    Кутузова Некрасова Гоголя Чехова Толстого Тургенева Есенина Шолохова Космонавтов
    Энтузиастов Строителей Металлургов Дружбы Революции
    """
)
# Adjectives agree with "улица" only.
STREETS_FEMININE: tuple[str, ...] = words(
    """
    Советская Садовая Лесная Центральная Молодёжная Школьная Октябрьская Заводская Новая
    Комсомольская Первомайская Московская Рабочая Полевая Луговая Пролетарская Южная Северная
    Промышленная Береговая Вокзальная Транспортная Индустриальная Складская Парковая Солнечная
    Зелёная Весенняя Озёрная Гвардейская Трудовая Дачная
    """
)


@dataclass(frozen=True)
class Bank:
    name: str
    bic: str
    branches: tuple[str, ...]  # digits 10-13 of the account: the bank's internal branch code


FEDERAL_BANKS: tuple[tuple[Bank, int], ...] = (
    (Bank("ПАО Сбербанк", "044525225", ("3800", "4000", "5400")), 30),
    (Bank("Банк ВТБ (ПАО)", "044525187", ("0000", "1000")), 14),
    (Bank("АО «Альфа-Банк»", "044525593", ("0000", "1020")), 12),
    (Bank("АО «ТБанк»", "044525974", ("0000",)), 10),
    (Bank("ООО «Банк Точка»", "044525104", ("5000",)), 6),
    (Bank("АО «Райффайзенбанк»", "044525700", ("0000", "4000")), 4),
    (Bank("Банк ГПБ (АО)", "044525823", ("0000", "9200")), 4),
    (Bank("ПАО «Промсвязьбанк»", "044525555", ("0000", "7000")), 4),
    (Bank("ПАО Росбанк", "044525256", ("0000",)), 3),
)  # fmt: skip

# Banks of a region, preferred for counterparties of that region.
REGIONAL_BANKS: dict[str, tuple[Bank, ...]] = {
    "msk": (),
    "spb": (
        Bank("Северо-Западный банк ПАО Сбербанк", "044030653", ("5500",)),
        Bank("ПАО «Банк «Санкт-Петербург»", "044030790", ("0000", "6900")),
    ),
    "ural": (Bank("Уральский банк ПАО Сбербанк", "046577674", ("1650", "1620")),),
    "volga": (
        Bank("Волго-Вятский банк ПАО Сбербанк", "042202603", ("4200", "6200")),
        Bank("ПАО «АК БАРС» БАНК", "049205805", ("0000",)),
    ),
    "sib": (Bank("Сибирский банк ПАО Сбербанк", "045004641", ("4405", "3100")),),
    "south": (Bank("Юго-Западный банк ПАО Сбербанк", "046015602", ("5200", "3000")),),
}
