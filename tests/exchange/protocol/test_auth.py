"""checkauth, the session cookie, sessid, unknown commands (docs/1c-exchange.md §2.1, §2.5)."""

from __future__ import annotations

import base64
import re

import pytest
from django.test import Client

from accord.exchange.models import ExchangeRun, ExchangeSession
from accord.exchange.node_services import SESSION_COOKIE
from accord.exchange.protocols import commands
from tests.exchange.protocol.conftest import LOGIN, PASSWORD, URL, OneC, basic, text

pytestmark = pytest.mark.django_db

AUTH_FAILED = "failure\nОшибка авторизации. Неверное имя пользователя или пароль."
BAD_SESSID = "failure\nОшибка проверки источника запроса. Обновите модуль обмена."


def test_checkauth_with_preemptive_basic_auth_opens_a_session(onec):
    lines = onec.checkauth()

    assert lines[0] == "success"
    assert lines[1] == SESSION_COOKIE == "ACCORD_1C"
    session = ExchangeSession.objects.get(cookie=lines[2])
    assert lines[3] == f"sessid={session.sessid}"
    assert re.fullmatch(r"timestamp=\d{10}", lines[4])
    assert len(lines) == 5  # no trailing LF
    assert session.kind == "catalog"
    assert session.node.login == LOGIN


def test_checkauth_without_credentials_is_challenged_with_401():
    answer = Client().get(f"{URL}?type=catalog&mode=checkauth")

    assert answer.status_code == 401
    assert answer["WWW-Authenticate"].startswith('Basic realm="1C exchange"')
    assert text(answer).startswith("failure\n")
    assert not ExchangeSession.objects.exists()


@pytest.mark.parametrize("header", ["HTTP_AUTHORIZATION", "REDIRECT_HTTP_AUTHORIZATION"])
def test_checkauth_reads_the_header_where_cgi_leaves_it(node, header):
    answer = Client().get(f"{URL}?type=sale&mode=checkauth", **{header: basic()})

    assert text(answer).startswith("success\nACCORD_1C\n")
    assert ExchangeSession.objects.get().kind == "sale"


@pytest.mark.parametrize("url", ["/bitrix/admin/1c_exchange.php", "/exchange/1c"])
def test_the_other_addresses_are_the_same_endpoint(node, url):
    onec = OneC(Client(), url=url)

    assert onec.checkauth()[0] == "success"
    assert onec.upload("import.xml", b"<?xml version='1.0'?><a/>") == ["success"]


def test_wrong_password_is_refused_with_http_200(onec, caplog):
    lines = onec.checkauth(password="wrong-password")

    assert "\n".join(lines) == AUTH_FAILED
    assert not ExchangeSession.objects.exists()
    assert "checkauth refused" in caplog.text
    assert "wrong-password" not in caplog.text


def test_unknown_login_and_garbage_headers_are_refused(node):
    client = Client()
    for header in (
        basic("nobody", PASSWORD),
        "Basic !!!",
        "Basic " + base64.b64encode(b"x").decode(),
    ):
        answer = client.get(f"{URL}?type=catalog&mode=checkauth", HTTP_AUTHORIZATION=header)
        assert answer.status_code in (200, 401)
        assert text(answer).startswith("failure\n")
    assert not ExchangeSession.objects.exists()


def test_brute_force_is_throttled_per_address(onec):
    for _attempt in range(commands.AUTH_FAILURES_ALLOWED):
        assert onec.checkauth(password="wrong-password")[0] == "failure"

    lines = onec.checkauth()  # the right password, too late

    assert lines[0] == "failure"
    assert "Слишком много" in lines[1]
    assert not ExchangeSession.objects.exists()


def test_disabled_node_cannot_sign_in_nor_continue(onec, node):
    onec.checkauth()
    node.enabled = False
    node.save()

    assert onec.lines("init")[0] == "failure"
    assert onec.checkauth()[0] == "failure"


def test_second_checkauth_replaces_the_first_session(onec):
    onec.checkauth()
    first = OneC(onec.client)
    first.cookie, first.sessid = onec.cookie, onec.sessid

    onec.checkauth()

    assert onec.cookie != first.cookie
    assert ExchangeSession.objects.get(cookie=first.cookie).closed
    assert first.lines("init") == [
        "failure",
        "Ошибка авторизации. Сессия обмена закрыта новым входом (checkauth).",
    ]
    assert onec.lines("init")[0] == "zip=yes"


def test_calls_without_the_cookie_are_refused(onec, node):
    onec.checkauth()
    onec.cookie = ""

    for mode in ("init", "import", "deactivate", "complete"):
        assert onec.lines(mode, filename="import.xml")[0] == "failure"
    assert onec.lines("file", filename="import.xml", body=b"<?xml?>")[0] == "failure"
    assert not list(node.sessions.get().runs.all())


def test_unknown_cookie_is_refused(authed):
    authed.cookie = "0" * 48

    assert authed.lines("init")[0] == "failure"


def test_a_session_is_bound_to_its_type(authed):
    authed.kind = "sale"

    assert authed.lines("query")[0] == "failure"


def test_sessid_once_seen_is_required(authed):
    assert authed.lines("init")[0] == "zip=yes"  # with sessid: the session is now strict

    assert "\n".join(authed.lines("init", sessid="wrong")) == BAD_SESSID
    assert "\n".join(authed.lines("init", sessid="чужой")) == BAD_SESSID
    authed.sessid = ""
    assert "\n".join(authed.lines("init")) == BAD_SESSID
    assert authed.session.sessid_required


def test_sessid_is_optional_until_seen_and_a_wrong_one_is_always_refused(authed):
    good = authed.sessid
    authed.sessid = ""

    assert authed.lines("init")[0] == "zip=yes"
    assert "\n".join(authed.lines("init", sessid="wrong")) == BAD_SESSID
    assert not authed.session.sessid_required
    assert authed.lines("init", sessid=good)[0] == "zip=yes"
    assert authed.session.sessid_required


def test_sessid_from_the_bitrix_header_and_from_a_form_field(authed):
    good = authed.sessid
    authed.sessid = ""
    cookie = f"{SESSION_COOKIE}={authed.cookie}"
    client = authed.client

    by_header = client.get(
        f"{URL}?type=catalog&mode=init", HTTP_COOKIE=cookie, HTTP_X_BITRIX_CSRF_TOKEN=good
    )
    by_form = client.post(
        URL, {"type": "catalog", "mode": "init", "sessid": good}, HTTP_COOKIE=cookie
    )
    wrong_form = client.post(
        URL, {"type": "catalog", "mode": "init", "sessid": "bad"}, HTTP_COOKIE=cookie
    )

    assert text(by_header).startswith("zip=")
    assert text(by_form).startswith("zip=")
    assert text(wrong_form) == BAD_SESSID


def test_every_call_updates_last_seen(authed):
    before = authed.session.last_seen_at

    authed.lines("init")

    assert authed.session.last_seen_at > before


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?type=catalog",
        "?type=catalog&mode=explode",
        "?type=stock&mode=init",
        "?type=catalog&mode=query",
        "?type=sale&mode=deactivate",
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_unknown_commands_fail_and_change_nothing(authed, query, method, tmp_path):
    files_before = sorted(tmp_path.rglob("*"))
    sessions = list(ExchangeSession.objects.values())

    answer = getattr(authed.client, method)(
        URL + query, HTTP_COOKIE=f"{SESSION_COOKIE}={authed.cookie}"
    )

    assert answer.status_code == 200
    assert text(answer) == "failure\nНеизвестная команда."
    assert answer["Content-Type"] == "text/plain; charset=utf-8"
    assert list(ExchangeSession.objects.values()) == sessions
    assert not ExchangeRun.objects.exists()
    assert sorted(tmp_path.rglob("*")) == files_before


def test_get_without_parameters_changes_nothing(node, tmp_path):
    answer = Client().get(URL)

    assert answer.status_code == 200
    assert answer.content == "failure\nНеизвестная команда.".encode()
    assert not answer.content.startswith(b"\xef\xbb\xbf")
    assert not ExchangeSession.objects.exists()
    assert not (tmp_path / "data" / "exchange").exists()
