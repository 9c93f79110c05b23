"""Administration in a real browser: an admin adds a department, a manager in it, then
hands a client over from one manager to another and sees the result. Screenshots go to
test-output/.
"""

from __future__ import annotations

import re

import pytest

from accord.directory.models import Counterparty
from accord.users.models import User
from tests.factories import CounterpartyFactory, UserFactory

pytestmark = pytest.mark.browser
PASSWORD = "secret-pass-123"


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"^[^?]*/$"))  # the start page


def test_admin_adds_department_and_manager_then_hands_a_client_over(
    live_server, transactional_db, new_page, output_dir
):
    UserFactory(username="root", first_name="Root", last_name="Admin", roles=["admin"])
    anna = UserFactory(username="anna", first_name="Anna", last_name="Smirnova", roles=["manager"])
    client = CounterpartyFactory(name="ООО Ромашка", responsible=anna)
    page = new_page("en-US")
    sign_in(page, live_server.url, "root")

    page.click(".sidebar >> text=Users and roles")
    page.wait_for_url(re.compile(r"/settings/users/$"))
    page.click(".tabs >> text=Departments")
    page.fill("#department-add input[name=name]", "Moscow office")
    page.click("#department-add button[type=submit]")
    page.locator("#department-tree >> text=Moscow office").wait_for()
    page.screenshot(path=str(output_dir / "roles_departments.png"), full_page=True)

    page.click(".tabs >> text=Users")
    page.click("text=New user")
    page.fill("#id_username", "pavel")
    page.fill("#id_password", "Str0ng-pass-9")
    page.fill("#id_last_name", "Orlov")
    page.fill("#id_first_name", "Pavel")
    page.select_option("#id_department_id", label="Moscow office")
    page.check("#field-role_ids >> text=Manager")
    page.screenshot(path=str(output_dir / "roles_user_form.png"), full_page=True)
    page.click("button:has-text('Create user')")
    page.wait_for_url(re.compile(r"/settings/users/\d+/$"))
    pavel = User.objects.get(username="pavel")
    assert pavel.department.name == "Moscow office"
    assert [r.code for r in pavel.roles.all()] == ["manager"]

    page.goto(f"{live_server.url}/settings/users/{anna.pk}/")
    page.click("text=Hand over clients")
    page.wait_for_url(re.compile(r"/handover/$"))
    page.select_option("#id_to_user", label="Pavel Orlov")
    page.click("button:has-text('Hand over')")
    result = page.locator("#handover-result")
    result.wait_for()
    assert "Pavel Orlov" in result.inner_text()
    assert re.search(r"Counterparties\s+1", result.inner_text())
    page.screenshot(path=str(output_dir / "roles_handover.png"), full_page=True)
    client.refresh_from_db()
    assert client.responsible == pavel
    assert Counterparty.objects.filter(responsible=anna).count() == 0

    page.goto(f"{live_server.url}/settings/roles/")
    page.click("#roles-table >> text=Manager")
    page.locator("table.role-matrix").wait_for()
    page.screenshot(path=str(output_dir / "roles_matrix.png"), full_page=True)
