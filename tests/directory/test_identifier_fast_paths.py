"""The fast paths of phone, e-mail and INN checks answer exactly what the libraries answer."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.directory import identifiers as ids


def _slow(value: str) -> str | None:
    try:
        parsed = phonenumbers.parse(value, "RU")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _fast(value: str) -> str | None:
    try:
        return ids.normalize_phone(value, region="RU")
    except ValueError:
        return None


FORMATS = ["+7{}", "8{}", "7{}", "+7 ({}) {}-{}-{}", "8 {} {} {} {}", "8-{}-{}-{}-{}"]


@settings(max_examples=400, deadline=None)
@given(national=st.from_regex(r"\A[0-9]{10}\Z"), shape=st.sampled_from(FORMATS))
def test_fast_path_agrees_with_phonenumbers(national: str, shape: str) -> None:
    if shape.count("{}") == 1:
        value = shape.format(national)
    else:
        value = shape.format(national[:3], national[3:6], national[6:8], national[8:])
    assert _fast(value) == _slow(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("+7 (916) 123-45-67", "+79161234567"),
        ("8 916 123 45 67", "+79161234567"),
        ("8 (800) 555-35-35", "+78005553535"),
        ("+7 (000) 123-45-67", None),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_known_numbers(value: str, expected: str | None) -> None:
    assert _fast(value) == expected


@settings(max_examples=300, deadline=None)
@given(address=st.emails() | st.text(max_size=40))
def test_the_plain_email_shape_is_a_subset_of_djangos_validator(address: str) -> None:
    from django.core.exceptions import ValidationError
    from django.core.validators import EmailValidator

    if not ids._PLAIN_EMAIL.fullmatch(address):
        return
    try:
        EmailValidator()(address)
    except ValidationError:  # pragma: no cover - the failure this test exists for
        pytest.fail(f"{address!r} passes the fast path but not Django's validator")


@settings(max_examples=300, deadline=None)
@given(n=st.integers(min_value=0, max_value=10**9 - 1), person=st.booleans())
def test_inn_check_digits_agree_with_stdnum(n: int, person: bool) -> None:
    from stdnum.ru import inn as stdnum_inn

    body = f"{n:09d}" if not person else f"{n:010d}"
    for tail in ("0", "5", "00", "55", "19"):
        number = (body + tail)[: 10 if not person else 12]
        if len(number) != (12 if person else 10):
            continue
        kind = "entrepreneur" if person else "legal_entity"
        try:
            ours: str | None = ids.normalize_inn(number, kind=kind)
        except ValueError:
            ours = None
        assert (ours is not None) == stdnum_inn.is_valid(number)
