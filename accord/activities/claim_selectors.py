"""Reads of claims: the list, one claim with its status history, and the control report.

Every read takes the viewer first and goes through `Claim.objects.visible_to`, so a list,
a count or a report figure never includes a claim the viewer may not open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.activities.models import CLAIM_CLOSED, Claim, ClaimSeverity, ClaimStatus
from accord.core.errors import DomainError, NotFoundError, ValidationFailedError
from accord.core.models import AuditEvent, model_label
from accord.core.pagination import CappedCount, Page, capped_count, keyset_page
from accord.directory.identifiers import name_key
from accord.users.models import User

# Sort names offered to users -> keyset order (the last key is unique).
CLAIM_SORTS: dict[str, tuple[str, ...]] = {
    "-created": ("-created_at", "-id"),
    "created": ("created_at", "id"),
}
CLAIM_FILTERS = ("status", "severity", "responsible", "counterparty", "overdue")
OPEN = "open"  # the status filter's value for "registered or under review"
TRUE = (True, "1", "true", "on")


@dataclass(frozen=True)
class ClaimList:
    page: Page[Claim]
    count: CappedCount


@dataclass(frozen=True)
class StatusStep:
    """One step of a claim's way: who moved it where, when, and what they said."""

    at: dt.datetime
    actor: User | None
    status: str
    label: str
    text: str


def _filter_error(name: str, message: str) -> DomainError:
    return DomainError("invalid_filter", message, fields={name: [message]})


def _condition(filters: dict[str, Any], today: dt.date) -> Q:
    condition = Q()
    status = filters.get("status")
    if status == OPEN:
        condition &= ~Q(status__in=CLAIM_CLOSED)
    elif status not in (None, ""):
        if status not in ClaimStatus.values:
            values = ", ".join([*ClaimStatus.values, OPEN])
            raise _filter_error("status", f"Status is one of: {values}.")
        condition &= Q(status=status)
    severity = filters.get("severity")
    if severity not in (None, ""):
        if severity not in ClaimSeverity.values:
            values = ", ".join(ClaimSeverity.values)
            raise _filter_error("severity", f"Severity is one of: {values}.")
        condition &= Q(severity=severity)
    for name in ("responsible", "counterparty"):
        value: Any = filters.get(name)
        if value not in (None, ""):
            try:
                condition &= Q(**{f"{name}_id": int(value)})
            except (TypeError, ValueError):
                raise _filter_error(name, f"Filter {name} takes an id.") from None
    if filters.get("overdue") in TRUE:
        condition &= ~Q(status__in=CLAIM_CLOSED) & Q(deadline__lt=today)
    return condition


def search_condition(query: str) -> Q:
    """Claims whose number, subject or counterparty name contains `query`."""
    query = query.strip()
    if not query:
        return Q()
    condition = Q(number__icontains=query) | Q(subject__icontains=query)
    key = name_key(query)
    if key:
        condition |= Q(counterparty__name_key__contains=key)
    return condition


def claims_filtered(
    *,
    viewer: Any,
    query: str = "",
    filters: dict[str, Any] | None = None,
    today: dt.date | None = None,
) -> QuerySet[Claim]:
    """Claims the viewer sees matching `query` and `filters`, ready to page over."""
    condition = _condition(filters or {}, today or timezone.localdate()) & search_condition(query)
    return (
        Claim.objects.visible_to(viewer)
        .filter(condition)
        .select_related("counterparty", "responsible")
    )


def claims_list(
    *,
    viewer: Any,
    query: str = "",
    filters: dict[str, Any] | None = None,
    sort: str = "-created",
    cursor: str | None = None,
    size: int = 50,
) -> ClaimList:
    if sort not in CLAIM_SORTS:
        raise _filter_error("sort", f"Sort by one of: {', '.join(CLAIM_SORTS)}.")
    qs = claims_filtered(viewer=viewer, query=query, filters=filters)
    page = keyset_page(qs, order=CLAIM_SORTS[sort], cursor=cursor, size=size)
    return ClaimList(page=page, count=capped_count(qs))


def claim_get(*, viewer: Any, pk: Any) -> Claim:
    """One claim the viewer may see with its links; a hidden one is as missing as none."""
    try:
        return (
            Claim.objects.visible_to(viewer)
            .select_related(
                "counterparty",
                "contact_person",
                "order",
                "invoice",
                "product",
                "responsible",
                "created_by",
                "updated_by",
            )
            .get(pk=int(pk))
        )
    except (TypeError, ValueError, OverflowError, Claim.DoesNotExist):
        raise NotFoundError from None


def claim_steps(*, claim: Claim) -> list[StatusStep]:
    """The claim's way through its statuses, oldest first, read from its audit events.

    The caller has found `claim` through the viewer's visibility.
    """
    events = (
        AuditEvent.objects.filter(
            object_type=model_label(claim),
            object_id=str(claim.pk),
            action__in=("activities.claim.created", "activities.claim.moved"),
        )
        .select_related("actor")
        .order_by("at", "id")
    )
    steps = []
    for event in events:
        changes = event.changes or {}
        status = changes.get("status")
        status = status[1] if isinstance(status, list) else status
        if status not in ClaimStatus.values:
            continue
        said = changes.get("comment") or changes.get("resolution") or ""
        said = said[1] if isinstance(said, list) else said
        steps.append(
            StatusStep(
                at=event.at,
                actor=event.actor,
                status=status,
                label=str(ClaimStatus(status).label),
                text=str(said or ""),
            )
        )
    return steps


# ---------------------------------------------------------------- the control report


@dataclass
class ControlRow:
    """The figures of one responsible manager (None: claims left without one)."""

    responsible: User | None
    open: int = 0
    overdue: int = 0
    registered: int = 0
    resolved: int = 0
    rejected: int = 0
    # Days from registration to closing, summed over the claims closed in the period.
    close_days: float = 0.0

    @property
    def closed(self) -> int:
        return self.resolved + self.rejected

    @property
    def average_days(self) -> float | None:
        """Average days to close a claim closed in the period; None when none was."""
        return round(self.close_days / self.closed, 1) if self.closed else None


@dataclass
class ControlReport:
    date_from: dt.date
    date_to: dt.date
    today: dt.date
    rows: list[ControlRow] = field(default_factory=list)
    total: ControlRow = field(default_factory=lambda: ControlRow(None))


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def report_period(raw_from: Any, raw_to: Any, *, today: dt.date) -> tuple[dt.date, dt.date]:
    """The report's period from text (YYYY-MM-DD); by default the month so far."""
    errors: dict[str, list[str]] = {}
    days: list[dt.date | None] = []
    for name, raw in (("date_from", raw_from), ("date_to", raw_to)):
        if isinstance(raw, dt.date) or raw in (None, ""):
            days.append(raw or None)
            continue
        try:
            days.append(dt.date.fromisoformat(str(raw).strip()))
        except ValueError:
            errors[name] = [_("Enter a date as YYYY-MM-DD.")]
            days.append(None)
    date_from = days[0] or today.replace(day=1)
    date_to = days[1] or max(today, date_from)
    if not errors and date_from > date_to:
        errors["date_to"] = [_("The end of the period is before its start.")]
    if errors:
        raise ValidationFailedError(errors)
    return date_from, date_to


def claims_control(
    *,
    viewer: Any,
    date_from: dt.date,
    date_to: dt.date,
    today: dt.date | None = None,
) -> ControlReport:
    """Per responsible manager: open and overdue claims now; registered, resolved and
    rejected in the period (both days included), and the average days to close those
    closed in it. One query over the claims the viewer sees."""
    today = today or timezone.localdate()
    start, end = _day_start(date_from), _day_start(date_to + dt.timedelta(days=1))
    is_open = ~Q(status__in=CLAIM_CLOSED)
    closed_in = Q(status__in=CLAIM_CLOSED, closed_at__gte=start, closed_at__lt=end)
    took = ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField())
    figures = (
        Claim.objects.visible_to(viewer)
        .values("responsible_id")
        .order_by()
        .annotate(
            open=Count("id", filter=is_open),
            overdue=Count("id", filter=is_open & Q(deadline__lt=today)),
            registered=Count("id", filter=Q(created_at__gte=start, created_at__lt=end)),
            resolved=Count("id", filter=closed_in & Q(status=ClaimStatus.RESOLVED)),
            rejected=Count("id", filter=closed_in & Q(status=ClaimStatus.REJECTED)),
            took=Sum(took, filter=closed_in),
        )
    )
    found = [f for f in figures if f["open"] or f["registered"] or f["resolved"] or f["rejected"]]
    people = User.objects.in_bulk([f["responsible_id"] for f in found if f["responsible_id"]])
    report = ControlReport(date_from=date_from, date_to=date_to, today=today)
    for f in found:
        took_days = f["took"].total_seconds() / 86400 if f["took"] else 0.0
        row = ControlRow(
            responsible=people.get(f["responsible_id"]),
            open=f["open"],
            overdue=f["overdue"],
            registered=f["registered"],
            resolved=f["resolved"],
            rejected=f["rejected"],
            close_days=took_days,
        )
        report.rows.append(row)
        for name in ("open", "overdue", "registered", "resolved", "rejected", "close_days"):
            setattr(report.total, name, getattr(report.total, name) + getattr(row, name))
    report.rows.sort(key=lambda r: (r.responsible is None, str(r.responsible or "")))
    return report
