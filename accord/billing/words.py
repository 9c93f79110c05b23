"""Amounts in Russian words, as an invoice for payment writes them.

`amount_in_words(Decimal("1501.21"))` -> "Одна тысяча пятьсот один рубль 21 копейка".
Pure Python: the whole roubles in words with the right gender and plural forms, the
kopecks as two digits, the first letter capital.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_UNITS_MALE = ("", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять")
_UNITS_FEMALE = ("", "одна", "две", *_UNITS_MALE[3:])
_TEENS = (
    "десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать",
    "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать",
)  # fmt: skip
_TENS = (
    "", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят",
    "восемьдесят", "девяносто",
)  # fmt: skip
_HUNDREDS = (
    "", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот",
    "девятьсот",
)  # fmt: skip

# Groups of three digits above the units: (one, few, many, feminine).
_SCALES = (
    ("тысяча", "тысячи", "тысяч", True),
    ("миллион", "миллиона", "миллионов", False),
    ("миллиард", "миллиарда", "миллиардов", False),
    ("триллион", "триллиона", "триллионов", False),
)
MAX_WHOLE = 10**15 - 1

# Currency code -> (whole: one, few, many, feminine), (fraction: one, few, many).
CURRENCIES: dict[str, tuple[tuple[str, str, str, bool], tuple[str, str, str]]] = {
    "RUB": (("рубль", "рубля", "рублей", False), ("копейка", "копейки", "копеек")),
    "USD": (("доллар США", "доллара США", "долларов США", False), ("цент", "цента", "центов")),
    "EUR": (("евро", "евро", "евро", False), ("цент", "цента", "центов")),
}


def plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian form for `n`: 1 рубль, 2 рубля, 5 рублей (11-14 always "many")."""
    if 11 <= n % 100 <= 14:
        return many
    last = n % 10
    if last == 1:
        return one
    if 2 <= last <= 4:
        return few
    return many


def _triple(n: int, *, feminine: bool) -> list[str]:
    """Words of 0..999 (nothing for 0)."""
    words = [_HUNDREDS[n // 100]]
    rest = n % 100
    if 10 <= rest <= 19:
        words.append(_TEENS[rest - 10])
    else:
        words.append(_TENS[rest // 10])
        words.append((_UNITS_FEMALE if feminine else _UNITS_MALE)[rest % 10])
    return [w for w in words if w]


def number_in_words(n: int, *, feminine: bool = False) -> str:
    """A whole number 0..10**15-1 in words, in the gender of the noun that follows it."""
    if n < 0 or n > MAX_WHOLE:
        raise ValueError(f"Cannot write {n} in words.")
    if n == 0:
        return "ноль"
    words = _triple(n % 1000, feminine=feminine)
    n //= 1000
    for one, few, many, scale_feminine in _SCALES:
        group = n % 1000
        if group:
            words = [
                *_triple(group, feminine=scale_feminine),
                plural(group, one, few, many),
                *words,
            ]
        n //= 1000
    return " ".join(words)


def amount_in_words(amount: Decimal, currency: str = "RUB") -> str:
    """The amount in words with its currency, kopecks (cents) as two digits."""
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0:
        raise ValueError("Give a non-negative Decimal amount.")
    cents = int(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)
    whole, fraction = divmod(cents, 100)
    known = CURRENCIES.get(currency)
    if known is None:
        text = f"{number_in_words(whole)} {currency} {fraction:02d}/100"
    else:
        (one, few, many, feminine), (c_one, c_few, c_many) = known
        text = (
            f"{number_in_words(whole, feminine=feminine)} {plural(whole, one, few, many)} "
            f"{fraction:02d} {plural(fraction, c_one, c_few, c_many)}"
        )
    return text[0].upper() + text[1:]
