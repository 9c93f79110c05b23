"""Checking the rules of a role against the registry of object types.

A role's `rules` map an object type (or a wildcard) to `{"actions": [...], "scope": ...}`.
Only registered types and their registered actions may appear; see `object_types.py`.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from accord.users.models import Role, Scope
from accord.users.object_types import (
    ADMIN_WILDCARD,
    BUSINESS_WILDCARD,
    object_type,
    wildcard_actions,
)

ADMIN_USERS = "admin.users"


def allowed_actions(code: str) -> tuple[str, ...] | None:
    """The actions a rule for `code` may name; None when nobody registered the type."""
    if code in (BUSINESS_WILDCARD, ADMIN_WILDCARD):
        return wildcard_actions(code)
    registered = object_type(code)
    return registered.actions if registered else None


def _clean_rule(code: str, rule: Any, errors: dict[str, list[str]]) -> dict[str, Any] | None:
    key = f"rules.{code}"
    allowed = allowed_actions(code)
    if allowed is None:
        errors.setdefault(key, []).append(_("Unknown object type “%s”.") % code)
        return None
    if not isinstance(rule, dict) or not isinstance(rule.get("actions", []), list):
        errors.setdefault(key, []).append(_("A rule gives a list of actions and a scope."))
        return None
    actions = rule.get("actions", [])
    unknown = [a for a in actions if a not in allowed]
    if unknown:
        names = ", ".join(map(str, unknown))
        errors.setdefault(key, []).append(_("Unknown action for this object type: %s.") % names)
    scope = rule.get("scope", Scope.OWN.value)
    if scope not in Scope.values:
        errors.setdefault(key, []).append(_("The scope is own, department or all."))
    ordered = [a for a in allowed if a in actions]
    return {"actions": ordered, "scope": scope}


def clean_rules(raw: Any, errors: dict[str, list[str]]) -> dict[str, Any]:
    """The rules in a stored shape (actions in a fixed order); problems go to `errors`."""
    if not isinstance(raw, dict):
        errors.setdefault("rules", []).append(_("Rules map object types to actions and a scope."))
        return {}
    cleaned: dict[str, Any] = {}
    for code, rule in raw.items():
        clean = _clean_rule(str(code), rule, errors)
        if clean is not None:
            cleaned[str(code)] = clean
    return cleaned


def administers_users(roles: list[Role]) -> bool:
    """Whether these roles together may change users (what an administrator must keep)."""
    for role in roles:
        rule = role.rule_for(ADMIN_USERS)
        if rule and "change" in rule.get("actions", []):
            return True
    return False
