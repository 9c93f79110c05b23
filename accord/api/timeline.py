"""/api/v1/counterparties/{id}/timeline: everything about a client in time order, newest
first, as the caller may see it; filtered by group and paged by an opaque cursor.

A counterparty the caller cannot see is a 404, exactly like a missing id. Each source of
the timeline goes through its own `visible_to` (`activities.timeline`).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from ninja import Path, Query, Router

from accord.activities.timeline import GROUPS, SOURCES, Entry, timeline_page
from accord.api.auth import request_user
from accord.api.errors import error_responses
from accord.api.schemas.activities import TimelinePageOut, TimelineParams
from accord.api.schemas.common import Id
from accord.core.audit_display import action_phrase
from accord.core.errors import ValidationFailedError
from accord.directory.selectors import counterparty_get

router = Router(tags=["counterparties"])

SUMMARY_LENGTH = 300
# kind -> the API collection its objects are read from (a stage change links to its deal).
LINKS = {
    "interaction": "interactions",
    "stage": "deals",
    "quote": "quotes",
    "order": "orders",
    "invoice": "invoices",
    "shipment": "shipments",
    "payment": "payments",
    "claim": "claims",
}
GROUP_OF = {source.kind: source.group for source in SOURCES}


def _groups(value: str) -> list[str]:
    wanted = [g.strip() for g in value.split(",") if g.strip()]
    unknown = [g for g in wanted if g not in GROUPS]
    if unknown:
        raise ValidationFailedError(
            {"groups": [f"Unknown group: {', '.join(unknown)}. Choose from {', '.join(GROUPS)}."]}
        )
    return wanted


def _short(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= SUMMARY_LENGTH else value[: SUMMARY_LENGTH - 1] + "…"


def _money(obj: Any, field: str) -> str:
    return f"{getattr(obj, field)} {obj.currency}"


def _describe(entry: Entry) -> tuple[str, str, str]:
    """The entry's title, summary and status in words."""
    obj = entry.obj
    kind = entry.kind
    if kind == "interaction":
        title = f"{obj.get_kind_display()}: {obj.subject}"
        return title, _short(obj.outcome or obj.description), obj.status
    if kind == "stage":
        moved = (
            f"{obj.from_stage.name} → {obj.to_stage.name}" if obj.from_stage else obj.to_stage.name
        )
        return obj.deal.title, moved, obj.to_stage.kind
    if kind in ("quote", "order", "shipment"):
        title = f"{capfirst(obj._meta.verbose_name)} {obj.number}"
        return title, _money(obj, "total"), obj.status
    if kind == "invoice":
        return str(obj), _money(obj, "total"), obj.status
    if kind == "payment":
        title = _("Payment %(number)s") % {"number": obj.number} if obj.number else _("Payment")
        return title, _money(obj, "amount"), obj.status
    if kind == "claim":
        return str(obj), _short(obj.description), obj.status
    who = str(obj.actor) if obj.actor_id else ""
    return action_phrase(obj), who, ""


def _entry(entry: Entry) -> dict[str, Any]:
    title, summary, status = _describe(entry)
    collection = LINKS.get(entry.kind)
    target = entry.obj.deal_id if entry.kind == "stage" else entry.pk
    return {
        "kind": entry.kind,
        "group": GROUP_OF[entry.kind],
        "at": entry.at,
        "id": entry.pk,
        "title": title,
        "summary": summary,
        "status": status,
        "link": f"/api/v1/{collection}/{target}" if collection else None,
    }


@router.get(
    "/{id}/timeline",
    response={200: TimelinePageOut, **error_responses(400, 401, 404)},
    operation_id="counterparties_timeline",
    summary="The client's timeline: interactions, deals, documents, payments, claims, changes",
)
def counterparties_timeline(
    request: HttpRequest, id: Path[Id], params: Query[TimelineParams]
) -> dict[str, Any]:
    viewer = request_user(request)
    counterparty = counterparty_get(viewer=viewer, pk=id, with_contacts=False)
    page = timeline_page(
        viewer=viewer,
        counterparty=counterparty,
        groups=_groups(params.groups),
        cursor=params.cursor,
        size=params.limit,
    )
    return {"items": [_entry(e) for e in page.entries], "next_cursor": page.next_cursor}
