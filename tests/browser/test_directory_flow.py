"""The directory as a person uses it, in a real browser: sign in, create a counterparty with
live validation, add a contact person on its card, then find the counterparty by that
person's phone typed the way people type it. Screenshots go to test-output/.
"""

from __future__ import annotations

import re

import pytest

from accord.directory.models import ContactDetail, Counterparty
from tests.factories import CounterpartyFactory, UserFactory

pytestmark = pytest.mark.browser
PASSWORD = "secret-pass-123"


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"^[^?]*/$"))  # the start page
    page.goto(f"{base_url}/counterparties/")


def test_create_counterparty_add_contact_and_find_it_by_phone(
    live_server, transactional_db, new_page, output_dir
):
    user = UserFactory(username="anna", first_name="Anna", last_name="Smirnova", roles=["manager"])
    CounterpartyFactory(name="ООО Другая фирма", responsible=user, phone="+74950000000")
    page = new_page("en-US")
    sign_in(page, live_server.url, "anna")
    page.screenshot(path=str(output_dir / "directory_list.png"))

    page.click("text=New counterparty")
    page.wait_for_url(re.compile(r"/counterparties/new/$"))
    page.fill("#id_name", "ООО Ромашка")
    page.fill("#id_inn", "7707083894")  # a wrong check digit
    page.press("#id_inn", "Tab")
    inn_error = page.locator("#field-inn .error-text")
    inn_error.wait_for()
    assert "check digits are wrong" in inn_error.inner_text()
    page.screenshot(path=str(output_dir / "directory_form.png"), full_page=True)
    page.fill("#id_inn", "7707083893")
    page.press("#id_inn", "Tab")
    inn_error.wait_for(state="detached")
    page.fill("#id_kpp", "773601001")
    page.click("button:has-text('Create counterparty')")
    page.wait_for_url(re.compile(r"/counterparties/\d+/$"))
    cp = Counterparty.objects.get(inn="7707083893")
    assert (cp.name, cp.kpp, cp.responsible_id) == ("ООО Ромашка", "773601001", user.pk)

    page.click("#contacts >> text=Add contact")
    dialog = page.locator("dialog#modal[open]")
    dialog.wait_for()
    dialog.locator("input[name=name]").fill("Мария Кузнецова")
    dialog.locator("input[name=position]").fill("Director")
    dialog.locator("input[name=phones]").first.fill("+7 916 123-45-67")
    dialog.locator("button[type=submit]").click()
    dialog.wait_for(state="hidden")
    contacts = page.locator("#contacts")
    contacts.locator("text=Мария Кузнецова").wait_for()
    assert "+7 916 123-45-67" in contacts.inner_text()
    assert ContactDetail.objects.filter(counterparty=cp, value="+79161234567").exists()
    page.screenshot(path=str(output_dir / "directory_card.png"), full_page=True)

    page.click(".sidebar >> text=Counterparties")
    page.wait_for_url(re.compile(r"/counterparties/$"))
    assert page.locator("#cp-results tbody tr").count() == 2
    page.locator("#cp-filters input[name=q]").press_sequentially("8 (916) 123-45-67", delay=20)
    page.wait_for_url(re.compile(r"q=8"))
    rows = page.locator("#cp-results tbody tr")
    rows.first.locator("text=ООО Ромашка").wait_for()
    assert rows.count() == 1
    page.screenshot(path=str(output_dir / "directory_flow.png"))


def test_pages_render_in_the_users_language(live_server, transactional_db, new_page, output_dir):
    user = UserFactory(username="ivan", first_name="Иван", last_name="Петров", roles=["manager"])
    user.language = "ru"
    user.save(update_fields=["language"])
    cp = CounterpartyFactory(name="ООО Вектор", responsible=user, phone="+74951234567")
    page = new_page("en-US")  # the user's own choice wins over the browser's language
    sign_in(page, live_server.url, "ivan")

    assert page.locator("h1").inner_text() == "Контрагенты"
    page.screenshot(path=str(output_dir / "directory_list_ru.png"))
    page.goto(f"{live_server.url}/counterparties/{cp.pk}/")
    assert "Реквизиты" in page.inner_text("main")
    page.screenshot(path=str(output_dir / "directory_card_ru.png"), full_page=True)
    page.goto(f"{live_server.url}/counterparties/new/")
    assert "Новый контрагент" in page.inner_text("main")
    page.screenshot(path=str(output_dir / "directory_form_ru.png"), full_page=True)


def test_second_bank_account_and_saving_a_likely_duplicate(live_server, transactional_db, new_page):
    user = UserFactory(username="olga", roles=["manager"])
    existing = CounterpartyFactory(name="ООО Вектор", inn="7707083893", responsible=user)
    page = new_page("en-US")
    sign_in(page, live_server.url, "olga")
    page.goto(f"{live_server.url}/counterparties/new/")

    page.fill("#id_name", "Вектор")
    page.fill("#id_inn", "7707083893")
    page.press("#id_inn", "Tab")
    page.locator(f"#duplicates a[href='/counterparties/{existing.pk}/']").wait_for()
    page.fill("#id_bank-0-bic", "044525225")
    page.fill("#id_bank-0-account", "40702810938000000001")
    page.click("text=Add bank account")
    page.fill("#id_bank-1-bic", "044525225")
    page.fill("#id_bank-1-account", "40702810938000000014")
    page.click("button:has-text('Create counterparty')")
    page.locator("#duplicates >> text=Likely duplicates found").wait_for()
    assert Counterparty.objects.count() == 1

    page.click("button:has-text('Save anyway')")
    page.wait_for_url(re.compile(r"/counterparties/\d+/$"))
    created = Counterparty.objects.exclude(pk=existing.pk).get()
    accounts = list(created.bank_accounts.values_list("account", flat=True))
    assert accounts == ["40702810938000000001", "40702810938000000014"]
