"""Reads of the audit trail: the history of given objects, and the filtered list that
administrators browse (the web page and the API share the filters).

Core sits below `users`, so these selectors do not check permissions themselves: a History
page checks that the viewer sees the object (through its model's `visible_to`) before
asking for its events, and the audit list's callers require `view` on `admin.audit`.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from accord.core.errors import ValidationFailedError
from accord.core.models import AuditEvent, model_label
from accord.core.pagination import CappedCount, Page, capped_count, keyset_page

AUDIT_TYPE = "admin.audit"  # the administrative object type that guards the audit list
AUDIT_ORDER = ("-at", "-id")
AUDIT_FILTERS = ("q", "actor", "action", "object_type", "object_id", "date_from", "date_to", "ip")
# Events of these objects, given as (object type, ids).
Subjects = Iterable[tuple[str, Iterable[Any]]]


@dataclass(frozen=True)
class AuditFilters:
    q: str = ""  # text in the object's name as recorded
    actor: int | None = None
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    ip: str = ""

    def condition(self) -> Q:
        q = Q()
        if self.q:
            q &= Q(object_label__icontains=self.q)
        if self.actor is not None:
            q &= Q(actor_id=self.actor)
        if self.action:
            q &= Q(action__startswith=self.action)
        if self.object_type:
            q &= Q(object_type=self.object_type)
        if self.object_id:
            q &= Q(object_id=self.object_id)
        if self.date_from:
            q &= Q(at__gte=_day_start(self.date_from))
        if self.date_to:
            q &= Q(at__lt=_day_start(self.date_to + dt.timedelta(days=1)))
        if self.ip:
            q &= Q(ip=self.ip)
        return q


@dataclass(frozen=True)
class AuditList:
    page: Page[AuditEvent]
    count: CappedCount


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _text(raw: Mapping[str, Any], name: str, limit: int, errors: dict[str, list[str]]) -> str:
    value = str(raw.get(name) or "").strip()
    if len(value) > limit:
        errors[name] = [f"At most {limit} characters."]
    return value


def _date(raw: Mapping[str, Any], name: str, errors: dict[str, list[str]]) -> dt.date | None:
    value = raw.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors[name] = ["Give a date as YYYY-MM-DD."]
        return None


def _actor(raw: Mapping[str, Any], errors: dict[str, list[str]]) -> int | None:
    value = raw.get("actor")
    if value in (None, ""):
        return None
    try:
        return int(str(value))
    except ValueError:
        errors["actor"] = ["Give a user id."]
        return None


def _ip(raw: Mapping[str, Any], errors: dict[str, list[str]]) -> str:
    value = str(raw.get("ip") or "").strip()
    if not value:
        return ""
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        errors["ip"] = ["Give an IPv4 or IPv6 address."]
        return ""


def clean_audit_filters(raw: Mapping[str, Any]) -> AuditFilters:
    """The filters from GET parameters or API query values; every problem reported at once."""
    errors: dict[str, list[str]] = {}
    filters = AuditFilters(
        q=_text(raw, "q", 200, errors),
        actor=_actor(raw, errors),
        action=_text(raw, "action", 80, errors),
        object_type=_text(raw, "object_type", 80, errors),
        object_id=_text(raw, "object_id", 64, errors),
        date_from=_date(raw, "date_from", errors),
        date_to=_date(raw, "date_to", errors),
        ip=_ip(raw, errors),
    )
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        errors.setdefault("date_to", []).append("The end date is before the start date.")
    if errors:
        raise ValidationFailedError(errors, "Some filters are not valid.")
    return filters


def audit_events_filtered(*, viewer: Any, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """Every event matching `filters`; the caller has required `view` on `admin.audit`."""
    return AuditEvent.objects.filter(filters.condition()).select_related("actor")


def audit_events_list(
    *, viewer: Any, filters: AuditFilters, cursor: str | None = None, size: int = 50
) -> AuditList:
    """One page of the audit list, newest first, with a capped count."""
    qs = audit_events_filtered(viewer=viewer, filters=filters)
    page = keyset_page(qs, order=AUDIT_ORDER, cursor=cursor, size=size)
    return AuditList(page=page, count=capped_count(qs))


def audit_events_for(
    *, viewer: Any, subjects: Subjects, cursor: str | None = None, size: int = 20
) -> Page[AuditEvent]:
    """The history of the given objects, newest first, one keyset page.

    `subjects` are (object type, ids) pairs, e.g. a counterparty and its contact persons.
    The caller has checked that `viewer` may see the objects; an inactive or anonymous
    viewer gets nothing whatever the caller did.
    """
    condition = Q(pk__in=[])
    for object_type, ids in subjects:
        keys = sorted({str(i) for i in ids})
        if keys:
            condition |= Q(object_type=object_type, object_id__in=keys)
    if not (getattr(viewer, "is_authenticated", False) and viewer.is_active):
        condition = Q(pk__in=[])
    qs = AuditEvent.objects.filter(condition).select_related("actor")
    return keyset_page(qs, order=AUDIT_ORDER, cursor=cursor, size=size)


def audit_ids_linked(*, object_type: str, key: str, value: Any) -> set[str]:
    """Ids of `object_type` objects whose recorded changes say `key` was `value`.

    Lets a history find rows that are gone: a deleted contact person's events still say
    which counterparty it belonged to.
    """
    rows = AuditEvent.objects.filter(object_type=object_type, **{f"changes__{key}": value})
    return set(rows.values_list("object_id", flat=True).distinct())


def audit_actor_choices() -> list[tuple[int, str]]:
    """Users to filter the audit list by (active or not: old events name former staff)."""
    users = get_user_model()._default_manager.order_by("username")
    return [(u.pk, f"{u} ({u.get_username()})") for u in users]


def audit_object_types() -> list[str]:
    """The object types events may name: every Accord model, as `app.model`."""
    return sorted(model_label(m) for m in apps.get_models() if m.__module__.startswith("accord."))
