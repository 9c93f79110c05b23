"""Counts shown to a user equal a recomputation over that user's visible rows (targets S13, S15).

Hypothesis draws an organisation (a department tree, users holding any combination of the
built-in roles, counterparties with contact persons spread among them) and every count the
user is shown (web list, API list, contact persons) is compared with the documented rule
evaluated here in plain Python, independently of `owner_filter`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.directory.models import ContactPerson, Counterparty
from tests.api.conftest import JsonClient, bearer
from tests.factories import (
    ContactPersonFactory,
    CounterpartyFactory,
    DepartmentFactory,
    UserFactory,
)

ROLES = ["manager", "head", "director", "admin"]
# The documented scope of each built-in role for counterparties (docs/security.md).
ROLE_SCOPE = {"manager": "own", "head": "department", "director": "all", "admin": "all"}
WIDTH = {"own": 0, "department": 1, "all": 2}

organisations = st.fixed_dictionaries(
    {
        # parents[i] is the index of department i's parent among those before it, or None.
        "parents": st.lists(st.none() | st.integers(0, 3), min_size=1, max_size=4),
        "users": st.lists(
            st.tuples(st.sets(st.sampled_from(ROLES), max_size=2), st.integers(0, 3)),
            min_size=1,
            max_size=4,
        ),
        # (index of the responsible user or None, number of contact persons)
        "rows": st.lists(st.tuples(st.none() | st.integers(0, 3), st.integers(0, 2)), max_size=10),
    }
)


def _subtree(department: int, parents: list[int | None]) -> set[int]:
    below = {department}
    changed = True
    while changed:
        changed = False
        for child, parent in enumerate(parents):
            if parent in below and child not in below:
                below.add(child)
                changed = True
    return below


def _expected(viewer: int, org: dict[str, Any]) -> set[int]:
    """Indexes of the rows `viewer` may see, by the documented union rule."""
    roles, dept = org["users"][viewer]
    scopes = [ROLE_SCOPE[role] for role in roles]
    if not scopes:
        return set()
    scope = max(scopes, key=WIDTH.__getitem__)
    seen = set()
    for i, (holder, _persons) in enumerate(org["rows"]):
        if scope == "all":
            seen.add(i)
        elif holder is None:
            continue
        elif holder == viewer or (
            scope == "department" and org["users"][holder][1] in _subtree(dept, org["parents"])
        ):
            seen.add(i)
    return seen


def _build(org: dict[str, Any]) -> tuple[list[Any], list[Counterparty]]:
    departments: list[Any] = []
    parents = []
    for i, parent in enumerate(org["parents"]):
        parent = parent if parent is not None and parent < i else None
        parents.append(parent)
        departments.append(
            DepartmentFactory(parent=departments[parent] if parent is not None else None)
        )
    org["parents"] = parents
    users = []
    for i, (roles, dept) in enumerate(org["users"]):
        dept = min(dept, len(departments) - 1)
        org["users"][i] = (roles, dept)
        users.append(UserFactory(roles=sorted(roles), department=departments[dept]))
    rows = []
    for i, (holder, persons) in enumerate(org["rows"]):
        holder = holder if holder is not None and holder < len(users) else None
        org["rows"][i] = (holder, persons)
        cp = CounterpartyFactory(responsible=users[holder] if holder is not None else None)
        ContactPersonFactory.create_batch(persons, counterparty=cp)
        rows.append(cp)
    return users, rows


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(org=organisations)
def test_every_count_a_user_sees_equals_the_rule_over_visible_rows(db, org):
    with transaction.atomic():
        users, rows = _build(org)
        for viewer, user in enumerate(users):
            expected = _expected(viewer, org)
            expected_ids = {rows[i].pk for i in expected}
            expected_persons = sum(org["rows"][i][1] for i in expected)

            assert (
                set(Counterparty.objects.visible_to(user).values_list("pk", flat=True))
                == expected_ids
            )
            assert ContactPerson.objects.visible_to(user).count() == expected_persons

            if not org["users"][viewer][0]:
                continue  # a user without roles is refused at the door; no lists to count
            web = Client()
            web.force_login(user)
            assert web.get("/counterparties/").context["result"].count.value == len(expected)
            api = JsonClient(Client(), bearer(user.username))
            assert api.get("/api/v1/counterparties").json()["count"] == len(expected)
            assert api.get("/api/v1/contact-persons").json()["count"] == expected_persons
        transaction.set_rollback(True)
