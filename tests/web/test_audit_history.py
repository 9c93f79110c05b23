"""The History of counterparty and contact person cards: visibility, content, paging, masking."""

from __future__ import annotations

import re

import pytest

from accord.core.audit import log_action
from accord.core.models import AuditEvent
from accord.directory import services
from tests.factories import ContactPersonFactory, CounterpartyFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
MISSING = 987_654_321


def _entries(response) -> int:
    return len(re.findall(r'class="history-entry"', response.content.decode()))


def _cursor(response) -> str | None:
    found = re.search(r'href="\?cursor=([^"&]+)"', response.content.decode())
    return found.group(1) if found else None


def test_an_update_shows_before_and_after_with_field_labels(manager_client, manager):
    cp = services.counterparty_create(
        actor=manager, data={"name": "ООО Старое", "phone": "+7 916 000-00-01"}
    )
    services.counterparty_update(
        actor=manager,
        counterparty=cp,
        data={"name": "ООО Новое", "responsible_id": manager.pk, "relation": "supplier"},
    )

    response = manager_client.get(f"/counterparties/{cp.pk}/history/")

    assert response.status_code == 200
    html = response.content.decode()
    assert _entries(response) == 2
    assert html.index("Counterparty: changed") < html.index("Counterparty: created")
    changed = html[html.index("Counterparty: changed") : html.index("Counterparty: created")]
    assert re.search(
        r"<th scope=\"row\">Name</th>\s*<td[^>]*>ООО Старое</td>\s*<td>ООО Новое</td>", changed
    )
    assert "Relation" in changed or "Type" in changed
    assert "Supplier" in changed  # a choice shown by its label, not its code
    assert str(manager) in changed  # the actor


def test_history_names_the_actor_ip_and_time(manager_client, manager):
    cp = CounterpartyFactory(responsible=manager)
    from accord.core.audit import client_ip

    with client_ip("10.9.8.7"):
        log_action(actor=manager, action="directory.counterparty.updated", obj=cp,
                   changes={"website": ["", "example.ru"]})  # fmt: skip

    html = manager_client.get(f"/counterparties/{cp.pk}/history/").content.decode()

    assert "10.9.8.7" in html
    assert "example.ru" in html
    assert "<time datetime=" in html


def test_another_managers_history_is_a_404_like_a_missing_id(manager_client, other_manager):
    cp = CounterpartyFactory(responsible=other_manager)
    person = ContactPersonFactory(counterparty=cp)
    log_action(actor=other_manager, action="directory.counterparty.updated", obj=cp,
               changes={"name": ["A", "Secret name"]})  # fmt: skip
    before = AuditEvent.objects.count()

    for url in ("/counterparties/{}/history/", "/contact-persons/{}/history/"):
        target = cp.pk if url.startswith("/counterparties") else person.pk
        hidden = manager_client.get(url.format(target))
        missing = manager_client.get(url.format(MISSING))
        assert hidden.status_code == missing.status_code == 404
        assert hidden.content == missing.content
        assert b"Secret name" not in hidden.content
    assert AuditEvent.objects.count() == before  # a 404 is not audited


def test_counterparty_history_includes_its_contact_persons_even_deleted(manager_client, manager):
    cp = services.counterparty_create(actor=manager, data={"name": "ООО Люди"})
    kept = services.contact_person_create(
        actor=manager, data={"counterparty_id": cp.pk, "name": "Пётр Оставшийся"}
    )
    gone = services.contact_person_create(
        actor=manager, data={"counterparty_id": cp.pk, "name": "Анна Ушедшая"}
    )
    services.contact_person_update(actor=manager, contact_person=gone, data={"position": "CFO"})
    services.contact_person_delete(actor=manager, contact_person=gone)
    elsewhere = CounterpartyFactory(responsible=manager)
    services.contact_person_create(
        actor=manager, data={"counterparty_id": elsewhere.pk, "name": "Чужой Контакт"}
    )

    html = manager_client.get(f"/counterparties/{cp.pk}/history/").content.decode()

    assert "Пётр Оставшийся" in html
    assert "Анна Ушедшая" in html
    assert "CFO" in html
    assert "Чужой Контакт" not in html
    assert html.count("Contact person: deleted") == 1
    person_html = manager_client.get(f"/contact-persons/{kept.pk}/history/").content.decode()
    assert "Пётр Оставшийся" in person_html
    assert "Анна Ушедшая" not in person_html


def test_show_more_pages_by_keyset_without_duplicates(manager_client, manager):
    cp = CounterpartyFactory(responsible=manager)
    for n in range(45):
        log_action(actor=manager, action="directory.counterparty.updated", obj=cp,
                   changes={"notes": [f"note {n}", f"note {n + 1}"]})  # fmt: skip
    url = f"/counterparties/{cp.pk}/history/"

    first = manager_client.get(url)
    seen = re.findall(r"<td>note (\d+)</td>", first.content.decode())
    cursor = _cursor(first)
    pages = 1
    while cursor:
        more = manager_client.get(url, {"cursor": cursor}, **HTMX)  # the htmx "Show more"
        assert "<html" not in more.content.decode()
        seen += re.findall(r"<td>note (\d+)</td>", more.content.decode())
        cursor, pages = _cursor(more), pages + 1

    assert pages == 3
    assert seen == [str(n) for n in range(45, 0, -1)]  # newest first, each once

    no_js = manager_client.get(url, {"cursor": _cursor(first)})
    assert "<html" in no_js.content.decode()
    assert _entries(no_js) == 20


def test_a_forged_cursor_says_so_instead_of_failing(manager_client, manager):
    cp = CounterpartyFactory(responsible=manager)
    response = manager_client.get(f"/counterparties/{cp.pk}/history/", {"cursor": "garbage"})
    assert response.status_code == 200
    assert "out of date" in response.content.decode()


def test_vip_contact_details_are_masked_for_a_viewer_who_may_not_reveal(
    manager_client, manager, admin_client
):
    cp = services.counterparty_create(
        actor=manager, data={"name": "ООО Важный", "phone": "+7 916 123-45-67", "is_vip": True}
    )
    services.counterparty_update(actor=manager, counterparty=cp, data={"email": "boss@vip-mail.ru"})
    person = services.contact_person_create(
        actor=manager,
        data={"counterparty_id": cp.pk, "name": "Иван", "phones": ["+7 916 765-43-21"]},
    )

    for url in (f"/counterparties/{cp.pk}/history/", f"/contact-persons/{person.pk}/history/"):
        hidden = manager_client.get(url).content.decode()
        assert "123-45-67" not in hidden
        assert "+79161234567" not in hidden
        assert "boss@vip-mail.ru" not in hidden
        assert "+79167654321" not in hidden
        assert "765-43-21" not in hidden
        assert "***" in hidden
    shown = admin_client.get(f"/counterparties/{cp.pk}/history/").content.decode()
    assert "boss@vip-mail.ru" in shown


def test_history_links_on_the_card_and_the_contact_form(manager_client, manager):
    cp = CounterpartyFactory(responsible=manager)
    person = ContactPersonFactory(counterparty=cp)
    assert (
        f"/counterparties/{cp.pk}/history/"
        in manager_client.get(f"/counterparties/{cp.pk}/").content.decode()
    )
    assert (
        f"/contact-persons/{person.pk}/history/"
        in manager_client.get(f"/contact-persons/{person.pk}/edit/").content.decode()
    )


def test_history_query_budget(manager_client, manager, django_assert_max_num_queries):
    cp = CounterpartyFactory(responsible=manager)
    persons = [ContactPersonFactory(counterparty=cp) for _ in range(4)]
    for n in range(30):
        target = persons[n % 4] if n % 2 else cp
        log_action(actor=manager, action="directory.x.updated", obj=target,
                   changes={"responsible_id": [manager.pk, manager.pk + 1], "notes": ["a", "b"]})  # fmt: skip

    # session, user, roles; the counterparty with its prefetches (tags, bank accounts,
    # persons, details); the deleted persons' ids (none here, so no "still there" query);
    # one page of events with their actors; the users named in the changes: 11, whatever
    # the page holds.
    with django_assert_max_num_queries(11):
        response = manager_client.get(f"/counterparties/{cp.pk}/history/")
    assert _entries(response) == 20


def test_deal_history_shows_its_stage_moves(manager_client, manager):
    from accord.sales.services import deal_move
    from tests.factories import DealFactory

    deal = DealFactory(responsible=manager, title="Поставка станков")
    target = deal.pipeline.stages.get(name="Квалификация")
    deal_move(actor=manager, deal=deal, to_stage=target)

    page = manager_client.get(f"/deals/{deal.pk}/history/")

    assert page.status_code == 200
    body = page.content.decode()
    assert "Поставка станков" in body
    assert "Квалификация" in body
    assert (
        f'href="/deals/{deal.pk}/history/"'
        in manager_client.get(f"/deals/{deal.pk}/").content.decode()
    )
