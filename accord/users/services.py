"""Writes of the users app: users, departments, roles and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accord.core.audit import log_action
from accord.core.errors import ValidationFailedError
from accord.users.builtin_roles import BUILTIN_ROLES, builtin_role_name
from accord.users.errors import UnknownRoleError, UserNotFoundError
from accord.users.models import ApiToken, Department, Role, User

TOKEN_PREFIX = "acc_"  # noqa: S105 (a public marker, not a secret)


def roles_ensure_builtin() -> None:
    """Create the built-in roles that are missing; leave edited ones alone."""
    for code, spec in BUILTIN_ROLES.items():
        name = builtin_role_name(code, settings.LANGUAGE_CODE)
        Role.objects.get_or_create(code=code, defaults={"name": name, "rules": spec["rules"]})


@transaction.atomic
def department_ensure(name: str, parent: Department | None = None) -> Department:
    """The department called `name` under `parent`, created when missing.

    `name` may be a path, "Sales/Moscow": each level is found or created under the one before.
    """
    department = parent
    for part in [p.strip() for p in name.split("/") if p.strip()]:
        found = Department.objects.filter(name=part, parent=department).order_by("pk").first()
        if found is None:
            found = Department.objects.create(name=part, parent=department)
            found.path = f"{department.path if department else '/'}{found.pk}/"
            found.save(update_fields=["path"])
        department = found
    if department is None:
        raise ValidationFailedError({"department": ["A department name is required."]})
    return department


@transaction.atomic
def user_save(
    *,
    actor: Any,
    username: str,
    password: str | None,
    roles: list[str] | None = None,
    department: str | None = None,
    superuser: bool = False,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    check_password: bool = True,
) -> User:
    """Create the user `username` or update it (password, roles, department)."""
    if not username.strip():
        raise ValidationFailedError({"username": ["A login is required."]})
    roles_ensure_builtin()
    role_objs = []
    for code in roles or []:
        role = Role.objects.filter(code=code).first()
        if role is None:
            raise UnknownRoleError(code)
        role_objs.append(role)
    user, created = User.objects.get_or_create(username=username)
    if password is not None:
        if check_password:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise ValidationFailedError({"password": list(exc.messages)}) from None
        user.set_password(password)
    if department:
        user.department = department_ensure(department)
    user.is_superuser = user.is_staff = superuser or user.is_superuser
    user.first_name = first_name or user.first_name
    user.last_name = last_name or user.last_name
    user.email = email or user.email
    user.save()
    if roles is not None:
        user.roles.set(role_objs)
    log_action(
        actor=actor,
        action="users.user.created" if created else "users.user.updated",
        obj=user,
        changes={"roles": roles or [], "department": department, "superuser": superuser},
    )
    return user


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_create(*, actor: Any, username: str, name: str = "cli") -> tuple[ApiToken, str]:
    """A new token for `username`; the plain value is answered once and never stored."""
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise UserNotFoundError(username)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=raw[:12], key_hash=_hash(raw)
    )
    log_action(actor=actor, action="users.token.created", obj=token, label=f"{user}: {name}")
    return token, raw


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> None:
    if token.revoked_at is not None:
        return  # already revoked: keep the first time and write no second event
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    log_action(actor=actor, action="users.token.revoked", obj=token)


def token_authenticate(raw: str) -> User | None:
    """The active user owning the live token `raw`, or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Write last use at most once a minute: a busy API client must not write on every call.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def user_set_language(*, actor: User, language: str) -> None:
    actor.language = language
    actor.save(update_fields=["language"])
    log_action(
        actor=actor, action="users.user.language_changed", obj=actor, changes={"language": language}
    )
