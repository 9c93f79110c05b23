"""The fast path for Russian phone numbers answers exactly what phonenumbers answers."""

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


@settings(max_examples=400)
@given(national=st.from_regex(r"\A[0-9]{10}\Z"), shape=st.sampled_from(FORMATS))
def test_fast_path_agrees_with_phonenumbers(national: str, shape: str) -> None:
    if shape.count("{}") == 1:
        value = shape.format(national)
    else:
        value = shape.format(national[:3], national[3:6], national[6:8], national[8:])
    ids._RU_RANGES.clear()
    first = _fast(value)
    assert first == _slow(value)
    assert _fast(value) == first  # answered from the cached range the second time


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
