"""/api/v1/contact-persons: list, search, filters, paging, read, create, change, delete."""

from __future__ import annotations

import pytest

from accord.core.models import AuditEvent
from accord.directory.models import ContactDetail, ContactPerson
from tests.factories import ContactDetailFactory, ContactPersonFactory, CounterpartyFactory


def directory_event() -> AuditEvent:
    """The one audit event the call wrote (creating the test's API token wrote another)."""
    return AuditEvent.objects.get(action__startswith="directory.")


URL = "/api/v1/contact-persons"


def names(response) -> list[str]:
    return [item["name"] for item in response.json()["items"]]


@pytest.fixture
def company(manager):
    return CounterpartyFactory(responsible=manager, name="ООО Ромашка", inn="7707083893")


def test_list_shows_persons_of_the_callers_counterparties(api, company, other_manager):
    ContactPersonFactory(counterparty=company, name="Иванов Иван")
    ContactPersonFactory(counterparty=CounterpartyFactory(responsible=other_manager))

    response = api.get(URL)

    assert response.status_code == 200
    assert names(response) == ["Иванов Иван"]
    assert response.json()["count"] == 1


def test_item_has_every_documented_field(api, company):
    person = ContactPersonFactory(counterparty=company, name="Иванов Иван", role="ЛПР", is_vip=True)
    ContactDetailFactory(contact_person=person, kind="phone", value="+79161234567")
    ContactDetailFactory(contact_person=person, kind="email", value="ivanov@romashka.ru")
    ContactDetailFactory(
        contact_person=person, kind="messenger", value="@ivanov", service="Telegram"
    )

    item = api.get(f"{URL}/{person.pk}").json()

    assert item == {
        "id": person.pk,
        "counterparty_id": company.pk,
        "counterparty_name": "ООО Ромашка",
        "name": "Иванов Иван",
        "position": "Директор",
        "role": "ЛПР",
        "birthday": None,
        "is_vip": True,
        "notes": "",
        "custom": {},
        # A VIP person: its details are masked in every answer but a reveal.
        "phones": ["+7 9** ***-**-67"],
        "emails": ["i***@r***.ru"],
        "messengers": [{"service": "Telegram", "value": "@i***"}],
        "created_at": item["created_at"],
        "updated_at": item["updated_at"],
    }


def test_search_by_phone_typed_in_a_local_format_finds_the_person(api, company):
    wanted = ContactPersonFactory(counterparty=company, name="Иванов Иван")
    ContactDetailFactory(contact_person=wanted, value="+79161234567")
    other = ContactPersonFactory(counterparty=company, name="Петров Пётр")
    ContactDetailFactory(contact_person=other, value="+79160000000")

    response = api.get(URL, {"q": "8 (916) 123-45-67"})

    assert response.status_code == 200
    assert names(response) == ["Иванов Иван"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Петров", ["Петров Пётр"]),
        ("7707083893", ["Иванов Иван", "Петров Пётр"]),
        ("IVANOV@romashka.ru", ["Иванов Иван"]),
        ("нет такого", []),
    ],
)
def test_search_by_name_counterparty_inn_and_email(api, company, manager, query, expected):
    ivanov = ContactPersonFactory(counterparty=company, name="Иванов Иван")
    ContactDetailFactory(contact_person=ivanov, kind="email", value="ivanov@romashka.ru")
    ContactPersonFactory(counterparty=company, name="Петров Пётр")
    ContactPersonFactory(counterparty=CounterpartyFactory(responsible=manager), name="Сидоров")

    assert names(api.get(URL, {"q": query})) == expected


def test_filters_by_counterparty_vip_and_counterparty_fields(api, company, manager):
    supplier = CounterpartyFactory(responsible=manager, relation="supplier")
    vip = ContactPersonFactory(counterparty=company, name="А VIP", is_vip=True)
    plain = ContactPersonFactory(counterparty=company, name="Б обычный")
    at_supplier = ContactPersonFactory(counterparty=supplier, name="В поставщик")

    def found(**params) -> set[int]:
        response = api.get(URL, params)
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["items"]}

    assert found(counterparty=company.pk) == {vip.pk, plain.pk}
    assert found(vip="true") == {vip.pk}
    assert found(relation="supplier") == {at_supplier.pk}
    assert found(counterparty=company.pk, vip="false") == {plain.pk}
    assert found(responsible=manager.pk) == {vip.pk, plain.pk, at_supplier.pk}


def test_cursor_paging_walks_every_person_once(api, company):
    ContactPersonFactory.create_batch(5, counterparty=company)
    seen: list[int] = []
    cursor = None

    for _page in range(10):
        body = api.get(URL, {"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        assert body["count"] == 5
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break

    assert sorted(seen) == sorted(ContactPerson.objects.values_list("pk", flat=True))
    assert len(seen) == 5


def test_create_answers_201_with_phones_in_e164(api, company, manager):
    body = {
        "counterparty_id": company.pk,
        "name": "Иванов Иван",
        "birthday": "1980-05-17",
        "phones": ["8 (916) 123-45-67"],
        "emails": ["ivanov@romashka.ru"],
        "messengers": [{"service": "Telegram", "value": "@ivanov"}],
    }

    response = api.post(URL, body)

    assert response.status_code == 201, response.content
    person = ContactPerson.objects.get()
    assert response.json()["id"] == person.pk
    assert response.json()["phones"] == ["+79161234567"]
    assert response.json()["birthday"] == "1980-05-17"
    assert response.json()["counterparty_name"] == "ООО Ромашка"
    assert ContactDetail.objects.filter(contact_person=person).count() == 3
    assert directory_event().action == "directory.contact_person.created"


def test_create_for_an_invisible_counterparty_is_refused(api, other_manager, db_state):
    hidden = CounterpartyFactory(responsible=other_manager)
    before = db_state()

    response = api.post(URL, {"counterparty_id": hidden.pk, "name": "Иванов"})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["counterparty_id"]
    assert db_state() == before


def test_create_with_an_unparseable_phone_is_refused(api, company, db_state):
    before = db_state()

    response = api.post(URL, {"counterparty_id": company.pk, "name": "Иванов", "phones": ["12"]})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["phones.0"]
    assert db_state() == before


def test_patch_keeps_the_phones_it_was_not_sent(api, company):
    person = ContactPersonFactory(counterparty=company, position="Менеджер")
    ContactDetailFactory(contact_person=person, value="+79161234567")

    response = api.patch(f"{URL}/{person.pk}", {"position": "Директор"})

    assert response.status_code == 200, response.content
    assert response.json()["position"] == "Директор"
    assert response.json()["phones"] == ["+79161234567"]
    assert directory_event().changes == {"position": ["Менеджер", "Директор"]}


def test_patch_of_another_managers_person_is_a_404_and_changes_nothing(
    api, other_manager, db_state
):
    person = ContactPersonFactory(counterparty=CounterpartyFactory(responsible=other_manager))
    before = db_state()

    hidden = api.patch(f"{URL}/{person.pk}", {"position": "Директор"})
    missing = api.patch(f"{URL}/{person.pk + 1000}", {"position": "Директор"})

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert db_state() == before


def test_delete_answers_204(api, company):
    person = ContactPersonFactory(counterparty=company)
    ContactDetailFactory(contact_person=person)

    response = api.delete(f"{URL}/{person.pk}")

    assert response.status_code == 204
    assert not ContactPerson.objects.exists()
    assert not ContactDetail.objects.exists()
    assert directory_event().action == "directory.contact_person.deleted"


def test_delete_of_another_managers_person_is_a_404(api, other_manager, db_state):
    person = ContactPersonFactory(counterparty=CounterpartyFactory(responsible=other_manager))
    before = db_state()

    hidden = api.delete(f"{URL}/{person.pk}")
    missing = api.delete(f"{URL}/{person.pk + 1000}")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert db_state() == before


def test_get_of_another_managers_person_answers_like_a_missing_one(api, other_manager):
    person = ContactPersonFactory(counterparty=CounterpartyFactory(responsible=other_manager))

    hidden = api.get(f"{URL}/{person.pk}")
    missing = api.get(f"{URL}/{person.pk + 1000}")
    not_a_number = api.get(f"{URL}/ivanov")

    assert hidden.status_code == missing.status_code == not_a_number.status_code == 404
    assert hidden.json() == missing.json() == not_a_number.json()
