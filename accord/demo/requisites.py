"""Russian requisites for demo data: INN, KPP, OGRN / OGRNIP, bank accounts, phone numbers.

Check digits come from python-stdnum; the bank account control key is computed by the Bank
of Russia rule that `accord.directory.identifiers.normalize_account` checks. Every value is
valid by construction, so nothing is parsed back while generating (that would cost more than
the generation itself at a million rows); the tests validate every value with the same
functions the services use.
"""

from __future__ import annotations

import math
import random

from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn

from accord.demo.vocabulary import MOBILE_CODES

_ACCOUNT_WEIGHTS = ((7, 1, 3) * 8)[:23]  # over the 3-digit prefix and the 20-digit account
_KEY_POSITION = 8  # the control key is the 9th digit of a 20-digit account


class SerialPool:
    """Serial numbers unique per tax office, with no memory of the numbers handed out.

    The n-th number of an office is `(a * n + b) mod 10**width` with `a` prime to 10: a
    permutation, so numbers never repeat while they look scattered. `a` and `b` come from the
    seed and the office alone, so they do not depend on the order offices are first used in.
    """

    def __init__(self, *, seed: int, salt: str, width: int) -> None:
        self.seed, self.salt, self.width = seed, salt, width
        self.modulus = 10**width
        self._state: dict[str, list[int]] = {}  # office -> [next n, a, b]

    def _start(self, office: str) -> list[int]:
        rng = random.Random(f"{self.seed}:{self.salt}:{office}")
        a = rng.randrange(self.modulus // 10, self.modulus)
        while math.gcd(a, 10) != 1:
            a += 1
        return [0, a, rng.randrange(self.modulus)]

    def take(self, office: str) -> str | None:
        """The next unused serial of `office`, or None when the office has run out."""
        state = self._state.get(office)
        if state is None:
            state = self._state[office] = self._start(office)
        n, a, b = state
        if n >= self.modulus:
            return None
        state[0] = n + 1
        return f"{(a * n + b) % self.modulus:0{self.width}d}"


def company_inn(office: str, serial: str) -> str:
    """A 10-digit INN: tax office (4), serial (5), check digit."""
    body = office + serial
    return body + stdnum_inn.calc_company_check_digit(body)


def personal_inn(office: str, serial: str) -> str:
    """A 12-digit INN of a person or sole trader: tax office (4), serial (6), 2 check digits."""
    body = office + serial
    return body + stdnum_inn.calc_personal_check_digits(body)


def kpp_for(inn: str) -> str:
    """The KPP of a company's head office: the INN's tax office, reason 01, serial 001."""
    return inn[:4] + "01001"


def ogrn_for(inn: str, year: int, rng: random.Random) -> str:
    """A 13-digit OGRN: sign, year, the INN's office and serial (so unique as the INN is)."""
    sign = "1" if rng.random() < 0.8 else "5"
    body = f"{sign}{year % 100:02d}{inn[:9]}"
    return body + stdnum_ogrn.calc_check_digit(body + "0")


def ogrnip_for(inn: str, year: int, rng: random.Random) -> str:
    """A 15-digit OGRNIP: 3, year, the INN's office and serial, one free digit, check digit.

    The check digit is the body modulo 13, so the free digit is chosen to keep it below 10.
    """
    start = rng.randrange(10)
    for step in range(10):
        body = f"3{year % 100:02d}{inn[:10]}{(start + step) % 10}"
        check = int(body) % 13
        if check < 10:
            return f"{body}{check}"
    raise AssertionError("unreachable: 10 consecutive numbers cover every residue mod 13")


def _key_prefix(bic: str) -> str:
    """The 3 digits put before an account in a bank with this BIC to compute the key."""
    return "0" + bic[4:6] if bic[6:9] in ("000", "001", "002") else bic[6:9]


def with_control_key(prefix: str, account: str) -> str:
    """`account` (20 digits, any digit at the key position) with its control key set."""
    number = prefix + account[:_KEY_POSITION] + "0" + account[_KEY_POSITION + 1 :]
    total = sum(int(d) * w % 10 for d, w in zip(number, _ACCOUNT_WEIGHTS, strict=True))
    # The key's weight is 3 and 3 * 7 = 21 = 1 (mod 10): multiply by 7 to divide by 3.
    key = (-total * 7) % 10
    return account[:_KEY_POSITION] + str(key) + account[_KEY_POSITION + 1 :]


def settlement_account(bic: str, balance: str, branch: str, rng: random.Random) -> str:
    """A rouble account: balance account (5), 810, key, branch (4), serial (7)."""
    account = f"{balance}8100{branch}{rng.randrange(10**7):07d}"
    return with_control_key(_key_prefix(bic), account)


def correspondent_account(bic: str) -> str:
    """The bank's account at the Bank of Russia: 30101 810 key 00000000 + BIC's last 3.

    Its key is computed against the Bank of Russia's own settlement centre: "0" + BIC[4:6].
    """
    return with_control_key("0" + bic[4:6], f"301018100{'0' * 8}{bic[6:9]}")


def mobile_phone(rng: random.Random) -> str:
    """A Russian mobile number in E.164."""
    return f"+7{rng.choice(MOBILE_CODES)}{rng.randrange(10**7):07d}"


def landline_phone(area_code: str, rng: random.Random) -> str:
    """A city number in E.164; local numbers start with 2-9."""
    rest = 10 - len(area_code)
    first = rng.choice("234567")
    return f"+7{area_code}{first}{rng.randrange(10 ** (rest - 1)):0{rest - 1}d}"
