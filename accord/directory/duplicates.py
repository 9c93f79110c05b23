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

from accord.directory import similarity as sim
from accord.directory.masking import may_search_masked
from accord.directory.models import ContactDetail, Counterparty

SIMILAR_NAME = 0.85  # `similarity.name_similarity`: one typo in a seven-letter name counts
MAX_CANDIDATES = 200
MAX_SHOWN = 10


@dataclass
class Duplicate:
    counterparty: Counterparty
    reasons: list[str] = field(default_factory=list)
    strong: bool = False  # same INN (+KPP): almost surely the same company
    score: float = 0.0  # `similarity.score_pair` of the typed values and this record

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
        for cp, score in _similar_names(visible, name_key, inn=inn):
            hit(cp, _("similar name (%(score)d%%)") % {"score": score})
    typed = sim.Record(
        kind=sim.COMPANY, name=name_key, inn=inn, kpp=kpp, phones=tuple(phones),
        emails=tuple(emails),
    )  # fmt: skip
    return _ranked(typed, list(found.values()))[:MAX_SHOWN]


def _ranked(typed: sim.Record, found: list[Duplicate]) -> list[Duplicate]:
    """The same INN first, then by the number of reasons and the scan's score."""
    for dup in found:
        dup.score = sim.score_pair(typed, _record(dup.counterparty))[0]
    return sorted(
        found, key=lambda d: (not d.strong, -len(d.reasons), -d.score, d.counterparty.name)
    )


def _record(cp: Counterparty) -> sim.Record:
    return sim.Record(
        kind=sim.COMPANY, name=cp.name_key, inn=cp.inn, kpp=cp.kpp,
        phones=(cp.phone,) if cp.phone else (), emails=(cp.email,) if cp.email else (),
    )  # fmt: skip


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


def _similar_names(visible: Any, key: str, *, inn: str = "") -> list[tuple[Counterparty, int]]:
    # Block on the start of the two longest words, in both scripts, so a typo later in a
    # word or a name typed in Latin letters still finds the stored one.
    tokens = sorted((t for t in key.split() if len(t) >= 3), key=len, reverse=True)[:2]
    condition = Q(name_key=key)
    for token in tokens:
        for spelling in {token[:4], sim.to_cyrillic(token)[:4], sim.to_latin(token)[:4]}:
            condition |= Q(name_key__contains=spelling)
    candidates = list(visible.filter(condition)[:MAX_CANDIDATES])
    typed_valid = sim.inn_is_valid(sim.normalize_inn(inn))
    scored = [
        (cp, round(sim.name_similarity(key, cp.name_key) * 100))
        for cp in candidates
        if not (typed_valid and cp.inn and cp.inn != inn and sim.inn_is_valid(cp.inn))
    ]
    return [(cp, s) for cp, s in sorted(scored, key=lambda x: -x[1]) if s >= SIMILAR_NAME * 100]
