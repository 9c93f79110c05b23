"""Demo people: full Russian names with agreed gender, their Latin spelling, e-mail addresses,
messenger handles and birthdays.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from dataclasses import dataclass

from accord.demo.names import FEMALE_FIRST_NAMES, MALE_FIRST_NAMES, PATRONYMICS, SURNAMES, words
from accord.demo.vocabulary import PUBLIC_MAIL_DOMAINS

_LATIN = {
    cyrillic: "" if latin == "-" else latin  # ъ and ь are dropped
    for cyrillic, latin in zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        words("a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya"),
        strict=True,
    )
}
_MAIL_DOMAINS = tuple(d for d, _w in PUBLIC_MAIL_DOMAINS)
_MAIL_WEIGHTS = tuple(w for _d, w in PUBLIC_MAIL_DOMAINS)


@functools.lru_cache(maxsize=4096)  # names repeat; company names would grow it unbounded
def translit(text: str) -> str:
    """Lower-case Latin spelling of Russian text; other characters are kept."""
    return "".join(_LATIN.get(char, char) for char in text.lower())


def surname_for(surname: str, *, male: bool) -> str:
    """The surname agreed with the bearer's gender: Петров -> Петрова, Высоцкий -> Высоцкая."""
    if male:
        return surname
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    if surname.endswith(("ский", "цкий")):
        return surname[:-2] + "ая"
    return surname  # Шевченко, Ковальчук, Ким: the same for women


@dataclass(frozen=True, slots=True)
class Person:
    last: str
    first: str
    middle: str
    male: bool

    @property
    def full_name(self) -> str:
        return f"{self.last} {self.first} {self.middle}"

    @property
    def initials_name(self) -> str:
        """Петров С.И."""
        return f"{self.last} {self.first[0]}.{self.middle[0]}."

    @property
    def latin_first(self) -> str:
        return translit(self.first)

    @property
    def latin_last(self) -> str:
        return translit(self.last)


def person(rng: random.Random, *, male_percent: int = 50) -> Person:
    male = rng.randrange(100) < male_percent
    first = rng.choice(MALE_FIRST_NAMES if male else FEMALE_FIRST_NAMES)
    _father, son, daughter = rng.choice(PATRONYMICS)
    last = surname_for(rng.choice(SURNAMES), male=male)
    return Person(last=last, first=first, middle=son if male else daughter, male=male)


def work_email(p: Person, domain: str, rng: random.Random) -> str:
    first, last = p.latin_first, p.latin_last
    pattern = rng.randrange(4)
    local = (f"{first}.{last}", f"{first[0]}.{last}", last, f"{last}.{first[0]}")[pattern]
    return f"{local}@{domain}"


def personal_email(p: Person, rng: random.Random) -> str:
    first, last = p.latin_first, p.latin_last
    year = rng.randrange(60, 100) if rng.random() < 0.5 else rng.randrange(1, 999)
    pattern = rng.randrange(4)
    local = (
        f"{last}.{first}",
        f"{first}.{last}{year}",
        f"{last}{year}",
        f"{first[0]}{last}{year}",
    )[pattern]
    domain = rng.choices(_MAIL_DOMAINS, _MAIL_WEIGHTS)[0]
    return f"{local}@{domain}"


def telegram_handle(p: Person, rng: random.Random) -> str:
    style = rng.randrange(3)
    handle = (
        f"{p.latin_first}_{p.latin_last}",
        f"{p.latin_last}{rng.randrange(100)}",
        p.latin_last,
    )[style]
    return "@" + handle


def birthday(rng: random.Random, today: dt.date) -> dt.date:
    """A working-age birthday: 20 to 65 years before `today`."""
    return today - dt.timedelta(days=rng.randrange(20 * 365, 65 * 365))
