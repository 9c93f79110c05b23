import pytest

from accord.core.errors import DomainError, NotFoundError
from accord.directory.selectors import contact_persons_list, counterparties_list, counterparty_get
from accord.directory.services import contact_person_create, counterparty_create
from tests.factories import CounterpartyFactory


@pytest.fixture
def romashka(manager):
    cp = counterparty_create(
        actor=manager,
        data={"name": "ООО «Ромашка»", "inn": "7707083893", "email": "info@romashka.ru"},
    )
    contact_person_create(
        actor=manager,
        data={
            "counterparty_id": cp.pk,
            "name": "Иванова Анна",
            "phones": ["+7 916 123-45-67"],
            "emails": ["anna@romashka.ru"],
        },
    )
    counterparty_create(actor=manager, data={"name": "АО Василёк", "phone": "+7 495 111-22-33"})
    return cp


def found(viewer, query):
    return [cp.name for cp in counterparties_list(viewer=viewer, query=query).page.items]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["8 (916) 123-45-67", "+79161234567", "89161234567", "ромашка", "РОМАШКА", "7707083893", "770708",
     "anna@romashka.ru", "INFO@romashka.ru"],
)  # fmt: skip
def test_search_finds_by_name_inn_phone_any_format_and_email(manager, romashka, query):
    assert found(manager, query) == ["ООО «Ромашка»"]


@pytest.mark.django_db
def test_search_by_company_phone_and_name_with_yo(manager, romashka):
    assert found(manager, "8 495 111 22 33") == ["АО Василёк"]
    assert found(manager, "василек") == ["АО Василёк"]


@pytest.mark.django_db
def test_lists_show_only_visible_rows(manager, other_manager, romashka):
    CounterpartyFactory(name="Чужой", responsible=other_manager)
    result = counterparties_list(viewer=manager)
    assert [cp.name for cp in result.page.items] == ["АО Василёк", "ООО «Ромашка»"]
    assert str(result.count) == "2"
    assert found(other_manager, "ромашка") == []
    page, count = contact_persons_list(viewer=other_manager, query="8 916 123 45 67")
    assert page.items == []
    assert count.value == 0


@pytest.mark.django_db
def test_get_of_invisible_or_missing_or_garbage_id_is_the_same_not_found(
    manager, other_manager, romashka
):
    foreign = CounterpartyFactory(responsible=other_manager)
    for pk in (foreign.pk, 10**9, "abc", None):
        with pytest.raises(NotFoundError):
            counterparty_get(viewer=manager, pk=pk)
    assert counterparty_get(viewer=manager, pk=romashka.pk).contact_persons.count() == 1


@pytest.mark.django_db
def test_filters_and_unknown_sort(manager, romashka):
    assert [
        c.name
        for c in counterparties_list(
            viewer=manager, filters={"responsible": manager.pk, "kind": "legal_entity"}
        ).page.items
    ] == ["АО Василёк", "ООО «Ромашка»"]
    with pytest.raises(DomainError):
        counterparties_list(viewer=manager, sort="password")
    with pytest.raises(DomainError):
        counterparties_list(viewer=manager, filters={"responsible": "x"})
