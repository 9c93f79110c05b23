"""The counterparty list: the full page, the htmx fragment, search, filters, sort and pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accord.directory.models import Counterparty
from tests.factories import (
    ContactDetailFactory,
    ContactPersonFactory,
    CounterpartyFactory,
    valid_inn,
)

URL = "/counterparties/"
pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    """Counterparty names in the table, in order."""
    rows = response.context["result"].page.items
    return [cp.name for cp in rows]


def test_full_page_lists_only_the_managers_own_counterparties(
    manager_client, manager, other_manager
):
    CounterpartyFactory(name="ООО Мой клиент", responsible=manager)
    CounterpartyFactory(name="ООО Чужой клиент", responsible=other_manager)

    response = manager_client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert 'id="cp-filters"' in html
    assert "ООО Мой клиент" in html
    assert "ООО Чужой клиент" not in html


def test_htmx_request_answers_only_the_results_fragment(manager_client, manager, htmx):
    CounterpartyFactory(name="ООО Ромашка", responsible=manager)

    response = manager_client.get(URL, {"q": "ромашка"}, **htmx)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="cp-results"')
    assert "<html" not in html
    assert 'id="cp-filters"' not in html
    assert "ООО Ромашка" in html


def test_history_restore_gets_the_whole_page(manager_client, htmx):
    response = manager_client.get(URL, **htmx, HTTP_HX_HISTORY_RESTORE_REQUEST="true")

    assert "<html" in response.content.decode()


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_search_finds_a_phone_typed_in_a_local_format(manager_client, manager, other_manager):
    by_own_phone = CounterpartyFactory(
        name="ООО Телефон", responsible=manager, phone="+79161234567"
    )
    holder = CounterpartyFactory(name="ООО Контакт", responsible=manager)
    ContactDetailFactory(
        contact_person=ContactPersonFactory(counterparty=holder), value="+79161234567"
    )
    CounterpartyFactory(name="ООО Другой", responsible=manager, phone="+79160000000")
    CounterpartyFactory(name="ООО Чужой", responsible=other_manager, phone="+79161234567")

    response = manager_client.get(URL, {"q": "8 (916) 123-45-67"})

    assert sorted(names(response)) == sorted([by_own_phone.name, holder.name])
    assert "+7 916 123-45-67" in response.content.decode()  # shown formatted


@pytest.mark.parametrize(
    ("query", "expected"),
    [("7707083893", ["ООО Сбер"]), ("INFO@SBER.RU", ["ООО Сбер"]), ("сбер", ["ООО Сбер"])],
)
def test_search_by_inn_e_mail_and_name(manager_client, manager, query, expected):
    CounterpartyFactory(
        name="ООО Сбер", inn="7707083893", email="info@sber.ru", responsible=manager
    )
    CounterpartyFactory(name="ООО Другая", responsible=manager)

    assert names(manager_client.get(URL, {"q": query})) == expected


def test_filters_narrow_the_list(admin_client, manager, other_manager, make_counterparty):
    make_counterparty(manager, name="А Активный", status="active", tags=["опт"], is_vip=True)
    make_counterparty(manager, name="Б Новый", status="new", tags=["опт"])
    make_counterparty(other_manager, name="В Чужой", status="active", kind="sole_trader",
                      inn=valid_inn(90, person=True))  # fmt: skip

    assert names(admin_client.get(URL, {"status": "active"})) == ["А Активный", "В Чужой"]
    assert names(admin_client.get(URL, {"tag": "опт"})) == ["А Активный", "Б Новый"]
    assert names(admin_client.get(URL, {"vip": "1"})) == ["А Активный"]
    assert names(admin_client.get(URL, {"vip": "0", "tag": "опт"})) == ["Б Новый"]
    assert names(admin_client.get(URL, {"kind": "sole_trader"})) == ["В Чужой"]
    assert names(admin_client.get(URL, {"responsible": other_manager.pk})) == ["В Чужой"]
    assert names(admin_client.get(URL, {"relation": "supplier"})) == []


def test_an_unknown_filter_value_is_ignored_not_an_error(manager_client, manager):
    CounterpartyFactory(name="ООО Есть", responsible=manager)

    response = manager_client.get(URL, {"status": "nonsense", "tag": "removed-tag"})

    assert response.status_code == 200
    assert names(response) == ["ООО Есть"]


def test_sort_by_clickable_headers(manager_client, manager):
    now = timezone.now()
    CounterpartyFactory(name="Бета", responsible=manager, created_at=now - dt.timedelta(days=2))
    CounterpartyFactory(name="Альфа", responsible=manager, created_at=now - dt.timedelta(days=1))
    CounterpartyFactory(name="Гамма", responsible=manager, created_at=now)

    assert names(manager_client.get(URL)) == ["Альфа", "Бета", "Гамма"]
    assert names(manager_client.get(URL, {"sort": "-name"})) == ["Гамма", "Бета", "Альфа"]
    assert names(manager_client.get(URL, {"sort": "-created"})) == ["Гамма", "Альфа", "Бета"]
    html = manager_client.get(URL, {"sort": "name", "q": "а"}).content.decode()
    assert "?sort=-name&amp;q=%D0%B0" in html or "?q=%D0%B0&amp;sort=-name" in html


def test_keyset_pages_go_forward_and_back(manager_client, manager):
    Counterparty.objects.bulk_create(
        Counterparty(name=f"Компания {i:03d}", name_key=f"компания {i:03d}", responsible=manager)
        for i in range(55)
    )

    first = manager_client.get(URL)
    page = first.context["result"].page
    assert len(page.items) == 50
    assert page.prev_cursor is None
    assert page.next_cursor

    second = manager_client.get(URL, {"cursor": page.next_cursor})
    assert names(second) == [f"Компания {i:03d}" for i in range(50, 55)]
    assert second.context["result"].page.next_cursor is None

    back = manager_client.get(URL, {"cursor": second.context["result"].page.prev_cursor})
    assert names(back) == [f"Компания {i:03d}" for i in range(50)]


def test_a_broken_page_link_says_so_instead_of_failing(manager_client):
    response = manager_client.get(URL, {"cursor": "not-a-cursor"})

    assert response.status_code == 200
    assert "This page link is out of date" in response.content.decode()


def test_count_is_capped(manager_client, manager):
    Counterparty.objects.bulk_create(
        Counterparty(name=f"К {i}", name_key=f"к {i}", responsible=manager) for i in range(1001)
    )

    html = manager_client.get(URL).content.decode()

    assert "1,000+ counterparties" in html


def test_empty_directory_invites_to_add_the_first_counterparty(manager_client):
    html = manager_client.get(URL).content.decode()

    assert "No counterparties yet" in html
    assert 'href="/counterparties/new/"' in html


def test_list_page_query_budget(manager_client, manager, other_manager, make_counterparty,
                                django_assert_max_num_queries):  # fmt: skip
    for i in range(60):
        make_counterparty(manager if i < 50 else other_manager, tags=["опт", f"тег {i % 5}"])

    # session, user, the user's roles (row security), the tag filter's names, the page with
    # its responsible users joined, the page's tags in one prefetch, the capped count: 7
    # whatever the number of rows. (A manager sees only themself as responsible: no query.)
    with django_assert_max_num_queries(7):
        response = manager_client.get(URL)

    assert len(response.context["result"].page.items) == 50
    assert response.content.decode().count('class="tag"') == 100
