"""Administrators' reads: the users list, the department tree and the roles with their use.

Only holders of `view` on `admin.users` get anything; everyone else is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from accord.core.errors import NotFoundError
from accord.core.pagination import Page, keyset_page
from accord.users.access import require
from accord.users.models import Department, Role, User
from accord.users.role_rules import ADMIN_USERS

USERS_ORDER = ("last_name", "first_name", "username", "id")
PAGE_SIZE = 50


@dataclass(frozen=True)
class UserFilters:
    query: str = ""
    department_id: int | None = None
    role_id: int | None = None
    active: bool | None = None


@dataclass(frozen=True)
class DepartmentNode:
    department: Department
    depth: int
    users: int


def users_list(
    *, viewer: Any, filters: UserFilters, cursor: str | None = None, size: int = PAGE_SIZE
) -> Page[User]:
    require(viewer, "view", ADMIN_USERS)
    users: QuerySet[User] = User.objects.select_related("department").prefetch_related("roles")
    if filters.query:
        q = filters.query.strip()
        users = users.filter(
            Q(username__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(email__icontains=q)
        )
    if filters.department_id:
        department = Department.objects.filter(pk=filters.department_id).first()
        path = department.path if department else "/-/"
        users = users.filter(department__path__startswith=path)
    if filters.role_id:
        users = users.filter(roles__id=filters.role_id)
    if filters.active is not None:
        users = users.filter(is_active=filters.active)
    return keyset_page(users, order=USERS_ORDER, cursor=cursor, size=size)


def user_get(*, viewer: Any, pk: int) -> User:
    require(viewer, "view", ADMIN_USERS)
    user = User.objects.select_related("department").prefetch_related("roles").filter(pk=pk)
    found = user.first()
    if found is None:
        raise NotFoundError
    return found


def departments_tree(*, viewer: Any) -> list[DepartmentNode]:
    """Every department in tree order (parents before children), with its own users."""
    require(viewer, "view", ADMIN_USERS)
    departments = list(Department.objects.annotate(n=Count("users")).order_by("path"))
    by_id = {d.pk: d for d in departments}

    def key(d: Department) -> list[str]:
        # Sort siblings by name, not by id: the path holds ids, so walk it to names.
        return [by_id[int(i)].name.lower() for i in d.path.strip("/").split("/") if int(i) in by_id]

    departments.sort(key=key)
    return [DepartmentNode(d, d.path.strip("/").count("/"), d.n) for d in departments]


def department_get(*, viewer: Any, pk: int) -> Department:
    require(viewer, "view", ADMIN_USERS)
    department = Department.objects.filter(pk=pk).first()
    if department is None:
        raise NotFoundError
    return department


def roles_list(*, viewer: Any) -> list[Role]:
    """Every role, with `holders` (how many users have it)."""
    require(viewer, "view", ADMIN_USERS)
    return list(Role.objects.annotate(holders=Count("users")).order_by("name"))


def role_get(*, viewer: Any, pk: int) -> Role:
    require(viewer, "view", ADMIN_USERS)
    role = Role.objects.filter(pk=pk).first()
    if role is None:
        raise NotFoundError
    return role
