"""Russian business identifiers, phones and e-mails: normalize, or say what is wrong.

Each function answers the canonical form of a value or raises `ValueError` with a message
for a person. Checksums come from python-stdnum and phonenumbers; the bank account control
key (not in stdnum) follows the Bank of Russia's published rule.
"""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn

_KPP = re.compile(r"^\d{4}[\dA-Z]{2}\d{3}$")
_DIGITS = re.compile(r"\D")
_email_validator = EmailValidator()


def digits(value: str) -> str:
    return _DIGITS.sub("", value)


def _compact_digits(value: str) -> str | None:
    """The digits of a number typed with spaces or dashes; None if anything else is in it."""
    compact = re.sub(r"[\s-]", "", value)
    return compact if compact.isdigit() else None


def normalize_inn(value: str, *, kind: str) -> str:
    """A valid INN: 10 digits for a legal entity, 12 for a sole trader or a person."""
    number = _compact_digits(value)
    expected = 10 if kind == "legal_entity" else 12
    if number is None or len(number) != expected:
        raise ValueError(_("The INN must be %(n)d digits.") % {"n": expected})
    try:
        return str(stdnum_inn.validate(number))
    except stdnum_errors.ValidationError:
        raise ValueError(
            _("The INN's check digits are wrong: please re-check the number.")
        ) from None


def normalize_kpp(value: str) -> str:
    kpp = value.strip().upper()
    if not _KPP.match(kpp):
        raise ValueError(
            _("The KPP must be 9 characters: 4 digits, 2 digits or letters, 3 digits.")
        )
    return kpp


def normalize_ogrn(value: str, *, kind: str) -> str:
    """A valid OGRN (13 digits, legal entity) or OGRNIP (15 digits, sole trader)."""
    number = _compact_digits(value)
    expected = 13 if kind == "legal_entity" else 15
    if number is None or len(number) != expected:
        label = "OGRN" if expected == 13 else "OGRNIP"
        raise ValueError(_("The %(label)s must be %(n)d digits.") % {"label": label, "n": expected})
    try:
        return str(stdnum_ogrn.validate(number))
    except stdnum_errors.ValidationError:
        raise ValueError(
            _("The OGRN's check digit is wrong: please re-check the number.")
        ) from None


def normalize_bic(value: str) -> str:
    bic = value.strip()
    if not re.fullmatch(r"04\d{7}", bic):
        raise ValueError(_("A Russian BIC is 9 digits starting with 04."))
    return bic


def _key_ok(prefix: str, account: str) -> bool:
    # The Bank of Russia's control key: weights 7,1,3 repeat over the 23 digits of a
    # three-digit prefix taken from the BIC followed by the 20-digit account.
    weights = [7, 1, 3] * 8
    return sum(int(d) * w % 10 for d, w in zip(prefix + account, weights, strict=False)) % 10 == 0


def normalize_account(value: str, *, bic: str) -> str:
    """A settlement account held at the bank `bic` (its key uses the BIC's last 3 digits)."""
    account = _compact_digits(value)
    if account is None or len(account) != 20:
        raise ValueError(_("A bank account number is 20 digits."))
    if bic and not _key_ok(bic[6:9], account):
        raise ValueError(_("The account number does not match the BIC (control key)."))
    return account


def normalize_correspondent_account(value: str, *, bic: str) -> str:
    """The bank's correspondent account (its key uses "0" and BIC digits 5-6)."""
    account = _compact_digits(value)
    if account is None or len(account) != 20 or not account.startswith("301"):
        raise ValueError(_("A correspondent account is 20 digits starting with 301."))
    if bic and not _key_ok("0" + bic[4:6], account):
        raise ValueError(_("The correspondent account does not match the BIC (control key)."))
    return account


_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
_RU_FULL = re.compile(r"(?:\+7|8|7)(\d{10})")
# Whether phonenumbers accepts a Russian number depends on its first six national digits
# at most (see its metadata for RU), so one full check per six-digit range answers for all
# numbers in it: an import of 100,000 clients does not parse 100,000 phones the slow way.
_RU_RANGES: dict[str, bool] = {}


def normalize_phone(value: str, *, region: str) -> str:
    """A phone number in E.164 (`+79161234567`), however it was typed."""
    if region == "RU":
        match = _RU_FULL.fullmatch(_PHONE_SEPARATORS.sub("", value))
        if match:
            national = match.group(1)
            valid = _RU_RANGES.get(national[:6])
            if valid is None:
                try:
                    valid = _parse_phone(value, region) == "+7" + national
                except ValueError:
                    valid = False
                if len(_RU_RANGES) > 100_000:
                    _RU_RANGES.clear()
                _RU_RANGES[national[:6]] = valid
            if valid:
                return "+7" + national
    return _parse_phone(value, region)


def _parse_phone(value: str, region: str) -> str:
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise ValueError(_("%(value)s is not a phone number.") % {"value": value}) from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError(_("%(value)s is not a valid phone number.") % {"value": value})
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def try_phone(value: str, *, region: str) -> str | None:
    """The E.164 form if `value` reads as a valid phone number, else None (for search)."""
    try:
        return normalize_phone(value, region=region)
    except ValueError:
        return None


def format_phone(e164: str) -> str:
    """A stored E.164 number as people read it: `+7 916 123-45-67`."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def normalize_email(value: str) -> str:
    email = value.strip()
    try:
        _email_validator(email)
    except ValidationError:
        raise ValueError(_("%(value)s is not an e-mail address.") % {"value": value}) from None
    local, _at, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


_LEGAL_FORMS = re.compile(
    r"\b(ооо|оао|зао|пао|ао|нао|ип|нко|ано|гуп|муп|фгуп|тоо|llc|ltd|inc|gmbh|jsc|pjsc)\b"
)
_NON_WORD = re.compile(r"[^\w]+")


def name_key(name: str) -> str:
    """A name folded for comparison: lower case, ё as е, no legal form, quotes or punctuation."""
    folded = name.lower().replace("ё", "е")
    folded = _LEGAL_FORMS.sub(" ", folded)
    folded = _NON_WORD.sub(" ", folded)
    return " ".join(folded.split())[:255]
