"""The counterparty card: requisites, contact persons, custom properties; 404 when hidden."""

from __future__ import annotations

import re

import pytest

from accord.directory.models import BankAccount
from tests.factories import ContactDetailFactory, ContactPersonFactory, CounterpartyFactory

pytestmark = pytest.mark.django_db


def test_card_shows_requisites_contacts_and_custom_properties(manager_client, manager, definitions):
    cp = CounterpartyFactory(
        name="ООО Ромашка", inn="7707083893", kpp="773601001", phone="+74951234567",
        email="info@romashka.ru", responsible=manager,
        custom={"segment": "SMB", "limit": "1500000", "since": "2024-03-15"},
    )  # fmt: skip
    BankAccount.objects.create(counterparty=cp, bic="044525225", account="40702810938000000001")
    person = ContactPersonFactory(counterparty=cp, name="Мария Кузнецова", position="Директор")
    ContactDetailFactory(contact_person=person, value="+79161234567")
    ContactDetailFactory(contact_person=person, kind="email", value="m@romashka.ru")
    ContactDetailFactory(contact_person=person, kind="messenger", value="@mkuz", service="Telegram")

    response = manager_client.get(f"/counterparties/{cp.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    for text in ("ООО Ромашка", "7707083893", "773601001", "+7 495 123-45-67", "info@romashka.ru",
                 "40702810938000000001", "Мария Кузнецова", "+7 916 123-45-67", "m@romashka.ru",
                 "@mkuz", "Telegram", "Segment", "SMB", "Credit limit", "1,500,000", "Client since",
                 "Timeline"):  # fmt: skip
        assert text in html, text


def test_card_of_another_managers_counterparty_is_the_same_404_as_a_missing_one(
    manager_client, other_manager
):
    hidden = CounterpartyFactory(responsible=other_manager)

    hidden_response = manager_client.get(f"/counterparties/{hidden.pk}/")
    missing_response = manager_client.get(f"/counterparties/{hidden.pk + 1000}/")

    assert hidden_response.status_code == missing_response.status_code == 404
    assert hidden_response.content == missing_response.content


def test_buttons_follow_the_users_permissions(manager_client, admin_client, manager):
    cp = CounterpartyFactory(responsible=manager)

    manager_html = manager_client.get(f"/counterparties/{cp.pk}/").content.decode()
    admin_html = admin_client.get(f"/counterparties/{cp.pk}/").content.decode()

    assert f"/counterparties/{cp.pk}/edit/" in manager_html
    assert f"/counterparties/{cp.pk}/delete/" not in manager_html  # managers do not delete
    assert f"/counterparties/{cp.pk}/delete/" in admin_html


def test_card_query_budget(manager_client, manager, make_counterparty, definitions,
                           django_assert_max_num_queries):  # fmt: skip
    cp = make_counterparty(manager, tags=["опт", "vip"], persons=5)
    BankAccount.objects.create(counterparty=cp, bic="044525225", account="40702810938000000001")

    # session, user, roles; the counterparty with its users, source and industry joined; then
    # one prefetch each for tags, bank accounts, contact persons and their details; and the
    # property definitions: 9, whatever the number of contact persons and details.
    # 9 for the card, 1 for its deals block, 1 for its balance block (billing)
    with django_assert_max_num_queries(11):
        response = manager_client.get(f"/counterparties/{cp.pk}/")

    assert len(re.findall(r'class="person-row"', response.content.decode())) == 5
