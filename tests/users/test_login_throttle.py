import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory, override_settings

from accord.core.models import AuditEvent
from tests.factories import UserFactory


def attempt(password, ip="10.0.0.1", username="anna"):
    request = RequestFactory().post("/login/", REMOTE_ADDR=ip)
    return authenticate(request, username=username, password=password), request


@pytest.mark.django_db
@override_settings(ACCORD_LOGIN_MAX_PER_USER=5, ACCORD_LOGIN_MAX_PER_IP=30)
def test_failures_from_one_address_are_throttled_but_the_real_user_elsewhere_is_not():
    anna = UserFactory(username="anna")
    for _ in range(20):
        attempt("wrong")
    user, request = attempt("secret-pass-123")  # right password, but throttled here
    assert user is None
    assert request.accord_login_throttled is True
    user, _request = attempt("secret-pass-123", ip="10.0.0.2")  # from her own address
    assert user == anna
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("users.login.failed") == 5
    assert actions.count("users.login.throttled") == 16
    assert actions.count("users.login.succeeded") == 1


@pytest.mark.django_db
@override_settings(ACCORD_LOGIN_MAX_PER_USER=5, ACCORD_LOGIN_MAX_PER_IP=8)
def test_one_address_trying_many_logins_is_throttled():
    UserFactory(username="boris")
    for n in range(8):
        attempt("wrong", username=f"guess{n}")
    user, request = attempt("secret-pass-123", username="boris")
    assert user is None
    assert request.accord_login_throttled is True


@pytest.mark.django_db
def test_success_clears_earlier_failures_and_no_password_reaches_the_audit_log():
    UserFactory(username="anna")
    for _ in range(4):
        attempt("wrong-password-xyz")
    assert attempt("secret-pass-123")[0] is not None
    for _ in range(4):
        attempt("wrong-password-xyz")
    assert attempt("secret-pass-123")[0] is not None  # 4 + 4 failures, never 5 in a row
    dump = str(list(AuditEvent.objects.values()))
    assert "wrong-password-xyz" not in dump
    assert "secret-pass-123" not in dump
