"""Companies and people with known duplicates, for measuring the duplicate scan.

Deterministic for a seed. Each entity (a company, a sole trader, a private person, or a
contact person of a company) becomes one row, and about one in eight gets one or two more
rows that are the same entity entered again the way people do it: a typo in the name,
another legal-form spelling (`ООО «Вектор»`, `Вектор ООО`, `Общество с ограниченной
ответственностью "Вектор"`), the name in Latin letters, first name and surname swapped or
a patronymic left out, a value missing, another phone format, an e-mail in capitals, the
address written out differently. Entities are built from the demo's vocabulary, so many
distinct companies share a name (as thousands of real "ООО Вектор" do) and distinct people
share a name and surname: the scan has to tell those apart by their other values.

Pure Python: `accord.bench.dedup` writes the rows and knows which rows are one entity.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from accord.demo import companies, people
from accord.demo.requisites import (
    SerialPool,
    company_inn,
    kpp_for,
    landline_phone,
    mobile_phone,
    personal_inn,
)
from accord.demo.vocabulary import LEGAL_FORMS, SOLE_TRADER
from accord.directory.similarity import to_latin

TODAY = dt.date(2026, 1, 1)
COMPANY_SHARE = 0.6  # of the rows; the rest are contact persons
DUPLICATED = 0.12  # share of entities entered more than once
TRIPLED = 0.2  # of those, share entered three times


@dataclass
class CompanyRow:
    entity: int
    kind: str  # legal_entity, sole_trader, person
    name: str
    inn: str = ""
    kpp: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    website: str = ""


@dataclass
class PersonRow:
    entity: int
    company: int  # index of the CompanyRow the person is a contact of
    name: str
    birthday: dt.date | None = None
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)


@dataclass
class Dataset:
    companies: list[CompanyRow]
    persons: list[PersonRow]


# --------------------------------------------------------------------------- entering noise

_LATIN_FORMS = {"ООО": "OOO", "АО": "AO", "ПАО": "PAO", "ЗАО": "ZAO", "ИП": "IP"}
_CYRILLIC = "абвгдежзиклмнопрстуфхцчшэюя"


def typo(text: str, rng: random.Random) -> str:
    """One slip of the keyboard: a letter dropped, doubled, swapped or replaced."""
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 4:
        return text
    i = rng.choice(letters[1:])  # the first letter is rarely the mistyped one
    how = rng.randrange(4)
    if how == 0:
        return text[:i] + text[i + 1 :]
    if how == 1:
        return text[:i] + text[i] + text[i:]
    if how == 2 and i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    replacement = rng.choice(_CYRILLIC if "а" <= text[i].lower() <= "я" else "aeiostrn")
    return text[:i] + (replacement.upper() if text[i].isupper() else replacement) + text[i + 1 :]


def latin(text: str) -> str:
    """A Russian name as people spell it in Latin: `Иванов Пётр` -> `Ivanov Petr`."""
    return " ".join(w[:1].upper() + w[1:] for w in to_latin(text).split())


def phone_format(e164: str, rng: random.Random) -> str:
    """The same number as people type it."""
    n = e164[2:]
    return rng.choice(
        (
            f"8 ({n[:3]}) {n[3:6]}-{n[6:8]}-{n[8:]}",
            f"+7 {n[:3]} {n[3:6]} {n[6:8]} {n[8:]}",
            f"8{n}",
            f"7{n}",
            f"8-{n[:3]}-{n[3:6]}-{n[6:8]}-{n[8:]}",
            f"+7({n[:3]}){n[3:]}",
        )
    )


def email_case(email: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return email.upper()
    local, _at, domain = email.partition("@")
    return f"{local.capitalize()}@{domain.upper()}"


def address_variant(address: str, rng: random.Random) -> str:
    """The same address written out another way: words for abbreviations, no postcode, no
    office, or another order of the parts."""
    variant = address
    if rng.random() < 0.5:
        for short, full in (("ул.", "улица"), ("д.", "дом"), ("г.", "город"), ("обл.", "область"),
                            ("пр-т", "проспект"), ("стр.", "строение")):  # fmt: skip
            variant = variant.replace(f"{short} ", f"{full} ")
    if rng.random() < 0.4 and variant[:6].isdigit():
        variant = variant[8:]  # no postcode
    if rng.random() < 0.4 and ", офис" in variant:
        variant = variant.split(", офис")[0]
    return variant


# --------------------------------------------------------------------------- companies


class _Companies:
    def __init__(self, rng: random.Random, seed: int, taken: set[str]) -> None:
        self.rng = rng
        self.taken = taken
        self.inns = SerialPool(seed=seed, salt="dedup-inn", width=5)
        self.person_inns = SerialPool(seed=seed, salt="dedup-person-inn", width=6)
        self.domains: set[str] = set()

    def domain(self, core: str) -> str:
        domain = companies.domain_for(core, self.rng)
        while domain in self.domains:
            head, dot, zone = domain.rpartition(".")
            domain = f"{head}{self.rng.randrange(10, 99)}{dot}{zone}"
        self.domains.add(domain)
        return domain

    def email(self, who: people.Person) -> str:
        return _unique(people.personal_email(who, self.rng), self.taken, self.rng)

    def make(self, entity: int) -> tuple[CompanyRow, str, str]:
        """A new company row, with its core name and legal form (for later variants)."""
        rng = self.rng
        place = companies.city(rng)
        office = rng.choice(place.tax_offices)
        roll = rng.random()
        if roll < 0.85:
            core, _industry = companies.core_name(rng)
            short, _full = companies.legal_form(rng)
            inn = company_inn(office, self.inns.take(office) or "00000")
            domain = self.domain(core)
            row = CompanyRow(
                entity=entity, kind="legal_entity", name=f"{short} «{core}»", inn=inn,
                kpp=kpp_for(inn), phone=mobile_phone(rng) if rng.random() < 0.5 else
                landline_phone(rng.choice(place.area_codes), rng),
                email=f"{rng.choice(('info', 'office', 'sales', 'zakaz'))}@{domain}",
                address=companies.address(place, rng), website=domain,
            )  # fmt: skip
            return row, core, short
        who = people.person(rng)
        core = who.full_name
        if roll < 0.95:
            inn = personal_inn(office, self.person_inns.take(office) or "000000")
            row = CompanyRow(
                entity=entity, kind="sole_trader", name=f"{SOLE_TRADER[0]} {core}", inn=inn,
                phone=mobile_phone(rng), email=self.email(who),
                address=companies.address(place, rng, home=True),
            )  # fmt: skip
            return row, core, SOLE_TRADER[0]
        row = CompanyRow(
            entity=entity, kind="person", name=core, phone=mobile_phone(rng),
            email=self.email(who), address=companies.address(place, rng, home=True),
        )  # fmt: skip
        return row, core, ""

    def original(self, row: CompanyRow) -> CompanyRow:
        """Real data has gaps too: some values of the first entry are left empty."""
        rng = self.rng
        gaps = {"inn": 0.08, "kpp": 0.1, "phone": 0.08, "email": 0.15, "address": 0.1,
                "website": 0.3}  # fmt: skip
        first = replace(row)
        for name, share in gaps.items():
            if rng.random() < share:
                setattr(first, name, "")
        if not first.inn:
            first.kpp = ""
        return first

    def duplicate(self, row: CompanyRow, core: str, short: str) -> CompanyRow:
        rng = self.rng
        dup = replace(row)
        changes: list[Callable[[CompanyRow], CompanyRow]] = [
            lambda r: replace(r, name=self.name_variant(r, core, short)),
            lambda r: replace(r, name=typo(r.name, rng)),
            lambda r: replace(r, phone=phone_format(r.phone, rng) if r.phone else ""),
            lambda r: replace(r, email=email_case(r.email, rng) if r.email else ""),
            lambda r: replace(r, address=address_variant(r.address, rng)),
            lambda r: replace(r, website=f"https://www.{r.website}/" if r.website else ""),
        ]
        missing: list[Callable[[CompanyRow], CompanyRow]] = [
            lambda r: replace(r, inn="", kpp=""),
            lambda r: replace(r, kpp=""),
            lambda r: replace(r, phone=""),
            lambda r: replace(r, email=""),
            lambda r: replace(r, address=""),
            lambda r: replace(r, website=""),
        ]
        for change in rng.sample(changes, rng.randint(1, 3)):
            dup = change(dup)
        for change in rng.sample(missing, rng.choice((0, 1, 1, 2))):
            stripped = change(dup)
            if stripped.inn or stripped.phone or stripped.email or stripped.address:
                dup = stripped  # a copy keeps something besides the name to be known by
        if rng.random() < 0.15 and dup.phone:  # a new number, the old one not entered
            dup.phone = mobile_phone(rng)
        return dup

    def name_variant(self, row: CompanyRow, core: str, short: str) -> str:
        rng = self.rng
        if row.kind != "legal_entity":
            words = core.split()
            if rng.random() < 0.5:
                words[0], words[1] = words[1], words[0]
            elif rng.random() < 0.5:
                words = [words[0], f"{words[1][0]}.{words[2][0]}."]
            else:
                words = [latin(w) for w in words]
            return " ".join(([short] if short and rng.random() < 0.7 else []) + words)
        full = next(f for s, f, _w in LEGAL_FORMS if s == short)
        return rng.choice(
            (
                f"{core} {short}",
                f'{short} "{core}"',
                f"{full} «{core}»",
                core,
                f'{_LATIN_FORMS.get(short, short)} "{latin(core)}"',
                f"{latin(core)} LLC" if short == "ООО" else f"{short} {core.upper()}",
                f"{short} {core.replace('-', ' ')}",
            )
        )


# --------------------------------------------------------------------------- persons


def _unique(email: str, taken: set[str], rng: random.Random) -> str:
    """A mailbox nobody else has: two people never share one, although their names may."""
    while email.lower() in taken:
        local, _at, domain = email.partition("@")
        email = f"{local}{rng.randrange(10)}@{domain}"
    taken.add(email.lower())
    return email


class _Persons:
    def __init__(self, rng: random.Random, taken: set[str]) -> None:
        self.rng = rng
        self.taken = taken

    def make(self, entity: int, company: int, domain: str) -> tuple[PersonRow, people.Person]:
        rng = self.rng
        who = people.person(rng)
        emails = []
        if rng.random() < 0.75:
            email = (
                people.work_email(who, domain, rng) if domain and rng.random() < 0.6
                else people.personal_email(who, rng)
            )  # fmt: skip
            emails.append(_unique(email, self.taken, rng))
        row = PersonRow(
            entity=entity, company=company, name=who.full_name,
            birthday=people.birthday(rng, TODAY) if rng.random() < 0.55 else None,
            phones=[mobile_phone(rng)] if rng.random() < 0.8 else [], emails=emails,
        )  # fmt: skip
        return row, who

    def duplicate(self, row: PersonRow, who: people.Person, companies_count: int) -> PersonRow:
        rng = self.rng
        dup = replace(row, phones=list(row.phones), emails=list(row.emails))
        changes: list[Callable[[PersonRow], PersonRow]] = [
            lambda r: replace(r, name=f"{who.first} {who.last}"),  # swapped, no patronymic
            lambda r: replace(r, name=f"{who.first} {who.middle} {who.last}"),
            lambda r: replace(r, name=f"{who.last} {who.first}"),  # no patronymic
            lambda r: replace(r, name=f"{who.last} {who.first[0]}. {who.middle[0]}."),
            lambda r: replace(r, name=typo(r.name, rng)),
            lambda r: replace(r, name=latin(f"{who.first} {who.last}")),
            lambda r: replace(r, name=r.name.replace("ё", "е").replace("Ё", "Е").upper()),
            lambda r: replace(r, phones=[phone_format(p, rng) for p in r.phones]),
            lambda r: replace(r, emails=[email_case(e, rng) for e in r.emails]),
        ]
        missing: list[Callable[[PersonRow], PersonRow]] = [
            lambda r: replace(r, birthday=None),
            lambda r: replace(r, phones=[]),
            lambda r: replace(r, emails=[]),
        ]
        for change in rng.sample(changes, rng.randint(1, 3)):
            dup = change(dup)
        for change in rng.sample(missing, rng.choice((0, 0, 1, 1, 2))):
            stripped = change(dup)
            if (
                stripped.birthday
                or stripped.phones
                or stripped.emails
                or not (dup.birthday or dup.phones or dup.emails)
            ):
                dup = stripped  # a copy keeps something besides the name to be known by
        if rng.random() < 0.12:
            dup.company = rng.randrange(companies_count)  # entered under another client
        return dup


# --------------------------------------------------------------------------- the data set


def _copies(rng: random.Random) -> int:
    if rng.random() >= DUPLICATED:
        return 1
    return 3 if rng.random() < TRIPLED else 2


def generate(records: int, seed: int = 1) -> Dataset:
    """About `records` rows (exactly, when it is at least 10): companies first, then the
    contact persons of those companies; `entity` says which rows are one."""
    rng = random.Random(f"dedup:{seed}")
    taken: set[str] = set()
    firms = _Companies(rng, seed, taken)
    company_rows: list[CompanyRow] = []
    domains: list[str] = []
    target = max(1, round(records * COMPANY_SHARE))
    entity = 0
    while len(company_rows) < target:
        entity += 1
        row, core, short = firms.make(entity)
        first = firms.original(row)
        company_rows.append(first)
        domains.append(row.website)
        for _ in range(min(_copies(rng), target - len(company_rows) + 1) - 1):
            company_rows.append(firms.duplicate(row, core, short))
            domains.append(row.website)
    order = list(range(len(company_rows)))
    rng.shuffle(order)  # row ids must not tell which rows are copies
    company_rows = [company_rows[i] for i in order]
    domains = [domains[i] for i in order]
    persons = _Persons(rng, taken)
    person_rows: list[PersonRow] = []
    while len(person_rows) < records - len(company_rows):
        entity += 1
        company = rng.randrange(len(company_rows))
        person, who = persons.make(entity, company, domains[company])
        person_rows.append(person)
        for _ in range(min(_copies(rng), records - len(company_rows) - len(person_rows) + 1) - 1):
            person_rows.append(persons.duplicate(person, who, len(company_rows)))
    rng.shuffle(person_rows)
    return Dataset(companies=company_rows, persons=person_rows)
