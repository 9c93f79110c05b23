import pytest
from django.test import override_settings

from tests.factories import UserFactory


@pytest.mark.django_db
@override_settings(LANGUAGE_CODE="ru")
def test_russian_is_the_default_whatever_the_browser_asks(client):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "ru"
    client.force_login(UserFactory(roles=["manager"]))
    assert client.get("/counterparties/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "ru"


@pytest.mark.django_db
@override_settings(LANGUAGE_CODE="ru")
def test_the_users_own_choice_wins_then_the_cookie(client):
    client.cookies["django_language"] = "en"
    assert client.get("/login/")["Content-Language"] == "en"
    client.force_login(UserFactory(roles=["manager"], language="ru"))
    assert client.get("/counterparties/")["Content-Language"] == "ru"
