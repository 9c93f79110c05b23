"""No password, password hash or API token value ever reaches an audit event."""

from __future__ import annotations

import json

import pytest

from accord.core.models import AuditEvent
from accord.users import administration
from accord.users.models import ApiToken, User
from accord.users.services import token_create, user_save
from accord.users.sessions import user_password_change
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORDS = ("Str0ng-pass-9", "An0ther-pass-7", "Th1rd-pass-5", "F0urth-pass-3")


def _trail() -> str:
    rows = AuditEvent.objects.values("changes", "object_label", "actor_label", "action")
    return json.dumps(list(rows), ensure_ascii=False)


def test_user_passwords_hashes_and_tokens_never_reach_the_trail():
    boss = UserFactory(username="boss", roles=["admin"])
    user = administration.user_create(
        actor=boss,
        data={"username": "olga", "password": PASSWORDS[0], "first_name": "Olga",
              "last_name": "Ivanova", "email": "olga@example.ru", "language": "ru",
              "is_active": True},
    )  # fmt: skip
    administration.user_set_password(actor=boss, user=user, password=PASSWORDS[1])
    user.refresh_from_db()
    user_password_change(actor=user, old_password=PASSWORDS[1], new_password=PASSWORDS[2])
    user_save(actor=None, username="cli-user", password=PASSWORDS[3])
    token, raw = token_create(actor=boss, username="olga", name="integration")

    trail = _trail()
    secrets = [*PASSWORDS, raw, token.key_hash]
    secrets += list(User.objects.values_list("password", flat=True))
    assert AuditEvent.objects.count() >= 5
    for secret in secrets:
        assert secret
        assert secret not in trail
    for changes in AuditEvent.objects.values_list("changes", flat=True):
        assert not {"password", "token", "key_hash", "secret", "otp_secret"} & set(changes)
    assert ApiToken.objects.filter(pk=token.pk).exists()
