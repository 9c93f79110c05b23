"""The union rule: actions add up over roles; the scope is the widest that grants view."""

import pytest

from accord.directory.models import Counterparty
from accord.users.access import can, grant
from accord.users.models import Role, Scope
from accord.users.services import roles_ensure_builtin
from tests.factories import CounterpartyFactory, DepartmentFactory, UserFactory


@pytest.fixture
def org(db):
    head_office = DepartmentFactory(name="Head office")
    sales = DepartmentFactory(name="Sales", parent=head_office)
    moscow = DepartmentFactory(name="Moscow", parent=sales)
    spb = DepartmentFactory(name="SPb", parent=head_office)
    return {"head_office": head_office, "sales": sales, "moscow": moscow, "spb": spb}


def names(user):
    return set(Counterparty.objects.visible_to(user).values_list("name", flat=True))


def test_manager_sees_only_own_counterparties(org):
    anna = UserFactory(roles=["manager"], department=org["moscow"])
    boris = UserFactory(roles=["manager"], department=org["moscow"])
    CounterpartyFactory(name="A", responsible=anna)
    CounterpartyFactory(name="B", responsible=boris)
    assert names(anna) == {"A"}


def test_head_sees_own_department_and_every_department_below(org):
    head = UserFactory(roles=["head"], department=org["sales"])
    in_sales = UserFactory(roles=["manager"], department=org["sales"])
    in_moscow = UserFactory(roles=["manager"], department=org["moscow"])
    in_spb = UserFactory(roles=["manager"], department=org["spb"])
    CounterpartyFactory(name="S", responsible=in_sales)
    CounterpartyFactory(name="M", responsible=in_moscow)
    CounterpartyFactory(name="P", responsible=in_spb)
    CounterpartyFactory(name="H", responsible=head)
    assert names(head) == {"S", "M", "H"}


def test_director_sees_all_but_may_only_view_and_export(org):
    director = UserFactory(roles=["director"])
    CounterpartyFactory(name="X")
    CounterpartyFactory(name="Y")
    assert names(director) == {"X", "Y"}
    assert grant(director, "directory.counterparty").actions == {"view", "export", "reveal"}


def test_two_roles_combine_actions_and_take_the_widest_scope(org):
    user = UserFactory(roles=["manager", "director"], department=org["moscow"])
    g = grant(user, "directory.counterparty")
    assert g.scope == Scope.ALL
    assert g.actions == {"view", "add", "change", "export", "reveal"}


def test_a_role_without_view_does_not_widen_the_scope(org):
    Role.objects.create(
        code="clerk", name="Clerk", rules={"*": {"actions": ["add"], "scope": "all"}}
    )
    user = UserFactory(roles=["manager", "clerk"])
    assert grant(user, "directory.counterparty").scope == Scope.OWN


def test_rule_for_a_named_type_overrides_the_wildcard(org):
    Role.objects.create(
        code="narrow",
        name="Narrow",
        rules={
            "*": {"actions": ["view"], "scope": "all"},
            "directory.counterparty": {"actions": [], "scope": "own"},
        },
    )
    user = UserFactory(roles=["narrow"])
    CounterpartyFactory(name="Z")
    assert names(user) == set()
    assert not can(user, "view", "directory.counterparty")


def test_user_without_roles_sees_nothing_and_superuser_everything(db):
    CounterpartyFactory(name="Q")
    assert names(UserFactory()) == set()
    assert names(UserFactory(is_superuser=True)) == {"Q"}


def test_inactive_user_may_do_nothing(db):
    user = UserFactory(roles=["admin"], is_active=False)
    assert grant(user, "directory.counterparty").scope is None


def test_builtin_roles_are_named_in_the_installations_language(db, settings):
    from accord.users.builtin_roles import builtin_role_name

    assert builtin_role_name("head", "ru") == "Руководитель отдела"
    assert builtin_role_name("head", "en") == "Head of department"
    settings.LANGUAGE_CODE = "ru"
    Role.objects.all().delete()
    roles_ensure_builtin()
    assert Role.objects.get(code="manager").name == "Менеджер"
