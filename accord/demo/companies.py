"""What a demo company looks like: its name, domain, address and bank.

Pure functions of a `random.Random`, no database: `accord.demo.directory` puts the pieces
into rows.
"""

from __future__ import annotations

import itertools
import random
import re

from accord.demo.people import translit
from accord.demo.places import (
    CITIES,
    FEDERAL_BANKS,
    REGIONAL_BANKS,
    STREET_TYPES,
    STREETS_FEMININE,
    STREETS_NAMED,
    Bank,
    City,
)
from accord.demo.vocabulary import (
    COMPANY_ZONES,
    LEGAL_FORMS,
    NAME_PREFIXES,
    NAME_ROOTS,
    NAME_SUFFIXES,
    NAME_TAILS,
)

_FUSED_HEADS = (
    "Строй",
    "Пром",
    "Агро",
    "Энерго",
    "Авто",
    "Техно",
    "Электро",
    "Торг",
    "Транс",
    "Лес",
)
_FUSED_TAILS = (
    "снаб",
    "торг",
    "пром",
    "сервис",
    "монтаж",
    "комплект",
    "трейд",
    "строй",
    "транс",
    "маш",
)
# (pattern, weight); see `core_name`
_NAME_PATTERNS = ((0, 20), (1, 35), (2, 12), (3, 10), (4, 10), (5, 13))
_PATTERN_CUM = tuple(itertools.accumulate(w for _p, w in _NAME_PATTERNS))
_FORM_CUM = tuple(itertools.accumulate(w for _s, _f, w in LEGAL_FORMS))
_CITY_CUM = tuple(itertools.accumulate(c.weight for c in CITIES))
_TYPE_NAMES = tuple(t for t, _w in STREET_TYPES)
_TYPE_CUM = tuple(itertools.accumulate(w for _t, w in STREET_TYPES))
_ZONES = tuple(z for z, _w in COMPANY_ZONES)
_ZONE_CUM = tuple(itertools.accumulate(w for _z, w in COMPANY_ZONES))
_BANKS = tuple(b for b, _w in FEDERAL_BANKS)
_BANK_CUM = tuple(itertools.accumulate(w for _b, w in FEDERAL_BANKS))
_NOT_DOMAIN = re.compile(r"[^a-z0-9]+")


def core_name(rng: random.Random) -> tuple[str, str]:
    """A company's own name, without legal form and quotes, and the industry it hints at."""
    pattern = rng.choices(_NAME_PATTERNS, cum_weights=_PATTERN_CUM)[0][0]
    root = rng.choice(NAME_ROOTS)
    suffix, industry = rng.choice(NAME_SUFFIXES)
    if pattern == 0:
        return root, ""
    if pattern == 1:
        return f"{root}-{suffix}", industry
    if pattern == 2:
        return f"{rng.choice(NAME_PREFIXES)} {root}", ""
    if pattern == 3:
        return f"{root}-{suffix} {rng.choice(NAME_TAILS)}", industry
    if pattern == 4:
        return f"{rng.choice(NAME_PREFIXES)} {root}-{suffix}", industry
    head, tail = rng.choice(_FUSED_HEADS), rng.choice(_FUSED_TAILS)
    if head.lower() == tail:
        tail = "сервис"
    return head + tail, ""


def legal_form(rng: random.Random) -> tuple[str, str]:
    """(short form, full form) of a legal entity: mostly ООО."""
    short, full, _weight = rng.choices(LEGAL_FORMS, cum_weights=_FORM_CUM)[0]
    return short, full


def domain_for(core: str, rng: random.Random) -> str:
    """The company's web domain: its name in Latin letters, `vektor-snab.ru`."""
    label = _NOT_DOMAIN.sub("-", translit(core)).strip("-")
    zone = rng.choices(_ZONES, cum_weights=_ZONE_CUM)[0]
    return f"{label}.{zone}"


def city(rng: random.Random) -> City:
    return rng.choices(CITIES, cum_weights=_CITY_CUM)[0]


def address(place: City, rng: random.Random, *, home: bool = False) -> str:
    """`125009, г. Москва, ул. Ленина, д. 12, стр. 1, офис 305` (a flat for a home address)."""
    postcode = rng.randint(*place.postcodes)
    if rng.random() < 0.5:
        street = f"ул. {rng.choice(STREETS_FEMININE)}"
    else:
        street = f"{rng.choices(_TYPE_NAMES, cum_weights=_TYPE_CUM)[0]} {rng.choice(STREETS_NAMED)}"
    house = f"д. {rng.randint(1, 160)}"
    extra = rng.random()
    if extra < 0.15:
        house += f", корп. {rng.randint(1, 5)}"
    elif extra < 0.30:
        house += f", стр. {rng.randint(1, 12)}"
    elif extra < 0.38:
        house += rng.choice("АБВ")
    if home:
        unit = f", кв. {rng.randint(1, 320)}"
    else:
        unit = f", офис {rng.randint(1, 950)}" if rng.random() < 0.8 else ""
    return f"{postcode}, {place.address_prefix}, {street}, {house}{unit}"


def bank(place: City, rng: random.Random) -> Bank:
    """A bank, with the region's own banks preferred for local companies."""
    local = REGIONAL_BANKS[place.bank_region]
    if local and rng.random() < 0.45:
        return rng.choice(local)
    return rng.choices(_BANKS, cum_weights=_BANK_CUM)[0]
