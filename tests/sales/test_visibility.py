"""Who sees which deal: own, participant, department, all; never a duplicate row."""

from __future__ import annotations

import pytest

from accord.sales.models import Deal
from tests.factories import DealFactory, DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def visible(user) -> list[int]:
    return sorted(Deal.objects.visible_to(user).values_list("pk", flat=True))


def test_a_manager_sees_own_deals_and_those_they_take_part_in_once(
    manager, other_manager, pipeline
):
    own = DealFactory(responsible=manager)
    taking_part = DealFactory(responsible=other_manager, participants=[manager, UserFactory()])
    both = DealFactory(responsible=manager, participants=[manager])
    DealFactory(responsible=other_manager)

    assert visible(manager) == sorted([own.pk, taking_part.pk, both.pk])
    assert Deal.objects.visible_to(manager).count() == 3


def test_a_head_sees_the_department_subtree(pipeline):
    sales = DepartmentFactory(name="Продажи")
    branch = DepartmentFactory(name="Филиал", parent=sales)
    head = UserFactory(roles=["head"], department=sales)
    in_dept = DealFactory(responsible=UserFactory(roles=["manager"], department=sales))
    in_branch = DealFactory(responsible=UserFactory(roles=["manager"], department=branch))
    DealFactory(responsible=UserFactory(roles=["manager"], department=DepartmentFactory()))
    outside_but_participant = DealFactory(responsible=UserFactory(), participants=[head])

    assert visible(head) == sorted([in_dept.pk, in_branch.pk, outside_but_participant.pk])


def test_director_and_admin_see_everything(admin_user, manager, other_manager, pipeline):
    deals = [DealFactory(responsible=manager).pk, DealFactory(responsible=other_manager).pk]

    assert visible(admin_user) == sorted(deals)
    assert visible(UserFactory(roles=["director"])) == sorted(deals)


def test_a_user_without_a_role_sees_nothing_even_as_participant(pipeline):
    nobody = UserFactory()
    DealFactory(participants=[nobody])

    assert visible(nobody) == []
