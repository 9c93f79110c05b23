"""`accord demo`: valid, searchable, deterministic data, and no duplicate runs."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import phonenumbers
import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from accord.core.models import AuditEvent
from accord.demo.generator import SIZES, generate
from accord.demo.names import FEMALE_FIRST_NAMES, MALE_FIRST_NAMES, PATRONYMICS, SURNAMES
from accord.demo.people import surname_for
from accord.demo.staff import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD
from accord.directory import identifiers as ids
from accord.directory.models import (
    BankAccount,
    ContactDetail,
    ContactPerson,
    Counterparty,
    Industry,
    PropertyDefinition,
    Source,
    Tag,
)
from accord.directory.selectors import counterparties_list
from accord.directory.validation import clean_contact_person, clean_counterparty
from accord.users.models import Department, User
from tests.factories import CounterpartyFactory, UserFactory

pytestmark = pytest.mark.django_db

COUNT = 200


def run_demo(*args: str, **options) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def demo() -> str:
    return run_demo(count=COUNT, seed=7)


def snapshot() -> dict[str, list]:
    """What must not change between two runs with one seed."""
    return {
        "counterparties": list(
            Counterparty.objects.order_by("id").values_list(
                "kind", "name", "inn", "kpp", "ogrn", "phone", "email", "responsible__username"
            )
        ),
        "persons": list(ContactPerson.objects.order_by("id").values_list("name", "position")),
        "details": list(ContactDetail.objects.order_by("id").values_list("kind", "value")),
        "accounts": list(BankAccount.objects.order_by("id").values_list("bic", "account")),
        "tags": list(
            Counterparty.tags.through.objects.order_by("id").values_list(
                "counterparty__inn", "tag__name"
            )
        ),
        "users": sorted(User.objects.values_list("username", "last_name", "department__name")),
    }


def table_counts() -> dict[str, int]:
    models = (
        Counterparty,
        ContactPerson,
        ContactDetail,
        BankAccount,
        Counterparty.tags.through,
        Tag,
        Source,
        Industry,
        PropertyDefinition,
        User,
        Department,
        AuditEvent,
    )
    return {m.__name__: m.objects.count() for m in models}


def test_generates_the_requested_number_with_a_summary(demo):
    assert Counterparty.objects.count() == COUNT
    assert set(Counterparty.objects.values_list("kind", flat=True)) == {
        "legal_entity",
        "sole_trader",
        "person",
    }
    assert ContactPerson.objects.count() >= COUNT
    assert f"Done: {COUNT} counterparties" in demo
    assert "rows/s" in demo


def test_identifiers_pass_the_services_validators(demo):
    inns = []
    for cp in Counterparty.objects.all():
        if cp.inn:
            inns.append(cp.inn)
            assert ids.normalize_inn(cp.inn, kind=cp.kind) == cp.inn
        if cp.kind == "legal_entity":
            assert ids.normalize_kpp(cp.kpp) == cp.kpp
            assert cp.kpp[:4] == cp.inn[:4]
        else:
            assert cp.kpp == ""
        if cp.kind == "person":
            assert cp.ogrn == ""
        else:
            assert ids.normalize_ogrn(cp.ogrn, kind=cp.kind) == cp.ogrn
    assert len(inns) == len(set(inns)), "INNs repeat"
    for account in BankAccount.objects.all():
        assert ids.normalize_bic(account.bic) == account.bic
        assert ids.normalize_account(account.account, bic=account.bic) == account.account


def test_phones_and_emails_are_stored_as_the_services_store_them(demo):
    phones = list(ContactDetail.objects.filter(kind="phone").values_list("value", flat=True))
    phones += [p for p in Counterparty.objects.values_list("phone", flat=True) if p]
    assert phones
    for phone in phones:
        assert ids.normalize_phone(phone, region="RU") == phone
        assert phonenumbers.is_valid_number(phonenumbers.parse(phone))
    emails = list(ContactDetail.objects.filter(kind="email").values_list("value", flat=True))
    emails += [e for e in Counterparty.objects.values_list("email", flat=True) if e]
    assert emails
    for email in emails:
        assert ids.normalize_email(email) == email == email.lower()


def test_counterparties_clean_to_exactly_what_is_stored(demo):
    """The services' own cleaning of each row's values changes nothing (custom values included)."""
    fields = ("kind", "name", "full_name", "inn", "kpp", "ogrn", "legal_address", "actual_address",
              "phone", "email", "website", "relation", "status", "source_id", "industry_id", "is_vip",
              "notes", "custom")  # fmt: skip
    assert PropertyDefinition.objects.filter(target="counterparty").count() == 3
    assert Counterparty.objects.exclude(custom={}).exists()
    for cp in Counterparty.objects.all():
        data = {f: getattr(cp, f) for f in fields}
        cleaned = clean_counterparty(data)
        assert {f: cleaned[f] for f in fields} == data
        assert cleaned["name_key"] == cp.name_key


def test_contact_persons_clean_to_exactly_what_is_stored(demo):
    for person in ContactPerson.objects.prefetch_related("details"):
        details = list(person.details.all())
        data = {
            "name": person.name,
            "position": person.position,
            "role": person.role,
            "birthday": person.birthday,
            "is_vip": person.is_vip,
            "custom": person.custom,
            "phones": [d.value for d in details if d.kind == "phone"],
            "emails": [d.value for d in details if d.kind == "email"],
            "messengers": [
                {"service": d.service, "value": d.value} for d in details if d.kind == "messenger"
            ],
        }
        cleaned = clean_contact_person(data, current={})
        assert sorted(cleaned["details"]) == sorted((d.kind, d.value, d.service) for d in details)
        assert all(d.counterparty_id == person.counterparty_id for d in details)
        for name in ("name", "position", "role", "birthday", "is_vip", "custom"):
            assert cleaned[name] == getattr(person, name)
        if "name_key" in cleaned:
            assert cleaned["name_key"] == person.name_key


def test_companies_have_one_to_four_contacts_led_by_someone_who_decides(demo):
    for cp in Counterparty.objects.filter(kind="legal_entity").prefetch_related("contact_persons"):
        persons = sorted(cp.contact_persons.all(), key=lambda p: p.pk)
        assert 1 <= len(persons) <= 4
        assert persons[0].role == "ЛПР"
        assert "директор" in persons[0].position.lower()


def test_names_agree_in_gender():
    run_demo(count=COUNT, seed=11)
    sons = {son for _f, son, _d in PATRONYMICS}
    daughters = {daughter for _f, _s, daughter in PATRONYMICS}
    women_surnames = {surname_for(s, male=False) for s in SURNAMES}
    names = list(ContactPerson.objects.values_list("name", flat=True))
    names += list(Counterparty.objects.filter(kind="person").values_list("name", flat=True))
    for name in names:
        last, first, middle = name.split(" ")
        if first in MALE_FIRST_NAMES:
            assert middle in sons, name
            assert last in SURNAMES, name
        else:
            assert first in FEMALE_FIRST_NAMES, name
            assert middle in daughters, name
            assert last in women_surnames, name


def test_every_counterparty_has_a_responsible_manager(demo):
    assert not Counterparty.objects.filter(responsible__isnull=True).exists()
    managers = set(User.objects.filter(roles__code="manager").values_list("pk", flat=True))
    responsible = set(Counterparty.objects.values_list("responsible_id", flat=True))
    assert responsible <= managers
    assert len(responsible) > 1  # spread over the managers


def test_users_departments_and_logins(demo):
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password(DEMO_PASSWORD)
    assert User.objects.filter(roles__code="manager").count() == 10
    assert User.objects.filter(roles__code="director").count() == 1
    heads = User.objects.filter(roles__code="head").select_related("department__parent")
    assert heads.count() == 3
    assert {h.department.parent.name for h in heads} == {"Головной офис"}
    assert all(u.check_password(DEMO_PASSWORD) for u in User.objects.all())
    assert all(u.email.endswith("@" + DEMO_EMAIL_DOMAIN) for u in User.objects.all())
    assert "http://127.0.0.1:8000" in demo
    assert f"admin / {DEMO_PASSWORD}" in demo
    head, manager = heads.order_by("id").first(), User.objects.filter(roles__code="manager").first()
    assert f"{head.username} / {DEMO_PASSWORD}" in demo
    assert f"{manager.username} / {DEMO_PASSWORD}" in demo


def test_search_by_a_contacts_phone_finds_the_counterparty(demo):
    admin = User.objects.get(username="admin")
    details = ContactDetail.objects.filter(kind="phone").order_by("id")[:20]
    for detail in details:
        national = phonenumbers.format_number(
            phonenumbers.parse(detail.value), phonenumbers.PhoneNumberFormat.NATIONAL
        )
        for query in (detail.value, national):
            found = counterparties_list(viewer=admin, query=query).page.items
            assert detail.counterparty_id in {cp.pk for cp in found}, query


def test_one_audit_event_sums_up_the_run(demo):
    event = AuditEvent.objects.get(action="demo.data.generated")
    assert event.changes["counterparties"] == COUNT
    assert event.changes["contact_persons"] == ContactPerson.objects.count()
    assert event.changes["seed"] == 7


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(demo):
    first = snapshot()
    run_demo("--reset", count=COUNT, seed=7)
    assert snapshot() == first
    run_demo("--reset", count=COUNT, seed=8)
    other = snapshot()
    for key in ("counterparties", "persons", "details", "accounts"):
        assert other[key] != first[key]


def test_the_batch_size_does_not_change_the_data(demo):
    first = snapshot()
    run_demo("--reset", count=COUNT, seed=7, batch_size=33)
    assert snapshot() == first


def test_refuses_when_data_exists_and_writes_nothing(demo):
    before = table_counts()
    with pytest.raises(CommandError, match="--reset"):
        run_demo(count=COUNT, seed=7)
    assert table_counts() == before


def test_refuses_next_to_data_it_did_not_make_before_creating_users():
    CounterpartyFactory(responsible=UserFactory(username="real"))
    before = table_counts()
    with pytest.raises(CommandError, match=r"Counterparties exist already \(1\)"):
        run_demo(count=COUNT)
    assert table_counts() == before


def test_if_empty_skips_but_prints_the_logins(demo):
    before = table_counts()
    out = run_demo("--if-empty", count=COUNT, seed=9)
    assert table_counts() == before
    assert "not generated" in out
    assert f"admin / {DEMO_PASSWORD}" in out


def test_if_empty_generates_on_an_empty_database():
    run_demo("--if-empty", count=50)
    assert Counterparty.objects.count() == 50


def test_reset_leaves_real_users_alone():
    real_admin = UserFactory(username="admin", email="boss@example.ru")
    real_admin.set_password("own-password-1")
    real_admin.save()
    run_demo(count=50)
    real_admin.refresh_from_db()
    assert real_admin.check_password("own-password-1")
    assert not real_admin.is_superuser
    out = run_demo("--reset", count=50)
    assert "Deleted 50 counterparties" in out
    assert "Existing user admin is not a demo user" in out
    assert User.objects.filter(pk=real_admin.pk).exists()
    assert Counterparty.objects.count() == 50
    assert not Counterparty.objects.filter(responsible=real_admin).exists()
    assert f"admin / {DEMO_PASSWORD}" not in out


def test_dates_are_relative_to_today_and_never_in_the_future():
    today = dt.date(2025, 3, 1)
    generate(size=SIZES["S"], seed=3, count=COUNT, today=today)
    start_of_today = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    assert Counterparty.objects.filter(created_at__gte=start_of_today).count() == 0
    assert Counterparty.objects.filter(updated_at__gt=start_of_today).count() == 0
    assert not Counterparty.objects.filter(updated_at__lt=F("created_at")).exists()
    assert ContactPerson.objects.filter(birthday__gte=today.replace(year=2005)).count() == 0
    first_contacts = Counterparty.objects.filter(custom__has_key="first_contact")
    assert first_contacts.exists()
    assert all(cp.custom["first_contact"] < "2025-03-01" for cp in first_contacts)


def test_m_shows_progress_and_has_more_managers_and_departments():
    out = run_demo(size="m", count=300, batch_size=100)
    assert "300 / 300 counterparties" in out
    assert "rows/s" in out
    assert User.objects.filter(roles__code="manager").count() == 50
    assert User.objects.filter(roles__code="head").count() == 6


def test_l_nests_regional_departments_under_a_head():
    run_demo(size="L", count=50)
    assert User.objects.filter(roles__code="manager").count() == 200
    regional = Department.objects.get(name="Региональная сеть")
    children = Department.objects.filter(parent=regional)
    assert children.count() == 8
    assert all(child.path.startswith(regional.path) for child in children)
    assert User.objects.filter(roles__code="head", department=regional).count() == 1
    assert User.objects.filter(roles__code="head").count() == 15
