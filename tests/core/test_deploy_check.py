"""Production settings pass Django's deployment checklist; the demo still works on plain http."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({k: getattr(s, k) for k in ("
    "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', "
    "'SECURE_HSTS_SECONDS', 'SESSION_COOKIE_AGE', 'ACCORD_SESSION_IDLE_MINUTES')}))"
)


def environment(tmp_path: Path, **values: str) -> dict[str, str]:
    """A clean environment: nothing of the developer's shell or of the test settings leaks in."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ACCORD_DATA_DIR": str(tmp_path / "data"),
    }
    env.update(values)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def settings_under(tmp_path: Path, **values: str) -> dict[str, object]:
    result = run(["-c", SHOW], environment(tmp_path, **values))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_settings_pass_the_deployment_checklist(tmp_path):
    env = environment(
        tmp_path,
        ACCORD_DEBUG="0",
        ACCORD_HTTPS="1",
        ACCORD_HSTS_PRELOAD="1",
        ACCORD_BEHIND_PROXY="1",
        ACCORD_SECRET_KEY=secrets.token_urlsafe(50),
        ACCORD_ALLOWED_HOSTS="crm.example.ru",
        ACCORD_CSRF_TRUSTED_ORIGINS="https://crm.example.ru",
    )

    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_https_the_checklist_names_the_missing_protections(tmp_path):
    env = environment(tmp_path, ACCORD_SECRET_KEY=secrets.token_urlsafe(50))

    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr + result.stdout


def test_the_demo_on_plain_http_gets_no_secure_only_cookies(tmp_path):
    values = settings_under(tmp_path)

    assert values == {
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "SESSION_COOKIE_AGE": 12 * 3600,
        "ACCORD_SESSION_IDLE_MINUTES": 480,
    }


@pytest.mark.parametrize("debug", ["0", "1"])
def test_https_settings_follow_the_environment_but_never_with_debug(tmp_path, debug):
    values = settings_under(
        tmp_path,
        ACCORD_DEBUG=debug,
        ACCORD_HTTPS="1",
        ACCORD_SESSION_MAX_HOURS="8",
        ACCORD_SESSION_IDLE_MINUTES="30",
    )

    on = debug == "0"
    assert values["SESSION_COOKIE_SECURE"] is on
    assert values["CSRF_COOKIE_SECURE"] is on
    assert values["SECURE_SSL_REDIRECT"] is on
    assert values["SECURE_HSTS_SECONDS"] == (31_536_000 if on else 0)
    assert (values["SESSION_COOKIE_AGE"], values["ACCORD_SESSION_IDLE_MINUTES"]) == (8 * 3600, 30)
