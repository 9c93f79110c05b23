"""What demo counterparties are filed under: relation and status, sources, industries, tags
and custom properties. The rows are ensured once per run; then values are picked by id.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass
from typing import Any

from accord.demo.vocabulary import (
    CHANNELS,
    COMPANY_SIZES,
    INDUSTRIES,
    NOTES,
    PROPERTIES,
    SOURCES,
    TAGS,
)
from accord.directory.models import Industry, PropertyDefinition, Source, Tag

_RELATIONS = ("client", "prospect", "supplier", "partner", "competitor", "other")
_RELATION_CUM = tuple(itertools.accumulate((55, 25, 9, 5, 2, 4)))
_STATUSES = ("new", "active", "inactive", "closed")
_PROSPECT_STATUS_CUM = (60, 90, 100, 100)
_STATUS_CUM = (7, 77, 95, 100)
_SIZE_CUM = tuple(itertools.accumulate((45, 35, 12, 8)))
_LARGE_SIZE_CUM = (40, 100)  # medium or large
_REVENUE_LOG10 = {
    ("legal_entity", False): (2.5, 6.7),
    ("legal_entity", True): (5.5, 7.5),
    ("sole_trader", False): (2.5, 5.0),
}


@dataclass(frozen=True)
class Classifiers:
    sources: tuple[int, ...]
    source_cum: tuple[int, ...]
    industries: dict[str, int]
    tags: tuple[int, ...]
    tag_cum: tuple[int, ...]

    def classify(
        self, rng: random.Random, kind: str, hint: str, created: dt.date, *, large: bool = False
    ) -> dict[str, Any]:
        """Relation, status, source, industry, VIP flag, notes and custom values of one row.

        `hint` is an industry the name suggests; `large` marks a joint-stock or state company.
        """
        relation = rng.choices(_RELATIONS, cum_weights=_RELATION_CUM)[0]
        status_cum = _PROSPECT_STATUS_CUM if relation == "prospect" else _STATUS_CUM
        return {
            "relation": relation,
            "status": rng.choices(_STATUSES, cum_weights=status_cum)[0],
            "source_id": rng.choices(self.sources, cum_weights=self.source_cum)[0]
            if rng.random() < 0.8
            else None,
            "industry_id": self._industry(rng, kind, hint),
            "is_vip": rng.random() < 0.03,
            "notes": rng.choice(NOTES) if rng.random() < 0.05 else "",
            "custom": self._custom(rng, kind, created, large),
        }

    def _industry(self, rng: random.Random, kind: str, hint: str) -> int | None:
        if kind == "person" or rng.random() < 0.15:
            return None
        if hint and rng.random() < 0.8:
            return self.industries[hint]
        return self.industries[rng.choice(INDUSTRIES)]

    @staticmethod
    def _custom(rng: random.Random, kind: str, created: dt.date, large: bool) -> dict[str, str]:
        """Values as `clean_custom` stores them: choice text, number as a string, ISO date."""
        if kind == "person":
            return {}
        custom: dict[str, str] = {}
        if kind == "legal_entity" and rng.random() < 0.6:
            sizes, cum = (
                (COMPANY_SIZES[2:], _LARGE_SIZE_CUM) if large else (COMPANY_SIZES, _SIZE_CUM)
            )
            custom["company_size"] = rng.choices(sizes, cum_weights=cum)[0]
        if rng.random() < 0.35:
            low, high = _REVENUE_LOG10[kind, large]  # in thousands of roubles
            custom["annual_revenue"] = str(round(10 ** rng.uniform(low, high)) * 1000)
        if rng.random() < 0.45:
            custom["first_contact"] = (created - dt.timedelta(days=rng.randrange(400))).isoformat()
        return custom

    def tags_for(self, rng: random.Random) -> list[int]:
        """0 to 3 distinct tags; more than half of the rows have none."""
        if rng.random() < 0.55:
            return []
        picked = rng.choices(self.tags, cum_weights=self.tag_cum, k=rng.randint(1, 3))
        return list(dict.fromkeys(picked))


def contact_custom(rng: random.Random) -> dict[str, str]:
    return {"preferred_channel": rng.choice(CHANNELS)} if rng.random() < 0.25 else {}


def classifiers_ensure() -> Classifiers:
    """Create the sources, industries, tags and property definitions that are missing."""
    sources = tuple(Source.objects.get_or_create(name=name)[0].pk for name, _w in SOURCES)
    industries = {name: Industry.objects.get_or_create(name=name)[0].pk for name in INDUSTRIES}
    tags = tuple(Tag.objects.get_or_create(name=name)[0].pk for name, _w in TAGS)
    for position, (target, code, name, kind, choices) in enumerate(PROPERTIES):
        PropertyDefinition.objects.get_or_create(
            target=target,
            code=code,
            defaults={"name": name, "kind": kind, "choices": list(choices), "position": position},
        )
    return Classifiers(
        sources=sources,
        source_cum=tuple(itertools.accumulate(w for _n, w in SOURCES)),
        industries=industries,
        tags=tags,
        tag_cum=tuple(itertools.accumulate(w for _n, w in TAGS)),
    )
