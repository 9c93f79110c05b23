"""Settings -> Users, Departments and Roles, and the hand-over of a user's clients.

Every page needs `view` on `admin.users`; anyone else is refused with 403. Each write goes
through one service of `accord.users.administration` (or `directory.handover`), which checks
the permission again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.errors import DomainError
from accord.directory import handover
from accord.users import admin_selectors as sel
from accord.users import administration as admin
from accord.users.access import assignable_users, can
from accord.users.models import Department, Role, User
from accord.users.role_rules import ADMIN_USERS
from accord.users.two_factor import two_factor_enrolled, two_factor_reset
from accord.web.forms.errors import DomainForm, attempt, submit
from accord.web.forms.staff import (
    ACTION_LABELS,
    DepartmentForm,
    DepartmentMoveForm,
    DepartmentRenameForm,
    HandoverForm,
    PasswordForm,
    RoleForm,
    UserFilterForm,
    UserForm,
)
from accord.web.views.base import AuthedRequest, admin_page, go, is_fragment

USERS, USER_FORM, HANDOVER = (
    "settings/users.html",
    "settings/users_form.html",
    "settings/handover.html",
)
DEPARTMENTS, DEPARTMENT_FORM = "settings/departments.html", "settings/departments_form.html"
DEPARTMENT_DELETE = "settings/departments_delete.html"
ROLES, ROLE_FORM, ROLE_DELETE = (
    "settings/roles.html",
    "settings/roles_form.html",
    "settings/roles_delete.html",
)


staff_page = admin_page(ADMIN_USERS)


def perms(request: AuthedRequest) -> dict[str, bool]:
    return {a: can(request.user, a, ADMIN_USERS) for a in ("add", "change", "delete")}


def _post(request: AuthedRequest) -> Any:
    return request.POST if request.method == "POST" else None


# ---------------------------------------------------------------- users


def users_context(request: AuthedRequest) -> dict[str, Any]:
    """The users list and its `results` partial."""
    tree, roles = sel.departments_tree(viewer=request.user), sel.roles_list(viewer=request.user)
    form = UserFilterForm(request.GET, tree=tree, roles=roles)
    page, error = None, ""
    try:
        page = sel.users_list(viewer=request.user, filters=form.filters(),
                              cursor=request.GET.get("cursor") or None)  # fmt: skip
    except DomainError:
        error = _("This page link is out of date. Start again from the first page.")
    return {"filters": form, "values": form.values(), "page": page, "error": error,
            "can": perms(request)}  # fmt: skip


@staff_page
@require_GET
def users(request: AuthedRequest) -> HttpResponse:
    template = f"{USERS}#results" if is_fragment(request) else USERS
    return render(request, template, users_context(request))


def _user_form(request: AuthedRequest, user: User | None = None) -> UserForm:
    tree, roles = sel.departments_tree(viewer=request.user), sel.roles_list(viewer=request.user)
    return UserForm(_post(request), instance=user, tree=tree, roles=roles)


@staff_page
@require_http_methods(["GET", "POST"])
def user_new(request: AuthedRequest) -> HttpResponse:
    form = _user_form(request)
    if request.method == "POST":
        saved = submit(form, lambda data: admin.user_create(actor=request.user, data=data))
        if saved is not None:
            messages.success(request, _("User “%(name)s” created.") % {"name": saved})
            return go(request, reverse("web:settings_user_edit", args=[saved.pk]))
    return render(request, USER_FORM, {"form": form, "subject": None, "can": perms(request)})


@staff_page
@require_http_methods(["GET", "POST"])
def user_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    subject = sel.user_get(viewer=request.user, pk=pk)
    form = _user_form(request, subject)
    if request.method == "POST":
        saved = submit(form, lambda data: admin.user_update(
            actor=request.user, user=subject, data=data))  # fmt: skip
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return go(request, reverse("web:settings_user_edit", args=[pk]))
    return render(request, USER_FORM, _user_context(request, subject, form, PasswordForm()))


def _user_context(
    request: AuthedRequest, subject: User, form: DomainForm, password_form: DomainForm
) -> dict[str, Any]:
    """The user edit page: the form, the password reset and the two-factor state."""
    return {"form": form, "subject": subject, "password_form": password_form,
            "two_factor_on": two_factor_enrolled(subject), "can": perms(request)}  # fmt: skip


@staff_page
@require_POST
def user_password(request: AuthedRequest, pk: int) -> HttpResponse:
    subject = sel.user_get(viewer=request.user, pk=pk)
    password_form = PasswordForm(request.POST)
    done = submit(password_form, lambda data: admin.user_set_password(
        actor=request.user, user=subject, password=data["password"]) or True)  # fmt: skip
    if done:
        messages.success(request, _("The password is changed."))
        return go(request, reverse("web:settings_user_edit", args=[pk]))
    context = _user_context(request, subject, _user_form(request, subject), password_form)
    return render(request, USER_FORM, context)


@staff_page
@require_POST
def user_two_factor_reset(request: AuthedRequest, pk: int) -> HttpResponse:
    subject = sel.user_get(viewer=request.user, pk=pk)
    try:
        two_factor_reset(actor=request.user, user=subject)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Two-factor authentication is reset; the user's sessions ended.")
        )
    return go(request, reverse("web:settings_user_edit", args=[pk]))


@staff_page
@require_http_methods(["GET", "POST"])
def user_handover(request: AuthedRequest, pk: int) -> HttpResponse:
    subject = sel.user_get(viewer=request.user, pk=pk)
    # Whom the actor may make responsible: the same rule the hand-over service checks.
    receivers = [u for u in assignable_users(request.user) if u.pk != subject.pk]
    clients = handover.handover_candidates(viewer=request.user, from_user=subject)
    form = HandoverForm(_post(request), receivers=receivers, clients=clients)
    result = None
    if request.method == "POST":
        by_pk = {u.pk: u for u in receivers}
        result = submit(form, lambda data: handover.clients_hand_over(
            actor=request.user, from_user=subject, to_user=by_pk[data["to_user"]],
            counterparty_ids=data["counterparty_ids"]))  # fmt: skip
    context = {"form": form, "subject": subject, "clients": clients, "result": result}
    return render(request, HANDOVER, context)


# ---------------------------------------------------------------- departments


def departments_context(
    request: AuthedRequest, form: DepartmentForm | None = None
) -> dict[str, Any]:
    tree = sel.departments_tree(viewer=request.user)
    form = form or DepartmentForm(tree=tree)
    return {"tree": tree, "form": form, "can": perms(request)}


def _department(request: AuthedRequest, pk: int | None) -> Department | None:
    return sel.department_get(viewer=request.user, pk=pk) if pk else None


@staff_page
@require_GET
def departments(request: AuthedRequest) -> HttpResponse:
    return render(request, DEPARTMENTS, departments_context(request))


@staff_page
@require_POST
def department_add(request: AuthedRequest) -> HttpResponse:
    form = DepartmentForm(request.POST, tree=sel.departments_tree(viewer=request.user))
    added = submit(form, lambda data: admin.department_create(
        actor=request.user, name=data["name"], parent=_department(request, data["parent"])))  # fmt: skip
    if added is not None:
        messages.success(request, _("Department “%(name)s” added.") % {"name": added.name})
        return go(request, reverse("web:settings_departments"))
    return render(request, DEPARTMENTS, departments_context(request, form))


def _department_forms(request: AuthedRequest, department: Department) -> dict[str, Any]:
    tree = [n for n in sel.departments_tree(viewer=request.user)
            if not n.department.path.startswith(department.path)]  # fmt: skip
    return {
        "department": department,
        "rename_form": DepartmentRenameForm(initial={"name": department.name}),
        "move_form": DepartmentMoveForm(tree=tree, initial={"parent": department.parent_id}),
        "can": perms(request),
    }


@staff_page
@require_http_methods(["GET", "POST"])
def department_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET shows the rename and move forms; POST renames."""
    department = sel.department_get(viewer=request.user, pk=pk)
    context = _department_forms(request, department)
    if request.method == "POST":
        form = context["rename_form"] = DepartmentRenameForm(request.POST)
        if submit(form, lambda data: admin.department_rename(
                actor=request.user, department=department, name=data["name"])):  # fmt: skip
            messages.success(request, _("Changes saved."))
            return go(request, reverse("web:settings_departments"))
    return render(request, DEPARTMENT_FORM, context)


@staff_page
@require_POST
def department_move(request: AuthedRequest, pk: int) -> HttpResponse:
    department = sel.department_get(viewer=request.user, pk=pk)
    context = _department_forms(request, department)
    form = context["move_form"] = DepartmentMoveForm(
        request.POST, tree=sel.departments_tree(viewer=request.user)
    )
    if submit(form, lambda data: admin.department_move(
            actor=request.user, department=department,
            parent=_department(request, data["parent"]))):  # fmt: skip
        messages.success(request, _("Department “%(name)s” moved.") % {"name": department.name})
        return go(request, reverse("web:settings_departments"))
    return render(request, DEPARTMENT_FORM, context)


@staff_page
@require_http_methods(["GET", "POST"])
def department_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    department = sel.department_get(viewer=request.user, pk=pk)
    form = DomainForm(_post(request))
    if request.method == "POST" and attempt(
        form, lambda: admin.department_delete(actor=request.user, department=department)
    ):
        messages.success(request, _("Department “%(name)s” deleted.") % {"name": department.name})
        return go(request, reverse("web:settings_departments"))
    return render(request, DEPARTMENT_DELETE, {"department": department, "form": form})


# ---------------------------------------------------------------- roles


@staff_page
@require_GET
def roles(request: AuthedRequest) -> HttpResponse:
    context = {"roles": sel.roles_list(viewer=request.user), "can": perms(request)}
    return render(request, ROLES, context)


def _role_page(request: AuthedRequest, form: RoleForm, role: Role | None) -> HttpResponse:
    context = {"form": form, "role": role, "actions": ACTION_LABELS, "can": perms(request)}
    return render(request, ROLE_FORM, context)


@staff_page
@require_http_methods(["GET", "POST"])
def role_new(request: AuthedRequest) -> HttpResponse:
    form = RoleForm(_post(request))
    if request.method == "POST":
        saved = submit(form, lambda data: admin.role_create(actor=request.user, data=data))
        if saved is not None:
            messages.success(request, _("Role “%(name)s” created.") % {"name": saved.name})
            return go(request, reverse("web:settings_roles"))
    return _role_page(request, form, None)


@staff_page
@require_http_methods(["GET", "POST"])
def role_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    role = sel.role_get(viewer=request.user, pk=pk)
    form = RoleForm(_post(request), instance=role)
    if request.method == "POST":
        saved = submit(
            form, lambda data: admin.role_update(actor=request.user, role=role, data=data)
        )
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return go(request, reverse("web:settings_roles"))
    return _role_page(request, form, role)


@staff_page
@require_http_methods(["GET", "POST"])
def role_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    role = sel.role_get(viewer=request.user, pk=pk)
    form = DomainForm(_post(request))
    if request.method == "POST" and attempt(
        form, lambda: admin.role_delete(actor=request.user, role=role)
    ):
        messages.success(request, _("Role “%(name)s” deleted.") % {"name": role.name})
        return go(request, reverse("web:settings_roles"))
    return render(request, ROLE_DELETE, {"role": role, "form": form})
