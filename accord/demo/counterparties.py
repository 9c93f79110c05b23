"""Counterparty rows for demo data: companies, sole traders and private persons, each with
contact persons, contact details, bank accounts and tags, built in memory one batch at a time.

Everything comes from one `random.Random` consumed in a fixed order, so a seed gives the
same rows whatever the batch size. Values are stored as the directory services would store
them: INN/KPP/OGRN valid, phones in E.164, e-mails in lower case, `name_key` from
`accord.directory.identifiers.name_key`, custom values in the form `clean_custom` gives.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from accord.demo import companies, people
from accord.demo import requisites as req
from accord.demo.classifiers import Classifiers
from accord.demo.contacts import ContactMaker, PersonRows
from accord.demo.places import CITIES, City
from accord.demo.vocabulary import SOLE_TRADER
from accord.directory.identifiers import name_key
from accord.directory.models import BankAccount, Counterparty

_KINDS = ("legal_entity", "sole_trader", "person")
_KIND_CUM = (70, 90, 100)
_HISTORY_DAYS = 5 * 365


@dataclass
class Batch:
    """Rows of one batch; children point at their parent objects until those get ids."""

    counterparties: list[Counterparty] = field(default_factory=list)
    tag_links: list[tuple[Counterparty, int]] = field(default_factory=list)
    bank_accounts: list[tuple[Counterparty, BankAccount]] = field(default_factory=list)
    persons: list[PersonRows] = field(default_factory=list)


@dataclass(frozen=True)
class Identity:
    """What the kind-specific part of generation decides about one counterparty."""

    fields: dict[str, object]
    place: City
    domain: str = ""  # the company's mail domain; people use public mail services
    industry_hint: str = ""
    owner: people.Person | None = None  # the sole trader or the private person
    large: bool = False  # a joint-stock or state company


class CounterpartyMaker:
    def __init__(
        self,
        *,
        rng: random.Random,
        seed: int,
        today: dt.date,
        classifiers: Classifiers,
        managers: Sequence[int],
        manager_weights: Sequence[float],
    ) -> None:
        self.rng, self.today, self.classifiers = rng, today, classifiers
        self.managers = tuple(managers)
        self.manager_cum = tuple(itertools.accumulate(manager_weights))
        self.inn10 = req.SerialPool(seed=seed, salt="inn10", width=5)
        self.inn12 = req.SerialPool(seed=seed, salt="inn12", width=6)
        self.contacts = ContactMaker(rng=rng, today=today)

    def batch(self, size: int) -> Batch:
        batch = Batch()
        for _ in range(size):
            self._one(batch)
        return batch

    def _one(self, batch: Batch) -> None:
        rng = self.rng
        kind = rng.choices(_KINDS, cum_weights=_KIND_CUM)[0]
        if kind == "legal_entity":
            identity = self._legal_entity()
        elif kind == "sole_trader":
            identity = self._sole_trader()
        else:
            identity = self._person()
        responsible = rng.choices(self.managers, cum_weights=self.manager_cum)[0]
        created = self._created_at()
        cp = Counterparty(
            kind=kind,
            **identity.fields,
            responsible_id=responsible,
            created_by_id=responsible,
            updated_by_id=responsible,
            created_at=created,
            updated_at=self._updated_at(created),
            **self.classifiers.classify(
                rng, kind, identity.industry_hint, created.date(), large=identity.large
            ),
        )
        cp.name_key = name_key(cp.name)
        batch.counterparties.append(cp)
        batch.tag_links.extend((cp, tag) for tag in self.classifiers.tags_for(rng))
        self._bank_accounts(batch, cp, identity.place)
        batch.persons.extend(
            self.contacts.for_counterparty(
                cp, identity.place, domain=identity.domain, owner=identity.owner
            )
        )

    def _office_serial(self, pool: req.SerialPool, place: City) -> tuple[City, str, str]:
        """A tax office of `place` and an unused serial there; other cities once it is full."""
        offices = place.tax_offices
        first = self.rng.randrange(len(offices))
        here = ((place, offices[(first + k) % len(offices)]) for k in range(len(offices)))
        anywhere = ((c, office) for c in CITIES for office in c.tax_offices)
        for candidate, office in itertools.chain(here, anywhere):
            serial = pool.take(office)
            if serial is not None:
                return candidate, office, serial
        raise RuntimeError("Every tax office has run out of serial numbers.")

    def _legal_entity(self) -> Identity:
        rng = self.rng
        short, full = companies.legal_form(rng)
        core, hint = companies.core_name(rng)
        place, office, serial = self._office_serial(self.inn10, companies.city(rng))
        inn = req.company_inn(office, serial)
        domain = companies.domain_for(core, rng)
        legal = companies.address(place, rng)
        fields: dict[str, object] = {
            "name": f"{short} «{core}»",
            "full_name": f"{full} «{core}»",
            "inn": inn,
            "kpp": req.kpp_for(inn),
            "ogrn": req.ogrn_for(inn, self._registration_year(), rng),
            "legal_address": legal,
            "actual_address": legal if rng.random() < 0.7 else companies.address(place, rng),
            "phone": req.landline_phone(rng.choice(place.area_codes), rng)
            if rng.random() < 0.85
            else "",
            "email": f"info@{domain}" if rng.random() < 0.6 else "",
            "website": domain if rng.random() < 0.6 else "",
        }
        large = short in ("ПАО", "АО", "ГУП")
        return Identity(fields, place, domain=domain, industry_hint=hint, large=large)

    def _sole_trader(self) -> Identity:
        rng = self.rng
        owner = people.person(rng, male_percent=60)
        place, office, serial = self._office_serial(self.inn12, companies.city(rng))
        inn = req.personal_inn(office, serial)
        fields: dict[str, object] = {
            "name": f"{SOLE_TRADER[0]} {owner.initials_name}",
            "full_name": f"{SOLE_TRADER[1]} {owner.full_name}",
            "inn": inn,
            "ogrn": req.ogrnip_for(inn, self._registration_year(), rng),
            "legal_address": companies.address(place, rng, home=True),
            "actual_address": companies.address(place, rng) if rng.random() < 0.5 else "",
            "phone": req.mobile_phone(rng) if rng.random() < 0.9 else "",
            "email": people.personal_email(owner, rng) if rng.random() < 0.5 else "",
        }
        return Identity(fields, place, owner=owner)

    def _person(self) -> Identity:
        rng = self.rng
        owner = people.person(rng)
        place, office, serial = self._office_serial(self.inn12, companies.city(rng))
        has_inn = rng.random() < 0.4
        fields: dict[str, object] = {
            "name": owner.full_name,
            "full_name": owner.full_name,
            "inn": req.personal_inn(office, serial) if has_inn else "",
            "legal_address": companies.address(place, rng, home=True) if rng.random() < 0.5 else "",
            "phone": req.mobile_phone(rng),
            "email": people.personal_email(owner, rng) if rng.random() < 0.5 else "",
        }
        return Identity(fields, place, owner=owner)

    def _bank_accounts(self, batch: Batch, cp: Counterparty, place: City) -> None:
        rng = self.rng
        share = {"legal_entity": 0.9, "sole_trader": 0.7, "person": 0.1}[cp.kind]
        count = 0 if rng.random() >= share else (2 if rng.random() < 0.12 else 1)
        balance = {"legal_entity": "40702", "sole_trader": "40802", "person": "40817"}[cp.kind]
        for _ in range(count):
            bank = companies.bank(place, rng)
            account = BankAccount(
                bic=bank.bic,
                bank_name=bank.name,
                account=req.settlement_account(bank.bic, balance, rng.choice(bank.branches), rng),
                correspondent_account=req.correspondent_account(bank.bic),
            )
            batch.bank_accounts.append((cp, account))

    def _registration_year(self) -> int:
        return self.rng.randint(2003, self.today.year - 1)

    def _created_at(self) -> dt.datetime:
        """Before today, within five years, more of them recent; in Moscow working hours."""
        days_ago = 1 + int(_HISTORY_DAYS * self.rng.random() ** 1.6)
        day = self.today - dt.timedelta(days=days_ago)
        start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
        return start + dt.timedelta(seconds=self.rng.randrange(6 * 3600, 15 * 3600))  # 09-18 MSK

    def _updated_at(self, created: dt.datetime) -> dt.datetime:
        """Half of the rows changed since, up to the start of `today` (never in the future)."""
        if self.rng.random() < 0.5:
            return created
        end = dt.datetime(self.today.year, self.today.month, self.today.day, tzinfo=dt.UTC)
        span = max(int((end - created).total_seconds()), 0)
        return created + dt.timedelta(seconds=self.rng.randrange(span + 1))
