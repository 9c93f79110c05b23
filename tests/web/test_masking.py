"""VIP masking in the web UI: lists, card, contact persons, the audited "Show", exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from accord.core.models import AuditEvent
from accord.directory.models import Counterparty
from accord.users.models import Role
from tests.factories import (
    ContactDetailFactory,
    ContactPersonFactory,
    CounterpartyFactory,
    DepartmentFactory,
    UserFactory,
)

PHONE = "+79161234567"
EMAIL = "ivan.petrov@mail.ru"
ADDRESS = "Москва, ул. Тверская, д. 7"
REVEALED = ("directory.counterparty.revealed", "directory.contactperson.revealed")


@pytest.fixture
def team(db):
    dept = DepartmentFactory()
    return {
        "manager": UserFactory(username="m1", roles=["manager"], department=dept),
        "head": UserFactory(username="h1", roles=["head"], department=dept),
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def vip(team):
    cp = CounterpartyFactory(
        responsible=team["manager"], name="ООО Вип", is_vip=True, phone=PHONE, email=EMAIL,
        legal_address=ADDRESS,
    )  # fmt: skip
    person = ContactPersonFactory(counterparty=cp, name="Петров Пётр")
    ContactDetailFactory(contact_person=person, value="+79165554433")
    ContactDetailFactory(contact_person=person, kind="email", value="petr@vip.ru")
    return cp


def leaks(html: str) -> list[str]:
    secrets = (
        PHONE,
        "916 123-45-67",
        EMAIL,
        "Тверская",
        "+79165554433",
        "555-44-33",
        "petr@vip.ru",
    )
    return [s for s in secrets if s in html]


def test_a_manager_sees_a_vip_masked_in_the_list_card_and_contact_persons(team, vip):
    client = client_for(team["manager"])

    for url in ("/counterparties/", f"/counterparties/{vip.pk}/", "/contact-persons/"):
        html = client.get(url).content.decode()
        assert leaks(html) == [], url
    card = client.get(f"/counterparties/{vip.pk}/").content.decode()
    assert "+7 9** ***-**-67" in card
    assert "i***@m***.ru" in card
    assert "Москва ***" in card
    assert "data-reveal" not in card  # no "Show" without the permission


def test_a_head_also_sees_masks_first_with_a_show_button(team, vip):
    card = client_for(team["head"]).get(f"/counterparties/{vip.pk}/").content.decode()

    assert leaks(card) == []
    assert f'hx-post="/counterparties/{vip.pk}/reveal/"' in card
    assert card.count('data-reveal="person"') == 1


def test_show_swaps_in_the_details_and_writes_one_audit_event(team, vip, htmx):
    client = client_for(team["head"])

    response = client.post(f"/counterparties/{vip.pk}/reveal/", **htmx)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="cp-contacts"' in html
    assert f'href="tel:{PHONE}"' in html
    assert EMAIL in html
    assert "Тверская" in html
    assert "<html" not in html
    event = AuditEvent.objects.get(action__in=REVEALED)
    assert (event.action, event.actor, event.object_id) == (REVEALED[0], team["head"], str(vip.pk))
    assert PHONE not in str(event.changes)


def test_show_of_a_vip_person_swaps_its_block(team, vip, htmx):
    person = vip.contact_persons.get()

    response = client_for(team["head"]).post(f"/contact-persons/{person.pk}/reveal/", **htmx)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="person-details-{person.pk}"' in html
    assert "petr@vip.ru" in html
    assert 'href="tel:+79165554433"' in html
    assert AuditEvent.objects.filter(action=REVEALED[1], object_id=str(person.pk)).count() == 1


def test_show_without_htmx_answers_the_whole_card_revealed(team, vip):
    html = client_for(team["head"]).post(f"/counterparties/{vip.pk}/reveal/").content.decode()

    assert "<html" in html
    assert EMAIL in html
    assert "+79165554433" not in html  # the person stays masked: only what was asked


def test_a_manager_posting_show_is_refused_and_nothing_is_revealed(team, vip, htmx):
    client = client_for(team["manager"])
    person = vip.contact_persons.get()

    for url in (f"/counterparties/{vip.pk}/reveal/", f"/contact-persons/{person.pk}/reveal/"):
        response = client.post(url, **htmx)
        assert response.status_code == 403
        assert leaks(response.content.decode()) == []
    assert not AuditEvent.objects.filter(action__in=REVEALED).exists()
    assert Counterparty.objects.get(pk=vip.pk).phone == PHONE


def test_show_of_a_hidden_counterparty_is_404(team, vip):
    outsider = UserFactory(roles=["head"], department=DepartmentFactory())

    response = client_for(outsider).post(f"/counterparties/{vip.pk}/reveal/")

    assert response.status_code == 404
    assert not AuditEvent.objects.exists()


def test_show_needs_post_and_the_csrf_token(team, vip):
    assert client_for(team["head"]).get(f"/counterparties/{vip.pk}/reveal/").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(team["head"])
    assert strict.post(f"/counterparties/{vip.pk}/reveal/").status_code == 403
    assert not AuditEvent.objects.filter(action__in=REVEALED).exists()


def test_a_manager_searching_a_vip_phone_finds_nothing(team, vip):
    html = client_for(team["manager"]).get("/counterparties/", {"q": "8 916 123-45-67"}).content
    assert "ООО Вип" not in html.decode()
    head_html = client_for(team["head"]).get("/counterparties/", {"q": "8 916 123-45-67"}).content
    assert "ООО Вип" in head_html.decode()


def test_the_list_stays_within_its_query_budget_with_vip_rows(team, django_assert_max_num_queries):
    for n in range(8):
        CounterpartyFactory(
            responsible=team["manager"], is_vip=bool(n % 2), phone=f"+7916000000{n}"
        )
    client = client_for(team["manager"])

    # as tests/web/test_counterparty_list.py counts: 7, the masking reads nothing more
    with django_assert_max_num_queries(7):
        client.get("/counterparties/")


# ---------------------------------------------------------------- export


def rows_of(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_export_holds_the_visible_filtered_rows_masked_and_is_audited(team, vip):
    CounterpartyFactory(responsible=team["manager"], name="ООО Обычная", phone="+79160000001")
    CounterpartyFactory(responsible=UserFactory(roles=["manager"]), name="ООО Чужая")

    response = client_for(team["manager"]).get("/counterparties/export.csv", {"vip": "1"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    _header, *rows = rows_of(response)
    assert [r[1] for r in rows] == ["ООО Вип"]
    assert rows[0][7] == "'+7 9** ***-**-67"  # masked, and never a formula
    assert leaks(";".join(rows[0])) == []
    event = AuditEvent.objects.get(action="directory.counterparty.exported")
    assert event.changes["rows"] == 1
    assert event.changes["filters"] == {"vip": "1"}
    assert event.changes["vip_details"] is False


def test_a_head_may_export_vip_details_when_asked_and_the_audit_says_so(team, vip):
    client = client_for(team["head"])

    masked = rows_of(client.get("/counterparties/export.csv"))
    asked = rows_of(client.get("/counterparties/export.csv", {"include_vip": "1"}))

    assert leaks(";".join(masked[1])) == []
    assert asked[1][7] == f"'{PHONE}"
    assert asked[1][8] == EMAIL
    flags = list(AuditEvent.objects.filter(action="directory.counterparty.exported")
                 .order_by("pk").values_list("changes__vip_details", flat=True))  # fmt: skip
    assert flags == [False, True]


def test_a_manager_asking_for_vip_details_in_an_export_is_refused(team, vip):
    response = client_for(team["manager"]).get("/counterparties/export.csv", {"include_vip": "1"})

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="directory.counterparty.exported").exists()


def test_export_without_the_export_permission_is_refused_and_writes_nothing(team, vip):
    role = Role.objects.create(
        code="viewer", name="Viewer", rules={"*": {"actions": ["view"], "scope": "all"}}
    )
    viewer = UserFactory(username="v1")
    viewer.roles.set([role])
    client = client_for(viewer)

    assert client.get("/counterparties/export.csv").status_code == 403
    assert client.get("/contact-persons/export.csv").status_code == 403
    assert not AuditEvent.objects.filter(action__endswith=".exported").exists()
    assert "export.csv" not in client.get("/counterparties/").content.decode()


def test_the_export_form_carries_the_current_filters(team, vip):
    html = (
        client_for(team["head"])
        .get("/counterparties/", {"q": "Вип", "status": "new"})
        .content.decode()
    )

    assert 'action="/counterparties/export.csv"' in html
    assert 'name="q" value="Вип"' in html
    assert 'name="status" value="new"' in html
    assert 'name="include_vip"' in html
    manager_html = client_for(team["manager"]).get("/counterparties/").content.decode()
    assert 'action="/counterparties/export.csv"' in manager_html
    assert 'name="include_vip"' not in manager_html


def test_contact_person_export_masks_vip_persons(team, vip):
    plain = ContactPersonFactory(
        counterparty=CounterpartyFactory(responsible=team["manager"]), name="Сидоров"
    )
    ContactDetailFactory(contact_person=plain, value="+79161110000")

    _header, *rows = rows_of(client_for(team["manager"]).get("/contact-persons/export.csv"))

    by_name = {r[1]: r for r in rows}
    assert set(by_name) == {"Петров Пётр", "Сидоров"}
    assert by_name["Сидоров"][7] == "'+79161110000"
    assert leaks(";".join(by_name["Петров Пётр"])) == []
    event = AuditEvent.objects.get(action="directory.contactperson.exported")
    assert event.changes["rows"] == 2


# ---------------------------------------------------------------- edit forms


def test_a_managers_edit_form_of_a_vip_shows_masks_and_keeps_the_stored_details(team, vip):
    client = client_for(team["manager"])
    person = vip.contact_persons.get()

    for url in (f"/counterparties/{vip.pk}/edit/", f"/contact-persons/{person.pk}/edit/"):
        assert leaks(client.get(url).content.decode()) == [], url
    response = client.post(f"/counterparties/{vip.pk}/edit/", {
        "kind": "legal_entity", "name": "ООО Вип 2", "inn": vip.inn, "relation": "client",
        "status": "new", "is_vip": "on", "phone": "+7 999 000-00-00", "email": "x@y.ru",
        "responsible_id": team["manager"].pk,
    })  # fmt: skip

    assert response.status_code == 302
    vip.refresh_from_db()
    assert (vip.name, vip.phone, vip.email, vip.legal_address) == (
        "ООО Вип 2",
        PHONE,
        EMAIL,
        ADDRESS,
    )


def test_a_manager_may_not_remove_the_vip_mark(team, vip):
    response = client_for(team["manager"]).post(f"/counterparties/{vip.pk}/edit/", {
        "kind": "legal_entity", "name": vip.name, "inn": vip.inn, "relation": "client",
        "status": "new", "responsible_id": team["manager"].pk,
    })  # fmt: skip

    assert response.status_code == 200
    assert "may remove the VIP mark" in response.content.decode()
    vip.refresh_from_db()
    assert vip.is_vip is True
    assert not AuditEvent.objects.filter(action="directory.counterparty.updated").exists()
