import pytest

from accord.core.errors import DomainError
from accord.core.models import AuditEvent
from accord.users.models import ApiToken
from accord.users.services import token_authenticate, token_create, token_revoke
from tests.factories import UserFactory


@pytest.mark.django_db
def test_token_is_shown_once_and_only_its_hash_is_stored():
    user = UserFactory(username="anna")
    _token, raw = token_create(actor=None, username="anna", name="1C bridge")
    assert raw.startswith("acc_")
    assert len(raw) > 40
    stored = ApiToken.objects.get()
    assert raw not in (stored.key_hash, stored.prefix)
    assert stored.prefix == raw[:12]
    assert token_authenticate(raw) == user
    assert AuditEvent.objects.filter(action="users.token.created").count() == 1
    assert raw not in str(AuditEvent.objects.values_list("changes", "object_label"))


@pytest.mark.django_db
def test_revoked_token_and_inactive_user_do_not_authenticate():
    user = UserFactory(username="anna")
    token, raw = token_create(actor=None, username="anna")
    token_revoke(actor=user, token=token)
    assert token_authenticate(raw) is None
    _t2, raw2 = token_create(actor=None, username="anna")
    user.is_active = False
    user.save()
    assert token_authenticate(raw2) is None
    assert token_authenticate("acc_nonsense") is None


@pytest.mark.django_db
def test_token_for_unknown_user_is_refused():
    with pytest.raises(DomainError):
        token_create(actor=None, username="nobody")
    assert ApiToken.objects.count() == 0
