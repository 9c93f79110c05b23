"""VIP masking: who sees the contact details of VIP counterparties and contact persons.

The rules (decided by the lead; docs/security.md is written from this docstring):

- A counterparty is VIP when `Counterparty.is_vip` is set. A contact person is VIP when
  `ContactPerson.is_vip` is set OR its counterparty is VIP: the people of a VIP client are
  as sensitive as the client itself.
- For a VIP record, phones, e-mails, messenger handles and addresses (`MASKED_FIELDS`) are
  masked in every output for EVERY user by default: HTML (lists, cards, contact persons,
  search results, duplicate warnings), JSON (API list and get), CSV exports and audit
  histories (`mask_changes`).
- Unmasking is only by an explicit reveal, which needs the "reveal" action on the object
  type (`may_reveal`; the built-in head, director and administrator roles hold it, the
  manager does not). Every reveal writes one audit event,
  `directory.counterparty.revealed` / `directory.contactperson.revealed`, which names the
  object but carries no values. A reveal without the permission is a 403 that writes
  nothing; an object the user may not see is a 404, as everywhere.
- A user without "reveal" cannot filter or sort on masked fields (a 400 with a clear
  message), and a search by phone or e-mail never matches a VIP row for them, so that the
  search is not an oracle for the hidden value. Duplicate warnings show VIP details masked.
- CSV exports (`directory.exports`) mask VIP details unless the user holds "reveal" AND
  asks for them explicitly; the export's audit event records that choice.
- Edit forms of a VIP record show the masks read-only to a user without "reveal", and the
  stored details stay as they are; removing the VIP mark needs "reveal" (else it would
  unmask the record).
- Superusers may reveal; for everyone else it is the role union rule (`users.access`).

Masks keep just enough to recognise a value one already knows: a phone keeps its country
code (and for Russia the first digit of the number) and its last two digits; an e-mail
keeps the first letter of the mailbox and of the domain and the top-level domain; an
address keeps its first word (the city or region).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import phonenumbers

from accord.core.errors import DomainError
from accord.users.access import can

if TYPE_CHECKING:
    from accord.directory.models import ContactPerson, Counterparty

COUNTERPARTY = "directory.counterparty"
CONTACT_PERSON = "directory.contactperson"
REVEAL = "reveal"
HIDDEN = "***"

# The fields whose values are masked, per object type, as they are named in model fields,
# API schemas and audit `changes` (a contact person's details live in `ContactDetail`).
MASKED_FIELDS: dict[str, tuple[str, ...]] = {
    COUNTERPARTY: ("phone", "email", "legal_address", "actual_address"),
    CONTACT_PERSON: ("phones", "emails", "messengers", "details"),
}


def may_reveal(user: Any, object_type: str) -> bool:
    """Whether `user` may see unmasked VIP contact details of `object_type`."""
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return True
    return can(user, REVEAL, object_type)


def may_search_masked(user: Any) -> bool:
    """Whether `user` may search, filter or sort VIP rows by their masked fields.

    A search by phone or e-mail crosses counterparties and contact persons, so it needs
    "reveal" on both; without it, the search would tell whether a hidden value is right.
    """
    return may_reveal(user, COUNTERPARTY) and may_reveal(user, CONTACT_PERSON)


# Parameter names (filters, sorts) that would read masked fields; "-phone" sorts too.
MASKED_PARAMS = frozenset(
    {"phone", "email", "address", "messenger"} | {f for fs in MASKED_FIELDS.values() for f in fs}
)


def refuse_masked_params(viewer: Any, names: Any) -> None:
    """Refuse (400) a filter or sort on a masked field by a user who may not reveal."""
    used = sorted({str(n).lstrip("-") for n in names if n} & MASKED_PARAMS)
    if used and not may_search_masked(viewer):
        message = "Filtering or sorting by contact details needs the permission to reveal them."
        raise DomainError("masked_field", message, fields={name: [message] for name in used})


def object_type_of(obj: Any) -> str:
    meta = getattr(obj, "_meta", None)
    return f"{meta.app_label}.{meta.model_name}" if meta is not None else ""


def is_vip(obj: Any) -> bool:
    """Whether `obj` is a VIP record (a contact person inherits its counterparty's flag)."""
    if getattr(obj, "is_vip", False):
        return True
    if object_type_of(obj) == CONTACT_PERSON and getattr(obj, "counterparty_id", None):
        return bool(obj.counterparty.is_vip)
    return False


def must_mask(viewer: Any, obj: Any) -> bool:
    """Whether `obj`'s contact details are shown masked to `viewer` by default.

    Every user sees VIP details masked until an explicit reveal; `viewer` is kept in the
    signature so that callers state whose output this is.
    """
    del viewer  # masking is the default for everyone; only a reveal unmasks
    return is_vip(obj)


# --- the masks ----------------------------------------------------------------------------

_DIGITS = re.compile(r"\d")


def mask_phone(value: str) -> str:
    """`+79161234567` -> `+7 9** ***-**-67`; other countries keep the code and last two."""
    if not value:
        return value
    digits = "".join(_DIGITS.findall(value))
    try:
        parsed = phonenumbers.parse(value if value.startswith("+") else f"+{digits}", None)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or len(digits) < 5:
        return f"{HIDDEN}-**-{digits[-2:]}" if len(digits) >= 4 else HIDDEN
    national = str(parsed.national_number)
    if len(national) < 5:
        return f"+{parsed.country_code} {HIDDEN}"
    if parsed.country_code == 7:
        return f"+7 {national[0]}** ***-**-{national[-2:]}"
    return f"+{parsed.country_code} ***-**-{national[-2:]}"


def mask_email(value: str) -> str:
    """`ivan.petrov@mail.ru` -> `i***@m***.ru`."""
    if not value:
        return value
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain:
        return f"{value[0]}{HIDDEN}" if value.strip() else HIDDEN
    head, dot, tld = domain.rpartition(".")
    masked_domain = f"{head[0]}{HIDDEN}.{tld}" if dot and head else f"{domain[0]}{HIDDEN}"
    return f"{local[0]}{HIDDEN}@{masked_domain}"


_WORD = re.compile(r"[^\s,;]+")


def mask_text(value: str) -> str:
    """An address keeps its first word (the city or region): `Москва, ул. ...` -> `Москва ***`.

    Postal codes and abbreviations (`123456`, `г.`, `ул.`) are skipped, so a leading index
    never stands in for the place.
    """
    if not value:
        return value
    for word in _WORD.findall(value):
        if word.isdigit() or (word.endswith(".") and len(word) <= 5):
            continue
        return f"{word.rstrip('.')} {HIDDEN}"
    return HIDDEN


def mask_handle(value: str) -> str:
    """A messenger handle keeps its first character: `@ivanpetrov` -> `@i***`."""
    if not value:
        return value
    prefix = "@" if value.startswith("@") else ""
    rest = value[len(prefix) :]
    return f"{prefix}{rest[:1]}{HIDDEN}"


DETAIL_MASKS: dict[str, Callable[[str], str]] = {
    "phone": mask_phone,
    "email": mask_email,
    "messenger": mask_handle,
}

FIELD_MASKS: dict[str, Callable[[str], str]] = {
    "phone": mask_phone,
    "phones": mask_phone,
    "email": mask_email,
    "emails": mask_email,
    "legal_address": mask_text,
    "actual_address": mask_text,
    "messengers": mask_handle,
}


def mask_detail(kind: str, value: str) -> str:
    """One `ContactDetail` value by its kind (phone, email, messenger)."""
    return DETAIL_MASKS.get(kind, lambda v: HIDDEN if v else v)(value)


def mask_field(field: str, value: Any) -> Any:
    """`value` of a masked `field` in any shape: a string, a list, `[old, new]`, detail rows.

    Messenger entries (`{"service", "value"}`) keep their service; detail rows
    (`[kind, value, service]`) are masked by their kind.
    """
    if field == "details":
        return _mask_details(value)
    mask = FIELD_MASKS.get(field, lambda v: HIDDEN if v else v)
    return _apply(mask, value)


def _apply(mask: Callable[[str], str], value: Any) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, list | tuple):
        return [_apply(mask, v) for v in value]
    if isinstance(value, dict):
        return {k: _apply(mask, v) if k == "value" else v for k, v in value.items()}
    return value


def _mask_details(value: Any) -> Any:
    is_row = (
        isinstance(value, list | tuple)
        and len(value) >= 2
        and isinstance(value[0], str)
        and value[0] in DETAIL_MASKS
        and isinstance(value[1], str)
    )
    if is_row:
        return [value[0], mask_detail(value[0], value[1]), *value[2:]]
    if isinstance(value, list | tuple):
        return [_mask_details(v) for v in value]
    if isinstance(value, dict) and "kind" in value and "value" in value:
        return {**value, "value": mask_detail(str(value["kind"]), str(value["value"]))}
    return value


def mask_values(object_type: str, values: dict[str, Any]) -> dict[str, Any]:
    """A copy of `values` with every masked field of `object_type` masked."""
    fields = MASKED_FIELDS.get(object_type, ())
    return {k: mask_field(k, v) if k in fields else v for k, v in values.items()}


def mask_changes(viewer: Any, obj: Any, changes: dict[str, Any]) -> dict[str, Any]:
    """An audit event's `changes` as `viewer` may read them about `obj`.

    For a VIP `obj` and a viewer without "reveal", the before/after values (or snapshot
    values) of masked fields are masked; otherwise `changes` comes back unchanged.
    """
    object_type = object_type_of(obj)
    if not changes or not is_vip(obj) or may_reveal(viewer, object_type):
        return changes
    return mask_values(object_type, changes)


# --- what outputs show ------------------------------------------------------------------


@dataclass(frozen=True)
class CounterpartyContacts:
    """A counterparty's contact details as one output shows them."""

    phone: str
    email: str
    legal_address: str
    actual_address: str
    masked: bool  # True: the values above are masks, a reveal would show more


@dataclass(frozen=True)
class PersonContacts:
    """A contact person's details as one output shows them (messengers: service, handle)."""

    phones: list[str]
    emails: list[str]
    messengers: list[tuple[str, str]]
    masked: bool


def counterparty_contacts(cp: Counterparty, *, revealed: bool = False) -> CounterpartyContacts:
    """`cp`'s details: masked for a VIP unless this output is an explicit, audited reveal."""
    masked = is_vip(cp) and not revealed
    values = {name: getattr(cp, name) for name in MASKED_FIELDS[COUNTERPARTY]}
    if masked:
        values = mask_values(COUNTERPARTY, values)
    return CounterpartyContacts(**values, masked=masked)


def person_contacts(person: ContactPerson, *, revealed: bool = False) -> PersonContacts:
    """`person`'s details (prefetch `details`), masked as `counterparty_contacts` says."""
    masked = is_vip(person) and not revealed
    details = list(person.details.all())

    def shown(kind: str, value: str) -> str:
        return mask_detail(kind, value) if masked else value

    return PersonContacts(
        phones=[shown("phone", d.value) for d in details if d.kind == "phone"],
        emails=[shown("email", d.value) for d in details if d.kind == "email"],
        messengers=[
            (d.service, shown("messenger", d.value)) for d in details if d.kind == "messenger"
        ],
        masked=masked,
    )
