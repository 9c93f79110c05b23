"""The pure parts of the demo generator: identifiers, phones, names. No database."""

from __future__ import annotations

import random

import pytest

from accord.demo import people, requisites
from accord.demo.names import SURNAMES
from accord.demo.places import CITIES, FEDERAL_BANKS, REGIONAL_BANKS
from accord.directory import identifiers as ids

BANKS = [b for b, _w in FEDERAL_BANKS] + [b for banks in REGIONAL_BANKS.values() for b in banks]


def test_serial_pool_never_repeats_and_says_when_it_runs_out():
    pool = requisites.SerialPool(seed=3, salt="t", width=3)
    serials = [pool.take("7701") for _ in range(1000)]
    assert len(set(serials)) == 1000
    assert all(s is not None and len(s) == 3 for s in serials)
    assert pool.take("7701") is None
    assert pool.take("7702") is not None  # each office has its own numbers


def test_serial_pool_depends_on_the_seed_only():
    def first_five(seed: int, offices: list[str]) -> list[str | None]:
        pool = requisites.SerialPool(seed=seed, salt="t", width=5)
        for office in offices:  # the order offices are first used in does not matter
            pool.take(office)
        return [pool.take("7701") for _ in range(5)]

    assert first_five(1, ["7701", "7801"]) == first_five(1, ["7801", "7701"])
    assert first_five(1, ["7701"]) != first_five(2, ["7701"])


def test_inns_ogrns_and_kpps_pass_the_directory_validators():
    rng = random.Random(5)
    for _ in range(2000):
        office = rng.choice(rng.choice(CITIES).tax_offices)
        company = requisites.company_inn(office, f"{rng.randrange(10**5):05d}")
        person = requisites.personal_inn(office, f"{rng.randrange(10**6):06d}")
        year = rng.randint(2003, 2024)
        assert ids.normalize_inn(company, kind="legal_entity") == company
        assert ids.normalize_inn(person, kind="sole_trader") == person
        assert ids.normalize_kpp(requisites.kpp_for(company))[:4] == company[:4]
        ogrn = requisites.ogrn_for(company, year, rng)
        ogrnip = requisites.ogrnip_for(person, year, rng)
        assert ids.normalize_ogrn(ogrn, kind="legal_entity") == ogrn
        assert ids.normalize_ogrn(ogrnip, kind="sole_trader") == ogrnip


@pytest.mark.parametrize("bank", BANKS, ids=lambda b: b.bic)
def test_accounts_match_their_bic(bank):
    rng = random.Random(bank.bic)
    ids.normalize_bic(bank.bic)
    for balance in ("40702", "40802", "40817"):
        for _ in range(200):
            account = requisites.settlement_account(bank.bic, balance, bank.branches[0], rng)
            assert ids.normalize_account(account, bic=bank.bic) == account
            assert account.startswith(balance + "810")


def test_correspondent_accounts_are_the_real_ones():
    assert requisites.correspondent_account("044525225") == "30101810400000000225"  # Sberbank
    assert requisites.correspondent_account("044525187") == "30101810700000000187"  # VTB
    assert requisites.correspondent_account("044030653") == "30101810500000000653"


def test_phones_are_valid_e164_numbers():
    rng = random.Random(9)
    for _ in range(3000):
        mobile = requisites.mobile_phone(rng)
        area = rng.choice(rng.choice(CITIES).area_codes)
        landline = requisites.landline_phone(area, rng)
        assert ids.normalize_phone(mobile, region="RU") == mobile
        assert ids.normalize_phone(landline, region="RU") == landline


@pytest.mark.parametrize(
    ("surname", "female"),
    [
        ("Петров", "Петрова"),
        ("Соловьёв", "Соловьёва"),
        ("Ильин", "Ильина"),
        ("Высоцкий", "Высоцкая"),
        ("Островский", "Островская"),
        ("Шевченко", "Шевченко"),
        ("Ковальчук", "Ковальчук"),
        ("Ким", "Ким"),
    ],
)
def test_surnames_agree_with_a_womans_name(surname, female):
    assert surname in SURNAMES
    assert people.surname_for(surname, male=False) == female
    assert people.surname_for(surname, male=True) == surname


def test_translit_spells_names_in_latin():
    assert people.translit("Соловьёв") == "solovev"
    assert people.translit("Щукина-Юрьевна") == "shchukina-yurevna"
    assert people.translit("Элита-Девелопмент") == "elita-development"


def test_people_have_agreed_gender():
    rng = random.Random(1)
    for _ in range(500):
        p = people.person(rng)
        suffixes = ("ич",) if p.male else ("вна", "чна")
        assert p.middle.endswith(suffixes), p.full_name
        assert p.initials_name == f"{p.last} {p.first[0]}.{p.middle[0]}."
