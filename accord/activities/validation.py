"""Turn raw input (a form's or the API's) for activities into clean values, or say every
problem at once.

The value parsers raise ValueError with a message for people; `Errors.check` files it
under the field. `clean_links` checks the objects a row is about: each must be visible to
the actor and belong to the same counterparty, so nobody links (or learns of) a record
they may not see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.activities.models import (
    ASSIGNMENT_OPEN,
    Assignment,
    CallResult,
    Claim,
    Direction,
    Importance,
    Interaction,
    InteractionKind,
    InteractionStatus,
)
from accord.billing.models import Invoice
from accord.directory.models import ContactPerson, Counterparty
from accord.directory.validation import Errors
from accord.sales.models import Deal, Order
from accord.sales.validation import _id as ident
from accord.sales.validation import _ids as idents
from accord.sales.validation import _text as text
from accord.users.access import assignable_users
from accord.users.models import User

# --- Value parsers ---------------------------------------------------------------------------
# Ids, id lists and text parse as they do for deals (sales.validation); the rest is ours.


def choice(value: Any, choices: type[models.TextChoices], default: str | None = None) -> str:
    if value in (None, "") and default is not None:
        return default
    if value not in choices.values:
        raise ValueError(_("Choose a value from the list."))
    return str(value)


def moment(value: Any) -> dt.datetime | None:
    """A date and time; one typed without a zone is read in the server's zone."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime.combine(value, dt.time(9, 0))
    else:
        try:
            parsed = dt.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(_("Enter a date and time as YYYY-MM-DD HH:MM.")) from None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def day(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(_("Enter a date as YYYY-MM-DD.")) from None


def minutes(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(_("Enter a whole number of minutes.")) from None
    if not 0 <= number <= 24 * 60:
        raise ValueError(_("Enter from 0 to 1440 minutes."))
    return number


def _minute(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(second=0, microsecond=0) if value else None


def unknown_fields(data: Mapping[str, Any], known: Iterable[str], errors: Errors) -> None:
    for name in sorted(set(data) - set(known)):
        errors.add(name, _("Unknown field."))


# --- Links to business objects ---------------------------------------------------------------

# field -> (model, the message when it is not one the actor sees or not of the counterparty)
LINKS: dict[str, tuple[type[models.Model], Any]] = {
    "deal_id": (Deal, gettext_lazy("Choose a deal of this counterparty.")),
    "order_id": (Order, gettext_lazy("Choose an order of this counterparty.")),
    "invoice_id": (Invoice, gettext_lazy("Choose an invoice of this counterparty.")),
    "claim_id": (Claim, gettext_lazy("Choose a claim of this counterparty.")),
}


def _counterparty_of_links(chosen: Mapping[str, int | None]) -> int | None:
    """The counterparty of the first linked object, for a row given only that link."""
    for name, pk in chosen.items():
        if pk:
            model: Any = LINKS[name][0]
            row = model._default_manager.filter(pk=pk).values("counterparty_id").first()
            return row["counterparty_id"] if row else None
    return None


def clean_links(
    merged: Mapping[str, Any],
    *,
    actor: Any,
    out: dict[str, Any],
    errors: Errors,
    links: Iterable[str],
    counterparty_required: bool,
) -> None:
    """Check `counterparty_id`, `contact_person_id` and the chosen `links` of `merged`.

    A linked deal, order, invoice or claim without a counterparty brings its own one.
    """
    chosen = {name: errors.check(name, ident, merged.get(name)) for name in links}
    cp_id = errors.check("counterparty_id", ident, merged.get("counterparty_id"))
    if "counterparty_id" in errors.fields:
        return
    if cp_id is None:
        cp_id = _counterparty_of_links(chosen)
    if cp_id is None and counterparty_required:
        errors.add("counterparty_id", _("This field is required."))
    elif cp_id is not None and not Counterparty.objects.visible_to(actor).filter(pk=cp_id).exists():
        errors.add("counterparty_id", _("Choose a counterparty you can see."))
    out["counterparty_id"] = cp_id
    person = errors.check("contact_person_id", ident, merged.get("contact_person_id"))
    if person and not ContactPerson.objects.filter(pk=person, counterparty_id=cp_id).exists():
        errors.add("contact_person_id", _("Choose a contact person of this counterparty."))
    out["contact_person_id"] = person
    for name, pk in chosen.items():
        model, message = LINKS[name]
        manager: Any = model._default_manager
        if pk and not manager.visible_to(actor).filter(pk=pk, counterparty_id=cp_id).exists():
            errors.add(name, str(message))
        out[name] = pk


def clean_responsible(
    merged: Mapping[str, Any],
    *,
    actor: Any,
    current: int | None,
    out: dict[str, Any],
    errors: Errors,
    field: str = "responsible_id",
) -> None:
    """The responsible user: the actor by default; another only if the actor may assign."""
    wanted = errors.check(field, ident, merged.get(field))
    if wanted is None:
        wanted = current if current is not None else actor.pk
    elif wanted != current and wanted not in {u.pk for u in assignable_users(actor)}:
        errors.add(field, _("You may not make this user responsible."))
    out[field] = wanted


def active_users(ids: list[int]) -> set[int]:
    return set(User.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))


# --- Interactions ----------------------------------------------------------------------------

INTERACTION_FIELDS = (
    "kind", "status", "direction", "subject", "description", "starts_at", "duration_minutes",
    "place", "call_result", "outcome", "counterparty_id", "contact_person_id", "deal_id",
    "order_id", "invoice_id", "claim_id", "responsible_id", "participant_ids",
)  # fmt: skip
INTERACTION_LINKS = ("deal_id", "order_id", "invoice_id", "claim_id")
# The kinds that have a direction (a note or a meeting does not).
DIRECTED = (
    InteractionKind.CALL,
    InteractionKind.LETTER,
    InteractionKind.EMAIL,
    InteractionKind.SMS,
)


def _interaction_current(row: Interaction | None) -> dict[str, Any]:
    if row is None:
        return {}
    current: dict[str, Any] = {name: getattr(row, name, None) for name in INTERACTION_FIELDS}
    current["participant_ids"] = sorted(u.pk for u in row.participants.all())
    return current


def clean_interaction(
    data: Mapping[str, Any], *, actor: Any, instance: Interaction | None = None
) -> dict[str, Any]:
    """Clean values of every interaction field, the given ones merged over `instance`."""
    errors = Errors()
    unknown_fields(data, INTERACTION_FIELDS, errors)
    merged = {
        **_interaction_current(instance),
        **{k: v for k, v in data.items() if k in INTERACTION_FIELDS},
    }
    kind = errors.check("kind", choice, merged.get("kind"), InteractionKind)
    out: dict[str, Any] = {
        "kind": kind,
        "status": errors.check(
            "status", choice, merged.get("status"), InteractionStatus, InteractionStatus.PLANNED
        ),
        "subject": errors.check("subject", text, merged.get("subject"), 255) or "",
        "description": errors.check("description", text, merged.get("description"), 20000) or "",
        "starts_at": errors.check("starts_at", moment, merged.get("starts_at")) or timezone.now(),
        "duration_minutes": errors.check(
            "duration_minutes", minutes, merged.get("duration_minutes")
        ),
        "place": errors.check("place", text, merged.get("place"), 255) or "",
        "outcome": errors.check("outcome", text, merged.get("outcome"), 20000) or "",
        "call_result": "",
        "direction": "",
    }
    if kind in DIRECTED:
        out["direction"] = errors.check(
            "direction", choice, merged.get("direction"), Direction, Direction.OUTGOING
        )
    if kind == InteractionKind.CALL and merged.get("call_result"):
        out["call_result"] = errors.check(
            "call_result", choice, merged.get("call_result"), CallResult
        )
    if not out["subject"] and "subject" not in errors.fields:
        if kind:
            out["subject"] = str(InteractionKind(kind).label)
        else:
            errors.add("subject", _("This field is required."))
    clean_links(
        merged,
        actor=actor,
        out=out,
        errors=errors,
        links=INTERACTION_LINKS,
        counterparty_required=True,
    )
    clean_responsible(
        merged,
        actor=actor,
        current=instance.responsible_id if instance else None,
        out=out,
        errors=errors,
    )
    ids = errors.check("participant_ids", idents, merged.get("participant_ids")) or []
    if len(active_users(ids)) != len(ids):
        errors.add("participant_ids", _("Choose active users."))
    out["participant_ids"] = ids
    errors.raise_if_any()
    return out


# --- Assignments -----------------------------------------------------------------------------

ASSIGNMENT_FIELDS = (
    "subject", "description", "performer_ids", "deadline", "importance", "counterparty_id",
    "deal_id", "order_id", "invoice_id", "claim_id",
)  # fmt: skip


def clean_assignment(
    data: Mapping[str, Any], *, actor: Any, instance: Assignment | None = None
) -> dict[str, Any]:
    """Clean values of an assignment; a new one needs a deadline that is not past."""
    errors = Errors()
    unknown_fields(data, ASSIGNMENT_FIELDS, errors)
    current: dict[str, Any] = {}
    if instance is not None:
        current = {name: getattr(instance, name, None) for name in ASSIGNMENT_FIELDS}
        current["performer_ids"] = sorted(u.pk for u in instance.performers.all())
    merged = {**current, **{k: v for k, v in data.items() if k in ASSIGNMENT_FIELDS}}
    out: dict[str, Any] = {
        "subject": errors.check("subject", text, merged.get("subject"), 255) or "",
        "description": errors.check("description", text, merged.get("description"), 20000) or "",
        "deadline": errors.check("deadline", moment, merged.get("deadline")),
        "importance": errors.check(
            "importance", choice, merged.get("importance"), Importance, Importance.NORMAL
        ),
    }
    if not out["subject"] and "subject" not in errors.fields:
        errors.add("subject", _("This field is required."))
    # A form posts every field back (to the minute): an overdue deadline left as it was is
    # not a new one.
    deadline_changed = instance is None or _minute(out["deadline"]) != _minute(instance.deadline)
    if out["deadline"] and deadline_changed and out["deadline"] < timezone.now():
        errors.add("deadline", _("The deadline cannot be in the past."))
    ids = errors.check("performer_ids", idents, merged.get("performer_ids")) or []
    if not ids and "performer_ids" not in errors.fields:
        errors.add("performer_ids", _("Choose at least one performer."))
    elif len(active_users(ids)) != len(ids):
        errors.add("performer_ids", _("Choose active users."))
    out["performer_ids"] = ids
    clean_links(
        merged,
        actor=actor,
        out=out,
        errors=errors,
        links=INTERACTION_LINKS,
        counterparty_required=False,
    )
    out.pop("contact_person_id", None)
    if instance is not None and instance.status not in ASSIGNMENT_OPEN:
        errors.add("status", _("A finished assignment cannot be edited."))
    errors.raise_if_any()
    return out
