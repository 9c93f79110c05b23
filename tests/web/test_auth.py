"""Signing in and out, and the interface language."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_sign_in_page_and_a_good_password_open_the_directory(client):
    UserFactory(username="anna", roles=["manager"])

    page = client.get("/login/")
    response = client.post("/login/", {"username": "anna", "password": "secret-pass-123"})

    assert page.status_code == 200
    assert 'autocomplete="current-password"' in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == "/"
    start = client.get("/")
    assert start.status_code == 200
    assert 'id="widget-today"' in start.content.decode()


def test_a_wrong_password_is_refused_with_a_message(client):
    UserFactory(username="anna")

    response = client.post("/login/", {"username": "anna", "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter a correct" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_too_many_attempts_are_explained(client, settings):
    settings.ACCORD_LOGIN_MAX_PER_USER = 2
    UserFactory(username="anna")
    for _ in range(2):
        client.post("/login/", {"username": "anna", "password": "wrong"})

    response = client.post("/login/", {"username": "anna", "password": "secret-pass-123"})

    assert "Too many sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_out_takes_a_post_only(manager_client):
    assert manager_client.get("/logout/").status_code == 405

    response = manager_client.post("/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert manager_client.get("/counterparties/").status_code == 302


def test_the_interface_is_russian_by_default(manager_client, settings):
    settings.LANGUAGE_CODE = "ru"

    html = manager_client.get("/counterparties/").content.decode()

    assert '<html lang="ru">' in html
    assert "Контрагенты" in html
    assert "Новый контрагент" in html


def test_a_user_switches_the_language_and_it_is_remembered(manager_client, manager, settings):
    settings.LANGUAGE_CODE = "ru"

    response = manager_client.post("/language/", {"language": "en", "next": "/counterparties/"})

    manager.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == "/counterparties/"
    assert manager.language == "en"
    fresh = Client()  # a new browser: the choice lives on the user, not only in a cookie
    fresh.force_login(manager)
    assert "New counterparty" in fresh.get("/counterparties/").content.decode()


def test_language_switch_ignores_an_outside_next_url(manager_client):
    response = manager_client.post(
        "/language/", {"language": "ru", "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"


def test_an_anonymous_visitor_switches_the_sign_in_page_language(client, settings):
    settings.LANGUAGE_CODE = "en"

    client.post("/language/", {"language": "ru", "next": "/login/"})

    assert "Войти" in client.get("/login/").content.decode()


# ---------------------------------------------------------------- sessions and two-factor sign-in

PASSWORD = "secret-pass-123"


@pytest.fixture
def no_device_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def sign_in_password(client, username="anna", next_url=""):
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/login/", data)


def test_the_session_key_changes_at_sign_in(client):
    UserFactory(username="anna", roles=["manager"])
    planted = client.session  # a session id the browser had before signing in
    planted["probe"] = 1
    planted.save()
    before = planted.session_key

    sign_in_password(client)

    assert before
    assert client.cookies["sessionid"].value != before
    assert client.session.session_key != before
    assert client.session["_auth_user_id"]


def test_with_two_factor_the_password_alone_signs_nobody_in(client):
    from accord.core.models import AuditEvent
    from tests.users.otp import enrol

    enrol(UserFactory(username="anna", roles=["manager"]))
    client.get("/login/")
    before = client.session.session_key

    response = sign_in_password(client, next_url="/contact-persons/")

    assert response["Location"] == "/login/code/"
    assert "_auth_user_id" not in client.session
    assert client.session.session_key != before
    assert client.get("/counterparties/")["Location"].startswith("/login/")
    assert client.get("/api/v1/counterparties").status_code == 401
    assert client.get("/login/")["Location"] == "/login/code/"
    assert not AuditEvent.objects.filter(action="users.2fa.verified").exists()


def test_the_code_step_signs_in_and_goes_to_the_next_page(client, no_device_throttle):
    from accord.users.sessions import STATE_KEY, VERIFIED
    from tests.users.otp import enrol, totp_code

    key, _codes = enrol(UserFactory(username="anna", roles=["manager"]))
    sign_in_password(client, next_url="/contact-persons/")
    page = client.get("/login/code/")
    pending_key = client.session.session_key

    wrong = client.post("/login/code/", {"code": "123 456"})
    right = client.post("/login/code/", {"code": totp_code(key, steps_ahead=1)})

    assert 'autocomplete="one-time-code"' in page.content.decode()
    assert "The code is not valid." in wrong.content.decode()
    assert right.status_code == 302
    assert right["Location"] == "/contact-persons/"
    assert client.session.session_key != pending_key
    assert client.session[STATE_KEY] == VERIFIED
    assert client.get("/counterparties/").status_code == 200


def test_a_wrong_code_changes_nothing_and_is_audited(client, no_device_throttle):
    from accord.core.models import AuditEvent
    from accord.users.models import LoginAttempt
    from tests.users.otp import enrol

    enrol(UserFactory(username="anna"))
    sign_in_password(client)

    response = client.post("/login/code/", {"code": "000000"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="users.2fa.failed", object_label="anna").count() == 1
    assert LoginAttempt.objects.filter(username="anna", success=False).count() == 1


def test_a_recovery_code_signs_in_once(client, no_device_throttle):
    from tests.users.otp import enrol

    _key, codes = enrol(UserFactory(username="anna", roles=["manager"]))
    sign_in_password(client)
    assert client.post("/login/code/", {"code": codes[3]})["Location"] == "/"
    client.post("/logout/")

    sign_in_password(client)
    reused = client.post("/login/code/", {"code": codes[3]})

    assert reused.status_code == 200
    assert "The code is not valid." in reused.content.decode()
    assert "_auth_user_id" not in client.session


def test_too_many_wrong_codes_send_back_to_the_password(client, settings, no_device_throttle):
    from tests.users.otp import enrol, totp_code

    settings.ACCORD_LOGIN_MAX_PER_USER = 3
    key, _codes = enrol(UserFactory(username="anna"))
    sign_in_password(client)
    for _ in range(3):
        client.post("/login/code/", {"code": "000000"})

    response = client.post("/login/code/", {"code": totp_code(key, steps_ahead=1)})

    assert response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session
    assert "Too many sign-in attempts" in client.get("/login/").content.decode()
    assert client.get("/login/code/")["Location"] == "/login/"


def test_a_tampered_pending_marker_is_ignored(client):
    from accord.users.sessions import PENDING_KEY
    from tests.users.otp import enrol

    enrol(UserFactory(username="anna"))
    sign_in_password(client)
    session = client.session
    session[PENDING_KEY] = session[PENDING_KEY][:-2] + "xx"
    session.save()

    assert client.get("/login/code/")["Location"] == "/login/"


def test_signing_in_as_someone_else_forgets_the_pending_sign_in(client):
    from accord.users.sessions import PENDING_KEY
    from tests.users.otp import enrol

    enrol(UserFactory(username="anna"))
    sign_in_password(client)

    response = client.post("/login/cancel/")

    assert response["Location"] == "/login/"
    assert PENDING_KEY not in client.session
    assert client.get("/login/").status_code == 200


def test_a_role_requiring_two_factor_forces_enrolment_before_anything_else(client):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accord.core.models import AuditEvent
    from accord.users.models import Role
    from accord.users.sessions import SETUP_KEY
    from tests.users.otp import totp_code

    UserFactory(username="anna", roles=["manager"])
    Role.objects.filter(code="manager").update(requires_2fa=True)

    sign_in_password(client)
    assert client.get("/login/code/")["Location"] == "/login/enrol/"
    page = client.get("/login/enrol/")
    key = client.session[SETUP_KEY]
    refused = client.post("/login/enrol/", {"code": "000000"})

    assert "<svg" in page.content.decode()
    assert "The code is not valid." in refused.content.decode()
    assert not TOTPDevice.objects.exists()
    assert client.get("/counterparties/").status_code == 302

    done = client.post("/login/enrol/", {"code": totp_code(key)})

    assert done.status_code == 200
    assert done["Cache-Control"].startswith("max-age=0")
    assert len(done.context["codes"]) == 10
    assert TOTPDevice.objects.get(key=key).confirmed
    assert SETUP_KEY not in client.session
    assert client.get("/counterparties/").status_code == 200
    assert AuditEvent.objects.filter(action="users.2fa.enrolled").count() == 1


def test_sign_out_is_audited(manager_client, manager):
    from accord.core.models import AuditEvent

    manager_client.post("/logout/")

    assert AuditEvent.objects.filter(action="users.logout", actor=manager).count() == 1


def test_giving_the_password_again_does_not_reset_the_count_of_wrong_codes(
    client, settings, no_device_throttle
):
    from tests.users.otp import enrol, totp_code

    settings.ACCORD_LOGIN_MAX_PER_USER = 5
    key, _codes = enrol(UserFactory(username="anna"))
    for wrong_codes in (3, 2):
        sign_in_password(client)
        for _ in range(wrong_codes):
            client.post("/login/code/", {"code": "000000"})

    response = client.post("/login/code/", {"code": totp_code(key, steps_ahead=1)})

    assert response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session
