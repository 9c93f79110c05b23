"""An administrator resets a user's two-factor sign-in when the phone and the codes are lost."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accord.core.errors import PermissionDeniedError
from accord.core.models import AuditEvent
from accord.users.errors import TwoFactorStateError
from accord.users.two_factor import two_factor_enrolled, two_factor_reset
from tests.factories import UserFactory
from tests.users.otp import enrol, verified_client

pytestmark = pytest.mark.django_db


def test_reset_removes_the_app_and_codes_and_ends_the_users_sessions(admin_user):
    anna = UserFactory(username="anna", roles=["manager"])
    enrol(anna)
    session = verified_client(anna)
    assert session.get("/counterparties/").status_code == 200

    two_factor_reset(actor=admin_user, user=anna)

    assert not two_factor_enrolled(anna)
    assert not TOTPDevice.objects.filter(user=anna).exists()
    assert not StaticDevice.objects.filter(user=anna).exists()
    assert session.get("/counterparties/").status_code == 302  # signed out
    event = AuditEvent.objects.get(action="users.2fa.reset")
    assert (event.actor, event.object_id) == (admin_user, str(anna.pk))


def test_a_manager_may_not_reset_and_nothing_changes(manager):
    anna = UserFactory(username="anna", roles=["manager"])
    enrol(anna)

    with pytest.raises(PermissionDeniedError):
        two_factor_reset(actor=manager, user=anna)

    assert two_factor_enrolled(anna)
    assert not AuditEvent.objects.filter(action="users.2fa.reset").exists()


def test_resetting_a_user_without_two_factor_is_refused(admin_user):
    anna = UserFactory(username="anna", roles=["manager"])

    with pytest.raises(TwoFactorStateError):
        two_factor_reset(actor=admin_user, user=anna)

    assert not AuditEvent.objects.filter(action="users.2fa.reset").exists()


def test_the_user_page_offers_the_reset_and_performs_it(admin_user):
    anna = UserFactory(username="anna", roles=["manager"])
    enrol(anna)
    admin = Client()
    admin.force_login(admin_user)
    page = reverse("web:settings_user_edit", args=[anna.pk])

    assert "two-factor-reset-form" in admin.get(page).content.decode()
    answer = admin.post(reverse("web:settings_user_two_factor_reset", args=[anna.pk]))

    assert answer.status_code == 302
    assert not two_factor_enrolled(anna)
