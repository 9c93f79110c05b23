"""The replies of 1C's exchange protocol, as bytes: plain text lines, the orders XML, info.

1C reads the first line, trimmed and lower-cased, as the status (`success`, `progress`,
`failure`) and logs the second as the reason. Replies are UTF-8 without a BOM, lines end
with a bare LF, there is no trailing LF (UT 11.5 counts the lines of `init`), and the HTTP
status is 200 even for a failure, except the 401 that asks for Basic credentials.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

TEXT = "text/plain; charset=utf-8"
BOM = b"\xef\xbb\xbf"
REALM = "1C exchange"

# What 1C shows its user, worded as Bitrix words it (1C's users search for these texts).
AUTH_FAILED = "Ошибка авторизации. Неверное имя пользователя или пароль."
AUTH_NEEDED = "Ошибка авторизации. Требуется имя пользователя и пароль."
AUTH_THROTTLED = "Ошибка авторизации. Слишком много неудачных попыток, повторите позже."
NO_SESSION = "Ошибка авторизации. Выполните вход заново (checkauth)."
SESSION_CLOSED = "Ошибка авторизации. Сессия обмена закрыта новым входом (checkauth)."
SESSION_OTHER_KIND = "Ошибка авторизации. Сессия открыта для другого типа обмена."
NODE_DISABLED = "У Вас нет прав для обмена. Узел обмена отключен."
BAD_SESSID = "Ошибка проверки источника запроса. Обновите модуль обмена."
UNKNOWN_COMMAND = "Неизвестная команда."
NO_FILENAME = "Не указано имя файла."
UNPACKED = "Распаковка архива завершена."
UNPACK_FAILED = "Ошибка распаковки архива."
NESTED_ARCHIVE = "Вложенные архивы не распаковываются."
WORKING = "Идет загрузка данных."
INTERNAL_ERROR = "Внутренняя ошибка сервера, подробности в журнале Accord."


@dataclass(frozen=True)
class Reply:
    """What the endpoint answers; the view turns it into an HttpResponse as it is."""

    body: bytes
    content_type: str = TEXT
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


def _line(text: str) -> str:
    """One line of a reply: 1C splits on LF, so a message never carries one."""
    return " ".join(str(text).replace("\r", " ").split("\n")).strip()


def lines(*items: str) -> Reply:
    """Text lines joined by LF, without a trailing LF."""
    return Reply("\n".join(_line(item) for item in items).encode("utf-8"))


def success(*details: str) -> Reply:
    return lines("success", *details)


def progress(detail: str) -> Reply:
    return lines("progress", detail or WORKING)


def failure(reason: str) -> Reply:
    return lines("failure", reason)


def challenge() -> Reply:
    """401 with a Basic challenge: 1C (like a browser) retries with its credentials."""
    return Reply(
        lines("failure", AUTH_NEEDED).body,
        status=401,
        headers={"WWW-Authenticate": f'Basic realm="{REALM}", charset="UTF-8"'},
    )


def xml(body: bytes, encoding: str) -> Reply:
    """An XML document as is. UT 11.5 checks that it starts with `<?xml`, so no BOM."""
    if body.startswith(BOM):
        body = body[len(BOM) :]
    return Reply(body, content_type=f"application/xml; charset={encoding}")


def statuses_directory(statuses: Iterable[tuple[str, str]]) -> Reply:
    """`mode=info`: the directory of order statuses (Bitrix's format), UTF-8.

    Bitrix's language file spells the container `Cтатусы` with a Latin C (docs §2.3). We
    write the element name correctly in Cyrillic, `Статусы`: the typo is an accident of one
    lang file, no 1C module was found to depend on it, and a reader written against the
    documented name expects the Cyrillic spelling.
    """
    items = "".join(
        f"<Элемент><Ид>{escape(code)}</Ид><Название>{escape(name)}</Название></Элемент>"
        for code, name in statuses
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<Справочник><Статусы>{items}</Статусы>"
        "<ПлатежныеСистемы></ПлатежныеСистемы><СлужбыДоставки></СлужбыДоставки></Справочник>"
    )
    return xml(document.encode("utf-8"), "utf-8")
