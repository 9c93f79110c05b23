"""`accord bench timeline`: the client card's timeline for a client with many events.

Writes one counterparty with N events (interactions of every kind, deals with their stage
changes, claims) for a manager who sees it by the own-scope rule, then times the timeline
fragment as that manager: the first page, a deep page reached by following the cursor, one
filter, and the card itself. Use a scratch database: the rows stay.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.test import Client
from django.utils import timezone

from accord.activities.models import Claim, Interaction, InteractionKind, InteractionStatus
from accord.activities.timeline import timeline_page
from accord.bench.timing import Timing, measure
from accord.directory.models import Counterparty
from accord.sales.models import Deal, DealStageChange, Pipeline
from accord.users.models import Role, User

HOST = "127.0.0.1"
LOGIN = "bench-timeline"
KINDS = [k.value for k in InteractionKind]


def _manager() -> User:
    user, created = User.objects.get_or_create(
        username=LOGIN, defaults={"first_name": "Bench", "last_name": "Timeline"}
    )
    if created:
        user.set_password(None)
        user.save()
        user.roles.set(Role.objects.filter(code="manager"))
    return user


def write_client(events: int, seed: int) -> Counterparty:
    """A client with `events` timeline events, spread over five years."""
    rng = random.Random(seed)
    owner = _manager()
    now = timezone.now()
    pipeline = Pipeline.objects.filter(is_active=True).order_by("-is_default", "id").first()
    if pipeline is None:
        raise ValueError("No pipeline: run `accord migrate` first.")
    stages = list(pipeline.stages.all())
    with transaction.atomic():
        cp = Counterparty.objects.create(
            name=f"Bench timeline {seed}-{rng.randrange(10**6)}", responsible=owner
        )
        deals = Deal.objects.bulk_create(
            Deal(title=f"Deal {i}", pipeline=pipeline, stage=stages[0], counterparty=cp,
                 responsible=owner, created_at=now - dt.timedelta(days=rng.randrange(1800)))
            for i in range(max(1, events // 50))
        )  # fmt: skip
        changes = [
            DealStageChange(deal=deal, to_stage=stage, changed_by=owner,
                            changed_at=deal.created_at + dt.timedelta(days=n))
            for deal in deals for n, stage in enumerate(stages[:4])
        ]  # fmt: skip
        DealStageChange.objects.bulk_create(changes, batch_size=2000)
        claims = [
            Claim(number=f"BENCH-{cp.pk}-{i}", subject="Bench claim", counterparty=cp,
                  responsible=owner, created_at=now - dt.timedelta(days=rng.randrange(1800)))
            for i in range(max(1, events // 100))
        ]  # fmt: skip
        Claim.objects.bulk_create(claims, batch_size=2000)
        rest = max(0, events - len(changes) - len(claims))
        rows = [
            Interaction(
                kind=rng.choice(KINDS), status=InteractionStatus.DONE, subject=f"Event {i}",
                starts_at=now - dt.timedelta(minutes=rng.randrange(5 * 365 * 24 * 60)),
                counterparty=cp, responsible=owner, outcome="Bench",
            )
            for i in range(rest)
        ]  # fmt: skip
        Interaction.objects.bulk_create(rows, batch_size=2000)
    return cp


def _deep_cursor(cp: Counterparty, pages: int) -> str:
    """The cursor of page `pages` (read through the selector, as the manager)."""
    cursor = ""
    for _ in range(pages):
        page = timeline_page(viewer=_manager(), counterparty=cp, cursor=cursor or None)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    return cursor


def run(*, events: int, runs: int, seed: int) -> tuple[Counterparty, list[Timing]]:
    cp = write_client(events, seed)
    client = Client(HTTP_HOST=HOST)
    client.force_login(_manager())
    url = f"/counterparties/{cp.pk}/timeline/"
    deep = _deep_cursor(cp, 100)

    def get(path: str, params: dict[str, Any] | None = None) -> Callable[[], Any]:
        return lambda: client.get(path, params or {})

    scenarios = [
        ("timeline first page", [get(url)] * runs),
        ("timeline page 100", [get(url, {"cursor": deep})] * runs),
        ("timeline, interactions only", [get(url, {"group": "interactions"})] * runs),
        ("timeline, deals only", [get(url, {"group": "deals"})] * runs),
        ("counterparty card", [get(f"/counterparties/{cp.pk}/")] * runs),
    ]
    return cp, [measure(name, calls) for name, calls in scenarios]
