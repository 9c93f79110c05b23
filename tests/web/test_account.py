"""The account page: two-factor authentication, password change and API tokens."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accord.core.models import AuditEvent
from accord.users.models import ApiToken, Role
from accord.users.services import token_create
from accord.users.sessions import SETUP_KEY, STATE_KEY, VERIFIED
from tests.users.otp import enrol, totp_code, verified_client

pytestmark = pytest.mark.django_db


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


def test_the_account_page_needs_a_signed_in_user(client):
    assert client.get("/account/")["Location"].startswith("/login/")


def test_the_user_menu_links_to_the_account(manager_client):
    html = manager_client.get("/counterparties/").content.decode()

    assert 'href="/account/"' in html


def test_the_account_page_shows_its_sections_within_a_query_budget(
    manager_client, manager, django_assert_max_num_queries
):
    for n in range(3):
        token_create(actor=manager, username=manager.username, name=f"nightly job {n}")

    with django_assert_max_num_queries(8):
        response = manager_client.get("/account/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Two-factor authentication" in html
    assert "API tokens" in html
    assert html.count("nightly job ") == 3


# ---------------------------------------------------------------- two-factor authentication


def test_enrolment_shows_a_qr_code_and_the_secret_and_needs_a_current_code(manager_client, manager):
    page = manager_client.get("/account/two-factor/enrol/")
    key = manager_client.session[SETUP_KEY]

    refused = manager_client.post("/account/two-factor/enrol/", {"code": "999999x"})

    html = page.content.decode()
    assert "<svg" in html
    assert 'class="qr-code"' in html
    assert page.context["secret"].replace(" ", "") in html.replace(" ", "")
    assert refused.status_code == 200
    assert "The code is not valid." in refused.content.decode()
    assert not TOTPDevice.objects.exists()
    assert actions() == []
    assert manager_client.session[SETUP_KEY] == key  # the same app can try again

    done = manager_client.post("/account/two-factor/enrol/", {"code": totp_code(key)})

    codes = done.context["codes"]
    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]
    assert all(f"{c[:4]}-{c[4:]}" in done.content.decode() for c in codes)
    assert TOTPDevice.objects.get(user=manager).confirmed
    assert manager_client.session[STATE_KEY] == VERIFIED  # this session passed a code
    assert SETUP_KEY not in manager_client.session
    assert actions() == ["users.2fa.enrolled"]
    after = manager_client.get("/account/").content.decode()
    assert codes[0] not in after
    assert "10 recovery codes left" in after


def test_regenerating_recovery_codes_shows_new_ones_once(manager):
    _key, old = enrol(manager)
    client = verified_client(manager)

    assert client.get("/account/two-factor/recovery-codes/").status_code == 405
    response = client.post("/account/two-factor/recovery-codes/")

    new = response.context["codes"]
    assert not set(new) & set(old)
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(new)
    assert "no-store" in response["Cache-Control"]
    assert actions()[-1] == "users.2fa.recovery_regenerated"


def test_turning_off_with_a_wrong_password_changes_nothing(manager):
    enrol(manager)
    client = verified_client(manager)
    before = actions()

    response = client.post("/account/two-factor/disable/", {"password": "wrong"})

    assert response.status_code == 400
    assert "The password is not correct." in response.content.decode()
    assert TOTPDevice.objects.filter(user=manager).exists()
    assert actions() == before


def test_turning_off_with_the_password(manager):
    enrol(manager)
    client = verified_client(manager)

    response = client.post("/account/two-factor/disable/", {"password": "secret-pass-123"})

    assert response["Location"] == "/account/"
    assert not TOTPDevice.objects.exists()
    assert not StaticToken.objects.exists()
    assert actions()[-1] == "users.2fa.disabled"
    assert client.get("/counterparties/").status_code == 200


def test_turning_off_is_refused_when_the_role_requires_two_factor(manager):
    enrol(manager)
    Role.objects.filter(code="manager").update(requires_2fa=True)
    client = verified_client(manager)
    before = actions()

    page = client.get("/account/").content.decode()
    response = client.post("/account/two-factor/disable/", {"password": "secret-pass-123"})

    assert "Turn off two-factor authentication" not in page
    assert response.status_code == 400
    assert "cannot be turned off" in response.content.decode()
    assert TOTPDevice.objects.filter(user=manager).exists()
    assert actions() == before


# ---------------------------------------------------------------- password


def test_changing_the_password_keeps_this_session_and_ends_the_others(manager, manager_client):
    laptop = Client()
    laptop.force_login(manager)

    response = manager_client.post(
        "/account/password/",
        {
            "old_password": "secret-pass-123",
            "new_password1": "Another-long-pass-7",
            "new_password2": "Another-long-pass-7",
        },
    )

    manager.refresh_from_db()
    assert response["Location"] == "/account/"
    assert manager.check_password("Another-long-pass-7")
    assert manager_client.get("/counterparties/").status_code == 200
    assert laptop.get("/counterparties/").status_code == 302
    assert actions() == ["users.password.changed"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"old_password": "wrong", "new_password1": "Another-7!", "new_password2": "Another-7!"},
            "The password is not correct.",
        ),
        (
            {
                "old_password": "secret-pass-123",
                "new_password1": "Another-7!",
                "new_password2": "Different-7!",
            },
            "The two passwords do not match.",
        ),
        (
            {"old_password": "secret-pass-123", "new_password1": "short", "new_password2": "short"},
            "This password is too short.",
        ),
    ],
)
def test_a_refused_password_change_changes_nothing(manager, manager_client, data, message):
    before = (manager.password, manager.session_generation)

    response = manager_client.post("/account/password/", data)

    manager.refresh_from_db()
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (manager.password, manager.session_generation) == before
    assert actions() == []


# ---------------------------------------------------------------- API tokens


def test_a_new_token_is_shown_once_and_works_for_the_api(manager, manager_client):
    response = manager_client.post("/account/tokens/", {"name": "1C exchange"})

    raw = response.context["raw"]
    token = ApiToken.objects.get(user=manager)
    assert response.status_code == 200
    assert raw in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert (token.name, token.prefix) == ("1C exchange", raw[:12])
    listing = manager_client.get("/account/").content.decode()
    assert "1C exchange" in listing
    assert token.prefix in listing
    assert raw not in listing
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/counterparties").status_code == 200
    assert actions() == ["users.token.created"]


def test_a_token_needs_a_name(manager_client):
    response = manager_client.post("/account/tokens/", {"name": "  "})

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_revoking_a_token(manager, manager_client):
    token, raw = token_create(actor=manager, username=manager.username, name="script")

    assert manager_client.get(f"/account/tokens/{token.pk}/revoke/").status_code == 405
    response = manager_client.post(f"/account/tokens/{token.pk}/revoke/")

    token.refresh_from_db()
    assert response["Location"] == "/account/"
    assert token.revoked_at is not None
    assert (
        Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/counterparties").status_code == 401
    )
    assert actions()[-1] == "users.token.revoked"
    manager_client.post(f"/account/tokens/{token.pk}/revoke/")
    assert actions().count("users.token.revoked") == 1


def test_another_users_token_is_not_found(manager_client, other_manager):
    theirs, _raw = token_create(actor=other_manager, username=other_manager.username, name="theirs")
    before = actions()

    response = manager_client.post(f"/account/tokens/{theirs.pk}/revoke/")

    theirs.refresh_from_db()
    assert response.status_code == 404
    assert theirs.revoked_at is None
    assert "theirs" not in manager_client.get("/account/").content.decode()
    assert actions() == before


def test_an_unverified_session_cannot_reach_the_account(manager):
    enrol(manager)
    client = Client()
    client.force_login(manager)

    assert client.get("/account/").status_code == 302
    assert client.post("/account/tokens/", {"name": "sneaky"}).status_code == 302
    assert not ApiToken.objects.exists()
