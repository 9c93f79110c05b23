"""Normalisation, transliteration and pair scoring of directory records."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.directory import similarity as sim
from accord.directory.similarity import COMPANY, PERSON, Record, score_pair


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ООО «Вектор-Строй»", "вектор строй"),
        ('Общество с ограниченной ответственностью "Вектор Строй"', "вектор строй"),
        ("Вектор-Строй, LLC", "вектор строй"),
        ("ЗАО  'Ёлка'", "елка"),
        ("ИП Иванов Иван Иванович", "иванов иван иванович"),
        ("Обшество с ограниченой ответственостью «Вектор»", "вектор"),  # typos in the form
        ("", ""),
    ],
)
def test_names_lose_case_quotes_and_legal_forms(raw, expected):
    assert sim.normalize_name(raw) == expected


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Юлия", "Yulia"), ("Юлия", "Julia"), ("Юлия", "Iuliia"), ("Щукин", "Shchukin"),
        ("Щукин", "Schukin"), ("Алексей", "Alexey"), ("Алексей", "Aleksei"),
        ("Наталья", "Natalia"), ("Фёдор", "Fyodor"), ("Семён", "Semyon"), ("Елена", "Yelena"),
        ("Евгений", "Yevgeniy"), ("Дмитрий", "Dmitry"), ("Михаил", "Mikhail"),
        ("Цветков", "Tsvetkov"), ("Кирилл", "Kirill"), ("Юрий", "Yuriy"),
    ],
)  # fmt: skip
def test_a_name_in_latin_meets_the_same_name_in_cyrillic(cyrillic, latin):
    assert sim.skeleton(cyrillic) == sim.skeleton(latin)


def test_transliteration_both_ways():
    assert sim.to_latin("Щукин Жорж") == "shchukin zhorzh"
    assert sim.to_cyrillic("Shchukin Zhorzh") == "щукин жорж"
    assert sim.to_cyrillic("Romashka") == "ромашка"


def test_phones_emails_and_identifiers_are_normalised():
    assert sim.normalize_phones(["8 (916) 123-45-67; +7 916 765 43 21", "", "abc"]) == (
        "+79161234567",
        "+79167654321",
    )
    assert sim.normalize_phone("7(916)1234567") == "+79161234567"
    assert sim.normalize_email(" Ivan.Petrov+crm@GoogleMail.com ") == "ivanpetrov@gmail.com"
    assert sim.normalize_email("Ivan-Petrov@YA.RU") == "ivan.petrov@yandex.ru"
    assert sim.normalize_email("Info@Vektor.RU") == "info@vektor.ru"
    assert sim.normalize_email("not an e-mail") == ""
    assert sim.normalize_inn(" 7707 083893 ") == "7707083893"
    assert sim.normalize_inn("123") == ""
    assert sim.inn_is_valid("7707083893")
    assert not sim.inn_is_valid("7707083894")
    assert sim.normalize_kpp(" 773601001 ") == "773601001"
    assert sim.normalize_website("https://www.Vektor.ru/about") == "vektor.ru"


def test_postcode_address_and_birthday():
    address = "125009, г. Москва, ул. Тверская, д. 12, офис 5"
    assert sim.postcode_of(address) == "125009"
    assert sim.postcode_of("Москва, ул. Тверская, д. 125") == ""
    assert sim.normalize_address(address) == sim.normalize_address(
        "город Москва, улица Тверская, дом 12, офис 5"
    )
    assert sim.normalize_birthday("01.05.1980") == dt.date(1980, 5, 1)
    assert sim.normalize_birthday("1980-05-01") == dt.date(1980, 5, 1)
    assert sim.normalize_birthday("весной") is None


@pytest.mark.parametrize(
    ("a", "b", "least"),
    [
        ("ООО «Вектор-Строй»", "Vektor Stroy LLC", 1.0),
        ("ООО «Ромашка»", "Ромашкa ООО", 1.0),  # a Latin "a" typed in the Cyrillic name
        ("Вектор-Строй", "ВекторСтрой", 1.0),
        ("ООО «Вектор»", "ООО «Векотр»", 0.8),
    ],
)
def test_company_names_alike(a, b, least):
    assert sim.name_similarity(a, b) >= least


@pytest.mark.parametrize(
    ("a", "b", "least", "most"),
    [
        ("Иванов Иван Петрович", "Ivan Ivanov", 0.95, 0.98),  # swapped, no patronymic
        ("Петров С. И.", "Петров Сергей Иванович", 0.9, 0.93),  # initials
        ("Чернышёва Ж. Я.", "Чернышева Жанна Ярославовна", 0.9, 0.93),
        ("Скворцова Елена Алексеевна", "Скворцова Елена Павловна", 0.0, 0.7),  # another father
        ("Иванов Иван", "Петров Пётр", 0.0, 0.5),
    ],
)
def test_people_names_word_by_word(a, b, least, most):
    assert least <= sim.name_similarity(a, b, person=True) <= most


def company(**values):
    return Record(kind=COMPANY, **values)


def person(**values):
    return Record(kind=PERSON, **values)


def test_the_same_inn_is_strong_evidence_for():
    score, reasons = score_pair(
        company(name="ООО Вектор", inn="7707083893", kpp="773601001"),
        company(name="Гранит", inn="7707083893", kpp="773601001"),
    )
    assert score > 0.9
    assert "same_inn_kpp" in reasons


def test_different_valid_inns_are_strong_evidence_against():
    score, reasons = score_pair(
        company(name="ООО «Вектор»", inn="7707083893", phones=("+79161234567",)),
        company(name="Вектор", inn="7728168971", phones=("+79161234567",)),
    )
    assert score < 0.5
    assert "different_inn" in reasons


def test_one_company_with_two_kpp_is_two_branches():
    score, reasons = score_pair(
        company(name="Вектор", inn="7707083893", kpp="773601001"),
        company(name="Вектор", inn="7707083893", kpp="773602001"),
    )
    assert "different_kpp" in reasons
    assert score < score_pair(company(name="Вектор", inn="7707083893"),
                              company(name="Вектор", inn="7707083893"))[0]  # fmt: skip


def test_a_shared_phone_in_another_format_and_a_similar_name():
    score, reasons = score_pair(
        company(name="ООО «Вектор»", phones=("8 (916) 123-45-67",)),
        company(name="Вектор ООО", phones=("+79161234567",), emails=("INFO@vektor.ru",)),
    )
    assert score > 0.99
    assert reasons[:2] == ["same_phone", "name:100"]


def test_the_website_and_the_mail_domain_are_one_company():
    score, reasons = score_pair(
        company(name="Инвест-Трейд", website="invest-treyd.com"),
        company(name="Инчест-Трейд", emails=("sales@invest-treyd.com",)),
    )
    assert "same_domain" in reasons
    assert score > 0.5


def test_namesakes_with_nothing_else_in_common_are_not_proposed():
    score, _reasons = score_pair(
        company(name="ООО «Аврора»", website="avrora31.ru"),
        company(name="ООО «Аврора»", website="avrora37.com"),
    )
    assert score < 0.5


def test_people_by_birthday_email_and_counterparty():
    same, reasons = score_pair(
        person(name="Гусева А. Р.", emails=("ALINA.GUSEVA@MAIL.RU",), group=1),
        person(name="Гусева Алина Руслановна", emails=("alina.guseva@mail.ru",), group=1),
    )
    assert same > 0.99
    assert "same_email" in reasons
    born_apart, reasons = score_pair(
        person(name="Иванов Иван Иванович", birthday=dt.date(1980, 1, 2)),
        person(name="Иванов Иван Иванович", birthday=dt.date(1985, 7, 9)),
    )
    assert born_apart < 0.5
    assert "different_birthday" in reasons
    colleagues, _ = score_pair(
        person(name="Иванов Иван", phones=("+74951234567",), group=1),
        person(name="Сидорова Мария", phones=("+74951234567",), group=1),
    )
    assert colleagues < 0.5  # an office line shared by two people


def test_reasons_have_labels():
    assert sim.reason_label("same_inn") == "same INN"
    assert sim.reason_label("name:93") == "similar name (93%)"
    assert sim.reason_label("unknown") == "unknown"


def test_blocking_keys_skip_patronymics_and_tell_kinds_apart():
    keys = sim.blocking_keys(
        sim.prepare(person(name="Иванов Иван Петрович", phones=("+79161234567",), group=7))
    )
    assert {"nivan", "p+79161234567", "g7"} <= set(keys)
    assert not any(k.startswith("npetr") for k in keys)


# --------------------------------------------------------------------------- never raise

ANY_TEXT = st.text(max_size=300)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_normalisers_never_raise_on_any_text(text):
    sim.normalize_name(text)
    sim.skeleton(text)
    sim.to_latin(text)
    sim.to_cyrillic(text)
    sim.normalize_phones([text])
    sim.normalize_emails([text])
    sim.normalize_inn(text)
    sim.normalize_kpp(text)
    sim.normalize_ogrn(text)
    sim.normalize_website(text)
    sim.normalize_address(text)
    sim.postcode_of(text)
    sim.normalize_birthday(text)


RECORDS = st.builds(
    Record,
    kind=st.sampled_from([COMPANY, PERSON]),
    name=ANY_TEXT,
    inn=st.text(alphabet="0123456789 -", max_size=14),
    kpp=st.text(max_size=12),
    phones=st.lists(ANY_TEXT, max_size=3).map(tuple),
    emails=st.lists(ANY_TEXT, max_size=3).map(tuple),
    address=ANY_TEXT,
    birthday=st.one_of(st.none(), st.dates(), ANY_TEXT),
    website=ANY_TEXT,
    subkind=st.sampled_from(["", "legal_entity", "sole_trader", "person"]),
    group=st.one_of(st.none(), st.integers(1, 5)),
)


@settings(max_examples=300, deadline=None)
@given(RECORDS, RECORDS)
def test_scoring_never_raises_and_stays_within_bounds(a, b):
    b = Record(**{**b.__dict__, "kind": a.kind})
    score, reasons = score_pair(a, b)
    assert 0.0 <= score <= 1.0
    assert all(isinstance(r, str) for r in reasons)
    assert score_pair(b, a)[0] == pytest.approx(score)
    sim.blocking_keys(sim.prepare(a))


# --------------------------------------------------------------------------- entry-time warnings


@pytest.mark.django_db
def test_entry_warnings_find_a_name_typed_in_latin_and_skip_another_inn(manager):
    from accord.directory.duplicates import find_duplicates
    from tests.factories import CounterpartyFactory

    vektor = CounterpartyFactory(responsible=manager, name="ООО «Вектор-Строй»", inn="7707083893")
    namesake = CounterpartyFactory(responsible=manager, name="Вектор-Строй", inn="7728168971")

    found = find_duplicates(viewer=manager, name_key=sim.normalize_name("Vektor Stroy LLC"))
    assert {d.counterparty for d in found} == {vektor, namesake}
    assert all(d.reasons == ["similar name (100%)"] for d in found)

    typed_inn = find_duplicates(viewer=manager, name_key="вектор строй", inn="7707083893")
    assert [d.counterparty for d in typed_inn] == [vektor]  # the namesake's INN is another's
    assert typed_inn[0].strong is True
