"""Session rules: ending every session, idle and absolute timeouts, the owed second step."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from accord.core.errors import ValidationFailedError
from accord.core.models import AuditEvent
from accord.users.errors import WrongPasswordError
from accord.users.models import Role
from accord.users.sessions import (
    EXEMPT,
    PENDING_KEY,
    SEEN_KEY,
    SIGNED_IN_KEY,
    STATE_KEY,
    user_password_change,
)
from tests.factories import UserFactory
from tests.users.otp import enrol, verified_client

pytestmark = pytest.mark.django_db
PAGE = "/counterparties/"
API = "/api/v1/counterparties"


def signed_in(client: Client) -> bool:
    return client.get(PAGE).status_code == 200


def set_session(client: Client, **values: object) -> None:
    session = client.session
    for key, value in values.items():
        session[key] = value
    session.save()


def test_a_session_is_exempt_when_no_second_step_is_due(manager_client):
    assert manager_client.session[STATE_KEY] == EXEMPT
    assert signed_in(manager_client)


def test_signing_out_ends_every_session_of_the_user(manager, manager_client):
    laptop = Client()
    laptop.force_login(manager)
    other = UserFactory(username="other", roles=["manager"])
    bystander = Client()
    bystander.force_login(other)

    manager_client.post("/logout/")

    assert not signed_in(manager_client)
    assert not signed_in(laptop)
    assert signed_in(bystander)
    event = AuditEvent.objects.get(action="users.logout")
    assert event.actor == manager


def test_a_password_change_needs_the_old_password_and_changes_nothing_otherwise(manager):
    before = (manager.password, manager.session_generation)

    with pytest.raises(WrongPasswordError) as wrong:
        user_password_change(actor=manager, old_password="wrong", new_password="N3w-long-pass!")
    with pytest.raises(ValidationFailedError) as weak:
        user_password_change(actor=manager, old_password="secret-pass-123", new_password="123")

    manager.refresh_from_db()
    assert wrong.value.fields == {"old_password": ["The password is not correct."]}
    assert "new_password1" in weak.value.fields
    assert (manager.password, manager.session_generation) == before
    assert not AuditEvent.objects.exists()


def test_a_password_change_ends_other_sessions_and_is_audited_without_the_password(manager):
    laptop = Client()
    laptop.force_login(manager)

    user_password_change(
        actor=manager, old_password="secret-pass-123", new_password="N3w-long-pass!"
    )

    manager.refresh_from_db()
    assert manager.check_password("N3w-long-pass!")
    assert manager.session_generation == 1
    assert not signed_in(laptop)
    event = AuditEvent.objects.get(action="users.password.changed")
    assert "N3w-long-pass!" not in str(event.changes)
    assert "secret-pass-123" not in str(event.changes)


def test_an_idle_session_ends(manager_client, settings):
    settings.ACCORD_SESSION_IDLE_MINUTES = 30
    set_session(manager_client, **{SEEN_KEY: int(time.time()) - 31 * 60})

    response = manager_client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert "_auth_user_id" not in manager_client.session


def test_activity_keeps_a_session_alive_and_is_written_at_most_once_a_minute(
    manager_client, settings
):
    settings.ACCORD_SESSION_IDLE_MINUTES = 30
    recent = int(time.time()) - 20
    set_session(manager_client, **{SEEN_KEY: recent})
    assert signed_in(manager_client)
    assert manager_client.session[SEEN_KEY] == recent  # not rewritten within the minute

    stale = int(time.time()) - 29 * 60
    set_session(manager_client, **{SEEN_KEY: stale})
    assert signed_in(manager_client)
    assert manager_client.session[SEEN_KEY] >= int(time.time()) - 2


def test_a_session_ends_at_its_absolute_age_even_when_active(manager_client, settings):
    settings.ACCORD_SESSION_MAX_HOURS = 12
    set_session(manager_client, **{SIGNED_IN_KEY: int(time.time()) - 12 * 3600 - 5})

    assert not signed_in(manager_client)


def test_a_session_from_before_these_rules_is_not_trusted(manager_client):
    session = manager_client.session
    for key in (SIGNED_IN_KEY, SEEN_KEY, STATE_KEY):
        del session[key]
    session.save()

    assert not signed_in(manager_client)


def test_a_session_that_owes_a_code_is_not_signed_in_for_pages_or_the_api(manager):
    enrol(manager)
    client = Client()
    client.force_login(manager)  # a login() that skipped the code step

    assert STATE_KEY not in client.session
    page = client.get(PAGE)
    assert page.status_code == 302
    assert page["Location"].startswith("/login/")
    assert "_auth_user_id" not in client.session
    assert PENDING_KEY in client.session  # the web asks for the code next
    assert client.get("/login/")["Location"] == "/login/code/"

    api = Client()
    api.force_login(manager)
    assert api.get(API).status_code == 401


def test_a_verified_session_uses_pages_and_the_api(manager):
    enrol(manager)
    client = verified_client(manager)

    assert signed_in(client)
    assert client.get(API).status_code == 200


def test_a_role_that_starts_requiring_two_factor_stops_existing_sessions(manager_client):
    Role.objects.filter(code="manager").update(requires_2fa=True)
    assert signed_in(manager_client)  # checked when the activity mark is next written

    set_session(manager_client, **{SEEN_KEY: int(time.time()) - 61})
    response = manager_client.get(PAGE)

    assert response.status_code == 302
    assert manager_client.get("/login/code/")["Location"] == "/login/enrol/"


def test_the_session_hash_changes_with_the_generation(manager):
    first = manager.get_session_auth_hash()
    manager.session_generation += 1

    assert manager.get_session_auth_hash() != first
