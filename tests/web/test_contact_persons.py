"""Contact persons: add, edit and delete from the card (htmx dialog or whole pages), the list."""

from __future__ import annotations

import pytest

from accord.core.models import AuditEvent
from accord.directory.models import ContactDetail, ContactPerson
from tests.factories import ContactDetailFactory, ContactPersonFactory, CounterpartyFactory

pytestmark = pytest.mark.django_db


def person_data(**overrides):
    data = {
        "name": "Кузнецова Мария", "position": "Директор", "role": "ЛПР", "birthday": "1980-05-14",
        "phones": ["+7 916 123-45-67", "8 495 765-43-21"], "emails": ["m@romashka.ru"],
        "messengers_service": ["Telegram"], "messengers_value": ["@mkuz"], "notes": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_add_form_opens_as_a_dialog_fragment(manager_client, manager, htmx):
    cp = CounterpartyFactory(responsible=manager)

    response = manager_client.get(f"/counterparties/{cp.pk}/contacts/new/", **htmx)

    html = response.content.decode()
    assert "<html" not in html
    assert 'hx-target="#modal-body"' in html
    assert 'name="phones"' in html
    assert 'name="messengers_value"' in html


def test_add_by_htmx_answers_the_refreshed_contacts_and_closes_the_dialog(
    manager_client, manager, htmx
):
    cp = CounterpartyFactory(responsible=manager)

    response = manager_client.post(f"/counterparties/{cp.pk}/contacts/new/", person_data(), **htmx)

    person = ContactPerson.objects.get()
    assert response["HX-Retarget"] == "#contacts"
    assert response["HX-Reswap"] == "outerHTML"
    assert "accord:modal-close" in response["HX-Trigger"]
    html = response.content.decode()
    assert 'id="contacts"' in html
    assert "Кузнецова Мария" in html
    assert "+7 916 123-45-67" in html
    assert (person.counterparty, person.birthday.isoformat()) == (cp, "1980-05-14")
    details = sorted(ContactDetail.objects.values_list("kind", "value", "service"))
    assert details == [("email", "m@romashka.ru", ""), ("messenger", "@mkuz", "Telegram"),
                       ("phone", "+74957654321", ""), ("phone", "+79161234567", "")]  # fmt: skip


def test_add_without_htmx_returns_to_the_card(manager_client, manager):
    cp = CounterpartyFactory(responsible=manager)

    page = manager_client.get(f"/counterparties/{cp.pk}/contacts/new/")
    response = manager_client.post(f"/counterparties/{cp.pk}/contacts/new/", person_data())

    assert "<html" in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == f"/counterparties/{cp.pk}/#contacts"


def test_a_wrong_phone_keeps_the_dialog_open_with_the_error(manager_client, manager, htmx):
    cp = CounterpartyFactory(responsible=manager)

    response = manager_client.post(
        f"/counterparties/{cp.pk}/contacts/new/", person_data(phones=["12-ab"], name=""), **htmx
    )

    html = response.content.decode()
    assert "HX-Retarget" not in response
    assert "12-ab is not a phone number." in html
    assert "This field is required." in html
    assert ContactPerson.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_edit_by_htmx_replaces_the_details(manager_client, manager, htmx):
    person = ContactPersonFactory(counterparty=CounterpartyFactory(responsible=manager))
    ContactDetailFactory(contact_person=person, value="+79160000000")

    form = manager_client.get(f"/contact-persons/{person.pk}/edit/", **htmx).content.decode()
    assert 'value="+7 916 000-00-00"' in form

    response = manager_client.post(
        f"/contact-persons/{person.pk}/edit/",
        person_data(name="Новое Имя", phones=["+7 916 111-11-11"], emails=[]),
        **htmx,
    )

    person.refresh_from_db()
    assert response["HX-Retarget"] == "#contacts"
    assert person.name == "Новое Имя"
    assert [d.value for d in person.details.filter(kind="phone")] == ["+79161111111"]
    assert AuditEvent.objects.filter(action="directory.contact_person.updated").count() == 1


def test_delete_asks_in_the_dialog_then_deletes(manager_client, manager, htmx):
    person = ContactPersonFactory(counterparty=CounterpartyFactory(responsible=manager))

    confirm = manager_client.get(f"/contact-persons/{person.pk}/delete/", **htmx)
    assert "Delete contact person?" in confirm.content.decode()
    assert ContactPerson.objects.exists()

    response = manager_client.post(f"/contact-persons/{person.pk}/delete/", **htmx)

    assert response["HX-Retarget"] == "#contacts"
    assert not ContactPerson.objects.exists()
    assert "No contact persons yet" in response.content.decode()


def test_another_managers_contact_person_is_404(manager_client, other_manager):
    person = ContactPersonFactory(counterparty=CounterpartyFactory(responsible=other_manager))

    assert manager_client.get(f"/contact-persons/{person.pk}/edit/").status_code == 404
    assert manager_client.post(f"/contact-persons/{person.pk}/delete/").status_code == 404
    assert (
        manager_client.post(
            f"/counterparties/{person.counterparty_id}/contacts/new/", person_data()
        ).status_code
        == 404
    )
    assert ContactPerson.objects.count() == 1


def test_list_searches_by_name_phone_and_e_mail(manager_client, manager, other_manager, htmx):
    cp = CounterpartyFactory(responsible=manager)
    maria = ContactPersonFactory(counterparty=cp, name="Мария Кузнецова")
    ContactDetailFactory(contact_person=maria, value="+79161234567")
    ContactDetailFactory(contact_person=maria, kind="email", value="m@romashka.ru")
    ContactPersonFactory(counterparty=cp, name="Пётр Петров")
    ContactPersonFactory(
        counterparty=CounterpartyFactory(responsible=other_manager), name="Мария Чужая"
    )

    def found(query):
        response = manager_client.get("/contact-persons/", {"q": query})
        return [row.person.name for row in response.context["rows"]]

    assert found("") == ["Мария Кузнецова", "Пётр Петров"]
    assert found("мария") == ["Мария Кузнецова"]
    assert found("8 (916) 123-45-67") == ["Мария Кузнецова"]
    assert found("m@romashka.ru") == ["Мария Кузнецова"]
    fragment = manager_client.get("/contact-persons/", {"q": "мария"}, **htmx).content.decode()
    assert fragment.lstrip().startswith('<section id="cps-results"')


def test_list_pages_forward(manager_client, manager):
    cp = CounterpartyFactory(responsible=manager)
    for i in range(52):
        ContactPersonFactory(counterparty=cp, name=f"Человек {i:02d}")

    first = manager_client.get("/contact-persons/")
    cursor = first.context["page"].next_cursor
    second = manager_client.get("/contact-persons/", {"cursor": cursor})

    assert len(first.context["rows"]) == 50
    assert [r.person.name for r in second.context["rows"]] == ["Человек 50", "Человек 51"]


def test_list_query_budget(
    manager_client, manager, make_counterparty, django_assert_max_num_queries
):
    for _ in range(10):
        make_counterparty(manager, persons=5)

    # session, user, roles, the page with its counterparties joined, the page's details in
    # one prefetch, the capped count: 6 for 50 people with 100 phones and e-mails.
    with django_assert_max_num_queries(6):
        response = manager_client.get("/contact-persons/")

    assert len(response.context["rows"]) == 50
