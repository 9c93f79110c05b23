"""Cell text to field values, the way people type them in spreadsheets: "да"/"yes",
"31.12.1980", "1 234,50", a choice by its value or by its label in Russian or English.

Each parser takes the stripped cell text (never empty: empty cells are handled by the
loader) and answers the value or raises ValueError with a message for the user.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from accord.imports.fields import fold

_TRUE = frozenset({"1", "yes", "y", "true", "on", "да", "д", "истина", "+", "x", "v"})
_FALSE = frozenset({"0", "no", "n", "false", "off", "нет", "н", "ложь", "-"})
_DATE_FORMATS = ("%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%y")
_SPACES = re.compile(r"[\s\u00a0\u202f']")


def text(value: str, limit: int) -> str:
    if len(value) > limit:
        raise ValueError(_("At most %(n)d characters.") % {"n": limit})
    return value


def boolean(value: str) -> bool:
    folded = value.lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise ValueError(_("Enter yes or no, not %(value)s.") % {"value": value})


def date(value: str) -> dt.date:
    """ISO 8601 (2024-05-31, also with a time as spreadsheets give it) or 31.05.2024."""
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        pass
    for pattern in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(
        _("%(value)s is not a date: write 31.12.2024 or 2024-12-31.") % {"value": value}
    )


def birthday(value: str) -> dt.date:
    day = date(value)
    if day > dt.date.today() or day.year < 1900:
        raise ValueError(_("%(value)s is not a real birthday.") % {"value": value})
    return day


def number(value: str) -> Decimal:
    try:
        parsed = Decimal(_SPACES.sub("", value).replace(",", "."))
    except InvalidOperation:
        raise ValueError(_("%(value)s is not a number.") % {"value": value}) from None
    if not parsed.is_finite():
        raise ValueError(_("%(value)s is not a number.") % {"value": value})
    return parsed


def choices_index(
    choices: type[models.TextChoices], extra: dict[str, str] | None = None
) -> dict[str, str]:
    """Folded value and label (in Russian and in English) -> value, for `choice`."""
    index: dict[str, str] = {}
    for language in ("en", "ru"):
        with translation.override(language):
            for value, label in choices.choices:
                index.setdefault(fold(str(label)), value)
    for value in choices.values:
        index[fold(value)] = value
    for alias, value in (extra or {}).items():
        index[fold(alias)] = value
    return index


def choice(value: str, index: dict[str, str]) -> str:
    found = index.get(fold(value))
    if found is None:
        raise ValueError(_unknown(value, sorted(set(index.values()))))
    return found


def _unknown(value: str, allowed: Iterable[Any]) -> str:
    names = [str(a) for a in allowed]
    shown = ", ".join(names[:10]) + (", ..." if len(names) > 10 else "")
    return _("Unknown value %(value)s; choose one of: %(allowed)s.") % {
        "value": value,
        "allowed": shown,
    }


def unknown_value(value: str, allowed: Iterable[Any]) -> ValueError:
    return ValueError(_unknown(value, allowed))


def split_list(value: str) -> list[str]:
    """Several values in one cell, separated by commas or semicolons."""
    return [part.strip() for part in re.split(r"[;,]", value) if part.strip()]
