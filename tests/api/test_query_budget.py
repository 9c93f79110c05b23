"""The list endpoints cost a fixed number of queries, whatever the page size."""

from __future__ import annotations

import pytest

from accord.directory.models import BankAccount, Tag
from tests.factories import ContactDetailFactory, ContactPersonFactory, CounterpartyFactory


@pytest.fixture
def full_page(manager):
    tags = [Tag.objects.create(name=name) for name in ("опт", "юг")]
    for _ in range(30):
        cp = CounterpartyFactory(responsible=manager)
        cp.tags.set(tags)
        BankAccount.objects.create(counterparty=cp, bic="044525225", account="40702810038000000008")
        person = ContactPersonFactory(counterparty=cp)
        ContactDetailFactory(contact_person=person)
        ContactDetailFactory(contact_person=person, kind="email", value=f"p{person.pk}@example.com")


def test_counterparty_list_query_budget(api, full_page, django_assert_max_num_queries):
    api.get("/api/v1/counterparties")  # the token's first use writes last_used_at once
    # 1 token -> user, 1 the user's roles (visibility), 1 count, 1 the page (with the
    # responsible user joined), 1 tags, 1 bank accounts of the page: 6, for 1 row or 200.
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/counterparties", {"limit": 200, "q": "компания"})

    assert response.status_code == 200
    assert len(response.json()["items"]) == 30


def test_contact_person_list_query_budget(api, full_page, django_assert_max_num_queries):
    api.get("/api/v1/contact-persons")
    # 1 token -> user, 1 roles, 1 count, 1 the page (with its counterparty joined),
    # 1 the contact details of the page: 5.
    with django_assert_max_num_queries(5):
        response = api.get("/api/v1/contact-persons", {"limit": 200, "relation": "client"})

    assert response.status_code == 200
    assert len(response.json()["items"]) == 30
