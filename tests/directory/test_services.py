import pytest

from accord.core.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
from accord.core.models import AuditEvent
from accord.directory.errors import DuplicatesFoundError
from accord.directory.models import (
    BankAccount,
    ContactDetail,
    ContactPerson,
    Counterparty,
    PropertyDefinition,
)
from accord.directory.services import (
    DuplicatePolicy,
    contact_person_create,
    contact_person_delete,
    contact_person_update,
    counterparty_create,
    counterparty_delete,
    counterparty_update,
)
from tests.factories import CounterpartyFactory, UserFactory

VALID = {
    "name": "ООО «Ромашка»",
    "inn": "7707083893",
    "kpp": "773601001",
    "phone": "8 (916) 123-45-67",
}


def state():
    """Everything a refused write must leave untouched."""
    return (
        list(Counterparty.objects.order_by("pk").values()),
        ContactPerson.objects.count(),
        ContactDetail.objects.count(),
        BankAccount.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.django_db
def test_create_normalizes_assigns_the_actor_and_audits(manager):
    cp = counterparty_create(
        actor=manager,
        data={**VALID, "email": "Info@Romashka.RU", "tags": ["опт", "VIP ", "опт"],
              "bank_accounts": [{"bic": "044525225", "account": "40702810938000012345"}]},
    )  # fmt: skip
    cp.refresh_from_db()
    assert (cp.phone, cp.email, cp.name_key) == ("+79161234567", "Info@romashka.ru", "ромашка")
    assert cp.responsible == manager
    assert cp.created_by == manager
    assert sorted(t.name for t in cp.tags.all()) == ["VIP", "опт"]
    assert cp.bank_accounts.get().account == "40702810938000012345"
    event = AuditEvent.objects.get(action="directory.counterparty.created")
    assert event.actor == manager
    assert event.object_id == str(cp.pk)
    assert event.changes["inn"] == "7707083893"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**VALID, "inn": "7707083894"}, "inn"),
        ({**VALID, "phone": "12345"}, "phone"),
        ({**VALID, "name": "  "}, "name"),
        ({**VALID, "kind": "alien"}, "kind"),
        ({**VALID, "email": "no-at-sign"}, "email"),
        ({**VALID, "kind": "person", "kpp": "773601001", "inn": "500100732259"}, "kpp"),
        (
            {**VALID, "bank_accounts": [{"bic": "044525225", "account": "40702810038000012345"}]},
            "bank_accounts.0.account",
        ),
        ({**VALID, "status": 5}, "status"),
        ({**VALID, "surprise": 1}, "surprise"),
        ({**VALID, "custom": {"nope": 1}}, "custom.nope"),
        ({**VALID, "source_id": 999999}, "source_id"),
    ],
)
def test_bad_input_is_a_field_error_and_writes_nothing(manager, data, field):
    before = state()
    with pytest.raises(ValidationFailedError) as err:
        counterparty_create(actor=manager, data=data)
    assert field in err.value.fields
    assert state() == before


@pytest.mark.django_db
def test_custom_properties_are_typed_by_their_definition(manager):
    PropertyDefinition.objects.create(
        target="counterparty", code="turnover", name="Turnover", kind="number", required=True
    )
    PropertyDefinition.objects.create(
        target="counterparty", code="size", name="Size", kind="choice", choices=["S", "M", "L"]
    )
    with pytest.raises(ValidationFailedError) as err:
        counterparty_create(actor=manager, data={**VALID, "custom": {"size": "XXL"}})
    assert set(err.value.fields) == {"custom.turnover", "custom.size"}
    cp = counterparty_create(
        actor=manager, data={**VALID, "custom": {"turnover": "1 500,50", "size": "M"}}
    )
    assert cp.custom == {"turnover": "1500.50", "size": "M"}


@pytest.mark.django_db
def test_manager_may_not_hand_a_new_client_to_someone_else(manager, other_manager):
    before = state()
    with pytest.raises(ValidationFailedError) as err:
        counterparty_create(actor=manager, data={**VALID, "responsible_id": other_manager.pk})
    assert "responsible_id" in err.value.fields
    assert state() == before


@pytest.mark.django_db
def test_director_may_not_create(db):
    director = UserFactory(roles=["director"])
    with pytest.raises(PermissionDeniedError):
        counterparty_create(actor=director, data=VALID)
    assert Counterparty.objects.count() == 0


@pytest.mark.django_db
def test_duplicates_by_inn_phone_email_and_similar_name(manager):
    existing = counterparty_create(actor=manager, data={**VALID, "email": "a@b.ru"})
    cases = [
        ({"name": "Другое", "inn": "7707083893", "kpp": "773601001"}, "same INN and KPP"),
        ({"name": "Другое", "phone": "+7 916 123 45 67"}, "same phone"),
        ({"name": "Другое", "email": "A@B.RU"}, "same e-mail"),
        ({"name": "Ромашкa ООО"}, "similar name"),  # a Latin "a" at the end: a typo
    ]
    for data, reason in cases:
        with pytest.raises(DuplicatesFoundError) as err:
            counterparty_create(actor=manager, data=data)
        [dup] = err.value.duplicates
        assert dup["id"] == existing.pk
        assert any(r.startswith(reason) for r in dup["reasons"]), dup
    assert Counterparty.objects.count() == 1
    counterparty_create(
        actor=manager, data={"name": "Ромашкa ООО"}, duplicates=DuplicatePolicy.ALLOW
    )
    assert Counterparty.objects.count() == 2


@pytest.mark.django_db
def test_api_policy_refuses_only_the_same_inn(manager):
    counterparty_create(actor=manager, data=VALID)
    counterparty_create(
        actor=manager, data={"name": "ООО Ромашка"}, duplicates=DuplicatePolicy.REFUSE_SAME_INN
    )
    with pytest.raises(DuplicatesFoundError):
        counterparty_create(
            actor=manager,
            data={"name": "X", "inn": "7707083893", "kpp": "773601001"},
            duplicates=DuplicatePolicy.REFUSE_SAME_INN,
        )


@pytest.mark.django_db
def test_duplicates_never_reveal_another_managers_client(manager, other_manager):
    counterparty_create(actor=other_manager, data=VALID)
    cp = counterparty_create(actor=manager, data=VALID)  # not a warning: invisible to manager
    assert cp.pk


@pytest.mark.django_db
def test_update_writes_only_changes_and_audits_before_after(manager):
    cp = counterparty_create(actor=manager, data=VALID)
    stamp = cp.updated_at
    counterparty_update(actor=manager, counterparty=cp, data={"name": "ООО «Ромашка»"})
    cp.refresh_from_db()
    assert cp.updated_at == stamp  # nothing changed, nothing written
    counterparty_update(actor=manager, counterparty=cp, data={"status": "active", "notes": "ok"})
    event = AuditEvent.objects.get(action="directory.counterparty.updated")
    assert event.changes == {"notes": ["", "ok"], "status": ["new", "active"]}


@pytest.mark.django_db
def test_update_and_delete_of_invisible_counterparty_is_not_found(manager, other_manager):
    foreign = CounterpartyFactory(responsible=other_manager)
    before = state()
    with pytest.raises(NotFoundError):
        counterparty_update(actor=manager, counterparty=foreign, data={"name": "Mine now"})
    head = UserFactory(roles=["head"])  # may delete, but sees only own department's rows
    with pytest.raises(NotFoundError):
        counterparty_delete(actor=head, counterparty=foreign)
    assert state() == before


@pytest.mark.django_db
def test_manager_may_not_delete_but_head_may(manager):
    cp = counterparty_create(actor=manager, data=VALID)
    with pytest.raises(PermissionDeniedError):
        counterparty_delete(actor=manager, counterparty=cp)
    counterparty_delete(actor=UserFactory(roles=["admin"]), counterparty=cp)
    assert Counterparty.objects.count() == 0
    assert AuditEvent.objects.filter(action="directory.counterparty.deleted").count() == 1


@pytest.mark.django_db
def test_contact_person_lifecycle(manager):
    cp = counterparty_create(actor=manager, data=VALID)
    person = contact_person_create(
        actor=manager,
        data={"counterparty_id": cp.pk, "name": "Петров Пётр", "phones": ["8 903 123-45-67", "+7 903 123 45 67"],
              "emails": ["P@Mail.ru"], "messengers": [{"service": "Telegram", "value": "@petrov"}], "birthday": "1980-02-29"},
    )  # fmt: skip
    details = sorted((d.kind, d.value, d.counterparty_id) for d in person.details.all())
    assert details == [
        ("email", "P@mail.ru", cp.pk),
        ("messenger", "@petrov", cp.pk),
        ("phone", "+79031234567", cp.pk),
    ]
    contact_person_update(actor=manager, contact_person=person, data={"position": "CEO"})
    person.refresh_from_db()
    assert person.position == "CEO"
    assert person.details.count() == 3
    contact_person_update(actor=manager, contact_person=person, data={"phones": []})
    assert person.details.filter(kind="phone").count() == 0
    contact_person_delete(actor=manager, contact_person=person)
    assert ContactDetail.objects.count() == 0
    actions = list(
        AuditEvent.objects.filter(object_type="directory.contactperson").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == sorted(["directory.contact_person.created", "directory.contact_person.updated",
                                      "directory.contact_person.updated", "directory.contact_person.deleted"])  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "X", "phones": ["not a phone"]}, "phones.0"),
        ({"name": "X", "emails": ["@@"]}, "emails.0"),
        ({"name": "", "phones": []}, "name"),
        ({"name": "X", "birthday": "31.12.1980"}, "birthday"),
        ({"name": "X", "birthday": "2999-01-01"}, "birthday"),
        ({"name": "X", "phones": "not-a-list-but-a-string-is-one-phone"}, "phones.0"),
        ({"name": "X", "messengers": [{"service": "tg"}]}, "messengers.0"),
    ],
)
def test_contact_person_bad_input_writes_nothing(manager, data, field):
    cp = counterparty_create(actor=manager, data=VALID)
    before = state()
    with pytest.raises(ValidationFailedError) as err:
        contact_person_create(actor=manager, data={"counterparty_id": cp.pk, **data})
    assert field in err.value.fields
    assert state() == before


@pytest.mark.django_db
def test_contact_person_cannot_be_added_to_an_invisible_counterparty(manager, other_manager):
    foreign = CounterpartyFactory(responsible=other_manager)
    before = state()
    with pytest.raises(ValidationFailedError) as err:
        contact_person_create(actor=manager, data={"counterparty_id": foreign.pk, "name": "Spy"})
    assert "counterparty_id" in err.value.fields
    assert state() == before
