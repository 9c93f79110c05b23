"""Fixtures of the protocol tests: a node, a work folder under tmp_path, and a fake 1C."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client

from accord.exchange.models import ExchangeNode, ExchangeSession
from accord.exchange.node_services import SESSION_COOKIE, node_add_or_update, session_workdir

LOGIN = "onec"
PASSWORD = "secret-password-1"
URL = "/exchange/1c/"
NS = "urn:1C.ru:commerceml_2"
CATALOG_ID = "c0ffee00-0000-4000-8000-000000000001"


def basic(login: str = LOGIN, password: str = PASSWORD) -> str:
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()


def text(response: HttpResponse) -> str:
    return response.content.decode("utf-8")


class OneC:
    """Plays 1C against the Django test client: remembers the cookie and sessid."""

    def __init__(self, client: Client, kind: str = "catalog", url: str = URL) -> None:
        self.client = client
        self.kind = kind
        self.url = url
        self.cookie = ""
        self.sessid = ""

    def checkauth(self, login: str = LOGIN, password: str = PASSWORD) -> list[str]:
        answer = self.client.get(
            f"{self.url}?type={self.kind}&mode=checkauth",
            HTTP_AUTHORIZATION=basic(login, password),
        )
        assert answer.status_code == 200
        lines = text(answer).split("\n")
        if lines[0] == "success":
            self.cookie, self.sessid = lines[2], lines[3].removeprefix("sessid=")
        return lines

    def call(
        self, mode: str, *, body: bytes | None = None, sessid: str | None = None, **params: str
    ) -> HttpResponse:
        query: dict[str, str] = {"type": self.kind, "mode": mode, **params}
        chosen = self.sessid if sessid is None else sessid
        if chosen:
            query["sessid"] = chosen
        url = f"{self.url}?{urlencode(query)}"
        extra: dict[str, Any] = {}
        if self.cookie:
            extra["HTTP_COOKIE"] = f"{SESSION_COOKIE}={self.cookie}"
        if body is None:
            return self.client.get(url, **extra)
        return self.client.post(url, data=body, content_type="application/octet-stream", **extra)

    def lines(self, mode: str, **kwargs: Any) -> list[str]:
        answer = self.call(mode, **kwargs)
        assert answer.status_code == 200
        assert answer["Content-Type"] == "text/plain; charset=utf-8"
        return text(answer).split("\n")

    def upload(self, name: str, payload: bytes) -> list[str]:
        return self.lines("file", filename=name, body=payload)

    @property
    def session(self) -> ExchangeSession:
        return ExchangeSession.objects.select_related("node").get(cookie=self.cookie)

    @property
    def folder(self) -> Path:
        return session_workdir(self.session)


@pytest.fixture(autouse=True)
def exchange_data(settings, tmp_path) -> Iterator[Path]:
    """Exchange files under tmp_path; a clean throttle counter for every test."""
    settings.DATA_DIR = tmp_path / "data"
    cache.clear()
    yield settings.DATA_DIR
    cache.clear()


@pytest.fixture
def node(db) -> ExchangeNode:
    created, _new = node_add_or_update(name="1C Trade", login=LOGIN, password=PASSWORD)
    return created


@pytest.fixture
def onec(node) -> OneC:
    return OneC(Client())


@pytest.fixture
def authed(onec) -> OneC:
    assert onec.checkauth()[0] == "success"
    return onec


def outside_files(root: Path, folder: Path) -> list[Path]:
    """Files under `root` that are not inside the session's folder."""
    return [p for p in root.rglob("*") if p.is_file() and not p.is_relative_to(folder)]


def catalog_xml(count: int = 3) -> bytes:
    """A small full catalog (import.xml) with `count` products."""
    products = "".join(
        f"<Товар><Ид>00000000-0000-4000-8000-{i:012d}</Ид><Артикул>A-{i}</Артикул>"
        f"<Наименование>Товар {i}</Наименование>"
        '<БазоваяЕдиница Код="796" НаименованиеПолное="Штука">шт</БазоваяЕдиница></Товар>'
        for i in range(1, count + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<КоммерческаяИнформация xmlns="{NS}" ВерсияСхемы="2.07" '
        'ДатаФормирования="2024-01-02T03:04:05">'
        f"<Классификатор><Ид>{CATALOG_ID}</Ид><Наименование>Классификатор</Наименование>"
        "</Классификатор>"
        f'<Каталог СодержитТолькоИзменения="false"><Ид>{CATALOG_ID}</Ид>'
        f"<ИдКлассификатора>{CATALOG_ID}</ИдКлассификатора><Наименование>Каталог</Наименование>"
        f"<Товары>{products}</Товары></Каталог></КоммерческаяИнформация>"
    ).encode()
