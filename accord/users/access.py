"""What a user may do and see, computed from the rules of all the user's roles.

The union rule: an action is allowed when any role allows it for the object type; the
visibility scope is the widest scope among the roles that allow "view" of that type.
Superusers may do everything. See docs/security.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from accord.core.errors import PermissionDeniedError
from accord.users.models import SCOPE_WIDTH, Department, Role, Scope, User


@dataclass(frozen=True)
class Grant:
    actions: frozenset[str]
    scope: Scope | None  # None: may not view at all


def _roles(user: Any) -> list[Role]:
    cached: list[Role] | None = getattr(user, "_accord_roles", None)
    if cached is None:
        cached = list(user.roles.all())
        user._accord_roles = cached
    return cached


def grant(user: Any, object_type: str) -> Grant:
    """The user's effective grant for `object_type` (`app.model`)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Grant(frozenset(), None)
    if user.is_superuser:
        return Grant(frozenset({"view", "add", "change", "delete", "export"}), Scope.ALL)
    actions: set[str] = set()
    scope: Scope | None = None
    for role in _roles(user):
        rule = role.rule_for(object_type)
        if not rule:
            continue
        role_actions = set(rule.get("actions", []))
        actions |= role_actions
        if "view" in role_actions:
            role_scope = Scope(rule.get("scope", Scope.OWN))
            if scope is None or SCOPE_WIDTH[role_scope] > SCOPE_WIDTH[scope]:
                scope = role_scope
    return Grant(frozenset(actions), scope)


def can(user: Any, action: str, object_type: str) -> bool:
    return action in grant(user, object_type).actions


def require(user: Any, action: str, object_type: str) -> None:
    """Raise PermissionDeniedError unless the user may do `action` on `object_type`."""
    if not can(user, action, object_type):
        raise PermissionDeniedError


def department_ids_under(department: Department | None) -> list[int]:
    """The department and every department below it.

    Kept on the department object, which lives as long as the request's user: a page that
    reads several kinds of rows for a head asks the database once.
    """
    if department is None:
        return []
    cached: list[int] | None = getattr(department, "_accord_ids_under", None)
    if cached is None:
        rows = Department.objects.filter(path__startswith=department.path)
        cached = list(rows.values_list("id", flat=True))
        department._accord_ids_under = cached  # type: ignore[attr-defined]
    return cached


def owner_filter(user: Any, object_type: str, owner_field: str) -> Q | None:
    """A filter for the rows `user` may see, by the user field `owner_field`.

    Answers None when the user sees every row, and a filter that matches nothing when the
    user may not view the type at all.
    """
    scope = grant(user, object_type).scope
    if scope is None:
        return Q(pk__in=[])
    if scope == Scope.ALL:
        return None
    if scope == Scope.DEPARTMENT and user.department_id:
        ids = department_ids_under(user.department)
        return Q(**{f"{owner_field}__department_id__in": ids}) | Q(**{owner_field: user.pk})
    return Q(**{owner_field: user.pk})


def assignable_users(user: User) -> list[User]:
    """Users that `user` may name as responsible: all for wide scopes, else the user alone."""
    scope = grant(user, "directory.counterparty").scope
    active = User.objects.filter(is_active=True)
    if scope == Scope.ALL:
        return list(active)
    if scope == Scope.DEPARTMENT and user.department_id:
        return list(active.filter(department_id__in=department_ids_under(user.department)))
    return [user]
