"""The state machine of 1C's exchange protocol: one function per `mode`.

The view parses the HTTP request into an `ExchangeRequest` and renders the `Reply` this
module answers; everything the protocol decides happens here (docs/1c-exchange.md §2.5):

- `checkauth` checks HTTP Basic credentials and opens a session (cookie + sessid);
- every other call needs the session's cookie, and its sessid once 1C has sent one;
- `init` empties the session's work folder, `file` appends, `import` unpacks archives and
  then reports the background run of the file, polled until it is over;
- `query`/`success` hand orders to 1C, `deactivate`/`complete` end a full catalog pass.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.core.cache import cache
from django.utils import timezone, translation

from accord.exchange.models import AnswerVersion, ExchangeRun, ExchangeSession, RunStatus
from accord.exchange.node_services import (
    SESSION_COOKIE,
    node_authenticate,
    session_find,
    session_open,
    session_wipe,
    session_workdir,
)
from accord.exchange.order_services import orders_ack, orders_query
from accord.exchange.protocols import replies, workdir
from accord.exchange.protocols.replies import Reply
from accord.exchange.run_services import full_pass_finish, import_request
from accord.sales.models import OrderStatus

logger = logging.getLogger(__name__)

MODES: dict[str, frozenset[str]] = {
    "catalog": frozenset({"checkauth", "init", "file", "import", "deactivate", "complete"}),
    "sale": frozenset({"checkauth", "init", "file", "import", "query", "success", "info"}),
}
AUTH_FAILURES_ALLOWED = 10  # per client address, in ...
AUTH_FAILURE_WINDOW = 15 * 60  # ... seconds; then refused without checking the password
ANSWER_VERSION = "2.09"  # what Bitrix answers to an `init` that carries `version=`


@dataclass(frozen=True)
class ExchangeRequest:
    """One call of 1C, as the protocol sees it (the view fills it from the HTTP request)."""

    kind: str  # `type`
    mode: str
    params: Mapping[str, str] = field(default_factory=dict)
    cookie: str = ""  # the value of our session cookie
    sessid: str | None = None  # from the query, the form or X-Bitrix-Csrf-Token
    authorization: str = ""  # the Authorization header
    client_ip: str = ""
    read: Callable[[int], bytes] = lambda _size: b""  # the raw body, read in chunks

    @property
    def filename(self) -> str:
        return self.params.get("filename", "")


Handler = Callable[[ExchangeRequest, ExchangeSession], Reply]


def handle(request: ExchangeRequest) -> Reply:
    """Answer one call of 1C."""
    if request.kind not in MODES or request.mode not in MODES[request.kind]:
        logger.info("1C exchange: unknown command type=%r mode=%r", request.kind, request.mode)
        return replies.failure(replies.UNKNOWN_COMMAND)
    if request.mode == "checkauth":
        return checkauth(request)
    session = _session(request)
    if isinstance(session, Reply):
        return session  # refused
    logger.info(
        "1C exchange: %s.%s filename=%r node=%s session=%s",
        request.kind,
        request.mode,
        request.filename,
        session.node.name,
        session.pk,
    )
    return HANDLERS[request.mode](request, session)


# ---------------------------------------------------------------- authentication


def _credentials(header: str) -> tuple[str, str] | None:
    scheme, _sep, value = header.strip().partition(" ")
    if scheme.lower() != "basic" or not value.strip():
        return None
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1251", "replace")  # older 1C platforms send the ANSI code page
    login, sep, password = text.partition(":")
    return (login, password) if sep else None


def _throttle_key(ip: str) -> str:
    return f"exchange:1c:auth-failures:{ip or '-'}"


def _failed_login(ip: str, login: str) -> None:
    key = _throttle_key(ip)
    cache.add(key, 0, timeout=AUTH_FAILURE_WINDOW)  # the window starts at the first failure
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=AUTH_FAILURE_WINDOW)
    logger.warning("1C exchange: checkauth refused for login %r from %s", login, ip or "-")


def checkauth(request: ExchangeRequest) -> Reply:
    """Check Basic credentials; open a session (closing the node's previous one)."""
    credentials = _credentials(request.authorization)
    if credentials is None:
        return replies.challenge()
    login, password = credentials
    if int(cache.get(_throttle_key(request.client_ip), 0)) >= AUTH_FAILURES_ALLOWED:
        logger.warning(
            "1C exchange: checkauth throttled for login %r from %s", login, request.client_ip
        )
        return replies.failure(replies.AUTH_THROTTLED)
    node = node_authenticate(login, password)
    if node is None:
        _failed_login(request.client_ip, login)
        return replies.failure(replies.AUTH_FAILED)
    session = session_open(node, request.kind)
    logger.info("1C exchange: %s.checkauth node=%s session=%s", request.kind, node.name, session.pk)
    return replies.success(
        SESSION_COOKIE,
        session.cookie,
        f"sessid={session.sessid}",
        f"timestamp={int(session.started_at.timestamp())}",
    )


def _session(request: ExchangeRequest) -> ExchangeSession | Reply:
    """The session of the call, or the refusal to answer."""
    session = session_find(request.cookie)
    if session is None:
        return replies.failure(replies.NO_SESSION)
    if session.kind != request.kind:
        return replies.failure(replies.SESSION_OTHER_KIND)
    if not session.node.enabled:
        return replies.failure(replies.NODE_DISABLED)
    if session.closed and not _polls_own_run(request, session):
        return replies.failure(replies.SESSION_CLOSED)
    if request.sessid is not None and not _same(request.sessid, session.sessid):
        return replies.failure(replies.BAD_SESSID)
    if request.sessid is None and session.sessid_required:
        return replies.failure(replies.BAD_SESSID)
    changes: dict[str, object] = {"last_seen_at": timezone.now()}
    if request.sessid is not None and not session.sessid_required:
        changes["sessid_required"] = session.sessid_required = True
    ExchangeSession.objects.filter(pk=session.pk).update(**changes)
    return session


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _polls_own_run(request: ExchangeRequest, session: ExchangeSession) -> bool:
    """A session closed by a newer checkauth still reports the runs it started."""
    if request.mode != "import":
        return False
    try:
        name = workdir.clean_name(request.filename)
    except workdir.UnsafeNameError:
        return False
    return ExchangeRun.objects.filter(session=session, filename=name[:255]).exists()


# ---------------------------------------------------------------- files


def init(request: ExchangeRequest, session: ExchangeSession) -> Reply:
    """Empty the work folder; answer exactly `zip=…` and `file_limit=…` (two lines)."""
    session_wipe(session)
    node = session.node
    answer = [f"zip={'yes' if node.zip_allowed else 'no'}", f"file_limit={node.file_limit}"]
    if request.params.get("version"):  # the 1C-Bitrix module: Bitrix adds these two lines
        answer += [f"sessid={session.sessid}", f"version={ANSWER_VERSION}"]
    return replies.lines(*answer)


def file(request: ExchangeRequest, session: ExchangeSession) -> Reply:
    """Append the body to the named file of the work folder (1C sends big files in parts)."""
    try:
        name = workdir.clean_name(request.filename)
        added = workdir.append_upload(session_workdir(session), name, request.read)
    except (workdir.UnsafeNameError, workdir.UploadError) as exc:
        logger.warning("1C exchange: file %r refused: %s", request.filename, exc)
        return replies.failure(str(exc))
    logger.info("1C exchange: %d bytes appended to %s", added, name)
    return replies.success()


def import_(request: ExchangeRequest, session: ExchangeSession) -> Reply:
    """Unpack uploaded archives (one call), then report the run of the named file."""
    try:
        name = workdir.clean_name(request.filename)
    except workdir.UnsafeNameError as exc:
        return replies.failure(str(exc))
    folder = session_workdir(session)
    if not session.closed:
        archives = workdir.pending_archives(folder)
        if archives:
            return _unpack(session, folder, archives)
        target = folder / name
        if target.is_file() and workdir.is_archive_file(target):
            return replies.failure(f"{replies.NESTED_ARCHIVE} ({name})")
    run = import_request(session=session, filename=name, folder=folder)
    if run is None:
        return replies.failure(f"Файл {name} не найден.")
    if run.status == RunStatus.DONE:
        return replies.success(run.step)
    if run.status == RunStatus.FAILED:
        return replies.failure(run.error or run.step)
    return replies.progress(run.step)


def _unpack(session: ExchangeSession, folder: Path, archives: list[Path]) -> Reply:
    files = 0
    for archive in archives:
        try:
            files += workdir.unpack(folder, archive)
        except workdir.ArchiveError as exc:
            logger.warning("1C exchange: archive %s refused: %s", archive.name, exc)
            session_wipe(session)
            return replies.failure(f"{replies.UNPACK_FAILED} {exc}")
    logger.info("1C exchange: %d archive(s) unpacked, %d files", len(archives), files)
    return replies.progress(replies.UNPACKED)


# ---------------------------------------------------------------- orders


def query(request: ExchangeRequest, session: ExchangeSession) -> Reply:
    """The orders document for 1C, as is (it must start with `<?xml`)."""
    asked = request.params.get("version", "")
    version = asked if asked in AnswerVersion.values else ""  # else the node's own choice
    body, encoding = orders_query(session, version=version)
    return replies.xml(body, encoding)


def success(request: ExchangeRequest, session: ExchangeSession) -> Reply:
    """1C has loaded the orders of the last `query`: they count as exported now."""
    acknowledged = orders_ack(session)
    logger.info("1C exchange: %d orders acknowledged by %s", acknowledged, session.node.name)
    return replies.success()


def info(request: ExchangeRequest, session: ExchangeSession) -> Reply:
    """The directory of Accord's order statuses (Ид = code, Название in Russian)."""
    with translation.override("ru"):
        statuses = [(str(value), str(label)) for value, label in OrderStatus.choices]
    return replies.statuses_directory(statuses)


# ---------------------------------------------------------------- end of a full pass


def deactivate(request: ExchangeRequest, session: ExchangeSession) -> Reply:
    """The 1C-Bitrix module's end of a full catalog: apply the node's missing policy.

    Its `timestamp=` is accepted and not needed: the node knows when the pass started.
    """
    count = full_pass_finish(session.node)
    return replies.success(f"{count} deactivated")


def complete(request: ExchangeRequest, session: ExchangeSession) -> Reply:
    full_pass_finish(session.node)
    return replies.success()


HANDLERS: dict[str, Handler] = {
    "init": init,
    "file": file,
    "import": import_,
    "query": query,
    "success": success,
    "info": info,
    "deactivate": deactivate,
    "complete": complete,
}
