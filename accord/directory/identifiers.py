"""Russian business identifiers, phones and e-mails: normalize, or say what is wrong.

Each function answers the canonical form of a value or raises `ValueError` with a message
for a person. Checksums come from python-stdnum and phonenumbers; the bank account control
key (not in stdnum) follows the Bank of Russia's published rule.
"""

from __future__ import annotations

import functools
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


_SPACES_DASHES = re.compile(r"[\s-]")


def _compact_digits(value: str) -> str | None:
    """The digits of a number typed with spaces or dashes; None if anything else is in it."""
    compact = _SPACES_DASHES.sub("", value)
    return compact if compact.isdigit() else None


def normalize_inn(value: str, *, kind: str) -> str:
    """A valid INN: 10 digits for a legal entity, 12 for a sole trader or a person."""
    number = _compact_digits(value)
    expected = 10 if kind == "legal_entity" else 12
    if number is None or len(number) != expected:
        raise ValueError(_("The INN must be %(n)d digits.") % {"n": expected})
    # The check digits straight from stdnum's calculators: its validate() compacts and
    # re-checks the number again, which costs most of the time in a large import.
    if expected == 10:
        valid = stdnum_inn.calc_company_check_digit(number[:9]) == number[9]
    else:
        valid = stdnum_inn.calc_personal_check_digits(number[:10]) == number[10:]
    if not valid:
        raise ValueError(_("The INN's check digits are wrong: please re-check the number."))
    return number


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


@functools.cache
def _ru_patterns() -> tuple[re.Pattern[str], list[re.Pattern[str]]]:
    """phonenumbers' own patterns of Russian numbers: the general one and one per type."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region("RU")
    if meta is None or meta.general_desc is None:  # phonenumbers always ships RU
        raise RuntimeError("phonenumbers has no metadata for Russia")
    general = meta.general_desc.national_number_pattern or ""
    kinds = ("fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost",
             "personal_number", "voip", "pager", "uan", "voicemail")  # fmt: skip
    descs = [getattr(meta, kind, None) for kind in kinds]
    patterns = [
        re.compile(d.national_number_pattern) for d in descs if d and d.national_number_pattern
    ]
    return re.compile(general), patterns


def normalize_phone(value: str, *, region: str) -> str:
    """A phone number in E.164 (`+79161234567`), however it was typed.

    A Russian number typed in one of the usual ways is checked against phonenumbers' own
    patterns directly (an import of 100,000 clients would otherwise spend most of its time
    parsing phones); anything else, or a number those patterns refuse, is parsed in full.
    """
    if region == "RU":
        match = _RU_FULL.fullmatch(_PHONE_SEPARATORS.sub("", value))
        if match:
            national = match.group(1)
            general, patterns = _ru_patterns()
            if general.fullmatch(national) and any(p.fullmatch(national) for p in patterns):
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


# The common shape of an address (dot-atom local part, a domain of letter-digit labels): a
# strict subset of what Django's EmailValidator accepts, checked without it.
_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


def normalize_email(value: str) -> str:
    email = value.strip()
    try:
        if len(email) > 254 or not _PLAIN_EMAIL.fullmatch(email):
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
