"""Records and their scoring: a `Record` of plain values is `prepare`d once (every value
normalised), put in blocks by `blocking_keys`, and compared with `score_prepared`."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz

from accord.directory.similarity.names import NameForm, form_similarity, name_tokens
from accord.directory.similarity.values import (
    PUBLIC_MAIL,
    ROLE_MAILBOXES,
    inn_is_valid,
    normalize_address,
    normalize_birthday,
    normalize_emails,
    normalize_inn,
    normalize_kpp,
    normalize_ogrn,
    normalize_phones,
    normalize_website,
    ogrn_is_valid,
    postcode_of,
)

COMPANY = "company"
PERSON = "person"


@dataclass(frozen=True)
class Record:
    """A company or a person as plain values, from any source (a row, a form, a file)."""

    kind: str  # COMPANY or PERSON
    id: int = 0
    name: str = ""
    inn: str = ""
    kpp: str = ""
    ogrn: str = ""
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    address: str = ""
    postcode: str = ""
    birthday: dt.date | str | None = None
    website: str = ""
    subkind: str = ""  # legal_entity, sole_trader, person (counterparties)
    group: int | None = None  # a contact person's counterparty


@dataclass(slots=True)
class Prepared:
    """A `Record` with every value normalised once, ready to be compared many times."""

    id: int
    kind: str
    subkind: str
    name: NameForm
    inn: str
    kpp: str
    ogrn: str
    phones: tuple[str, ...]
    emails: tuple[str, ...]
    domains: tuple[str, ...]  # a company's website and the domains of its own mail
    address: str
    postcode: str
    birthday: dt.date | None
    group: int | None
    personal: bool  # the name is a person's: a contact, a sole trader, a private person
    locals: tuple[str, ...] = field(default=())
    # How many records of the whole set bear this very name (set by a scan): a name that
    # thousands of companies share says less when it matches.
    namesakes: int = 1


def prepare(record: Record, *, region: str = "RU") -> Prepared:
    emails = normalize_emails(record.emails)
    domains: list[str] = []
    if record.kind == COMPANY:
        site = normalize_website(record.website)
        domains = [site] if site else []
        for email in emails:
            domain = email.rpartition("@")[2]
            if domain not in PUBLIC_MAIL and domain not in domains:
                domains.append(domain)
    return Prepared(
        id=record.id,
        kind=record.kind,
        subkind=record.subkind,
        name=NameForm.of(name_tokens(record.name)),
        inn=normalize_inn(record.inn),
        kpp=normalize_kpp(record.kpp),
        ogrn=normalize_ogrn(record.ogrn),
        phones=normalize_phones(record.phones, region=region),
        emails=emails,
        domains=tuple(domains),
        address=normalize_address(record.address),
        postcode=postcode_of(record.postcode) or postcode_of(record.address),
        birthday=normalize_birthday(record.birthday),
        group=record.group,
        personal=record.kind == PERSON or record.subkind in ("sole_trader", "person"),
        locals=tuple(
            e.split("@", 1)[0] for e in emails if e.split("@", 1)[0] not in ROLE_MAILBOXES
        ),
    )


def blocking_keys(p: Prepared) -> list[str]:
    """The keys under which `p` is compared with other records (`accord.dedup.scan`).

    Identifiers block exactly; a name blocks by the first four letters of each word's
    skeleton, so a typo later in a word, another word order or another script still meet.
    """
    keys = [f"i{p.inn}"] if p.inn else []
    if p.ogrn:
        keys.append(f"o{p.ogrn}")
    keys += [f"p{phone}" for phone in p.phones]
    keys += [f"e{email}" for email in p.emails]
    keys += [f"w{domain}" for domain in p.domains]
    if p.birthday is not None:
        keys.append(f"b{p.birthday.isoformat()}")
    keys += list(
        {
            f"n{t[:4]}"
            for t in p.name.tokens
            if len(t) >= 3 and not (p.personal and t.endswith(_PATRONYMIC_ENDS))
        }
    )
    if p.postcode:
        keys.append(f"z{p.postcode}")
    if p.group is not None:
        keys.append(f"g{p.group}")  # the people of one client are few: compare them all
    return keys


# A patronymic (in skeleton spelling) blocks nothing: thousands of people share each one.
_PATRONYMIC_ENDS = ("vich", "vna", "ichna")

# --------------------------------------------------------------------------- scoring

PRIOR = -4.0  # log-odds that two records that share a block are one: most are not
THRESHOLD = 0.5  # `accord.dedup.scan` keeps pairs scored above it

# (least name similarity, log-odds it adds); the first row that fits applies.
_NAME_WEIGHTS = ((0.98, 4.5), (0.93, 3.5), (0.88, 2.5), (0.82, 1.0), (0.75, -0.5), (0.6, -2.5))
_NAME_UNLIKE = -5.0

REASON_LABELS: dict[str, Any] = {
    "same_inn": _("same INN"),
    "same_inn_kpp": _("same INN and KPP"),
    "different_inn": _("different INN"),
    "different_kpp": _("same INN, different KPP (a branch?)"),
    "same_ogrn": _("same OGRN"),
    "different_ogrn": _("different OGRN"),
    "same_phone": _("same phone"),
    "same_email": _("same e-mail"),
    "same_mailbox": _("same mailbox at another domain"),
    "same_domain": _("same website or mail domain"),
    "full_name": _("full name with patronymic"),
    "same_birthday": _("same birthday"),
    "different_birthday": _("different birthday"),
    "same_postcode": _("same postcode"),
    "similar_address": _("similar address"),
    "same_counterparty": _("same counterparty"),
    "different_kind": _("different kind"),
    "different_name": _("different name"),
}
# Reasons that rest on a phone or an e-mail: a VIP record's pair must not tell them to a
# user who may not see VIP contact details (`accord.directory.masking`).
CONTACT_REASONS = frozenset({"same_phone", "same_email", "same_mailbox"})


def reason_label(code: str) -> str:
    """A reason as people read it: `name:93` -> "similar name (93%)"."""
    if code.startswith("name:"):
        return gettext("similar name (%(score)s%%)") % {"score": code[5:]}
    label = REASON_LABELS.get(code)
    return str(label) if label is not None else code


def score_pair(a: Record, b: Record) -> tuple[float, list[str]]:
    """How likely `a` and `b` are one company or one person (0..1), and why."""
    return score_prepared(prepare(a), prepare(b))


# The most that addresses, birthdays and the counterparty can still add after the rest.
_MOST_LATER = 8.5


def score_prepared(
    a: Prepared, b: Prepared, *, cutoff: float | None = None
) -> tuple[float, list[str]]:
    """`score_pair` of prepared records. With `cutoff`, a pair that can no longer score
    above it is answered (0.0, reasons so far) without the rest of the comparison."""
    reasons: list[str] = []
    odds = PRIOR + _identity(a, b, reasons) + _contacts(a, b, reasons) + _name(a, b, reasons)
    if cutoff is not None and odds + _MOST_LATER <= math.log(cutoff / (1.0 - cutoff)):
        return 0.0, reasons
    odds += _place(a, b, reasons)
    if a.kind == PERSON:
        odds += _person(a, b, reasons)
    elif a.subkind and b.subkind and a.subkind != b.subkind:
        odds -= 2.0
        reasons.append("different_kind")
    return 1.0 / (1.0 + math.exp(-odds)), reasons


def _identity(a: Prepared, b: Prepared, reasons: list[str]) -> float:
    odds = 0.0
    if a.inn and b.inn:
        if a.inn == b.inn:
            if a.kpp and b.kpp and a.kpp != b.kpp:
                odds += 3.0  # one company, but 1C keeps each branch (KPP) apart
                reasons.append("different_kpp")
            elif a.kpp and a.kpp == b.kpp:
                odds += 12.0  # the identity of a company in 1C: a renamed one is still it
                reasons.append("same_inn_kpp")
            else:
                odds += 9.0
                reasons.append("same_inn")
        elif inn_is_valid(a.inn) and inn_is_valid(b.inn):
            odds -= 9.0
            reasons.append("different_inn")
        else:
            odds -= 1.0  # a mistyped INN: weak evidence either way
    if a.ogrn and b.ogrn:
        if a.ogrn == b.ogrn:
            odds += 8.0 if "same_inn" not in reasons else 1.0
            reasons.append("same_ogrn")
        elif ogrn_is_valid(a.ogrn) and ogrn_is_valid(b.ogrn):
            odds -= 6.0
            reasons.append("different_ogrn")
    return odds


def _contacts(a: Prepared, b: Prepared, reasons: list[str]) -> float:
    odds = 0.0
    if a.phones and b.phones:
        if any(p in b.phones for p in a.phones):
            odds += 4.0 if a.kind == PERSON else 5.0  # colleagues share an office line
            reasons.append("same_phone")
        else:
            odds -= 0.5
    if a.emails and b.emails:
        if any(e in b.emails for e in a.emails):
            odds += 6.0
            reasons.append("same_email")
        elif any(len(x) >= 5 and x in b.locals for x in a.locals):
            odds += 1.5
            reasons.append("same_mailbox")
        else:
            odds -= 0.5
    if a.domains and b.domains:
        if any(d in b.domains for d in a.domains):
            odds += 4.0
            reasons.append("same_domain")
        else:
            odds -= 1.5  # a company keeps one website
    return odds


def _name(a: Prepared, b: Prepared, reasons: list[str]) -> float:
    if not a.name.joined or not b.name.joined:
        return 0.0
    personal = a.personal and b.personal
    similarity = form_similarity(a.name, b.name, personal)
    for least, weight in _NAME_WEIGHTS:
        if similarity >= least:
            if weight > 0:
                reasons.append(f"name:{round(similarity * 100)}")
            if personal and similarity >= 0.98 and min(len(a.name.tokens), len(b.name.tokens)) >= 3:
                reasons.append("full_name")  # surname, name and patronymic: rarely shared
                weight += 1.0
            common = min(a.namesakes, b.namesakes)
            if similarity >= 0.98 and common > 2:
                weight -= 0.6 * math.log(common / 2)
            return weight
    reasons.append("different_name")
    return _NAME_UNLIKE


def _place(a: Prepared, b: Prepared, reasons: list[str]) -> float:
    odds = 0.0
    if a.postcode and b.postcode:
        if a.postcode == b.postcode:
            odds += 1.0
            reasons.append("same_postcode")
        else:
            odds -= 1.5
    if a.address and b.address:
        similarity = fuzz.token_set_ratio(a.address, b.address)
        if similarity >= 90:
            odds += 2.0
            reasons.append("similar_address")
        elif similarity >= 75:
            odds += 1.0
        elif similarity < 50:
            odds -= 1.0
    return odds


def _person(a: Prepared, b: Prepared, reasons: list[str]) -> float:
    odds = 0.0
    if a.birthday is not None and b.birthday is not None:
        x, y = a.birthday, b.birthday
        if x == y:
            odds += 4.0
            reasons.append("same_birthday")
        elif (x.year, x.month, x.day) != (y.year, y.day, y.month):  # day and month swapped
            odds -= 6.0
            reasons.append("different_birthday")
    if a.group is not None and b.group is not None:
        if a.group == b.group:
            odds += 1.5
            reasons.append("same_counterparty")
        else:
            odds -= 1.5
    return odds
