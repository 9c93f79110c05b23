import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.ru import inn as stdnum_inn

from accord.directory import identifiers as ids


@pytest.mark.parametrize(
    ("raw", "kind", "expected"),
    [
        ("7707083893", "legal_entity", "7707083893"),
        (" 7707 083893 ", "legal_entity", "7707083893"),
        ("500100732259", "sole_trader", "500100732259"),
    ],
)
def test_valid_inn_is_normalized(raw, kind, expected):
    assert ids.normalize_inn(raw, kind=kind) == expected


@pytest.mark.parametrize(
    ("raw", "kind", "message"),
    [
        ("7707083894", "legal_entity", "check digits"),
        ("770708389", "legal_entity", "10 digits"),
        ("7707083893", "person", "12 digits"),
        ("77O7083893", "legal_entity", "10 digits"),
        ("", "legal_entity", "10 digits"),
    ],
)
def test_wrong_inn_is_a_clear_error(raw, kind, message):
    with pytest.raises(ValueError, match=message):
        ids.normalize_inn(raw, kind=kind)


@given(st.text(max_size=30))
def test_inn_never_crashes_on_any_text(raw):
    try:
        result = ids.normalize_inn(raw, kind="legal_entity")
    except ValueError:
        return
    assert stdnum_inn.is_valid(result)


def test_ogrn_kpp_bic_account():
    assert ids.normalize_ogrn("1027700132195", kind="legal_entity") == "1027700132195"
    assert ids.normalize_ogrn("304500116000157", kind="sole_trader") == "304500116000157"
    with pytest.raises(ValueError, match="check digit"):
        ids.normalize_ogrn("1027700132196", kind="legal_entity")
    assert ids.normalize_kpp("773601001") == "773601001"
    assert ids.normalize_kpp("7736ab001") == "7736AB001"
    with pytest.raises(ValueError, match="KPP"):
        ids.normalize_kpp("77360100")
    assert ids.normalize_bic("044525225") == "044525225"
    with pytest.raises(ValueError, match="BIC"):
        ids.normalize_bic("123456789")
    # A settlement account is keyed with the BIC's last three digits...
    assert ids.normalize_account("40702810938000012345", bic="044525225") == "40702810938000012345"
    with pytest.raises(ValueError, match="control key"):
        ids.normalize_account("40702810538000012345", bic="044525225")
    # ...a correspondent account with "0" and BIC digits 5-6 (Sberbank's published one).
    assert ids.normalize_correspondent_account("30101810400000000225", bic="044525225")
    with pytest.raises(ValueError, match="control key"):
        ids.normalize_correspondent_account("30101810400000000226", bic="044525225")


@pytest.mark.parametrize(
    "typed",
    [
        "8 (916) 123-45-67",
        "+7 916 123 45 67",
        "89161234567",
        "+79161234567",
        "7-916-123-45-67",
        "(916) 123-45-67",
    ],
)
def test_phone_typed_any_way_is_e164(typed):
    assert ids.normalize_phone(typed, region="RU") == "+79161234567"


@pytest.mark.parametrize("typed", ["12345", "not a phone", "+7 916 123", ""])
def test_unparseable_phone_is_a_clear_error(typed):
    with pytest.raises(ValueError, match="phone"):
        ids.normalize_phone(typed, region="RU")


def test_format_phone_and_email():
    assert ids.format_phone("+79161234567") == "+7 916 123-45-67"
    assert ids.normalize_email(" Ivan.Petrov@Mail.RU ") == "Ivan.Petrov@mail.ru"
    with pytest.raises(ValueError, match="e-mail"):
        ids.normalize_email("ivan@")


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("ООО «Ромашка»", "ромашка"),
        ('АО "Ёлка-Трейд"', "елка трейд"),
        ("ИП Иванов И.И.", "иванов и и"),
        ("Ромашка, ООО", "ромашка"),
    ],
)
def test_name_key_folds_legal_form_quotes_and_case(name, key):
    assert ids.name_key(name) == key
