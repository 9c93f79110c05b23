"""A real Chromium (the system one) driven by Playwright against pytest-django's live server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser(monkeypatch) -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("the system Chromium (/usr/bin/chromium) is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself (factories, asserts) are still synchronous and safe here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
        # Inside Playwright's sync API the test's ORM calls run in a greenlet with its own
        # context, hence its own database connection: close it, or the test database cannot
        # be dropped at the end of the session.
        connections.close_all()


@pytest.fixture
def new_page(browser):
    """Open a page in a fresh browser context (own cookies) with the given locale."""
    contexts = []

    def open_page(locale: str = "en-US"):
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale=locale)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


PASSWORD = "secret-pass-123"  # the password UserFactory gives every user


def sign_in(page, base_url: str, username: str) -> None:
    """Sign in through the login form and wait for the landing page (the start page)."""
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"^[^?]*/$"))
    page.wait_for_selector("#widget-today, .widgets")
