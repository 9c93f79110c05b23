"""Two-factor services: enrolment, recovery codes, turning off, and the sign-in step."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accord.core.models import AuditEvent
from accord.users.errors import (
    SignInThrottledError,
    TwoFactorRequiredError,
    TwoFactorStateError,
    WrongCodeError,
    WrongPasswordError,
)
from accord.users.models import LoginAttempt, Role
from accord.users.two_factor import (
    RECOVERY_CODES,
    recovery_codes_regenerate,
    totp_new_key,
    totp_qr_svg,
    totp_secret_text,
    totp_uri,
    two_factor_disable,
    two_factor_enrol,
    two_factor_needed,
    two_factor_sign_in,
    two_factor_status,
)
from tests.factories import UserFactory
from tests.users.otp import enrol, totp_code

pytestmark = pytest.mark.django_db
IP = "10.0.0.7"


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


@pytest.fixture(autouse=True)
def _no_device_throttle(settings):
    # django-otp slows each device after a failure; these tests check our own throttle.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def test_enrolment_with_a_current_code_confirms_the_app_and_makes_ten_recovery_codes():
    anna = UserFactory(username="anna")
    key = totp_new_key()

    device, codes = two_factor_enrol(actor=anna, key=key, code=totp_code(key))

    assert (device.user, device.confirmed, device.key) == (anna, True, key)
    assert len(codes) == RECOVERY_CODES == len(set(codes))
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(codes)
    assert two_factor_status(anna).enrolled
    assert two_factor_needed(anna)
    assert actions() == ["users.2fa.enrolled"]
    assert key not in str(list(AuditEvent.objects.values()))


def test_enrolment_with_a_wrong_code_writes_nothing():
    anna = UserFactory(username="anna")
    key = totp_new_key()
    wrong = f"{(int(totp_code(key)) + 1) % 1_000_000:06d}"

    with pytest.raises(WrongCodeError):
        two_factor_enrol(actor=anna, key=key, code=wrong)
    with pytest.raises(WrongCodeError):
        two_factor_enrol(actor=anna, key=key, code="not a code")

    assert not TOTPDevice.objects.exists()
    assert not StaticDevice.objects.exists()
    assert actions() == []


def test_a_second_enrolment_is_refused():
    anna = UserFactory(username="anna")
    enrol(anna)
    key = totp_new_key()

    with pytest.raises(TwoFactorStateError):
        two_factor_enrol(actor=anna, key=key, code=totp_code(key))

    assert TOTPDevice.objects.filter(user=anna).count() == 1


def test_the_qr_code_is_inline_svg_of_the_otpauth_address():
    anna = UserFactory(username="anna")
    key = totp_new_key()

    uri = totp_uri(anna, key)
    svg = totp_qr_svg(uri)

    secret = totp_secret_text(key).replace(" ", "")
    assert uri.startswith("otpauth://totp/Accord%3Aanna?")
    assert f"secret={secret}" in uri
    assert svg.startswith("<svg")
    assert "<path" in svg
    assert "http" not in svg.split(">")[0]


def test_regenerating_recovery_codes_invalidates_the_old_ones():
    anna = UserFactory(username="anna")
    _key, old = enrol(anna)

    new = recovery_codes_regenerate(actor=anna)

    assert len(new) == RECOVERY_CODES
    assert not set(new) & set(old)
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(new)
    with pytest.raises(WrongCodeError):
        two_factor_sign_in(user=anna, code=old[0], ip=IP)
    assert two_factor_sign_in(user=anna, code=new[0], ip=IP).persistent_id
    assert "users.2fa.recovery_regenerated" in actions()


def test_recovery_codes_cannot_be_made_without_enrolment():
    anna = UserFactory(username="anna")

    with pytest.raises(TwoFactorStateError):
        recovery_codes_regenerate(actor=anna)

    assert not StaticDevice.objects.exists()


def test_turning_off_needs_the_password():
    anna = UserFactory(username="anna")
    enrol(anna)
    before = actions()

    with pytest.raises(WrongPasswordError):
        two_factor_disable(actor=anna, password="wrong")

    assert TOTPDevice.objects.filter(user=anna).exists()
    assert StaticToken.objects.count() == RECOVERY_CODES
    assert actions() == before
    two_factor_disable(actor=anna, password="secret-pass-123")
    assert not TOTPDevice.objects.exists()
    assert not StaticDevice.objects.exists()
    assert actions()[-1] == "users.2fa.disabled"
    assert not two_factor_needed(anna)


def test_turning_off_is_refused_when_a_role_requires_two_factor():
    anna = UserFactory(username="anna", roles=["manager"])
    enrol(anna)
    Role.objects.filter(code="manager").update(requires_2fa=True)
    before = actions()

    with pytest.raises(TwoFactorRequiredError):
        two_factor_disable(actor=anna, password="secret-pass-123")

    assert TOTPDevice.objects.filter(user=anna, confirmed=True).exists()
    assert StaticToken.objects.count() == RECOVERY_CODES
    assert actions() == before


def test_a_role_that_requires_two_factor_makes_it_needed_without_a_device():
    anna = UserFactory(username="anna", roles=["manager"])
    assert not two_factor_needed(anna)

    Role.objects.filter(code="manager").update(requires_2fa=True)

    status = two_factor_status(anna)
    assert two_factor_needed(anna)
    assert status.required
    assert not status.enrolled


def test_sign_in_step_accepts_the_app_code_once():
    anna = UserFactory(username="anna")
    key, _codes = enrol(anna)
    code = totp_code(key, steps_ahead=1)  # the enrolment used the current step

    device = two_factor_sign_in(user=anna, code=code, ip=IP)

    assert isinstance(device, TOTPDevice)
    with pytest.raises(WrongCodeError):
        two_factor_sign_in(user=anna, code=code, ip=IP)  # a replayed code
    assert actions()[-2:] == ["users.2fa.verified", "users.2fa.failed"]


def test_each_recovery_code_works_once_whatever_its_spelling():
    anna = UserFactory(username="anna")
    _key, codes = enrol(anna)
    typed = f"{codes[0][:4].upper()}-{codes[0][4:]}"

    device = two_factor_sign_in(user=anna, code=typed, ip=IP)

    assert isinstance(device, StaticDevice)
    assert StaticToken.objects.count() == RECOVERY_CODES - 1
    with pytest.raises(WrongCodeError):
        two_factor_sign_in(user=anna, code=codes[0], ip=IP)
    assert StaticToken.objects.count() == RECOVERY_CODES - 1
    used = AuditEvent.objects.get(action="users.2fa.recovery_used")
    assert used.changes == {"left": RECOVERY_CODES - 1}
    assert codes[0] not in str(list(AuditEvent.objects.values()))


@override_settings(ACCORD_LOGIN_MAX_PER_USER=3, ACCORD_LOGIN_MAX_PER_IP=30)
def test_wrong_codes_count_toward_the_login_throttle_and_are_audited():
    anna = UserFactory(username="anna")
    key, _codes = enrol(anna)
    last_t = TOTPDevice.objects.get(user=anna).last_t
    for _ in range(3):
        with pytest.raises(WrongCodeError):
            two_factor_sign_in(user=anna, code="000000x", ip=IP)

    with pytest.raises(SignInThrottledError):
        two_factor_sign_in(user=anna, code=totp_code(key, steps_ahead=1), ip=IP)

    assert LoginAttempt.objects.filter(username="anna", ip=IP, success=False).count() == 3
    assert actions().count("users.2fa.failed") == 3
    assert actions()[-1] == "users.login.throttled"
    assert TOTPDevice.objects.get(user=anna).last_t == last_t  # the right code was not even tried
