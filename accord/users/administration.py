"""Administrators' writes: users, departments and roles.

Each service requires an action on `admin.users`, validates everything before writing (a
refusal writes nothing), and records its audit event in the same transaction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from accord.core.audit import diff, log_action, snapshot
from accord.core.errors import ConflictError, ValidationFailedError
from accord.users.access import require
from accord.users.builtin_roles import BUILTIN_ROLES
from accord.users.models import Department, Role, User
from accord.users.role_rules import ADMIN_USERS, administers_users, clean_rules

USER_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "department_id",
    "is_active",
    "phone",
    "language",
)
_PHONE = re.compile(r"^\+?[0-9 ()\-]{5,31}$")
_ROLE_CODE = re.compile(r"^[a-z][a-z0-9_-]{1,49}$")

Errors = dict[str, list[str]]


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _raise_if_any(errors: Errors) -> None:
    if errors:
        raise ValidationFailedError(errors)


# ---------------------------------------------------------------- users


def _text(data: Mapping[str, Any], name: str, current: str, limit: int) -> str:
    return str(data.get(name, current) or "").strip()[:limit]


def _clean_profile(data: Mapping[str, Any], user: User | None, errors: Errors) -> dict[str, Any]:
    """The plain fields of a user, from `data` over the current values."""
    cur = {f: getattr(user, f) for f in USER_FIELDS} if user else {}
    clean: dict[str, Any] = {
        "first_name": _text(data, "first_name", cur.get("first_name", ""), 150),
        "last_name": _text(data, "last_name", cur.get("last_name", ""), 150),
        "email": _text(data, "email", cur.get("email", ""), 254).lower(),
        "phone": _text(data, "phone", cur.get("phone", ""), 32),
        "language": _text(data, "language", cur.get("language", ""), 8),
        "is_active": bool(data.get("is_active", cur.get("is_active", True))),
    }
    if clean["email"]:
        try:
            validate_email(clean["email"])
        except ValidationError:
            _add(errors, "email", _("Enter a valid e-mail address."))
    if clean["phone"] and not _PHONE.match(clean["phone"]):
        _add(errors, "phone", _("Enter a phone number: digits, spaces, +, ( ) and -."))
    if clean["language"] and clean["language"] not in dict(settings.LANGUAGES):
        _add(errors, "language", _("Choose one of the offered languages."))
    clean["department_id"] = _department_id(data.get("department_id", cur.get("department_id")))
    if clean["department_id"] == -1:
        _add(errors, "department_id", _("Choose an existing department."))
    return clean


def _department_id(raw: Any) -> int | None:
    """The id of an existing department, None for none, -1 for anything else."""
    if raw in (None, ""):
        return None
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        return -1
    return pk if Department.objects.filter(pk=pk).exists() else -1


def _clean_roles(data: Mapping[str, Any], errors: Errors) -> list[Role] | None:
    """The roles named by id in `data["role_ids"]`; None when `data` does not name them."""
    if "role_ids" not in data:
        return None
    try:
        ids = {int(i) for i in data["role_ids"] or []}
    except (TypeError, ValueError):
        _add(errors, "role_ids", _("Choose roles from the list."))
        return []
    roles = list(Role.objects.filter(pk__in=ids))
    if len(roles) != len(ids):
        _add(errors, "role_ids", _("Choose roles from the list."))
    return roles


def _check_password(password: str, user: User, errors: Errors) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)


def _guard_self(actor: Any, user: User, clean: dict[str, Any], roles: list[Role] | None) -> None:
    """An administrator may not lock themself out: no self-deactivation, keep an admin role."""
    if actor is None or actor.pk != user.pk:
        return
    errors: Errors = {}
    if not clean.get("is_active", True):
        _add(errors, "is_active", _("You cannot deactivate yourself."))
    if roles is not None and not user.is_superuser and not administers_users(roles):
        _add(errors, "role_ids", _("You cannot remove your own last administrator role."))
    _raise_if_any(errors)


@transaction.atomic
def user_create(*, actor: Any, data: Mapping[str, Any]) -> User:
    """A new user with a login, a password, a department and roles."""
    require(actor, "add", ADMIN_USERS)
    errors: Errors = {}
    username = str(data.get("username") or "").strip()
    if not username or len(username) > 150:
        _add(errors, "username", _("A login of at most 150 characters is required."))
    else:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError:
            _add(errors, "username", _("Use letters, digits and @ . + - _ only."))
        if User.objects.filter(username__iexact=username).exists():
            _add(errors, "username", _("This login is taken."))
    clean = _clean_profile(data, None, errors)
    roles = _clean_roles(data, errors) or []
    user = User(username=username, **clean)
    _check_password(str(data.get("password") or ""), user, errors)
    _raise_if_any(errors)
    user.set_password(str(data["password"]))
    user.save()
    user.roles.set(roles)
    log_action(
        actor=actor,
        action="users.user.created",
        obj=user,
        changes={**snapshot(user, USER_FIELDS), "roles": sorted(r.code for r in roles)},
    )
    return user


@transaction.atomic
def user_update(*, actor: Any, user: User, data: Mapping[str, Any]) -> User:
    """Change a user's name, e-mail, phone, language, department, roles or activity."""
    require(actor, "change", ADMIN_USERS)
    errors: Errors = {}
    clean = _clean_profile(data, user, errors)
    roles = _clean_roles(data, errors)
    _raise_if_any(errors)
    _guard_self(actor, user, clean, roles)
    before = snapshot(user, USER_FIELDS)
    roles_before = sorted(r.code for r in user.roles.all())
    for name, value in clean.items():
        setattr(user, name, value)
    user.save(update_fields=list(clean))
    changes = diff(before, snapshot(user, USER_FIELDS))
    if roles is not None:
        user.roles.set(roles)
        roles_after = sorted(r.code for r in roles)
        if roles_after != roles_before:
            changes["roles"] = [roles_before, roles_after]
    if changes:
        log_action(actor=actor, action="users.user.updated", obj=user, changes=changes)
    return user


@transaction.atomic
def user_set_password(*, actor: Any, user: User, password: str) -> None:
    """An administrator sets a new password; the audit says so without the password."""
    require(actor, "change", ADMIN_USERS)
    errors: Errors = {}
    _check_password(password, user, errors)
    _raise_if_any(errors)
    user.set_password(password)
    user.save(update_fields=["password"])
    log_action(actor=actor, action="users.user.password_set", obj=user)


@transaction.atomic
def user_deactivate(*, actor: Any, user: User) -> None:
    """Users who own records are never deleted: they are deactivated and cannot sign in."""
    require(actor, "change", ADMIN_USERS)
    _guard_self(actor, user, {"is_active": False}, None)
    if not user.is_active:
        return
    user.is_active = False
    user.save(update_fields=["is_active"])
    log_action(
        actor=actor, action="users.user.deactivated", obj=user, changes={"is_active": [True, False]}
    )


# ---------------------------------------------------------------- departments


def _clean_department_name(name: str, parent: Department | None, exclude: int | None) -> str:
    clean = str(name or "").strip()
    errors: Errors = {}
    if not clean or len(clean) > 200 or "/" in clean:
        _add(errors, "name", _("Give a name of at most 200 characters, without “/”."))
    siblings = Department.objects.filter(parent=parent, name__iexact=clean)
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude)
    if clean and siblings.exists():
        _add(errors, "name", _("This department already has a sub-department of that name."))
    _raise_if_any(errors)
    return clean


@transaction.atomic
def department_create(*, actor: Any, name: str, parent: Department | None = None) -> Department:
    require(actor, "add", ADMIN_USERS)
    clean = _clean_department_name(name, parent, None)
    department = Department.objects.create(name=clean, parent=parent)
    department.path = f"{parent.path if parent else '/'}{department.pk}/"
    department.save(update_fields=["path"])
    log_action(
        actor=actor,
        action="users.department.created",
        obj=department,
        changes={"name": clean, "parent": parent.pk if parent else None},
    )
    return department


@transaction.atomic
def department_rename(*, actor: Any, department: Department, name: str) -> Department:
    require(actor, "change", ADMIN_USERS)
    clean = _clean_department_name(name, department.parent, department.pk)
    if clean != department.name:
        before = department.name
        department.name = clean
        department.save(update_fields=["name"])
        log_action(
            actor=actor,
            action="users.department.renamed",
            obj=department,
            changes={"name": [before, clean]},
        )
    return department


@transaction.atomic
def department_move(*, actor: Any, department: Department, parent: Department | None) -> Department:
    """Put `department` under `parent` (None: the top); its whole subtree moves with it."""
    require(actor, "change", ADMIN_USERS)
    if parent is not None and parent.path.startswith(department.path):
        raise ValidationFailedError(
            {"parent": [_("A department cannot move under itself or its own sub-department.")]}
        )
    if (parent.pk if parent else None) == department.parent_id:
        return department
    _clean_department_name(department.name, parent, department.pk)
    old_path = department.path
    new_path = f"{parent.path if parent else '/'}{department.pk}/"
    before = department.parent_id
    Department.objects.filter(pk=department.pk).update(parent=parent)
    # The subtree's materialized paths share the old prefix: swap it in one statement.
    Department.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
    )
    department.refresh_from_db()
    log_action(
        actor=actor,
        action="users.department.moved",
        obj=department,
        changes={"parent": [before, department.parent_id], "path": [old_path, new_path]},
    )
    return department


@transaction.atomic
def department_delete(*, actor: Any, department: Department) -> None:
    """Only an empty department goes: no users and no sub-departments."""
    require(actor, "delete", ADMIN_USERS)
    if department.children.exists() or department.users.exists():
        raise ConflictError(
            "department_not_empty",
            _("Move its users and sub-departments elsewhere before deleting the department."),
        )
    log_action(
        actor=actor,
        action="users.department.deleted",
        obj=department,
        changes={"name": department.name, "parent": department.parent_id},
    )
    department.delete()


# ---------------------------------------------------------------- roles


def _clean_role(data: Mapping[str, Any], role: Role | None) -> dict[str, Any]:
    errors: Errors = {}
    clean: dict[str, Any] = {}
    if role is None:
        code = str(data.get("code") or "").strip()
        if not _ROLE_CODE.match(code):
            _add(errors, "code", _("Use 2-50 lower-case Latin letters, digits, - and _."))
        elif Role.objects.filter(code=code).exists():
            _add(errors, "code", _("A role with this code exists."))
        clean["code"] = code
    name = str(data.get("name", role.name if role else "") or "").strip()
    if not name or len(name) > 200:
        _add(errors, "name", _("Give a name of at most 200 characters."))
    clean["name"] = name
    clean["rules"] = clean_rules(data.get("rules", role.rules if role else {}), errors)
    clean["requires_2fa"] = bool(data.get("requires_2fa", role.requires_2fa if role else False))
    _raise_if_any(errors)
    return clean


def _guard_own_access(actor: Any, role: Role, rules: dict[str, Any]) -> None:
    """Refuse a change to a role that would take the actor's own user administration away."""
    if actor is None or actor.is_superuser or not actor.roles.filter(pk=role.pk).exists():
        return
    changed = Role(code=role.code, name=role.name, rules=rules)
    others = list(actor.roles.exclude(pk=role.pk))
    if not administers_users([*others, changed]):
        raise ValidationFailedError(
            {"rules": [_("You would lose the right to administer users yourself.")]}
        )


@transaction.atomic
def role_create(*, actor: Any, data: Mapping[str, Any]) -> Role:
    require(actor, "add", ADMIN_USERS)
    role = Role.objects.create(**_clean_role(data, None))
    log_action(
        actor=actor,
        action="users.role.created",
        obj=role,
        changes=snapshot(role, ("code", "name", "rules", "requires_2fa")),
    )
    return role


@transaction.atomic
def role_update(*, actor: Any, role: Role, data: Mapping[str, Any]) -> Role:
    """Change a role's name, rules or two-factor requirement (built-in roles too)."""
    require(actor, "change", ADMIN_USERS)
    clean = _clean_role(data, role)
    _guard_own_access(actor, role, clean["rules"])
    fields = ("name", "rules", "requires_2fa")
    before = snapshot(role, fields)
    for name, value in clean.items():
        setattr(role, name, value)
    role.save(update_fields=list(fields))
    changes = diff(before, snapshot(role, fields))
    if changes:
        log_action(actor=actor, action="users.role.updated", obj=role, changes=changes)
    return role


@transaction.atomic
def role_delete(*, actor: Any, role: Role) -> None:
    """A role goes only when nobody holds it; built-in roles stay."""
    require(actor, "delete", ADMIN_USERS)
    if role.code in BUILTIN_ROLES:
        raise ConflictError("builtin_role", _("A built-in role can be edited but not deleted."))
    if role.users.exists():
        raise ConflictError("role_in_use", _("Users hold this role; take it from them first."))
    log_action(
        actor=actor,
        action="users.role.deleted",
        obj=role,
        changes=snapshot(role, ("code", "name", "rules")),
    )
    role.delete()
