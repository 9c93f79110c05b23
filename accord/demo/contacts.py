"""Contact persons of demo counterparties, with their phones, e-mails and messengers.

A company gets one to four people, the first of them someone who decides (a director); the
gender of each person follows what is usual for the position. A sole trader or a private
person is their own first contact, with the counterparty's phone and e-mail.
"""

from __future__ import annotations

import datetime as dt
import random

from accord.demo import people
from accord.demo import requisites as req
from accord.demo.classifiers import contact_custom
from accord.demo.places import City
from accord.demo.vocabulary import DIRECTOR_POSITIONS, MESSENGERS, POSITIONS
from accord.directory.identifiers import name_key
from accord.directory.models import ContactDetail, ContactPerson, Counterparty

_COUNT_CUM = (30, 65, 85, 100)  # 1, 2, 3 or 4 people at a company
_MESSENGER_NAMES = tuple(m for m, _w in MESSENGERS)
_MESSENGER_CUM = tuple(sum(w for _m, w in MESSENGERS[: i + 1]) for i in range(len(MESSENGERS)))

PersonRows = tuple[Counterparty, ContactPerson, list[ContactDetail]]


class ContactMaker:
    def __init__(self, *, rng: random.Random, today: dt.date) -> None:
        self.rng, self.today = rng, today

    def for_counterparty(
        self, cp: Counterparty, place: City, *, domain: str, owner: people.Person | None
    ) -> list[PersonRows]:
        rng = self.rng
        if owner is not None:
            rows = [self._owner(cp, owner)]
            if cp.kind == "sole_trader" and rng.random() < 0.3:
                rows.append(self._employee(cp, place, domain, decides=False))
            return rows
        count = rng.choices((1, 2, 3, 4), cum_weights=_COUNT_CUM)[0]
        return [self._employee(cp, place, domain, decides=i == 0) for i in range(count)]

    def _position(self, decides: bool) -> tuple[str, str, int]:
        rng = self.rng
        if decides:
            return (
                POSITIONS[0] if rng.random() < 0.65 else rng.choice(POSITIONS[1:DIRECTOR_POSITIONS])
            )
        return rng.choice(POSITIONS[DIRECTOR_POSITIONS:])

    def _employee(self, cp: Counterparty, place: City, domain: str, *, decides: bool) -> PersonRows:
        rng = self.rng
        position, role, male_percent = self._position(decides)
        who = people.person(rng, male_percent=male_percent)
        phones = [req.mobile_phone(rng)] if rng.random() < 0.95 else []
        if rng.random() < 0.2:
            phones.append(req.landline_phone(rng.choice(place.area_codes), rng))
        if domain and rng.random() < 0.75:
            emails = [people.work_email(who, domain, rng)]
        else:
            emails = [people.personal_email(who, rng)] if rng.random() < 0.2 else []
        person = self._person(cp, who.full_name, position, role, birthday_share=0.55)
        return cp, person, self._details(who, phones, emails)

    def _owner(self, cp: Counterparty, owner: people.Person) -> PersonRows:
        phones = [cp.phone] if cp.phone else [req.mobile_phone(self.rng)]
        emails = [cp.email] if cp.email else []
        trader = cp.kind == "sole_trader"
        position = "Индивидуальный предприниматель" if trader else ""
        person = self._person(
            cp, owner.full_name, position, "ЛПР" if trader else "", birthday_share=0.7
        )
        return cp, person, self._details(owner, phones, emails)

    def _person(
        self, cp: Counterparty, name: str, position: str, role: str, *, birthday_share: float
    ) -> ContactPerson:
        rng = self.rng
        return ContactPerson(
            name=name,
            name_key=name_key(name),
            position=position,
            role=role,
            birthday=people.birthday(rng, self.today) if rng.random() < birthday_share else None,
            is_vip=rng.random() < 0.02,
            custom=contact_custom(rng),
            created_at=cp.created_at,
            updated_at=cp.created_at,
            created_by_id=cp.created_by_id,
            updated_by_id=cp.created_by_id,
        )

    def _details(
        self, who: people.Person, phones: list[str], emails: list[str]
    ) -> list[ContactDetail]:
        rng = self.rng
        details = [ContactDetail(kind="phone", value=p) for p in phones]
        details += [ContactDetail(kind="email", value=e) for e in emails]
        if rng.random() < 0.3:
            service = rng.choices(_MESSENGER_NAMES, cum_weights=_MESSENGER_CUM)[0]
            if service == "Telegram":
                value = people.telegram_handle(who, rng)
            else:
                value = phones[0] if phones else req.mobile_phone(rng)
            details.append(ContactDetail(kind="messenger", value=value, service=service))
        return details
