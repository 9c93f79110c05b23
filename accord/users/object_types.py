"""The registry of object types that roles give rules for.

Each app names its own types in its `AppConfig.ready()`; the role editor shows one row per
registered type, and the role services refuse rules for types or actions nobody registered.
Administrative types are named `admin.*` and are never covered by the business wildcard.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise

from accord.users.models import ACTIONS

# "reveal": see the contact details of VIP counterparties (not a default action).
ALL_ACTIONS = (*ACTIONS, "reveal")
BUSINESS_WILDCARD = "*"
ADMIN_WILDCARD = "admin.*"


@dataclass(frozen=True)
class ObjectType:
    code: str
    label: str | Promise
    actions: tuple[str, ...]
    admin: bool


_REGISTRY: dict[str, ObjectType] = {}


def register_object_type(
    code: str,
    label: str | Promise,
    actions: Iterable[str] = ACTIONS,
    admin: bool = False,
) -> ObjectType:
    """Register `code`; registering it again replaces it (ready() may run more than once)."""
    acts = tuple(actions)
    unknown = set(acts) - set(ALL_ACTIONS)
    if unknown:
        raise ValueError(f"Unknown actions for {code}: {sorted(unknown)}")
    if admin != code.startswith("admin."):
        raise ValueError(f"{code}: administrative types, and only they, start with 'admin.'")
    item = ObjectType(code=code, label=label, actions=acts, admin=admin)
    _REGISTRY[code] = item
    return item


def object_types() -> list[ObjectType]:
    """Business types first, then administrative ones, each in registration order."""
    return sorted(_REGISTRY.values(), key=lambda t: t.admin)


def object_type(code: str) -> ObjectType | None:
    return _REGISTRY.get(code)


def wildcard_actions(code: str) -> tuple[str, ...]:
    """The actions a wildcard row may grant: every action of the types it covers."""
    admin = code == ADMIN_WILDCARD
    found = {a for t in _REGISTRY.values() if t.admin == admin for a in t.actions}
    return tuple(a for a in ALL_ACTIONS if a in found) or ACTIONS
