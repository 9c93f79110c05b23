"""Settings -> Users, Departments, Roles and the client hand-over, through the web pages."""

from __future__ import annotations

import re

import pytest

from accord.core.models import AuditEvent
from accord.directory.models import Counterparty
from accord.users.models import Department, Role, User
from accord.users.object_types import object_types
from tests.factories import CounterpartyFactory, DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(db) -> Department:
    return DepartmentFactory(name="Sales")


@pytest.fixture
def custom_role(db) -> Role:
    return Role.objects.create(code="temp", name="Temporary", rules={})


def staff_urls(user: User, department: Department, role: Role) -> list[str]:
    return [
        "/settings/users/",
        "/settings/users/new/",
        f"/settings/users/{user.pk}/",
        f"/settings/users/{user.pk}/password/",
        f"/settings/users/{user.pk}/handover/",
        "/settings/departments/",
        "/settings/departments/add/",
        f"/settings/departments/{department.pk}/",
        f"/settings/departments/{department.pk}/move/",
        f"/settings/departments/{department.pk}/delete/",
        "/settings/roles/",
        "/settings/roles/new/",
        f"/settings/roles/{role.pk}/",
        f"/settings/roles/{role.pk}/delete/",
    ]


def test_a_manager_gets_403_on_every_page_and_changes_nothing(
    manager_client, other_manager, sales, custom_role
):
    CounterpartyFactory(responsible=other_manager)
    events = AuditEvent.objects.exclude(action="access.refused")  # refusals are recorded
    before = (User.objects.count(), Department.objects.count(), Role.objects.count(),
              events.count(), list(Counterparty.objects.values_list("responsible_id")))  # fmt: skip
    for url in staff_urls(other_manager, sales, custom_role):
        assert manager_client.get(url).status_code == 403, url
        response = manager_client.post(url, {"name": "X", "to_user": "1", "mode": "all"})
        assert response.status_code == 403, url
    after = (User.objects.count(), Department.objects.count(), Role.objects.count(),
             events.count(), list(Counterparty.objects.values_list("responsible_id")))  # fmt: skip
    assert after == before


def test_an_anonymous_visitor_is_sent_to_sign_in(client, sales, custom_role, manager):
    for url in staff_urls(manager, sales, custom_role):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login/" in response["Location"], url


def test_admin_sees_every_page(admin_client, manager, sales, custom_role):
    for url in staff_urls(manager, sales, custom_role):
        if url.endswith(("/password/", "/add/", "/move/")):
            continue  # POST only
        assert admin_client.get(url).status_code == 200, url


def test_missing_objects_answer_404(admin_client):
    for url in ("/settings/users/999/", "/settings/departments/999/", "/settings/roles/999/"):
        assert admin_client.get(url).status_code == 404


# ---------------------------------------------------------------- users


def test_users_list_searches_and_filters(admin_client, sales):
    head = Role.objects.get(code="head")
    UserFactory(username="anna", first_name="Anna", department=sales, roles=["head"])
    UserFactory(username="boris", first_name="Boris", roles=["manager"], is_active=False)

    def logins(query: str) -> set[str]:
        html = admin_client.get(f"/settings/users/?{query}").content.decode()
        return set(re.findall(r'<td class="mono nowrap">(\w+)</td>', html))

    assert logins("") == {"admin", "anna", "boris"}
    assert logins("q=bor") == {"boris"}
    assert logins(f"department={sales.pk}") == {"anna"}
    assert logins(f"role={head.pk}") == {"anna"}
    assert logins("active=0") == {"boris"}
    assert logins("department=abc&role=x") == {"admin", "anna", "boris"}  # ignored


def test_users_list_pages_with_a_cursor(admin_client):
    for n in range(55):
        UserFactory(username=f"u{n:02d}", last_name=f"L{n:02d}")
    first = admin_client.get("/settings/users/")
    cursor = re.search(r'href="\?cursor=([\w-]+)"', first.content.decode()).group(1)
    second = admin_client.get(f"/settings/users/?cursor={cursor}").content.decode()
    assert "u55" not in second
    assert "u54" in second
    bad = admin_client.get("/settings/users/?cursor=garbage")
    assert "out of date" in bad.content.decode()


def test_users_list_query_budget(admin_client, django_assert_max_num_queries, sales):
    for n in range(30):
        UserFactory(username=f"u{n}", department=sales, roles=["manager", "head"])
    with django_assert_max_num_queries(12):
        response = admin_client.get("/settings/users/")
    assert response.status_code == 200


def test_admin_creates_a_user_in_a_department_with_a_role(admin_client, sales):
    manager_role = Role.objects.get(code="manager")
    response = admin_client.post("/settings/users/new/", {
        "username": "olga", "password": "Str0ng-pass-9", "last_name": "Ivanova",
        "first_name": "Olga", "department_id": sales.pk, "role_ids": [manager_role.pk],
        "is_active": "on", "language": "",
    })  # fmt: skip
    olga = User.objects.get(username="olga")
    assert response.status_code == 302
    assert response["Location"] == f"/settings/users/{olga.pk}/"
    assert (olga.department, olga.is_active) == (sales, True)
    assert [r.code for r in olga.roles.all()] == ["manager"]


def test_a_bad_user_form_shows_the_errors_and_creates_nothing(admin_client):
    response = admin_client.post("/settings/users/new/", {
        "username": "admin", "password": "1", "email": "nope", "is_active": "on",
    })  # fmt: skip
    assert response.status_code == 200
    form = response.context["form"]
    assert {"username", "password", "email"} <= set(form.errors)
    assert User.objects.count() == 1


def test_admin_edits_and_deactivates_a_user(admin_client, manager, sales):
    response = admin_client.post(f"/settings/users/{manager.pk}/", {
        "first_name": "Ivan", "last_name": "Petrov", "department_id": sales.pk,
        "role_ids": [Role.objects.get(code="head").pk], "language": "en",
    })  # fmt: skip
    assert response.status_code == 302
    manager.refresh_from_db()
    assert (manager.first_name, manager.department, manager.is_active) == ("Ivan", sales, False)
    assert [r.code for r in manager.roles.all()] == ["head"]


def test_admin_resets_a_password(admin_client, manager):
    response = admin_client.post(
        f"/settings/users/{manager.pk}/password/", {"password": "N3w-secret-pass"}
    )
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.check_password("N3w-secret-pass")
    weak = admin_client.post(f"/settings/users/{manager.pk}/password/", {"password": "1"})
    assert weak.status_code == 200
    assert weak.context["password_form"].errors


# ---------------------------------------------------------------- departments


def test_admin_adds_renames_moves_and_deletes_departments(admin_client, sales):
    assert admin_client.post("/settings/departments/add/", {"name": "Moscow", "parent": sales.pk}
                             ).status_code == 302  # fmt: skip
    moscow = Department.objects.get(name="Moscow")
    assert moscow.parent == sales
    page = admin_client.get("/settings/departments/").content.decode()
    assert page.index("Sales") < page.index("Moscow")

    admin_client.post(f"/settings/departments/{moscow.pk}/", {"name": "Moscow city"})
    top = DepartmentFactory(name="Regions")
    admin_client.post(f"/settings/departments/{moscow.pk}/move/", {"parent": top.pk})
    moscow.refresh_from_db()
    assert (moscow.name, moscow.parent, moscow.path) == (
        "Moscow city",
        top,
        f"/{top.pk}/{moscow.pk}/",
    )

    refused = admin_client.post(f"/settings/departments/{top.pk}/delete/")
    assert refused.status_code == 200
    assert refused.context["form"].non_field_errors()
    assert admin_client.post(f"/settings/departments/{moscow.pk}/delete/").status_code == 302
    assert not Department.objects.filter(pk=moscow.pk).exists()


def test_moving_under_a_descendant_shows_an_error(admin_client, sales):
    child = DepartmentFactory(name="Child", parent=sales)
    response = admin_client.post(f"/settings/departments/{sales.pk}/move/", {"parent": child.pk})
    assert response.status_code == 200
    assert response.context["move_form"].errors
    sales.refresh_from_db()
    assert sales.parent is None


# ---------------------------------------------------------------- roles


def role_post(**extra):
    data = {"name": "Accountant", "code": "accountant", "*__scope": "own",
            "admin.*__scope": "all"}  # fmt: skip
    for registered in object_types():  # other apps register their types too
        data[f"{registered.code}__scope"] = "own"
    data.update(extra)
    return data


def test_admin_creates_a_role_from_the_matrix(admin_client):
    response = admin_client.post("/settings/roles/new/", role_post(**{
        "directory.counterparty__view": "on", "directory.counterparty__export": "on",
        "directory.counterparty__scope": "all", "admin.audit__view": "on",
        "requires_2fa": "on",
    }))  # fmt: skip
    assert response.status_code == 302
    role = Role.objects.get(code="accountant")
    assert role.requires_2fa
    assert role.rules == {
        "directory.counterparty": {"actions": ["view", "export"], "scope": "all"},
        "admin.audit": {"actions": ["view"], "scope": "own"},
    }


def test_editing_a_builtin_role_keeps_its_wildcards(admin_client):
    manager_role = Role.objects.get(code="manager")
    page = admin_client.get(f"/settings/roles/{manager_role.pk}/")
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (False, None)}
    data["directory.contactperson__reveal"] = True
    response = admin_client.post(f"/settings/roles/{manager_role.pk}/", data)
    assert response.status_code == 302
    manager_role.refresh_from_db()
    assert manager_role.rules["*"] == {
        "actions": ["view", "add", "change", "export"],
        "scope": "own",
    }
    assert manager_role.rules["directory.contactperson"]["actions"] == [
        "view", "add", "change", "export", "reveal"
    ]  # fmt: skip
    assert "directory.counterparty" not in manager_role.rules  # same as the wildcard


def test_a_bad_scope_shows_on_its_row(admin_client):
    response = admin_client.post("/settings/roles/new/", role_post(**{"admin.audit__scope": "x"}))
    assert response.status_code == 200
    assert "admin.audit__scope" in response.context["form"].errors
    assert not Role.objects.filter(code="accountant").exists()


def test_role_editor_query_budget(admin_client, django_assert_max_num_queries):
    role = Role.objects.get(code="head")
    with django_assert_max_num_queries(8):
        assert admin_client.get(f"/settings/roles/{role.pk}/").status_code == 200
    with django_assert_max_num_queries(8):
        assert admin_client.get("/settings/roles/").status_code == 200


def test_role_delete_refused_while_held_then_allowed(admin_client, manager, custom_role):
    manager.roles.add(custom_role)
    refused = admin_client.post(f"/settings/roles/{custom_role.pk}/delete/")
    assert refused.status_code == 200
    assert Role.objects.filter(pk=custom_role.pk).exists()
    manager.roles.remove(custom_role)
    assert admin_client.post(f"/settings/roles/{custom_role.pk}/delete/").status_code == 302
    assert not Role.objects.filter(pk=custom_role.pk).exists()


# ---------------------------------------------------------------- hand-over


def test_admin_hands_over_chosen_clients_and_sees_the_counts(admin_client, manager, other_manager):
    keep, give = CounterpartyFactory(responsible=manager), CounterpartyFactory(responsible=manager)
    url = f"/settings/users/{manager.pk}/handover/"
    page = admin_client.get(url).content.decode()
    assert keep.name in page
    assert give.name in page

    response = admin_client.post(url, {"to_user": other_manager.pk, "mode": "chosen",
                                       "counterparty_ids": [give.pk]})  # fmt: skip
    assert response.status_code == 200
    assert response.context["result"].counterparties == 1
    assert 'id="handover-result"' in response.content.decode()
    assert dict(Counterparty.objects.values_list("pk", "responsible_id")) == {
        keep.pk: manager.pk, give.pk: other_manager.pk
    }  # fmt: skip


def test_handover_to_nobody_valid_shows_an_error(admin_client, manager):
    CounterpartyFactory(responsible=manager)
    url = f"/settings/users/{manager.pk}/handover/"
    response = admin_client.post(url, {"to_user": manager.pk, "mode": "all"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not AuditEvent.objects.filter(action="directory.clients.handed_over").exists()


def test_sidebar_and_tabs_link_to_users_for_admins_only(admin_client, manager_client):
    assert "/settings/users/" in admin_client.get("/counterparties/").content.decode()
    assert "/settings/users/" not in manager_client.get("/counterparties/").content.decode()
