"""Writes of claims (complaints from clients): register one, change it, move it along its
statuses, delete it.

The flow is registered -> under review -> resolved or rejected; closing needs the
resolution (what was done, or why the claim is rejected), and a closed claim is reopened
back to review with a comment. The responsible manager is notified of a new claim, of a
claim handed to them and of every status change they did not make themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.activities.errors import StatusMoveError
from accord.activities.models import (
    CLAIM,
    CLAIM_CLOSED,
    Claim,
    ClaimSeverity,
    ClaimStatus,
    NotificationKind,
)
from accord.activities.notification_services import notify
from accord.activities.validation import (
    choice,
    clean_links,
    clean_responsible,
    day,
    ident,
    text,
    unknown_fields,
)
from accord.catalog.models import Product
from accord.core.audit import diff, log_action, snapshot
from accord.core.errors import ConflictError, NotFoundError, ValidationFailedError
from accord.directory.validation import Errors
from accord.sales.numbering import next_value
from accord.users.access import require
from accord.users.models import User

S = ClaimStatus
PREFIX, WIDTH = "ПР", 6  # "ПР-000123": претензия
CLAIM_FIELDS = (
    "subject", "description", "counterparty_id", "contact_person_id", "order_id",
    "invoice_id", "product_id", "severity", "deadline", "responsible_id",
)  # fmt: skip
CLAIM_LINKS = ("order_id", "invoice_id")
# Links checked against the actor's visibility only when they change: a kept link was
# checked when it was made, perhaps by someone who sees more than the actor.
LINK_FIELDS = ("counterparty_id", "contact_person_id", *CLAIM_LINKS, "product_id")
AUDITED = (*CLAIM_FIELDS, "number", "status", "resolution", "closed_at")
# status -> the statuses a claim may move to from it
MOVES: dict[str, tuple[str, ...]] = {
    S.REGISTERED: (S.UNDER_REVIEW, S.RESOLVED, S.REJECTED),
    S.UNDER_REVIEW: (S.RESOLVED, S.REJECTED),
    S.RESOLVED: (S.UNDER_REVIEW,),
    S.REJECTED: (S.UNDER_REVIEW,),
}
TEXT_LIMIT = 20000


class ClaimClosedError(ConflictError):
    def __init__(self) -> None:
        super().__init__(
            "claim_closed", _("A closed claim cannot be changed; reopen it for review first.")
        )


def allowed_moves(claim: Claim) -> tuple[str, ...]:
    """The statuses this claim may move to now."""
    return MOVES.get(claim.status, ())


def _locked(actor: Any, claim: Claim | int) -> Claim:
    """The claim again, locked for the write, if the actor still sees it."""
    pk = claim.pk if isinstance(claim, Claim) else claim
    row = Claim.objects.visible_to(actor).select_for_update(of=("self",)).filter(pk=pk).first()
    if row is None:
        raise NotFoundError
    return row


def _clean_product(
    merged: Mapping[str, Any], *, actor: Any, out: dict[str, Any], errors: Errors
) -> None:
    pk = errors.check("product_id", ident, merged.get("product_id"))
    if pk and not Product.objects.visible_to(actor).filter(pk=pk).exists():
        errors.add("product_id", _("Choose a product of the catalog."))
    out["product_id"] = pk


def clean_claim(
    data: Mapping[str, Any], *, actor: Any, instance: Claim | None = None
) -> dict[str, Any]:
    """Clean values of every claim field, the given ones merged over `instance`.

    A new claim's deadline, or a changed one, may not be in the past.
    """
    errors = Errors()
    unknown_fields(data, CLAIM_FIELDS, errors)
    current = {name: getattr(instance, name) for name in CLAIM_FIELDS} if instance else {}
    merged = {**current, **{k: v for k, v in data.items() if k in CLAIM_FIELDS}}
    out: dict[str, Any] = {
        "subject": errors.check("subject", text, merged.get("subject"), 255) or "",
        "description": errors.check("description", text, merged.get("description"), TEXT_LIMIT)
        or "",
        "severity": errors.check(
            "severity", choice, merged.get("severity"), ClaimSeverity, ClaimSeverity.MEDIUM
        ),
        "deadline": errors.check("deadline", day, merged.get("deadline")),
    }
    if not out["subject"] and "subject" not in errors.fields:
        errors.add("subject", _("This field is required."))
    deadline_changed = instance is None or out["deadline"] != instance.deadline
    if out["deadline"] and deadline_changed and out["deadline"] < timezone.localdate():
        errors.add("deadline", _("The deadline cannot be in the past."))
    clean_links(
        merged, actor=actor, out=out, errors=errors, links=CLAIM_LINKS, counterparty_required=True
    )
    _clean_product(merged, actor=actor, out=out, errors=errors)
    if instance is not None and out.get("counterparty_id") == instance.counterparty_id:
        for name in LINK_FIELDS:
            if out.get(name) == getattr(instance, name):
                errors.fields.pop(name, None)
    clean_responsible(
        merged,
        actor=actor,
        current=instance.responsible_id if instance else None,
        out=out,
        errors=errors,
    )
    errors.raise_if_any()
    return out


def _notify_responsible(row: Claim, *, actor: Any, title: str, text_: str = "") -> None:
    """Tell the responsible manager, unless they did it themselves (notify skips the actor)."""
    if row.responsible_id is None:
        return
    notify(
        recipients=User.objects.filter(pk=row.responsible_id),
        kind=NotificationKind.CLAIM,
        title=title,
        text=text_,
        url=row.get_absolute_url(),
        about=row,
        exclude=actor,
    )


@transaction.atomic
def claim_create(*, actor: Any, data: Mapping[str, Any]) -> Claim:
    """Register a claim; it takes the next number, and its responsible manager is told."""
    require(actor, "add", CLAIM)
    cleaned = clean_claim(data, actor=actor)
    number = f"{PREFIX}-{next_value('claim'):0{WIDTH}d}"
    row = Claim.objects.create(**cleaned, number=number, created_by=actor, updated_by=actor)
    log_action(
        actor=actor, action="activities.claim.created", obj=row, changes=snapshot(row, AUDITED)
    )
    _notify_responsible(
        row,
        actor=actor,
        title=_("New claim %(number)s: %(subject)s") % {"number": number, "subject": row.subject},
        text_=row.description,
    )
    return row


@transaction.atomic
def claim_update(*, actor: Any, claim: Claim | int, data: Mapping[str, Any]) -> Claim:
    """Change an open claim; its status changes only through `claim_move`."""
    require(actor, "change", CLAIM)
    row = _locked(actor, claim)
    if row.is_closed:
        raise ClaimClosedError
    cleaned = clean_claim(data, actor=actor, instance=row)
    before = snapshot(row, AUDITED)
    for name, value in cleaned.items():
        setattr(row, name, value)
    changes = diff(before, snapshot(row, AUDITED))
    if changes:
        row.updated_at, row.updated_by = timezone.now(), actor
        row.save()
        log_action(actor=actor, action="activities.claim.updated", obj=row, changes=changes)
        if "responsible_id" in changes:
            _notify_responsible(
                row,
                actor=actor,
                title=_("Claim %(number)s is now yours: %(subject)s")
                % {"number": row.number, "subject": row.subject},
            )
    return row


@transaction.atomic
def claim_move(
    *,
    actor: Any,
    claim: Claim | int,
    status: Any,
    resolution: Any = "",
    comment: Any = "",
) -> Claim:
    """Move the claim to `status`.

    Resolving or rejecting needs the `resolution` (what was done, or why it is rejected);
    reopening a closed claim for review needs a `comment` saying why.
    """
    require(actor, "change", CLAIM)
    row = _locked(actor, claim)
    errors = Errors()
    target = errors.check("status", choice, status, ClaimStatus)
    answer = errors.check("resolution", text, resolution, TEXT_LIMIT) or ""
    note = errors.check("comment", text, comment, TEXT_LIMIT) or ""
    errors.raise_if_any()
    if target not in allowed_moves(row):
        raise StatusMoveError(
            _("A claim cannot move from “%(from)s” to “%(to)s”.")
            % {"from": row.get_status_display(), "to": S(target).label}
        )
    closing = target in CLAIM_CLOSED
    if closing and not answer:
        message = (
            _("Say how the claim was resolved.")
            if target == S.RESOLVED
            else _("Say why the claim is rejected.")
        )
        raise ValidationFailedError({"resolution": [message]})
    reopening = row.is_closed
    if reopening and not note:
        raise ValidationFailedError({"comment": [_("Say why the claim is reopened.")]})
    before = snapshot(row, ("status", "resolution", "closed_at"))
    now = timezone.now()
    row.status = target
    if closing:
        row.resolution, row.closed_at = answer, now
    elif reopening:
        row.resolution, row.closed_at = "", None
    row.updated_at, row.updated_by = now, actor
    row.save()
    changes: dict[str, Any] = diff(before, snapshot(row, ("status", "resolution", "closed_at")))
    if note:
        changes["comment"] = note
    log_action(actor=actor, action="activities.claim.moved", obj=row, changes=changes)
    _notify_responsible(
        row,
        actor=actor,
        title=_("Claim %(number)s: %(status)s") % {"number": row.number, "status": S(target).label},
        text_=answer or note,
    )
    return row


@transaction.atomic
def claim_delete(*, actor: Any, claim: Claim | int) -> None:
    """Delete a claim registered by mistake; the audit trail keeps what it was."""
    require(actor, "delete", CLAIM)
    row = _locked(actor, claim)
    log_action(
        actor=actor, action="activities.claim.deleted", obj=row, changes=snapshot(row, AUDITED)
    )
    row.delete()


def _pk(user: Any) -> int:
    return int(getattr(user, "pk", user))


@transaction.atomic
def claims_handover(*, actor: Any, from_user: Any, to_user: Any, counterparty_ids: Any) -> int:
    """Pass the open claims of these counterparties to the new manager (a hand-over step:
    `directory.handover.register_handover_step`)."""
    ids = list(
        Claim.objects.open()
        .filter(counterparty_id__in=list(counterparty_ids), responsible_id=_pk(from_user))
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    moved = Claim.objects.filter(pk__in=ids).update(
        responsible_id=_pk(to_user), updated_by=actor, updated_at=timezone.now()
    )
    log_action(
        actor=actor,
        action="activities.claim.handed_over",
        label=f"{moved} claims",
        changes={"claims": ids, "responsible_id": [_pk(from_user), _pk(to_user)]},
    )
    return moved
