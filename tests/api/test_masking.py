"""VIP masking in the API: list and get mask, reveal unmasks (audited), exports, no oracle."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from accord.core.models import AuditEvent
from tests.api.conftest import JsonClient, bearer
from tests.factories import (
    ContactDetailFactory,
    ContactPersonFactory,
    CounterpartyFactory,
    DepartmentFactory,
    UserFactory,
)

URL = "/api/v1/counterparties"
PEOPLE = "/api/v1/contact-persons"
PHONE = "+79161234567"
EMAIL = "ivan.petrov@mail.ru"


@pytest.fixture
def team(db):
    dept = DepartmentFactory()
    manager = UserFactory(username="m1", roles=["manager"], department=dept)
    head = UserFactory(username="h1", roles=["head"], department=dept)
    return {
        "manager": manager,
        "head": head,
        "manager_api": JsonClient(Client(), bearer("m1")),
        "head_api": JsonClient(Client(), bearer("h1")),
    }


@pytest.fixture
def vip(team):
    cp = CounterpartyFactory(
        responsible=team["manager"], is_vip=True, phone=PHONE, email=EMAIL,
        legal_address="Москва, ул. Тверская, 7", actual_address="Химки, ул. Ленина, 1",
    )  # fmt: skip
    person = ContactPersonFactory(counterparty=cp, is_vip=True)
    ContactDetailFactory(contact_person=person, value="+79165554433")
    ContactDetailFactory(
        contact_person=person, kind="messenger", value="@petr_vip", service="Telegram"
    )
    return cp


def test_list_and_get_mask_a_vip_for_every_user(team, vip):
    for api in (team["manager_api"], team["head_api"]):
        item = api.get(f"{URL}/{vip.pk}").json()
        assert (item["phone"], item["email"]) == ("+7 9** ***-**-67", "i***@m***.ru")
        assert (item["legal_address"], item["actual_address"]) == ("Москва ***", "Химки ***")
        assert api.get(URL).json()["items"][0]["phone"] == "+7 9** ***-**-67"
        person = api.get(PEOPLE).json()["items"][0]
        assert person["phones"] == ["+7 9** ***-**-33"]
        assert person["messengers"] == [{"service": "Telegram", "value": "@p***"}]
    assert not AuditEvent.objects.filter(object_type__startswith="directory.").exists()


def test_a_head_reveals_a_counterparty_and_a_person_each_audited(team, vip):
    api = team["head_api"]
    person = vip.contact_persons.get()

    response = api.post(f"{URL}/{vip.pk}/reveal", {})
    person_response = api.post(f"{PEOPLE}/{person.pk}/reveal", {})

    assert response.status_code == 200
    assert response.json() == {
        "id": vip.pk,
        "phone": PHONE,
        "email": EMAIL,
        "legal_address": "Москва, ул. Тверская, 7",
        "actual_address": "Химки, ул. Ленина, 1",
    }
    assert person_response.json() == {
        "id": person.pk,
        "phones": ["+79165554433"],
        "emails": [],
        "messengers": [{"service": "Telegram", "value": "@petr_vip"}],
    }
    directory = AuditEvent.objects.filter(action__startswith="directory.").order_by("pk")
    actions = list(directory.values_list("action", "actor__username"))
    assert actions == [
        ("directory.counterparty.revealed", "h1"),
        ("directory.contactperson.revealed", "h1"),
    ]


def test_a_manager_reveal_is_403_and_reveals_nothing(team, vip, db_state):
    api = team["manager_api"]
    person = vip.contact_persons.get()
    before = db_state()

    for url in (f"{URL}/{vip.pk}/reveal", f"{PEOPLE}/{person.pk}/reveal"):
        response = api.post(url, {})
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        assert PHONE not in response.content.decode()

    after = db_state()
    events = after.pop("core.AuditEvent")
    before.pop("core.AuditEvent")
    assert after == before
    assert not [e for e in events if e["action"].endswith(".revealed")]


def test_a_reveal_of_a_hidden_or_missing_row_is_the_same_404(team, vip):
    outsider = UserFactory(username="h2", roles=["head"], department=DepartmentFactory())
    api = JsonClient(Client(), bearer(outsider.username))

    hidden = api.post(f"{URL}/{vip.pk}/reveal", {})
    missing = api.post(f"{URL}/999999/reveal", {})

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert not AuditEvent.objects.filter(action__startswith="directory.").exists()


def test_search_by_a_vip_phone_or_email_is_no_oracle_for_a_manager(team, vip):
    for query in ("8 916 123-45-67", EMAIL, "+79165554433"):
        assert team["manager_api"].get(URL, {"q": query}).json()["count"] == 0, query
        assert team["head_api"].get(URL, {"q": query}).json()["count"] == 1, query
    assert team["manager_api"].get(PEOPLE, {"q": "+79165554433"}).json()["count"] == 0
    assert team["head_api"].get(PEOPLE, {"q": "+79165554433"}).json()["count"] == 1


def test_export_csv_is_masked_audited_and_refused_for_vip_details_without_reveal(team, vip):
    CounterpartyFactory(responsible=UserFactory(roles=["manager"]), name="ООО Чужая")

    response = team["manager_api"].get(f"{URL}/export.csv")
    refused = team["manager_api"].get(f"{URL}/export.csv", {"include_vip": "true"})

    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    _header, *rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert [r[0] for r in rows] == [str(vip.pk)]
    assert PHONE not in body
    assert EMAIL not in body
    assert "Тверская" not in body
    assert refused.status_code == 403
    exported = AuditEvent.objects.filter(action="directory.counterparty.exported")
    assert [(e.changes["rows"], e.changes["vip_details"]) for e in exported] == [(1, False)]


def test_a_head_exports_contact_persons_with_vip_details_when_asked(team, vip):
    response = team["head_api"].get(f"{PEOPLE}/export.csv", {"include_vip": "true"})

    body = b"".join(response.streaming_content).decode()
    assert "+79165554433" in body
    assert "@petr_vip" in body
    event = AuditEvent.objects.get(action="directory.contactperson.exported")
    assert event.changes["vip_details"] is True
