"""Forms of the administrators' pages: users, departments, roles and the client hand-over."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accord.users.admin_selectors import DepartmentNode, UserFilters
from accord.users.models import Role, Scope, User
from accord.users.object_types import (
    ADMIN_WILDCARD,
    ALL_ACTIONS,
    BUSINESS_WILDCARD,
    object_types,
    wildcard_actions,
)
from accord.web.forms.errors import DomainForm

Choices = list[tuple[Any, Any]]
ACTION_LABELS = {
    "view": _("View"),
    "add": _("Add"),
    "change": _("Change"),
    "delete": _("Delete"),
    "export": _("Export"),
    "reveal": _("VIP details"),
}


def set_choices(form: forms.Form, name: str, choices: Choices) -> None:
    cast(forms.ChoiceField, form.fields[name]).choices = choices


def department_choices(tree: list[DepartmentNode], empty: str) -> Choices:
    """The tree as a flat select, children indented under their parents."""
    return [("", empty)] + [(n.department.pk, "\u2003" * n.depth + n.department.name) for n in tree]


def _int_or_none(raw: Any) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None


class UserFilterForm(forms.Form):
    """The users list's search and filters; a wrong value is ignored, never an error."""

    q = forms.CharField(required=False)
    department = forms.ChoiceField(required=False, label=_("Department"))
    role = forms.ChoiceField(required=False, label=_("Role"))
    active = forms.ChoiceField(
        required=False,
        label=_("Status"),
        choices=[("", _("Any status")), ("1", _("Active")), ("0", _("Deactivated"))],
    )

    def __init__(self, *args: Any, tree: list[DepartmentNode], roles: list[Role], **kwargs: Any):
        super().__init__(*args, **kwargs)
        set_choices(self, "department", department_choices(tree, str(_("All departments"))))
        set_choices(self, "role", [("", _("All roles"))] + [(r.pk, r.name) for r in roles])

    def values(self) -> dict[str, str]:
        return {name: str(self.data.get(name, "")).strip() for name in ("q", *self.fields)}

    def filters(self) -> UserFilters:
        values = self.values()
        return UserFilters(
            query=values["q"],
            department_id=_int_or_none(values["department"]),
            role_id=_int_or_none(values["role"]),
            active={"1": True, "0": False}.get(values["active"]),
        )


class UserForm(DomainForm):
    """A user's profile, department and roles; login and password only when creating."""

    service_required = ("username", "password")

    username = forms.CharField(label=_("Login"), max_length=150)
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    department_id = forms.ChoiceField(label=_("Department"), required=False)
    role_ids = forms.MultipleChoiceField(
        label=_("Roles"), required=False, widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(label=_("Active: may sign in"), required=False)

    def __init__(
        self,
        *args: Any,
        instance: User | None = None,
        tree: list[DepartmentNode],
        roles: list[Role],
        **kwargs: Any,
    ) -> None:
        self.instance = instance
        if instance is not None:
            kwargs["initial"] = {
                "first_name": instance.first_name, "last_name": instance.last_name,
                "email": instance.email, "phone": instance.phone, "language": instance.language,
                "department_id": instance.department_id, "is_active": instance.is_active,
                "role_ids": [r.pk for r in instance.roles.all()],
            }  # fmt: skip
        else:
            kwargs.setdefault("initial", {"is_active": True})
        super().__init__(*args, **kwargs)
        set_choices(self, "department_id", department_choices(tree, str(_("No department"))))
        set_choices(self, "role_ids", [(r.pk, r.name) for r in roles])
        set_choices(self, "language", [("", _("Server default")), *settings.LANGUAGES])
        if instance is not None:
            del self.fields["username"], self.fields["password"]

    def to_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["role_ids"] = [int(i) for i in data["role_ids"]]
        return data


class PasswordForm(DomainForm):
    service_required = ("password",)

    password = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class DepartmentForm(DomainForm):
    """A new department: its name and where it sits."""

    service_required = ("name",)

    name = forms.CharField(label=_("Name"), max_length=200)
    parent = forms.ChoiceField(label=_("Parent department"), required=False)

    def __init__(self, *args: Any, tree: list[DepartmentNode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "parent", department_choices(tree, str(_("Top level"))))

    def to_service(self) -> dict[str, Any]:
        return {**self.cleaned_data, "parent": _int_or_none(self.cleaned_data.get("parent"))}


class DepartmentRenameForm(DomainForm):
    service_required = ("name",)

    name = forms.CharField(label=_("Name"), max_length=200)


class DepartmentMoveForm(DepartmentForm):
    """Where a department moves; its own subtree is not offered."""

    def __init__(self, *args: Any, tree: list[DepartmentNode], **kwargs: Any) -> None:
        super().__init__(*args, tree=tree, **kwargs)
        del self.fields["name"]


def rule_rows() -> list[tuple[str, Any, tuple[str, ...]]]:
    """The rows of the role matrix: each wildcard, then the types it covers."""
    types = object_types()
    business = [(t.code, t.label, t.actions) for t in types if not t.admin]
    admin = [(t.code, t.label, t.actions) for t in types if t.admin]
    return [
        (BUSINESS_WILDCARD, _("Everything else (business)"), wildcard_actions(BUSINESS_WILDCARD)),
        *business,
        (ADMIN_WILDCARD, _("Everything else (administration)"), wildcard_actions(ADMIN_WILDCARD)),
        *admin,
    ]


class RoleForm(DomainForm):
    """A role: name, two-factor requirement and the matrix of rules, one row per type.

    A type's rule is stored only where it differs from its wildcard row, so types that
    apps register later follow the wildcard.
    """

    service_required = ("code", "name")

    code = forms.CharField(label=_("Code"), max_length=50)
    name = forms.CharField(label=_("Name"), max_length=200)
    requires_2fa = forms.BooleanField(label=_("Requires two-factor sign-in"), required=False)

    def __init__(self, *args: Any, instance: Role | None = None, **kwargs: Any) -> None:
        self.instance = instance
        self.rows = rule_rows()
        initial: dict[str, Any] = {}
        if instance is not None:
            initial = {"name": instance.name, "requires_2fa": instance.requires_2fa}
            for code, _label, _actions in self.rows:
                rule = instance.rules.get(code) if "*" in code else instance.rule_for(code)
                rule = rule if isinstance(rule, dict) else {}
                initial[f"{code}__scope"] = rule.get("scope", Scope.OWN.value)
                for action in rule.get("actions", []):
                    initial[f"{code}__{action}"] = True
        super().__init__(*args, initial=initial, **kwargs)
        for code, _label, actions in self.rows:
            for action in actions:
                self.fields[f"{code}__{action}"] = forms.BooleanField(required=False)
            self.fields[f"{code}__scope"] = forms.ChoiceField(
                choices=Scope.choices, widget=forms.Select(attrs={"class": "select select-sm"})
            )
        if instance is not None:
            del self.fields["code"]

    def matrix(self) -> list[dict[str, Any]]:
        """Rows for the template: label, one cell per action (a field or None), the scope."""
        return [
            {
                "code": code,
                "label": label,
                "wildcard": "*" in code,
                "cells": [self[f"{code}__{a}"] if a in actions else None for a in ALL_ACTIONS],
                "scope": self[f"{code}__scope"],
            }
            for code, label, actions in self.rows
        ]

    def field_for(self, key: str) -> str | None:
        if key.startswith("rules."):
            name = f"{key.removeprefix('rules.')}__scope"
            return name if name in self.fields else None
        return super().field_for(key)

    def to_service(self) -> dict[str, Any]:
        data = {
            k: self.cleaned_data[k] for k in ("code", "name", "requires_2fa") if k in self.fields
        }
        rules: dict[str, Any] = {}
        for code, _label, actions in self.rows:
            acts = [a for a in actions if self.cleaned_data.get(f"{code}__{a}")]
            rule = {"actions": acts, "scope": self.cleaned_data[f"{code}__scope"]}
            fallback = rules.get(ADMIN_WILDCARD if code.startswith("admin.") else "*")
            if not acts and fallback is None:
                continue  # nothing granted either way
            if "*" in code or rule != _narrowed(fallback, actions):
                rules[code] = rule
        data["rules"] = rules
        return data


def _narrowed(rule: dict[str, Any] | None, actions: tuple[str, ...]) -> dict[str, Any] | None:
    """The wildcard's rule as a type with only `actions` sees it."""
    if rule is None:
        return None
    return {"actions": [a for a in rule["actions"] if a in actions], "scope": rule["scope"]}


class HandoverForm(DomainForm):
    """Who receives the clients, and whether all of them or the chosen ones go."""

    to_user = forms.ChoiceField(label=_("Hand over to"))
    mode = forms.ChoiceField(
        label=_("Clients"),
        choices=[("all", _("All clients")), ("chosen", _("Only the chosen ones"))],
        widget=forms.RadioSelect,
        initial="all",
    )
    counterparty_ids = forms.MultipleChoiceField(
        label=_("Chosen clients"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self, *args: Any, receivers: list[User], clients: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "to_user", [("", "—")] + [(u.pk, str(u)) for u in receivers])
        set_choices(self, "counterparty_ids", clients)

    def to_service(self) -> dict[str, Any]:
        chosen = self.cleaned_data["mode"] == "chosen"
        ids = [int(i) for i in self.cleaned_data["counterparty_ids"]] if chosen else None
        return {"to_user": int(self.cleaned_data["to_user"]), "counterparty_ids": ids}
