from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accord.users.models import User
from accord.users.services import token_authenticate


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_users_add_creates_then_updates_a_user_with_roles_and_department():
    run(
        "users",
        "add",
        "anna",
        "--password",
        "Str0ng-pass-1",
        "--role",
        "manager",
        "--department",
        "Sales",
    )
    anna = User.objects.get(username="anna")
    assert anna.check_password("Str0ng-pass-1")
    assert [r.code for r in anna.roles.all()] == ["manager"]
    assert anna.department.name == "Sales"
    run("users", "add", "anna", "--password", "An0ther-pass-2", "--role", "head")
    anna.refresh_from_db()
    assert anna.check_password("An0ther-pass-2")
    assert [r.code for r in anna.roles.all()] == ["head"]
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_users_add_superuser():
    run("users", "add", "root", "--password", "Str0ng-pass-1", "--superuser")
    assert User.objects.get(username="root").is_superuser


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args",
    [
        ("users", "add", "anna", "--password", "Str0ng-pass-1", "--role", "emperor"),
        ("users", "add", "anna", "--password", "123"),
    ],
)
def test_users_add_refuses_bad_input_and_creates_nothing(args):
    with pytest.raises(CommandError):
        run(*args)
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_token_create_prints_a_working_token():
    run("users", "add", "anna", "--password", "Str0ng-pass-1", "--role", "manager")
    raw = run("token", "create", "anna").strip()
    assert token_authenticate(raw).username == "anna"
    with pytest.raises(CommandError):
        run("token", "create", "nobody")
