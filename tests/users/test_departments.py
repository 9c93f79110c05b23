"""Departments: create, rename, move with the whole subtree, delete only when empty."""

from __future__ import annotations

import pytest

from accord.core.errors import ConflictError, PermissionDeniedError, ValidationFailedError
from accord.core.models import AuditEvent
from accord.users import administration as admin
from accord.users.access import department_ids_under
from accord.users.models import Department
from accord.users.services import department_ensure, user_save
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(db):
    return UserFactory(username="boss", roles=["admin"])


@pytest.fixture
def tree(boss):
    """Head office > Sales > Moscow > Key accounts; Head office > Support."""
    top = admin.department_create(actor=boss, name="Head office")
    sales = admin.department_create(actor=boss, name="Sales", parent=top)
    moscow = admin.department_create(actor=boss, name="Moscow", parent=sales)
    key = admin.department_create(actor=boss, name="Key accounts", parent=moscow)
    support = admin.department_create(actor=boss, name="Support", parent=top)
    return {"top": top, "sales": sales, "moscow": moscow, "key": key, "support": support}


def fresh(department: Department) -> Department:
    return Department.objects.get(pk=department.pk)


def test_created_departments_carry_their_path(tree):
    top, sales, moscow = tree["top"], tree["sales"], tree["moscow"]
    assert fresh(moscow).path == f"/{top.pk}/{sales.pk}/{moscow.pk}/"
    assert AuditEvent.objects.filter(action="users.department.created").count() == 5


def test_moving_a_department_rewrites_the_paths_of_its_whole_subtree(boss, tree):
    top, sales, moscow, key, support = (
        tree[k] for k in ("top", "sales", "moscow", "key", "support")
    )
    admin.department_move(actor=boss, department=moscow, parent=support)

    assert fresh(moscow).parent_id == support.pk
    assert fresh(moscow).path == f"/{top.pk}/{support.pk}/{moscow.pk}/"
    assert fresh(key).path == f"/{top.pk}/{support.pk}/{moscow.pk}/{key.pk}/"
    assert fresh(sales).path == f"/{top.pk}/{sales.pk}/"  # the old parent is untouched
    assert set(department_ids_under(fresh(support))) == {support.pk, moscow.pk, key.pk}
    event = AuditEvent.objects.get(action="users.department.moved")
    assert event.changes["parent"] == [sales.pk, support.pk]


def test_moving_to_the_top_level(boss, tree):
    admin.department_move(actor=boss, department=tree["moscow"], parent=None)
    assert fresh(tree["key"]).path == f"/{tree['moscow'].pk}/{tree['key'].pk}/"


def test_a_department_cannot_move_under_itself_or_its_descendant(boss, tree):
    paths = dict(Department.objects.values_list("pk", "path"))
    events = AuditEvent.objects.count()
    for target in (tree["sales"], tree["key"]):
        with pytest.raises(ValidationFailedError):
            admin.department_move(actor=boss, department=tree["sales"], parent=fresh(target))
    assert dict(Department.objects.values_list("pk", "path")) == paths
    assert AuditEvent.objects.count() == events


def test_rename_refuses_a_sibling_name_and_a_blank_name(boss, tree):
    for name in ("support", "  ", "A/B"):
        with pytest.raises(ValidationFailedError):
            admin.department_rename(actor=boss, department=tree["sales"], name=name)
    assert fresh(tree["sales"]).name == "Sales"
    admin.department_rename(actor=boss, department=tree["sales"], name="Sales and marketing")
    assert fresh(tree["sales"]).name == "Sales and marketing"


def test_only_an_empty_department_can_be_deleted(boss, tree):
    UserFactory(username="ivan", department=tree["support"])
    for department in (tree["sales"], tree["support"]):  # has children / has a user
        with pytest.raises(ConflictError):
            admin.department_delete(actor=boss, department=department)
    assert Department.objects.count() == 5

    admin.department_delete(actor=boss, department=tree["key"])
    assert not Department.objects.filter(pk=tree["key"].pk).exists()
    assert AuditEvent.objects.filter(action="users.department.deleted").count() == 1


def test_a_manager_may_not_change_departments(manager, tree):
    with pytest.raises(PermissionDeniedError):
        admin.department_create(actor=manager, name="Shadow")
    with pytest.raises(PermissionDeniedError):
        admin.department_move(actor=manager, department=tree["key"], parent=None)
    assert Department.objects.count() == 5


def test_department_ensure_follows_a_path_and_reuses_existing_levels():
    moscow = department_ensure("Sales/Moscow")
    again = department_ensure(" Sales / Moscow ")
    sales = Department.objects.get(name="Sales", parent=None)

    assert again == moscow
    assert moscow.parent == sales
    assert moscow.path == f"/{sales.pk}/{moscow.pk}/"
    assert Department.objects.count() == 2


def test_user_save_places_a_user_in_a_nested_department():
    user = user_save(
        actor=None, username="anna", password="Str0ng-pass-1", department="Sales/Moscow"
    )
    assert user.department.name == "Moscow"
    assert user.department.parent.name == "Sales"
