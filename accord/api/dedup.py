"""/api/v1/duplicates: likely duplicates found by the scan, merging them, "not a duplicate",
and starting a scan. For users who may change counterparties (403 otherwise); a pair is
visible when both of its records are."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status

from accord.api.auth import request_user
from accord.api.errors import error_responses
from accord.api.pagination import ListParams, Paged, PageData, paginate
from accord.api.schemas.common import Id, InSchema
from accord.core.audit import AccessRefusedError
from accord.core.errors import NotFoundError
from accord.dedup import selectors, services
from accord.dedup.models import Kind, Pair, Scan, ScanStatus
from accord.directory.models import ContactPerson, Counterparty
from accord.directory.similarity import reason_label
from accord.users.models import User

router = Router(tags=["duplicates"])
COUNTERPARTY_TYPE = "directory.counterparty"


class RecordRef(Schema):
    id: int
    name: str


class ReasonOut(Schema):
    code: str = Field(description="`same_inn`, `same_phone`, `name:93` (similar name, %), ...")
    label: str


class PairOut(Schema):
    id: int
    kind: Kind
    left: RecordRef
    right: RecordRef
    score: float = Field(description="How likely the two are one record, 0..1.")
    reasons: list[ReasonOut]
    status: Literal["open", "merged", "dismissed"]
    found_at: dt.datetime


class PairPage(Paged[PairOut]):
    pass


class PairListParams(ListParams):
    kind: Kind | None = Field(None, description="Only pairs of counterparties or of persons.")


class ScanIn(InSchema):
    kinds: list[Kind] | None = Field(None, description="What to compare; by default both.")


class ScanOut(Schema):
    id: int
    status: ScanStatus
    kinds: list[str]
    step: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    duration_seconds: float | None
    records: int | None = Field(
        description="Records compared: only for users who see every counterparty."
    )
    found: int | None = Field(description="Pairs found, on the same terms.")
    new: int | None
    error: str


class MergeIn(InSchema):
    keep: Literal["left", "right"] = Field(description="The record that stays.")


class MergeOut(Schema):
    kind: Kind
    kept_id: int
    removed_id: int
    filled: list[str] = Field(description="Fields of the kept record filled from the other.")
    moved: dict[str, int] = Field(description="Rows moved to the kept record, per model.")


def _reviewer(request: HttpRequest) -> User:
    user = request_user(request)
    if not selectors.may_review(user):
        raise AccessRefusedError("change", COUNTERPARTY_TYPE)
    return user


def _pairs_out(viewer: Any, pairs: list[Pair]) -> list[dict[str, Any]]:
    names: dict[str, dict[int, str]] = {}
    for kind, model in ((Kind.COUNTERPARTY, Counterparty), (Kind.CONTACT_PERSON, ContactPerson)):
        ids = {i for p in pairs if p.kind == kind for i in p.ids()}
        rows: Any = model.objects.filter(pk__in=ids).values_list("pk", "name") if ids else []
        names[kind] = dict(rows)
    return [
        {
            "id": p.pk,
            "kind": p.kind,
            "left": {"id": p.left_id, "name": names[p.kind].get(p.left_id, "")},
            "right": {"id": p.right_id, "name": names[p.kind].get(p.right_id, "")},
            "score": p.score,
            "reasons": [{"code": r, "label": reason_label(r)} for r in p.reasons],
            "status": p.status,
            "found_at": p.found_at,
        }
        for p in pairs
    ]


def _scan_out(viewer: Any, scan: Scan) -> dict[str, Any]:
    totals = selectors.sees_everything(viewer)
    return {
        "id": scan.pk,
        "status": scan.status,
        "kinds": scan.kinds,
        "step": scan.step,
        "created_at": scan.created_at,
        "started_at": scan.started_at,
        "finished_at": scan.finished_at,
        "duration_seconds": scan.duration_seconds,
        "records": scan.records if totals else None,
        "found": scan.found if totals else None,
        "new": scan.new if totals else None,
        "error": scan.error,
    }


@router.get(
    "",
    response={200: PairPage, **error_responses(400, 401, 403)},
    operation_id="duplicates_list",
    summary="List the likely duplicates to review, the likeliest first",
)
def duplicates_list(request: HttpRequest, params: Query[PairListParams]) -> dict[str, Any]:
    viewer = _reviewer(request)
    rows = selectors.pairs_visible(viewer=viewer, kind=params.kind or "")
    page: PageData[Pair] = paginate(rows, order=selectors.PAIR_ORDER, params=params)
    return {
        "count": page.count,
        "items": _pairs_out(viewer, page.items),
        "next_cursor": page.next_cursor,
    }


@router.get(
    "/scan",
    response={200: ScanOut, **error_responses(401, 403, 404)},
    operation_id="duplicates_scan_get",
    summary="The latest duplicate scan: its status and progress",
)
def duplicates_scan_get(request: HttpRequest) -> dict[str, Any]:
    viewer = _reviewer(request)
    scan = selectors.scan_latest()
    if scan is None:
        raise NotFoundError("No scan has run yet.")
    return _scan_out(viewer, scan)


@router.post(
    "/scan",
    response={202: ScanOut, **error_responses(400, 401, 403)},
    operation_id="duplicates_scan_start",
    summary="Start a duplicate scan in the background (or answer the one running)",
)
def duplicates_scan_start(request: HttpRequest, payload: ScanIn) -> Status[dict[str, Any]]:
    viewer = _reviewer(request)
    kinds = [str(k) for k in payload.kinds] if payload.kinds else None
    scan = services.scan_start(actor=viewer, kinds=kinds)
    return Status(202, _scan_out(viewer, scan))


@router.post(
    "/{id}/merge",
    response={200: MergeOut, **error_responses(400, 401, 403, 404, 409)},
    operation_id="duplicates_merge",
    summary="Merge the pair's records: one stays, everything linked to the other moves",
)
def duplicates_merge(request: HttpRequest, id: Path[Id], payload: MergeIn) -> dict[str, Any]:
    viewer = request_user(request)
    pair = selectors.pair_get(viewer=viewer, pk=id)
    result = services.pair_merge(actor=viewer, pair=pair, keep=payload.keep)
    return {
        "kind": result.kind,
        "kept_id": result.kept.pk,
        "removed_id": result.removed_id,
        "filled": result.filled,
        "moved": result.moved,
    }


@router.post(
    "/{id}/dismiss",
    response={200: PairOut, **error_responses(401, 403, 404, 409)},
    operation_id="duplicates_dismiss",
    summary="Not a duplicate: close the pair; no later scan proposes it again",
)
def duplicates_dismiss(request: HttpRequest, id: Path[Id]) -> dict[str, Any]:
    viewer = request_user(request)
    pair = services.pair_dismiss(actor=viewer, pair=selectors.pair_get(viewer=viewer, pk=id))
    return _pairs_out(viewer, [pair])[0]
