"""Two-factor sign-in in a real browser: a person turns it on from the account page and signs
in with a code; a person whose role demands it cannot get past the code step without one.
Codes are computed the way an authenticator app does. Screenshots go to test-output/.
"""

from __future__ import annotations

import base64
import binascii
import re
import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accord.users.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.browser
PASSWORD = "secret-pass-123"


def app_code(key_hex: str, *, steps_ahead: int = 0) -> str:
    totp = TOTP(binascii.unhexlify(key_hex), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def typed_secret_as_hex(secret: str) -> str:
    """The key a person types into the app (base32 in groups), as django-otp stores it."""
    text = secret.replace(" ", "").strip()
    return base64.b32decode(text + "=" * (-len(text) % 8)).hex()


def password_step(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")


@pytest.fixture
def _no_device_slowdown(settings):
    # django-otp makes a device wait after a wrong code; here a right one follows at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.mark.usefixtures("_no_device_slowdown")
def test_enrol_on_the_account_page_then_sign_in_with_a_code(
    live_server, transactional_db, new_page, output_dir
):
    anna = UserFactory(username="anna", first_name="Anna", last_name="Smirnova", roles=["manager"])
    page = new_page("en-US")
    password_step(page, live_server.url, "anna")
    page.wait_for_url(re.compile(r"^[^?]*/$"))  # the start page

    page.click(".user-button")
    page.click("text=Account and security")
    page.wait_for_url(re.compile(r"/account/$"))
    page.click("#two-factor >> text=Set up")
    page.wait_for_url(re.compile(r"/account/two-factor/enrol/$"))
    assert page.locator(".totp-qr svg").is_visible()
    page.screenshot(path=str(output_dir / "two_factor_enrol.png"), full_page=True)
    key = typed_secret_as_hex(page.locator("[data-testid=totp-secret]").inner_text())
    page.fill("input[name=code]", app_code(key))
    page.click("button:has-text('Confirm')")
    codes = page.locator("[data-testid=recovery-codes] li")
    codes.first.wait_for()
    assert codes.count() == 10
    page.screenshot(path=str(output_dir / "two_factor_recovery_codes.png"), full_page=True)
    assert TOTPDevice.objects.get(user=anna, confirmed=True).key == key

    page.click("text=I saved them")
    page.wait_for_url(re.compile(r"/account/$"))
    assert "On" in page.locator("#two-factor .badge").inner_text()
    page.screenshot(path=str(output_dir / "two_factor_account.png"), full_page=True)
    page.click(".user-button")
    page.click("text=Sign out")
    page.wait_for_url(re.compile(r"/login/$"))

    password_step(page, live_server.url, "anna")
    page.wait_for_url(re.compile(r"/login/code/$"))
    page.goto(f"{live_server.url}/counterparties/")  # no way around the code step
    page.wait_for_url(re.compile(r"/login/code/$"))
    page.fill("input[name=code]", "000000")
    page.click("button:has-text('Confirm')")
    page.locator(".error-text").wait_for()
    page.screenshot(path=str(output_dir / "two_factor_code_step.png"))
    page.fill("input[name=code]", app_code(key, steps_ahead=1))  # the enrolment used this step
    page.click("button:has-text('Confirm')")
    page.wait_for_url(re.compile(r"/(counterparties/)?$"))
    assert "Anna Smirnova" in page.locator(".user-button").inner_text()


def test_a_role_that_requires_two_factor_cannot_skip_the_code_step(
    live_server, transactional_db, new_page, output_dir
):
    UserFactory(username="boris", roles=["manager"])
    Role.objects.filter(code="manager").update(requires_2fa=True)
    page = new_page("en-US")

    password_step(page, live_server.url, "boris")
    page.wait_for_url(re.compile(r"/login/enrol/$"))
    for path in ("/counterparties/", "/account/", "/api/v1/counterparties"):
        page.goto(f"{live_server.url}{path}")
        if path.startswith("/api/"):
            assert "Authentication required" in page.content()
        else:
            page.wait_for_url(re.compile(r"/login/enrol/$"))
    page.goto(f"{live_server.url}/login/")  # the sign-in page too leads back to the step
    page.wait_for_url(re.compile(r"/login/enrol/$"))
    page.screenshot(path=str(output_dir / "two_factor_forced_enrolment.png"), full_page=True)

    key = typed_secret_as_hex(page.locator("[data-testid=totp-secret]").inner_text())
    page.fill("input[name=code]", app_code(key))
    page.click("button:has-text('Confirm and sign in')")
    page.locator("[data-testid=recovery-codes] li").first.wait_for()
    page.click("text=I saved them, continue")
    page.wait_for_url(re.compile(r"/(counterparties/)?$"))
    page.click(".user-button")
    page.click("text=Sign out")
    page.wait_for_url(re.compile(r"/login/$"))

    password_step(page, live_server.url, "boris")
    page.wait_for_url(re.compile(r"/login/code/$"))
    page.goto(f"{live_server.url}/counterparties/")
    page.wait_for_url(re.compile(r"/login/code/$"))
    page.fill("input[name=code]", app_code(key, steps_ahead=1))
    page.click("button:has-text('Confirm')")
    page.wait_for_url(re.compile(r"/(counterparties/)?$"))
