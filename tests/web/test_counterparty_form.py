"""Creating, editing and deleting counterparties through the forms, and the live validation."""

from __future__ import annotations

import re

import pytest

from accord.core.models import AuditEvent
from accord.directory.models import BankAccount, Counterparty
from tests.factories import CounterpartyFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    """What the browser posts for a new legal entity with one bank account row."""
    data = {
        "kind": "legal_entity", "name": "ООО Ромашка", "full_name": "", "inn": "7707083893",
        "kpp": "773601001", "ogrn": "", "legal_address": "", "actual_address": "",
        "phone": "8 (916) 123-45-67", "email": "info@romashka.ru", "website": "",
        "responsible_id": "", "relation": "client", "status": "new", "source_id": "",
        "industry_id": "", "tags": "опт, москва", "notes": "",
        "bank-TOTAL_FORMS": "1", "bank-INITIAL_FORMS": "1", "bank-MIN_NUM_FORMS": "0",
        "bank-MAX_NUM_FORMS": "1000", "bank-0-bic": "044525225", "bank-0-bank_name": "Сбербанк",
        "bank-0-account": "40702810938000000001", "bank-0-correspondent_account": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_new_form_renders_every_section(manager_client, definitions):
    html = manager_client.get("/counterparties/new/").content.decode()

    for text in ('name="inn"', 'name="bank-0-bic"', 'name="custom_segment"', 'type="date"',
                 'name="responsible_id"', 'name="tags"', 'hx-post="/counterparties/new/validate/"'):  # fmt: skip
        assert text in html, text


def test_create_saves_everything_and_opens_the_card(manager_client, manager, definitions):
    data = form_data(responsible_id=str(manager.pk), custom_segment="SMB", custom_limit="1 500,5",
                     custom_since="2024-03-15")  # fmt: skip

    response = manager_client.post("/counterparties/new/", data)

    cp = Counterparty.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/counterparties/{cp.pk}/"
    assert (cp.name, cp.inn, cp.phone, cp.responsible) == (
        "ООО Ромашка",
        "7707083893",
        "+79161234567",
        manager,
    )
    assert sorted(t.name for t in cp.tags.all()) == ["москва", "опт"]
    assert list(cp.bank_accounts.values_list("bic", "account")) == [
        ("044525225", "40702810938000000001")
    ]
    assert cp.custom == {"segment": "SMB", "limit": "1500.5", "since": "2024-03-15"}
    assert AuditEvent.objects.filter(
        action="directory.counterparty.created", object_id=str(cp.pk)
    ).exists()


def test_create_by_htmx_redirects_the_whole_page(manager_client, htmx):
    response = manager_client.post("/counterparties/new/", form_data(), **htmx)

    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/counterparties/{Counterparty.objects.get().pk}/"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"inn": "7707083894"}, "inn", "check digits are wrong"),
        ({"phone": "12-ab"}, "phone", "is not a phone number"),
        ({"name": "  "}, "name", "This field is required."),
        ({"bank-0-bic": "123"}, "bank-0-bic", "A Russian BIC is 9 digits"),
        ({"custom_limit": "много"}, "custom_limit", "Enter a number."),
    ],
)
def test_invalid_input_shows_the_error_on_its_field_and_writes_nothing(
    manager_client, definitions, overrides, field, message
):
    response = manager_client.post("/counterparties/new/", form_data(**overrides))

    assert response.status_code == 200
    form = response.context["form"]
    errors = form.banks.forms[0].errors if field.startswith("bank-") else form.errors
    key = field.removeprefix("bank-0-")
    assert any(message in error for error in errors[key]), errors
    assert Counterparty.objects.count() == 0
    assert BankAccount.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_likely_duplicate_asks_for_confirmation_then_saves_anyway(manager_client, manager):
    existing = CounterpartyFactory(name="ООО Ромашка", inn="7707083893", responsible=manager)

    warned = manager_client.post("/counterparties/new/", form_data())

    html = warned.content.decode()
    assert warned.status_code == 200
    assert Counterparty.objects.count() == 1
    assert f'href="/counterparties/{existing.pk}/"' in html
    assert re.search(r'name="confirm_duplicates"\s+value="1"', html)
    assert "same INN" in html

    saved = manager_client.post("/counterparties/new/", form_data(confirm_duplicates="1"))

    assert saved.status_code == 302
    assert Counterparty.objects.filter(inn="7707083893").count() == 2


def test_validate_endpoint_shows_errors_and_early_duplicates_without_writing(
    manager_client, manager, other_manager, htmx
):
    mine = CounterpartyFactory(name="ООО Ромашка", responsible=manager, phone="+79161234567")
    CounterpartyFactory(name="ООО Ромашка Чужая", responsible=other_manager, phone="+79161234567")

    response = manager_client.post(
        "/counterparties/new/validate/", form_data(inn="12345", kpp=""), **htmx
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="field-inn"' in html
    assert "The INN must be 10 digits." in html
    assert f'href="/counterparties/{mine.pk}/"' in html
    assert "same phone" in html
    assert "Чужая" not in html  # duplicates never reveal another manager's client
    assert 'name="confirm_duplicates"' not in html  # confirming comes with saving
    assert Counterparty.objects.count() == 2
    assert AuditEvent.objects.count() == 0


def test_validate_only_accepts_post(manager_client):
    assert manager_client.get("/counterparties/new/validate/").status_code == 405


def test_edit_changes_the_counterparty_and_keeps_its_accounts(manager_client, manager):
    cp = CounterpartyFactory(name="ООО Старое", inn="7707083893", responsible=manager)
    BankAccount.objects.create(counterparty=cp, bic="044525225", account="40702810938000000001")

    page = manager_client.get(f"/counterparties/{cp.pk}/edit/")
    assert 'value="ООО Старое"' in page.content.decode()
    assert 'value="40702810938000000001"' in page.content.decode()

    response = manager_client.post(
        f"/counterparties/{cp.pk}/edit/",
        form_data(name="ООО Новое", kpp="", phone="", email="", tags="",
                  **{"bank-0-bic": "044525225", "bank-0-bank_name": ""}),
    )  # fmt: skip

    cp.refresh_from_db()
    assert response.status_code == 302
    assert cp.name == "ООО Новое"
    assert cp.bank_accounts.count() == 1
    event = AuditEvent.objects.get(action="directory.counterparty.updated")
    assert event.changes["name"] == ["ООО Старое", "ООО Новое"]


def test_edit_of_another_managers_counterparty_is_404(manager_client, other_manager):
    cp = CounterpartyFactory(responsible=other_manager)

    assert manager_client.get(f"/counterparties/{cp.pk}/edit/").status_code == 404
    assert manager_client.post(f"/counterparties/{cp.pk}/edit/", form_data()).status_code == 404
    assert (
        manager_client.post(f"/counterparties/{cp.pk}/edit/validate/", form_data()).status_code
        == 404
    )


def test_delete_asks_first_and_deletes_on_post(admin_client, manager):
    cp = CounterpartyFactory(name="ООО Удаляемое", responsible=manager)

    confirm = admin_client.get(f"/counterparties/{cp.pk}/delete/")
    assert "Delete counterparty?" in confirm.content.decode()
    assert Counterparty.objects.filter(pk=cp.pk).exists()

    response = admin_client.post(f"/counterparties/{cp.pk}/delete/")

    assert response.status_code == 302
    assert response["Location"] == "/counterparties/"
    assert not Counterparty.objects.filter(pk=cp.pk).exists()
    assert AuditEvent.objects.filter(action="directory.counterparty.deleted").count() == 1


def test_delete_without_the_permission_is_refused_on_the_form(manager_client, manager, htmx):
    cp = CounterpartyFactory(responsible=manager)

    response = manager_client.post(f"/counterparties/{cp.pk}/delete/", **htmx)

    assert response.status_code == 200
    assert "You do not have permission to do this." in response.content.decode()
    assert Counterparty.objects.filter(pk=cp.pk).exists()
