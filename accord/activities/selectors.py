"""Reads of interactions, assignments, reminders and notifications, and the start page.

Every read goes through the model's `visible_to(viewer)`; lists are keyset pages with a
capped count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, DateTimeField, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accord.activities.models import (
    ASSIGNMENT_OPEN,
    Assignment,
    AssignmentNote,
    Interaction,
    InteractionKind,
    InteractionStatus,
    Notification,
    Reminder,
    ReminderStatus,
    StartPage,
)
from accord.billing.models import Payment
from accord.core.errors import NotFoundError, ValidationFailedError
from accord.core.pagination import CappedCount, Page, capped_count, keyset_page
from accord.directory.identifiers import name_key
from accord.directory.models import Counterparty
from accord.sales.models import Deal, Stage, StageKind
from accord.users.models import User

INTERACTION_SORTS: dict[str, tuple[str, ...]] = {
    "-starts_at": ("-starts_at", "-id"),
    "starts_at": ("starts_at", "id"),
}
INTERACTION_FILTERS = ("kind", "status", "responsible", "counterparty", "deal", "when")
ASSIGNMENT_SORTS: dict[str, tuple[str, ...]] = {
    "deadline": ("due", "id"),
    "-created_at": ("-created_at", "-id"),
}
ASSIGNMENT_BOXES = ("mine", "given", "all")
NO_DEADLINE = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)


@dataclass(frozen=True)
class ListResult:
    page: Page[Any]
    count: CappedCount


def _bad(field: str, message: str) -> ValidationFailedError:
    return ValidationFailedError({field: [message]})


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


# ---------------------------------------------------------------- interactions


def _interaction_condition(filters: dict[str, Any], now: dt.datetime) -> Q:
    condition = Q()
    for name in ("kind", "status"):
        if filters.get(name):
            condition &= Q(**{name: filters[name]})
    for name in ("responsible", "counterparty", "deal"):
        if filters.get(name):
            condition &= Q(**{f"{name}_id": filters[name]})
    when = filters.get("when")
    start, end = _day_bounds(timezone.localdate(now))
    if when == "today":
        condition &= Q(starts_at__gte=start, starts_at__lt=end)
    elif when == "overdue":
        condition &= Q(status=InteractionStatus.PLANNED, starts_at__lt=now)
    elif when == "upcoming":
        condition &= Q(status=InteractionStatus.PLANNED, starts_at__gte=now)
    elif when:
        raise _bad("when", "Choose today, overdue or upcoming.")
    return condition


def interactions_filtered(
    *, viewer: Any, query: str = "", filters: dict[str, Any] | None = None
) -> QuerySet[Interaction]:
    condition = _interaction_condition(filters or {}, timezone.now())
    query = query.strip()
    if query:
        # SQLite folds only ASCII case: the counterparty's folded name finds Cyrillic too.
        condition &= Q(subject__icontains=query) | Q(
            counterparty__name_key__contains=name_key(query)
        )
    return (
        Interaction.objects.visible_to(viewer)
        .filter(condition)
        .select_related("counterparty", "contact_person", "responsible", "deal")
    )


def interactions_list(
    *,
    viewer: Any,
    query: str = "",
    filters: dict[str, Any] | None = None,
    sort: str = "-starts_at",
    cursor: str | None = None,
    size: int = 50,
) -> ListResult:
    if sort not in INTERACTION_SORTS:
        raise _bad("sort", f"Sort by one of: {', '.join(INTERACTION_SORTS)}.")
    qs = interactions_filtered(viewer=viewer, query=query, filters=filters)
    page = keyset_page(qs, order=INTERACTION_SORTS[sort], cursor=cursor, size=size)
    return ListResult(page=page, count=capped_count(qs))


def interaction_get(*, viewer: Any, pk: Any) -> Interaction:
    try:
        return (
            Interaction.objects.visible_to(viewer)
            .select_related(
                "counterparty",
                "contact_person",
                "responsible",
                "deal",
                "order",
                "invoice",
                "claim",
                "follows",
            )
            .prefetch_related("participants", "follow_ups")
            .get(pk=int(pk))
        )
    except (TypeError, ValueError, OverflowError, Interaction.DoesNotExist):
        raise NotFoundError from None


# ---------------------------------------------------------------- assignments


def assignments_filtered(
    *, viewer: Any, box: str = "mine", filters: dict[str, Any] | None = None
) -> QuerySet[Assignment]:
    """`box`: assigned to the viewer ("mine"), given by the viewer ("given"), or every one
    the viewer sees ("all")."""
    filters = filters or {}
    qs = Assignment.objects.visible_to(viewer)
    if box == "mine":
        qs = qs.filter(performers=viewer.pk)
    elif box == "given":
        qs = qs.filter(author=viewer.pk)
    elif box != "all":
        raise _bad("box", "Choose mine, given or all.")
    status = filters.get("status")
    if status == "open":
        qs = qs.filter(status__in=ASSIGNMENT_OPEN)
    elif status == "overdue":
        qs = qs.overdue()
    elif status:
        qs = qs.filter(status=status)
    if filters.get("performer"):
        qs = qs.filter(performers=filters["performer"])
    if filters.get("counterparty"):
        qs = qs.filter(counterparty_id=filters["counterparty"])
    return qs.select_related("author", "counterparty").prefetch_related("performers")


def assignments_list(
    *,
    viewer: Any,
    box: str = "mine",
    filters: dict[str, Any] | None = None,
    sort: str = "deadline",
    cursor: str | None = None,
    size: int = 50,
) -> ListResult:
    if sort not in ASSIGNMENT_SORTS:
        raise _bad("sort", f"Sort by one of: {', '.join(ASSIGNMENT_SORTS)}.")
    qs = assignments_filtered(viewer=viewer, box=box, filters=filters)
    if sort == "deadline":
        # Keyset paging needs a value in every row: no deadline sorts as the far future.
        qs = qs.annotate(due=Coalesce("deadline", Value(NO_DEADLINE, output_field=DateTimeField())))
    page = keyset_page(qs, order=ASSIGNMENT_SORTS[sort], cursor=cursor, size=size)
    return ListResult(page=page, count=capped_count(qs))


def assignment_get(*, viewer: Any, pk: Any) -> Assignment:
    try:
        return (
            Assignment.objects.visible_to(viewer)
            .select_related(
                "author",
                "counterparty",
                "deal",
                "order",
                "invoice",
                "claim",
                "process",
                "process_step",
            )
            .prefetch_related(
                "performers",
                Prefetch("notes", queryset=AssignmentNote.objects.select_related("author")),
            )
            .get(pk=int(pk))
        )
    except (TypeError, ValueError, OverflowError, Assignment.DoesNotExist):
        raise NotFoundError from None


def overdue_by_performer(*, viewer: Any) -> list[dict[str, Any]]:
    """Overdue assignments counted per performer, over the assignments the viewer sees."""
    ids = Assignment.objects.visible_to(viewer).overdue().values("pk")
    rows = (
        User.objects.filter(assignments__in=ids)
        .annotate(overdue=Count("assignments", filter=Q(assignments__in=ids)))
        .order_by("-overdue", "last_name", "id")
    )
    return [{"user": user, "overdue": user.overdue} for user in rows]


# ---------------------------------------------------------------- reminders and the bell


def reminders_of(*, viewer: Any, include_done: bool = False) -> QuerySet[Reminder]:
    """The viewer's own reminders, the next first; without `include_done`, active ones."""
    qs = Reminder.objects.filter(owner=viewer.pk)
    if not include_done:
        qs = qs.filter(status=ReminderStatus.ACTIVE)
    return qs.select_related("counterparty", "deal", "invoice").order_by("next_at", "id")


def reminders_page(
    *, viewer: Any, include_done: bool = False, cursor: str | None = None, size: int = 50
) -> Page[Reminder]:
    """One keyset page of the viewer's reminders, the next first; spent ones last."""
    qs = reminders_of(viewer=viewer, include_done=include_done).annotate(
        due=Coalesce("next_at", Value(NO_DEADLINE, output_field=DateTimeField()))
    )
    return keyset_page(qs, order=("due", "id"), cursor=cursor, size=size)


def reminder_get(*, viewer: Any, pk: Any) -> Reminder:
    try:
        return Reminder.objects.visible_to(viewer).get(pk=int(pk))
    except (TypeError, ValueError, OverflowError, Reminder.DoesNotExist):
        raise NotFoundError from None


def unread_count(*, viewer: Any) -> int:
    return Notification.objects.filter(recipient=viewer.pk, read_at__isnull=True).count()


def notifications_recent(*, viewer: Any, size: int = 15) -> list[Notification]:
    return list(Notification.objects.filter(recipient=viewer.pk)[:size])


def notifications_of(*, viewer: Any, unread_only: bool = False) -> QuerySet[Notification]:
    """The viewer's own notifications, newest first; with `unread_only`, the unread ones."""
    qs = Notification.objects.filter(recipient=viewer.pk)
    return qs.filter(read_at__isnull=True) if unread_only else qs


# ---------------------------------------------------------------- the start page

WIDGETS = ("today", "assignments_mine", "assignments_given", "reminders", "pipeline", "kpi")


def start_page_layout(*, viewer: Any) -> tuple[list[str], set[str]]:
    """The viewer's widgets in their order, and the hidden ones; new widgets come last."""
    row = StartPage.objects.filter(user=viewer.pk).first()
    order = [w for w in (row.order if row else []) if w in WIDGETS]
    order += [w for w in WIDGETS if w not in order]
    hidden = {w for w in (row.hidden if row else []) if w in WIDGETS}
    return order, hidden


def today_interactions(*, viewer: Any, now: dt.datetime | None = None) -> dict[str, list[Any]]:
    """The viewer's planned interactions: overdue ones and today's."""
    now = now or timezone.now()
    _start, end = _day_bounds(timezone.localdate(now))
    rows = list(
        Interaction.objects.visible_to(viewer)
        .filter(responsible=viewer.pk, status=InteractionStatus.PLANNED)
        .filter(starts_at__lt=end)
        .select_related("counterparty", "contact_person")
        .order_by("starts_at", "id")[:50]
    )
    return {
        "overdue": [r for r in rows if r.starts_at < now],
        "today": [r for r in rows if r.starts_at >= now],
    }


def my_pipeline(*, viewer: Any) -> list[dict[str, Any]]:
    """The viewer's open deals by stage: count and amount, in funnel order."""
    rows = (
        Deal.objects.visible_to(viewer)
        .filter(responsible=viewer.pk, stage__kind=StageKind.OPEN)
        .values("stage_id")
        .annotate(deals=Count("id"), amount=Sum("amount"))
    )
    by_stage = {r["stage_id"]: r for r in rows}
    stages = Stage.objects.filter(pk__in=by_stage).select_related("pipeline")
    return [
        {"stage": s, "deals": by_stage[s.pk]["deals"], "amount": by_stage[s.pk]["amount"]}
        for s in sorted(stages, key=lambda s: (s.pipeline.position, s.pipeline_id, s.position))
    ]


def my_kpis(*, viewer: Any, today: dt.date | None = None) -> dict[str, Any]:
    """The viewer's figures for the current month: calls, meetings, new deals, revenue
    (each over the rows the viewer may see, of which the viewer is responsible)."""
    today = today or timezone.localdate()
    start, _end = _day_bounds(today.replace(day=1))
    mine = {"responsible": viewer.pk}
    done = (
        Interaction.objects.visible_to(viewer)
        .filter(**mine, status=InteractionStatus.DONE, starts_at__gte=start)
        .aggregate(
            calls=Count("id", filter=Q(kind=InteractionKind.CALL)),
            meetings=Count("id", filter=Q(kind=InteractionKind.MEETING)),
        )
    )
    deals = (
        Deal.objects.visible_to(viewer)
        .filter(**mine, created_at__gte=start)
        .aggregate(new=Count("id"), won=Count("id", filter=Q(stage__kind=StageKind.WON)))
    )
    revenue = (
        Payment.objects.visible_to(viewer)
        .active()
        .filter(**mine, date__gte=today.replace(day=1))
        .aggregate(total=Sum("amount"))["total"]
    )
    new_clients = (
        Counterparty.objects.visible_to(viewer).filter(**mine, created_at__gte=start).count()
    )
    return {
        "calls": done["calls"],
        "meetings": done["meetings"],
        "new_deals": deals["new"],
        "won_deals": deals["won"],
        "new_clients": new_clients,
        "revenue": revenue or Decimal("0"),
        "month": today.replace(day=1),
    }
