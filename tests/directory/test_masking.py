"""VIP masking: the masks, who may reveal, the audit `changes` masking, the reveal services,
and the search and duplicate checks that must not confirm a masked value."""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps
from hypothesis import given
from hypothesis import strategies as st

from accord.core.errors import DomainError, NotFoundError, PermissionDeniedError
from accord.core.models import AuditEvent
from accord.directory import selectors, services
from accord.directory.duplicates import find_duplicates
from accord.directory.masking import (
    CONTACT_PERSON,
    COUNTERPARTY,
    mask_changes,
    mask_email,
    mask_phone,
    mask_text,
    may_reveal,
    refuse_masked_params,
)
from accord.users.models import Role
from tests.factories import (
    ContactDetailFactory,
    ContactPersonFactory,
    CounterpartyFactory,
    DepartmentFactory,
    UserFactory,
)

PHONE = "+79161234567"


@pytest.fixture
def team(db):
    """A manager and the head of the manager's department."""
    dept = DepartmentFactory()
    return {
        "manager": UserFactory(username="m1", roles=["manager"], department=dept),
        "head": UserFactory(username="h1", roles=["head"], department=dept),
    }


# ---------------------------------------------------------------- the masks


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("+79161234567", "+7 9** ***-**-67"),
        ("+74951234598", "+7 4** ***-**-98"),
        ("+442079460958", "+44 ***-**-58"),
        ("+12025550143", "+1 ***-**-43"),
        ("", ""),
    ],
)
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("ivan.petrov@mail.ru", "i***@m***.ru"),
        ("a@b.co.uk", "a***@b***.uk"),
        ("nobody", "n***"),
        ("", ""),
    ],
)
def test_mask_email(value, masked):
    assert mask_email(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("Москва, ул. Тверская, д. 1, офис 5", "Москва ***"),
        ("123456, г. Москва, ул. Тверская, д. 1", "Москва ***"),
        ("Московская обл., г. Химки", "Московская ***"),
        ("", ""),
    ],
)
def test_mask_text_keeps_the_first_word_only(value, masked):
    assert mask_text(value) == masked


@given(
    country=st.sampled_from(["7", "44", "49", "1", "33"]),
    national=st.from_regex(r"[2-9][0-9]{9}", fullmatch=True),
)
def test_a_masked_phone_keeps_the_last_two_digits_and_leaks_nothing_else(country, national):
    masked = mask_phone(f"+{country}{national}")

    assert masked.endswith(national[-2:])
    shown = "".join(re.findall(r"\d", masked))
    kept_first = national[0] if country == "7" else ""
    assert shown == country + kept_first + national[-2:]


@given(
    local=st.from_regex(r"[a-z0-9._]{2,20}", fullmatch=True),
    domain=st.from_regex(r"[a-z]{2,12}", fullmatch=True),
)
def test_a_masked_email_shows_two_letters_and_the_top_level_domain(local, domain):
    masked = mask_email(f"{local}@{domain}.ru")

    assert masked == f"{local[0]}***@{domain[0]}***.ru"


# ---------------------------------------------------------------- who may reveal


def test_head_director_and_admin_may_reveal_a_manager_may_not(db):
    for role, allowed in (("manager", False), ("head", True), ("director", True), ("admin", True)):
        user = UserFactory(roles=[role])
        assert may_reveal(user, COUNTERPARTY) is allowed, role
        assert may_reveal(user, CONTACT_PERSON) is allowed, role


def test_the_migration_gives_reveal_to_existing_builtin_roles_only(db):
    UserFactory(roles=["manager"])  # creates the built-in roles
    for code in ("head", "director", "admin", "manager"):
        role = Role.objects.get(code=code)
        role.rules = {**role.rules, "*": {**role.rules["*"], "actions": [
            a for a in role.rules["*"]["actions"] if a != "reveal"]}}  # fmt: skip
        role.save()
    migration = importlib.import_module("accord.directory.migrations.0004_builtin_roles_reveal")

    migration.add_reveal(apps, None)
    migration.add_reveal(apps, None)  # twice: still once

    actions = {r.code: r.rules["*"]["actions"] for r in Role.objects.all()}
    assert actions["head"].count("reveal") == 1
    assert "reveal" in actions["director"]
    assert "reveal" in actions["admin"]
    assert "reveal" not in actions["manager"]


# ---------------------------------------------------------------- audit changes


def test_mask_changes_masks_snapshots_diffs_and_details_for_a_viewer_without_reveal(team):
    cp = CounterpartyFactory(responsible=team["manager"], is_vip=True)
    changes = {
        "phone": [PHONE, "+79160000011"],
        "email": "ivan.petrov@mail.ru",
        "legal_address": ["", "Москва, ул. Тверская, 1"],
        "name": ["ООО А", "ООО Б"],
    }

    masked = mask_changes(team["manager"], cp, changes)

    assert masked == {
        "phone": ["+7 9** ***-**-67", "+7 9** ***-**-11"],
        "email": "i***@m***.ru",
        "legal_address": ["", "Москва ***"],
        "name": ["ООО А", "ООО Б"],
    }
    assert mask_changes(team["head"], cp, changes) == changes
    cp.is_vip = False
    assert mask_changes(team["manager"], cp, changes) == changes


def test_mask_changes_masks_a_persons_details_when_its_counterparty_is_vip(team):
    cp = CounterpartyFactory(responsible=team["manager"], is_vip=True)
    person = ContactPersonFactory(counterparty=cp)
    changes = {
        "details": [
            [["phone", PHONE, ""]],
            [["email", "a.b@mail.ru", ""], ["messenger", "@ivan", "Telegram"]],
        ],
        "position": "Директор",
    }

    masked = mask_changes(team["manager"], person, changes)

    assert masked["details"] == [
        [["phone", "+7 9** ***-**-67", ""]],
        [["email", "a***@m***.ru", ""], ["messenger", "@i***", "Telegram"]],
    ]
    assert masked["position"] == "Директор"


# ---------------------------------------------------------------- reveal services


def test_a_head_reveals_a_vip_counterparty_and_the_reveal_is_audited(team):
    cp = CounterpartyFactory(
        responsible=team["manager"], is_vip=True, phone=PHONE, email="x.y@mail.ru"
    )

    shown = services.counterparty_reveal(actor=team["head"], counterparty=cp)

    assert (shown.phone, shown.email, shown.masked) == (PHONE, "x.y@mail.ru", False)
    event = AuditEvent.objects.get(action="directory.counterparty.revealed")
    assert (event.actor, event.object_id) == (team["head"], str(cp.pk))
    assert PHONE not in str(event.changes)
    assert "x.y@mail.ru" not in str(event.changes)


def test_a_manager_may_not_reveal_and_nothing_is_written(team):
    cp = CounterpartyFactory(responsible=team["manager"], is_vip=True, phone=PHONE)
    person = ContactPersonFactory(counterparty=cp)

    with pytest.raises(PermissionDeniedError):
        services.counterparty_reveal(actor=team["manager"], counterparty=cp)
    with pytest.raises(PermissionDeniedError):
        services.contact_person_reveal(actor=team["manager"], contact_person=person)

    assert not AuditEvent.objects.exists()


def test_a_reveal_of_a_hidden_counterparty_is_not_found_even_with_the_permission(team):
    stranger = UserFactory(roles=["manager"])  # another department
    cp = CounterpartyFactory(responsible=stranger, is_vip=True, phone=PHONE)

    with pytest.raises(NotFoundError):
        services.counterparty_reveal(actor=team["head"], counterparty=cp)
    assert not AuditEvent.objects.exists()


def test_a_head_reveals_a_vip_person(team):
    person = ContactPersonFactory(
        counterparty=CounterpartyFactory(responsible=team["manager"]), is_vip=True
    )
    ContactDetailFactory(contact_person=person, value=PHONE)

    shown = services.contact_person_reveal(actor=team["head"], contact_person=person)

    assert shown.phones == [PHONE]
    assert (
        AuditEvent.objects.filter(
            action="directory.contactperson.revealed", object_id=str(person.pk)
        ).count()
        == 1
    )


# ---------------------------------------------------------------- no oracle


def test_a_manager_cannot_find_a_vip_by_phone_or_email_a_head_can(team):
    vip = CounterpartyFactory(
        responsible=team["manager"], is_vip=True, phone=PHONE, email="vip@mail.ru"
    )
    plain = CounterpartyFactory(responsible=team["manager"], phone="+79160000022")

    def found(user, query):
        return set(selectors.counterparties_filtered(viewer=user, query=query))

    assert found(team["manager"], "8 916 123-45-67") == set()
    assert found(team["manager"], "vip@mail.ru") == set()
    assert found(team["manager"], "+79160000022") == {plain}
    assert found(team["manager"], vip.inn) == {vip}  # the INN is not masked
    assert found(team["head"], "8 916 123-45-67") == {vip}
    assert found(team["head"], "vip@mail.ru") == {vip}


def test_a_vip_persons_phone_finds_neither_the_person_nor_its_counterparty_for_a_manager(team):
    cp = CounterpartyFactory(responsible=team["manager"])
    person = ContactPersonFactory(counterparty=cp, is_vip=True)
    ContactDetailFactory(contact_person=person, value=PHONE)
    ContactDetailFactory(contact_person=person, kind="email", value="vip@mail.ru")

    for query in (PHONE, "vip@mail.ru"):
        assert not selectors.counterparties_filtered(viewer=team["manager"], query=query).exists()
        assert not selectors.contact_persons_filtered(viewer=team["manager"], query=query).exists()
        assert list(selectors.contact_persons_filtered(viewer=team["head"], query=query)) == [
            person
        ]


def test_a_filter_or_sort_on_a_masked_field_is_refused_without_reveal(team):
    with pytest.raises(DomainError) as refused:
        refuse_masked_params(team["manager"], ["-phone"])
    assert refused.value.code == "masked_field"
    assert "phone" in refused.value.fields
    with pytest.raises(DomainError, match="reveal"):
        selectors.counterparties_list(viewer=team["manager"], sort="email")
    refuse_masked_params(team["head"], ["phone", "-email"])  # allowed: no error
    refuse_masked_params(team["manager"], ["name", "vip"])


def test_duplicates_by_phone_skip_vip_rows_for_a_manager_but_keep_the_inn(team):
    vip = CounterpartyFactory(responsible=team["manager"], is_vip=True, phone=PHONE)

    assert find_duplicates(viewer=team["manager"], phones=[PHONE]) == []
    same_inn = find_duplicates(viewer=team["manager"], inn=vip.inn)
    assert [d.counterparty for d in same_inn] == [vip]
    assert "phone" not in str(same_inn[0].as_dict())
    assert [d.counterparty for d in find_duplicates(viewer=team["head"], phones=[PHONE])] == [vip]
