"""Identifiers and contact values, normalised for comparison: phones (E.164), e-mails,
INN, KPP, OGRN, websites, postcodes, addresses and birthdays. Never raises on any text."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from typing import Any

from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn

from accord.directory import identifiers
from accord.directory.similarity.names import MAX_TEXT, QUOTES_AND_PUNCT, fold, words_of

_NOT_DIGIT = re.compile(r"\D")
_E164 = re.compile(r"^\+\d{8,15}$")
_POSTCODE = re.compile(r"(?<!\d)([1-6]\d{5})(?!\d)")
_ADDRESS_WORDS = words_of(
    "г гор город ул улица д дом корп корпус к стр строение офис оф кв квартира пом помещение "
    "обл область р н район пр т пр кт просп проспект пер переулок ш шоссе наб набережная б р "
    "бульвар пл площадь мкр микрорайон пос поселок п с село дер деревня тер россия рф респ "
    "республика край ао литер лит эт этаж"
)
_GMAIL = frozenset({"gmail.com", "googlemail.com"})
# Mail services for everyone: their domain says nothing about whose company it is.
PUBLIC_MAIL = words_of(
    "mail.ru bk.ru list.ru inbox.ru internet.ru yandex.ru gmail.com rambler.ru ro.ru lenta.ru "
    "autorambler.ru myrambler.ru icloud.com me.com outlook.com hotmail.com live.com yahoo.com "
    "mail.com aol.com proton.me protonmail.com qip.ru pochta.ru narod.ru ngs.ru e1.ru ukr.net "
    "tut.by zoho.com gmx.com gmx.de"
)
_YANDEX = frozenset({"ya.ru", "yandex.ru", "yandex.com", "yandex.by", "yandex.kz", "yandex.ua"})
# Mailboxes that many companies have: the same local part at another domain says nothing.
ROLE_MAILBOXES = words_of(
    "info office mail sales zakaz order orders admin support buh buhgalteria director secretary "
    "reception contact contacts hello manager post priemnaya shop market snab"
)


def digits(value: Any) -> str:
    return _NOT_DIGIT.sub("", str(value or "")[:MAX_TEXT])


def normalize_inn(value: Any) -> str:
    """The INN's digits when there are 10 or 12 of them, else ""."""
    number = digits(value)
    return number if len(number) in (10, 12) else ""


@functools.lru_cache(maxsize=10_000)
def inn_is_valid(inn: str) -> bool:
    """Whether the INN's check digits are right (asked only when two INNs differ)."""
    return bool(inn) and stdnum_inn.is_valid(inn)


@functools.lru_cache(maxsize=10_000)
def ogrn_is_valid(ogrn: str) -> bool:
    return bool(ogrn) and stdnum_ogrn.is_valid(ogrn)


def normalize_ogrn(value: Any) -> str:
    number = digits(value)
    return number if len(number) in (13, 15) else ""


def normalize_kpp(value: Any) -> str:
    kpp = re.sub(r"\s", "", str(value or "")[:MAX_TEXT]).upper()
    return kpp if len(kpp) == 9 else ""


def normalize_phone(value: Any, *, region: str = "RU") -> str:
    """E.164 (`+79161234567`) however it was typed, or "" when it is not a phone number."""
    text = str(value or "")[:MAX_TEXT].strip()
    if not text:
        return ""
    if _E164.match(text):
        return text
    phone = identifiers.try_phone(text, region=region)
    if phone:
        return phone
    number = digits(text)  # a number that phonenumbers doubts: keep it comparable anyway
    if len(number) == 11 and number[0] in "78" and region == "RU":
        return "+7" + number[1:]
    return "+" + number if len(number) >= 10 else ""


def normalize_phones(values: Iterable[Any], *, region: str = "RU") -> tuple[str, ...]:
    found: list[str] = []
    for value in values:
        for part in re.split(r"[,;/]|\s{2,}", str(value or "")[:MAX_TEXT]):
            phone = normalize_phone(part, region=region)
            if phone and phone not in found:
                found.append(phone)
    return tuple(found)


def normalize_email(value: Any) -> str:
    """Lower case, no `+tag`; Gmail without dots, Yandex's domains as one. "" if no e-mail."""
    email = re.sub(r"\s", "", str(value or "")[:MAX_TEXT]).lower().strip(".,;<>")
    local, at, domain = email.rpartition("@")
    if not at or not local or "." not in domain:
        return ""
    local = local.split("+", 1)[0] or local
    if domain in _GMAIL:
        local, domain = local.replace(".", ""), "gmail.com"
    elif domain in _YANDEX:
        local, domain = local.replace("-", "."), "yandex.ru"
    return f"{local}@{domain}"


def normalize_emails(values: Iterable[Any]) -> tuple[str, ...]:
    found: list[str] = []
    for value in values:
        for part in re.split(r"[,;\s]+", str(value or "")[:MAX_TEXT]):
            email = normalize_email(part)
            if email and email not in found:
                found.append(email)
    return tuple(found)


def normalize_website(value: Any) -> str:
    """`https://www.Vektor.ru/about` -> `vektor.ru`."""
    text = str(value or "")[:MAX_TEXT].strip().lower()
    text = re.sub(r"^[a-z]+://", "", text).split("/", 1)[0].split("?", 1)[0]
    text = text.removeprefix("www.")
    return text if "." in text and " " not in text else ""


def postcode_of(address: Any) -> str:
    """The six-digit Russian postcode in an address, or ""."""
    match = _POSTCODE.search(str(address or "")[:MAX_TEXT])
    return match.group(1) if match else ""


def normalize_address(address: Any) -> str:
    """The address's meaningful words, sorted: no postcode, no `г.`, `ул.`, `д.` and such."""
    folded = QUOTES_AND_PUNCT.sub(" ", fold(address))
    words = [w for w in folded.split() if w not in _ADDRESS_WORDS and not _POSTCODE.fullmatch(w)]
    return " ".join(sorted(words))


def normalize_birthday(value: Any) -> dt.date | None:
    """A date from a date, `YYYY-MM-DD` or `DD.MM.YYYY`; None when it is not one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()[:40]
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None
