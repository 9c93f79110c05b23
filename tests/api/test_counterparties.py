"""/api/v1/counterparties: list, search, filters, sort, paging, read, create, change, delete."""

from __future__ import annotations

import pytest

from accord.core.models import AuditEvent
from accord.directory.models import Counterparty, Industry, Source, Tag
from tests.api.conftest import bearer
from tests.factories import (
    ContactDetailFactory,
    ContactPersonFactory,
    CounterpartyFactory,
    UserFactory,
    valid_inn,
)


def directory_event() -> AuditEvent:
    """The one audit event the call wrote (creating the test's API token wrote another)."""
    return AuditEvent.objects.get(action__startswith="directory.")


URL = "/api/v1/counterparties"
BIC = "044525225"
ACCOUNT = "40702810038000000008"
CORRESPONDENT = "30101810400000000225"


def names(response) -> list[str]:
    return [item["name"] for item in response.json()["items"]]


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


# ---------------------------------------------------------------- list and search


def test_list_shows_only_the_callers_counterparties_with_an_exact_count(
    api, manager, other_manager
):
    mine = CounterpartyFactory.create_batch(3, responsible=manager)
    CounterpartyFactory(responsible=other_manager)

    response = api.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert sorted(ids(response)) == sorted(cp.pk for cp in mine)
    assert body["next_cursor"] is None


def test_list_item_has_every_documented_field(api, manager):
    cp = CounterpartyFactory(responsible=manager, phone="+79161234567", is_vip=True)
    cp.tags.add(Tag.objects.create(name="опт"))

    item = api.get(URL).json()["items"][0]

    assert item == {
        "id": cp.pk,
        "kind": "legal_entity",
        "name": cp.name,
        "full_name": "",
        "inn": cp.inn,
        "kpp": "",
        "ogrn": "",
        "code": "",
        "legal_address": "",
        "actual_address": "",
        "phone": "+7 9** ***-**-67",  # a VIP: masked in every answer but a reveal
        "email": "",
        "website": "",
        "responsible_id": manager.pk,
        "responsible_name": str(manager),
        "relation": "client",
        "status": "new",
        "source_id": None,
        "industry_id": None,
        "tags": ["опт"],
        "is_vip": True,
        "notes": "",
        "custom": {},
        "bank_accounts": [],
        "created_at": item["created_at"],
        "updated_at": item["updated_at"],
    }


def test_search_by_phone_typed_in_a_local_format_finds_a_contact_persons_counterparty(api, manager):
    wanted = CounterpartyFactory(responsible=manager, name="ООО Ромашка")
    person = ContactPersonFactory(counterparty=wanted)
    ContactDetailFactory(contact_person=person, value="+79161234567")
    CounterpartyFactory(responsible=manager, name="ООО Лютик")

    response = api.get(URL, {"q": "8 (916) 123-45-67"})

    assert response.status_code == 200
    assert names(response) == ["ООО Ромашка"]
    assert response.json()["count"] == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ромашка", ["ООО Ромашка"]),
        ("7707083893", ["ООО Ромашка"]),
        ("770708", ["ООО Ромашка"]),
        ("+7 495 111-22-33", ["ООО Лютик"]),
        ("INFO@Lutik.ru", ["ООО Лютик"]),
        ("нет такого", []),
    ],
)
def test_search_by_name_inn_phone_and_email(api, manager, query, expected):
    CounterpartyFactory(responsible=manager, name="ООО Ромашка", inn="7707083893")
    CounterpartyFactory(
        responsible=manager, name="ООО Лютик", phone="+74951112233", email="info@lutik.ru"
    )

    response = api.get(URL, {"q": query})

    assert response.status_code == 200
    assert names(response) == expected


def test_filters_narrow_the_list(api, manager, other_manager):
    source = Source.objects.create(name="Выставка")
    industry = Industry.objects.create(name="Розница")
    vip = CounterpartyFactory(responsible=manager, is_vip=True)
    supplier = CounterpartyFactory(responsible=manager, relation="supplier", status="active")
    trader = CounterpartyFactory(
        responsible=manager, kind="sole_trader", inn=valid_inn(501, person=True)
    )
    sourced = CounterpartyFactory(responsible=manager, source=source, industry=industry)
    tagged = CounterpartyFactory(responsible=manager)
    tagged.tags.add(Tag.objects.create(name="опт"), Tag.objects.create(name="юг"))
    everyone = {vip.pk, supplier.pk, trader.pk, sourced.pk, tagged.pk}

    def found(**params) -> set[int]:
        response = api.get(URL, params)
        assert response.status_code == 200, response.content
        assert response.json()["count"] == len(response.json()["items"])
        return set(ids(response))

    assert found(vip="true") == {vip.pk}
    assert found(vip="false") == everyone - {vip.pk}
    assert found(relation="supplier") == {supplier.pk}
    assert found(status="active") == {supplier.pk}
    assert found(kind="sole_trader") == {trader.pk}
    assert found(source=source.pk) == {sourced.pk}
    assert found(industry=industry.pk) == {sourced.pk}
    assert found(tag="опт") == {tagged.pk}
    assert found(responsible=manager.pk) == everyone
    assert found(responsible=other_manager.pk) == set()
    assert found(relation="supplier", status="new") == set()


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["ООО Альфа", "ООО Бета", "ООО Гамма"]),
        ("-name", ["ООО Гамма", "ООО Бета", "ООО Альфа"]),
        ("created", ["ООО Бета", "ООО Гамма", "ООО Альфа"]),
        ("-created", ["ООО Альфа", "ООО Гамма", "ООО Бета"]),
        ("inn", ["ООО Гамма", "ООО Альфа", "ООО Бета"]),
    ],
)
def test_sort_orders_the_list(api, manager, sort, expected):
    CounterpartyFactory(responsible=manager, name="ООО Бета", inn=valid_inn(3))
    CounterpartyFactory(responsible=manager, name="ООО Гамма", inn=valid_inn(1))
    CounterpartyFactory(responsible=manager, name="ООО Альфа", inn=valid_inn(2))

    response = api.get(URL, {"sort": sort})

    assert response.status_code == 200
    assert names(response) == expected


@pytest.mark.parametrize("sort", ["name", "-name", "created", "-created", "inn"])
def test_cursor_paging_walks_every_row_once(api, manager, sort):
    rows = CounterpartyFactory.create_batch(7, responsible=manager)
    # Ties in the first sort key must still page without gaps: two equal names.
    CounterpartyFactory(responsible=manager, name=rows[0].name, inn=valid_inn(900))
    seen: list[int] = []
    cursor = None

    for _page in range(10):
        params = {"sort": sort, "limit": 3, **({"cursor": cursor} if cursor else {})}
        body = api.get(URL, params).json()
        assert body["count"] == 8
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break

    assert len(seen) == 8
    assert len(set(seen)) == 8
    assert seen == ids(api.get(URL, {"sort": sort, "limit": 200}))


def test_offset_paging(api, manager):
    CounterpartyFactory.create_batch(7, responsible=manager)
    everything = ids(api.get(URL, {"sort": "name"}))

    page = api.get(URL, {"sort": "name", "limit": 3, "offset": 3}).json()
    past_the_end = api.get(URL, {"limit": 3, "offset": 50}).json()

    assert [item["id"] for item in page["items"]] == everything[3:6]
    assert page["count"] == 7
    assert page["next_cursor"] is None
    assert past_the_end == {"count": 7, "items": [], "next_cursor": None}


def test_limit_defaults_to_50(api, manager):
    CounterpartyFactory.create_batch(51, responsible=manager)

    body = api.get(URL).json()

    assert len(body["items"]) == 50
    assert body["count"] == 51
    assert body["next_cursor"]


# ---------------------------------------------------------------- read


def test_get_answers_the_counterparty(api, manager):
    cp = CounterpartyFactory(responsible=manager)

    response = api.get(f"{URL}/{cp.pk}")

    assert response.status_code == 200
    assert response.json()["id"] == cp.pk
    assert response.json()["inn"] == cp.inn


# ---------------------------------------------------------------- create


def test_create_answers_201_with_the_full_object(api, manager):
    body = {
        "name": "ООО «Ромашка»",
        "inn": "7707083893",
        "kpp": "770701001",
        "phone": "8 (916) 123-45-67",
        "email": "Info@Romashka.RU",
        "relation": "prospect",
        "tags": ["юг", "опт"],
        "bank_accounts": [{"bic": BIC, "account": ACCOUNT, "correspondent_account": CORRESPONDENT}],
    }

    response = api.post(URL, body)

    assert response.status_code == 201, response.content
    data = response.json()
    cp = Counterparty.objects.get()
    assert data["id"] == cp.pk
    assert data["phone"] == "+79161234567"
    assert data["email"] == "Info@romashka.ru"
    assert data["responsible_id"] == manager.pk
    assert data["tags"] == ["опт", "юг"]
    assert data["bank_accounts"] == [
        {"bic": BIC, "account": ACCOUNT, "correspondent_account": CORRESPONDENT, "bank_name": ""}
    ]
    assert (cp.name, cp.inn, cp.kpp, cp.relation) == (
        "ООО «Ромашка»",
        "7707083893",
        "770701001",
        "prospect",
    )
    event = directory_event()
    assert (event.action, event.object_id, event.actor) == (
        "directory.counterparty.created",
        str(cp.pk),
        manager,
    )
    assert api.get(f"{URL}/{cp.pk}").json() == data


def test_same_inn_and_kpp_is_a_409_until_duplicates_are_allowed(api, manager, db_state):
    existing = CounterpartyFactory(responsible=manager, inn="7707083893", kpp="770701001")
    body = {"name": "ООО Другая", "inn": "7707083893", "kpp": "770701001"}
    before = db_state()

    refused = api.post(URL, body)

    assert refused.status_code == 409
    assert refused.json()["code"] == "duplicates"
    assert [d["id"] for d in refused.json()["duplicates"]] == [existing.pk]
    assert refused.json()["duplicates"][0]["strong"] is True
    assert db_state() == before

    allowed = api.post(f"{URL}?allow_duplicates=true", body)

    assert allowed.status_code == 201
    assert Counterparty.objects.filter(inn="7707083893").count() == 2


def test_a_similar_name_alone_does_not_stop_an_api_create(api, manager):
    CounterpartyFactory(responsible=manager, name="ООО Ромашка")

    response = api.post(URL, {"name": "ООО Ромашка"})

    assert response.status_code == 201


# ---------------------------------------------------------------- change


def test_patch_changes_only_the_fields_sent(api, manager):
    cp = CounterpartyFactory(responsible=manager, name="ООО Ромашка", notes="старое")
    cp.tags.add(Tag.objects.create(name="опт"))

    response = api.patch(f"{URL}/{cp.pk}", {"phone": "+7 916 123 45 67"})

    assert response.status_code == 200, response.content
    cp.refresh_from_db()
    assert (cp.name, cp.notes, cp.phone) == ("ООО Ромашка", "старое", "+79161234567")
    assert response.json()["tags"] == ["опт"]
    event = directory_event()
    assert event.action == "directory.counterparty.updated"
    assert event.changes == {"phone": ["", "+79161234567"]}


def test_patch_with_null_clears_a_field(api, manager):
    cp = CounterpartyFactory(responsible=manager, notes="старое")

    response = api.patch(f"{URL}/{cp.pk}", {"notes": None})

    assert response.status_code == 200
    cp.refresh_from_db()
    assert cp.notes == ""


def test_patch_replaces_tags_and_bank_accounts(api, manager):
    cp = CounterpartyFactory(responsible=manager)
    cp.tags.add(Tag.objects.create(name="опт"))

    response = api.patch(
        f"{URL}/{cp.pk}",
        {"tags": ["юг"], "bank_accounts": [{"bic": BIC, "account": ACCOUNT}]},
    )

    assert response.status_code == 200, response.content
    assert response.json()["tags"] == ["юг"]
    assert [b["account"] for b in response.json()["bank_accounts"]] == [ACCOUNT]
    assert list(cp.tags.values_list("name", flat=True)) == ["юг"]


def test_patch_to_another_counterpartys_inn_is_a_409_until_allowed(api, manager, db_state):
    CounterpartyFactory(responsible=manager, inn="7707083893")
    cp = CounterpartyFactory(responsible=manager)
    before = db_state()

    refused = api.patch(f"{URL}/{cp.pk}", {"inn": "7707083893"})

    assert refused.status_code == 409
    assert db_state() == before
    assert (
        api.patch(f"{URL}/{cp.pk}?allow_duplicates=true", {"inn": "7707083893"}).status_code == 200
    )


# ---------------------------------------------------------------- delete


def test_delete_answers_204_and_records_the_event(admin_api, admin_user, manager):
    cp = CounterpartyFactory(responsible=manager)

    response = admin_api.delete(f"{URL}/{cp.pk}")

    assert response.status_code == 204
    assert response.content == b""
    assert not Counterparty.objects.exists()
    event = directory_event()
    assert (event.action, event.object_id, event.actor) == (
        "directory.counterparty.deleted",
        str(cp.pk),
        admin_user,
    )


def test_a_head_of_department_deletes_a_counterparty_of_the_department(db, client):
    head = UserFactory(roles=["head"])
    cp = CounterpartyFactory(responsible=head)

    response = client.delete(f"{URL}/{cp.pk}", **bearer(head.username))

    assert response.status_code == 204
    assert not Counterparty.objects.exists()


def test_a_manager_may_not_delete_and_nothing_changes(api, manager, db_state):
    cp = CounterpartyFactory(responsible=manager)
    before = db_state()

    response = api.delete(f"{URL}/{cp.pk}")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert db_state() == before
