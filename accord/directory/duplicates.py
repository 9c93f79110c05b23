"""Likely duplicates of a counterparty being entered: same INN (+KPP), phone, e-mail, or a
very similar name. Only counterparties the user may see are considered, so the check never
reveals another manager's client.

For a user who may not reveal VIP contact details (`masking.may_search_masked`), a phone or
e-mail never matches a VIP counterparty or a VIP contact person: the warning would confirm
a masked value, as a search would. Such a user still gets the INN and name matches. A
warning shows a duplicate's name, INN and reasons only, never its contact details.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from accord.directory.masking import may_search_masked
from accord.directory.models import ContactDetail, Counterparty

SIMILAR_NAME = 85  # token-sort ratio, 0-100: one typo in a seven-letter name still counts
MAX_CANDIDATES = 200
MAX_SHOWN = 10


@dataclass
class Duplicate:
    counterparty: Counterparty
    reasons: list[str] = field(default_factory=list)
    strong: bool = False  # same INN (+KPP): almost surely the same company

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.counterparty.pk,
            "name": self.counterparty.name,
            "inn": self.counterparty.inn,
            "reasons": self.reasons,
            "strong": self.strong,
        }


def find_duplicates(
    *,
    viewer: Any,
    inn: str = "",
    kpp: str = "",
    name_key: str = "",
    phones: Iterable[str] = (),
    emails: Iterable[str] = (),
    exclude_pk: int | None = None,
) -> list[Duplicate]:
    visible = Counterparty.objects.visible_to(viewer)
    if exclude_pk is not None:
        visible = visible.exclude(pk=exclude_pk)
    found: dict[int, Duplicate] = {}

    def hit(cp: Counterparty, reason: str, strong: bool = False) -> None:
        dup = found.setdefault(cp.pk, Duplicate(cp))
        if reason not in dup.reasons:
            dup.reasons.append(reason)
        dup.strong = dup.strong or strong

    if inn:
        for cp in visible.filter(inn=inn)[:MAX_SHOWN]:
            same_kpp = not kpp or not cp.kpp or cp.kpp == kpp
            hit(cp, _("same INN and KPP") if kpp and same_kpp else _("same INN"), strong=same_kpp)
    phones, emails = [p for p in phones if p], [e.lower() for e in emails if e]
    hide_vip = (phones or emails) and not may_search_masked(viewer)
    if phones:
        _by_contact(visible, "phone", phones, _("same phone"), hit, hide_vip=bool(hide_vip))
    if emails:
        _by_contact(visible, "email", emails, _("same e-mail"), hit, hide_vip=bool(hide_vip))
    if name_key:
        for cp, score in _similar_names(visible, name_key):
            hit(cp, _("similar name (%(score)d%%)") % {"score": score})
    ranked = sorted(
        found.values(), key=lambda d: (not d.strong, -len(d.reasons), d.counterparty.name)
    )
    return ranked[:MAX_SHOWN]


def _by_contact(
    visible: Any, kind: str, values: list[str], reason: str, hit: Any, *, hide_vip: bool
) -> None:
    lookup = {"phone": "phone__in", "email": "email__in"}[kind]
    direct = visible.filter(is_vip=False) if hide_vip else visible
    for cp in direct.filter(**{lookup: values})[:MAX_SHOWN]:
        hit(cp, reason)
    details = ContactDetail.objects.filter(kind=kind, value__in=values)
    if hide_vip:
        details = details.filter(contact_person__is_vip=False, counterparty__is_vip=False)
    via_persons = details.values("counterparty_id")
    for cp in visible.filter(pk__in=via_persons)[:MAX_SHOWN]:
        hit(cp, reason)


def _similar_names(visible: Any, key: str) -> list[tuple[Counterparty, int]]:
    # Block on the start of the two longest words, so a typo later in a word still matches.
    tokens = sorted((t for t in key.split() if len(t) >= 3), key=len, reverse=True)[:2]
    condition = Q(name_key=key)
    for token in tokens:
        condition |= Q(name_key__contains=token[:4])
    candidates = list(visible.filter(condition)[:MAX_CANDIDATES])
    scored = [(cp, int(fuzz.token_sort_ratio(key, cp.name_key))) for cp in candidates]
    return [(cp, s) for cp, s in sorted(scored, key=lambda x: -x[1]) if s >= SIMILAR_NAME]
