"""`accord bench web`: the pages and API calls of targets T7-T11 on the demo data set.

Each scenario is a list of requests made in-process through Django's test client (the whole
middleware, view and template stack, without a WSGI server and network), as a demo user:
lists, a deep keyset page, cards, searches by name, INN, phone and e-mail, the deal board,
the catalog, and the REST API.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.test import Client

from accord.bench.timing import Timing, measure
from accord.directory.models import ContactDetail, Counterparty
from accord.users.models import User

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Viewer:
    label: str
    client: Client


class NoDataError(Exception):
    """There is nothing to measure: run `accord demo` first."""


def _viewer(username: str) -> Viewer:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise NoDataError(f"No user {username!r}: load the demo data with `accord demo`.")
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    return Viewer(username, client)


def _deep_cursor(client: Client, pages: int) -> str | None:
    """The cursor of page `pages` of the API list, walked page by page (not timed)."""
    cursor = None
    for _ in range(pages):
        params = {"limit": 50, **({"cursor": cursor} if cursor else {})}
        cursor = client.get("/api/v1/counterparties", params).json().get("next_cursor")
        if cursor is None:
            break
    return cursor


def _get(client: Client, path: str, params: dict[str, Any] | None = None) -> Callable[[], Any]:
    return lambda: client.get(path, params or {})


def scenarios(*, runs: int, seed: int, username: str) -> list[tuple[str, list[Callable[[], Any]]]]:
    """The requests of each scenario, prepared (ids and values picked) before any timing."""
    rng = random.Random(seed)  # reproducible sampling, not secrets
    viewer = _viewer(username)
    c = viewer.client
    user = User.objects.get(username=username)
    visible = list(Counterparty.objects.visible_to(user).values_list("pk", "inn", "name"))
    if not visible:
        raise NoDataError(f"{username} sees no counterparties: load the demo data first.")
    picks = [rng.choice(visible) for _ in range(runs)]
    details = list(
        ContactDetail.objects.filter(counterparty_id__in=[p[0] for p in picks[:50]])
        .values_list("kind", "value")
        .order_by("pk")[:200]
    )
    phones = [v for k, v in details if k == "phone"] or ["+70000000000"]
    emails = [v for k, v in details if k == "email"] or ["nobody@example.ru"]
    deep = _deep_cursor(c, 20)
    return [
        ("counterparty list, page 1", [_get(c, "/counterparties/")] * runs),
        ("list filtered + sorted", [_get(c, "/counterparties/", {"status": "active",
                                                                 "sort": "-created"})] * runs),
        ("list, page 21 (keyset)", [_get(c, "/api/v1/counterparties",
                                         {"limit": 50, "cursor": deep or ""})] * runs),
        ("counterparty card", [_get(c, f"/counterparties/{pk}/") for pk, _inn, _n in picks]),
        ("search by name", [_get(c, "/counterparties/", {"q": name.split()[-1][:8]})
                            for _pk, _inn, name in picks]),
        ("search by INN", [_get(c, "/counterparties/", {"q": inn}) for _pk, inn, _n in picks]),
        ("search by phone", [_get(c, "/counterparties/", {"q": rng.choice(phones)})
                             for _ in range(runs)]),
        ("search by e-mail", [_get(c, "/counterparties/", {"q": rng.choice(emails)})
                              for _ in range(runs)]),
        ("deal board", [_get(c, "/deals/")] * runs),
        ("catalog list", [_get(c, "/catalog/")] * runs),
        ("API list", [_get(c, "/api/v1/counterparties")] * runs),
        ("API card", [_get(c, f"/api/v1/counterparties/{pk}") for pk, _inn, _n in picks]),
    ]  # fmt: skip


def run(*, runs: int, seed: int, username: str) -> list[Timing]:
    return [
        measure(name, calls) for name, calls in scenarios(runs=runs, seed=seed, username=username)
    ]
