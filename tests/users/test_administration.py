"""Administrators' services for users and roles: permission, validation, audit, self-lockout."""

from __future__ import annotations

import pytest

from accord.core.errors import ConflictError, PermissionDeniedError, ValidationFailedError
from accord.core.models import AuditEvent
from accord.users import administration as admin
from accord.users.models import Role, User
from accord.users.object_types import object_type, object_types, register_object_type
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(db) -> User:
    """An administrator by role alone (not a superuser), so the rules really apply."""
    return UserFactory(username="boss", roles=["admin"])


def role(code: str) -> Role:
    return Role.objects.get(code=code)


def user_data(**overrides):
    data = {
        "username": "olga", "password": "Str0ng-pass-9", "first_name": "Olga",
        "last_name": "Ivanova", "email": "Olga@Example.ru", "phone": "+7 916 000-00-01",
        "language": "ru", "is_active": True,
    }  # fmt: skip
    data.update(overrides)
    return data


def test_registry_holds_the_administrative_and_directory_types():
    codes = [t.code for t in object_types()]
    assert {"admin.users", "admin.directory_settings", "admin.audit"} <= set(codes)
    assert {"directory.counterparty", "directory.contactperson"} <= set(codes)
    # business types come before administrative ones
    assert codes.index("directory.counterparty") < codes.index("admin.users")
    assert "reveal" in object_type("directory.contactperson").actions
    assert "reveal" not in object_type("admin.users").actions


def test_registry_refuses_unknown_actions_and_misnamed_admin_types():
    with pytest.raises(ValueError, match="Unknown actions"):
        register_object_type("x.thing", "Thing", actions=("view", "fly"))
    with pytest.raises(ValueError, match="admin"):
        register_object_type("x.thing", "Thing", admin=True)
    assert object_type("x.thing") is None


def test_user_create_normalizes_sets_roles_and_audits(boss):
    sales = DepartmentFactory(name="Sales")
    data = user_data(department_id=sales.pk, role_ids=[role("manager").pk])
    user = admin.user_create(actor=boss, data=data)

    assert (user.email, user.department, user.language) == ("olga@example.ru", sales, "ru")
    assert [r.code for r in user.roles.all()] == ["manager"]
    assert user.check_password("Str0ng-pass-9")
    event = AuditEvent.objects.get(action="users.user.created")
    assert event.changes["roles"] == ["manager"]
    assert "password" not in event.changes


def test_user_create_gathers_every_error_and_writes_nothing(boss):
    before = (User.objects.count(), AuditEvent.objects.count())
    data = user_data(
        username="boss", email="not-an-email", password="1", department_id=999,
        role_ids=[999], language="xx", phone="call me",
    )  # fmt: skip
    with pytest.raises(ValidationFailedError) as exc:
        admin.user_create(actor=boss, data=data)

    assert set(exc.value.fields) == {
        "username", "email", "password", "department_id", "role_ids", "language", "phone"
    }  # fmt: skip
    assert (User.objects.count(), AuditEvent.objects.count()) == before


def test_a_manager_may_not_create_users(manager):
    with pytest.raises(PermissionDeniedError):
        admin.user_create(actor=manager, data=user_data())
    assert not User.objects.filter(username="olga").exists()


def test_user_update_changes_roles_and_logs_only_the_differences(boss, manager):
    admin.user_update(
        actor=boss, user=manager, data={"role_ids": [role("head").pk], "first_name": "Ivan"}
    )

    manager.refresh_from_db()
    assert [r.code for r in manager.roles.all()] == ["head"]
    event = AuditEvent.objects.get(action="users.user.updated")
    assert event.changes == {"first_name": ["Test", "Ivan"], "roles": [["manager"], ["head"]]}


def test_an_administrator_cannot_deactivate_themself_or_drop_their_last_admin_role(boss):
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailedError) as exc:
        admin.user_update(actor=boss, user=boss, data={"is_active": False})
    assert "is_active" in exc.value.fields
    with pytest.raises(ValidationFailedError) as exc:
        admin.user_update(actor=boss, user=boss, data={"role_ids": [role("manager").pk]})
    assert "role_ids" in exc.value.fields
    with pytest.raises(ValidationFailedError):
        admin.user_deactivate(actor=boss, user=boss)

    boss.refresh_from_db()
    assert boss.is_active
    assert [r.code for r in boss.roles.all()] == ["admin"]
    assert AuditEvent.objects.count() == events


def test_deactivate_keeps_the_user_and_audits(boss, manager):
    admin.user_deactivate(actor=boss, user=manager)

    manager.refresh_from_db()
    assert not manager.is_active
    assert AuditEvent.objects.filter(action="users.user.deactivated").count() == 1


def test_admin_resets_a_password_without_it_reaching_the_audit(boss, manager):
    admin.user_set_password(actor=boss, user=manager, password="N3w-secret-pass")

    manager.refresh_from_db()
    assert manager.check_password("N3w-secret-pass")
    event = AuditEvent.objects.get(action="users.user.password_set")
    assert "N3w-secret-pass" not in str(event.changes)


def test_a_weak_password_is_refused_and_the_old_one_kept(boss, manager):
    with pytest.raises(ValidationFailedError):
        admin.user_set_password(actor=boss, user=manager, password="123")
    manager.refresh_from_db()
    assert manager.check_password("secret-pass-123")
    assert not AuditEvent.objects.filter(action="users.user.password_set").exists()


# ---------------------------------------------------------------- roles


def test_role_create_keeps_rules_in_a_fixed_order(boss):
    made = admin.role_create(
        actor=boss,
        data={
            "code": "auditor", "name": "Auditor", "requires_2fa": True,
            "rules": {"admin.audit": {"actions": ["export", "view"], "scope": "all"}},
        },
    )  # fmt: skip
    assert made.rules == {"admin.audit": {"actions": ["view", "export"], "scope": "all"}}
    assert made.requires_2fa
    assert AuditEvent.objects.filter(action="users.role.created", object_id=str(made.pk)).exists()


@pytest.mark.parametrize(
    ("bad_rules", "key"),
    [
        ({"sales.unicorn": {"actions": ["view"], "scope": "own"}}, "rules.sales.unicorn"),
        ({"admin.audit": {"actions": ["delete"], "scope": "all"}}, "rules.admin.audit"),
        ({"directory.counterparty": {"actions": ["view"], "scope": "planet"}},
         "rules.directory.counterparty"),
        ({"directory.counterparty": "everything"}, "rules.directory.counterparty"),
        (["not", "a", "mapping"], "rules"),
    ],
)  # fmt: skip
def test_role_rules_are_checked_against_the_registry(boss, bad_rules, key):
    before = (Role.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationFailedError) as exc:
        admin.role_create(actor=boss, data={"code": "odd", "name": "Odd", "rules": bad_rules})
    assert key in exc.value.fields
    assert (Role.objects.count(), AuditEvent.objects.count()) == before


def test_role_update_refuses_bad_rules_and_keeps_the_old_ones(boss):
    manager_role = role("manager")
    old = dict(manager_role.rules)
    with pytest.raises(ValidationFailedError):
        admin.role_update(
            actor=boss, role=manager_role, data={"rules": {"*": {"actions": ["fly"]}}}
        )
    manager_role.refresh_from_db()
    assert manager_role.rules == old


def test_an_administrator_cannot_strip_their_own_role_of_user_administration(boss):
    admin_role = role("admin")
    narrowed = {"*": {"actions": ["view"], "scope": "all"}}
    with pytest.raises(ValidationFailedError):
        admin.role_update(actor=boss, role=admin_role, data={"rules": narrowed})
    admin_role.refresh_from_db()
    assert "admin.*" in admin_role.rules


def test_built_in_roles_are_editable_but_not_deletable(boss):
    head = role("head")
    admin.role_update(actor=boss, role=head, data={"name": "Head", "requires_2fa": True})
    head.refresh_from_db()
    assert (head.name, head.requires_2fa) == ("Head", True)
    with pytest.raises(ConflictError):
        admin.role_delete(actor=boss, role=head)
    assert Role.objects.filter(code="head").exists()


def test_a_role_in_use_cannot_be_deleted_and_an_unused_one_can(boss, manager):
    custom = admin.role_create(actor=boss, data={"code": "temp", "name": "Temp", "rules": {}})
    manager.roles.add(custom)
    with pytest.raises(ConflictError):
        admin.role_delete(actor=boss, role=custom)
    assert Role.objects.filter(code="temp").exists()

    manager.roles.remove(custom)
    admin.role_delete(actor=boss, role=custom)
    assert not Role.objects.filter(code="temp").exists()
    assert AuditEvent.objects.filter(action="users.role.deleted").count() == 1


def test_a_manager_may_not_edit_roles(manager):
    with pytest.raises(PermissionDeniedError):
        admin.role_update(actor=manager, role=role("manager"), data={"name": "Boss"})
    assert role("manager").name == "Manager"
