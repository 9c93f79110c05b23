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
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/counterparties/"


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
