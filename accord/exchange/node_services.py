"""Exchange nodes and the sessions of 1C's protocol: create, change, authenticate.

A node writes as its own service account (`node.actor`): an Accord user without a usable
password, holding the built-in "exchange" role, so every write the exchange makes passes the
same permission checks as a person's and is audited under the node's name.
"""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accord.core.audit import diff, log_action, snapshot
from accord.core.errors import ValidationFailedError
from accord.exchange.models import (
    AnswerEncoding,
    AnswerVersion,
    ExchangeNode,
    ExchangeSession,
    MissingPolicy,
)
from accord.sales.models import OrderStatus
from accord.users.access import require
from accord.users.models import Role, User

ADMIN_EXCHANGE = "admin.exchange"
ROLE_CODE = "exchange"
ROLE_NAMES = {"ru": "Обмен с 1С", "en": "Exchange with 1C"}
ROLE_RULES = {
    "*": {"actions": ["view", "add", "change"], "scope": "all"},
    "admin.catalog_settings": {"actions": ["view", "add", "change"], "scope": "all"},
}
NODE_FIELDS = (
    "name", "login", "enabled", "catalog_in", "orders_out", "statuses_in", "missing_policy",
    "create_counterparties", "stop_on_error", "answer_version", "answer_encoding",
    "file_limit", "zip_allowed", "orders_from", "status_map", "watch_folder",
)  # fmt: skip
BOOL_FIELDS = (
    "enabled", "catalog_in", "orders_out", "statuses_in", "create_counterparties",
    "stop_on_error", "zip_allowed",
)  # fmt: skip
MIN_FILE_LIMIT = 64 * 1024
MAX_FILE_LIMIT = 512 * 1024 * 1024
MIN_PASSWORD = 8


def exchange_root() -> Path:
    """Where uploaded exchange files live until their run is over."""
    return Path(settings.DATA_DIR) / "exchange"


def _exchange_role() -> Role:
    language = str(settings.LANGUAGE_CODE)[:2]
    role, _created = Role.objects.get_or_create(
        code=ROLE_CODE,
        defaults={"name": ROLE_NAMES.get(language, ROLE_NAMES["en"]), "rules": ROLE_RULES},
    )
    return role


def _service_user(name: str) -> User:
    """The account a node writes as: no password, so nobody signs in with it."""
    base = f"1c-{slugify(name, allow_unicode=False) or 'node'}"[:140]
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    user = User(username=username, first_name="1C", last_name=name[:150])
    user.set_unusable_password()
    user.save()
    user.roles.add(_exchange_role())
    return user


Errors = dict[str, list[str]]


def _clean_identity(
    data: Mapping[str, Any], instance: ExchangeNode | None, errors: Errors
) -> dict[str, Any]:
    cleaned = {}
    for name in ("name", "login"):
        value = str(data.get(name, getattr(instance, name, "")) or "").strip()
        if not value or len(value) > 100:
            errors[name] = [_("Required, at most 100 characters.")]
        elif ":" in value and name == "login":
            errors[name] = [_("A login for 1C cannot contain a colon.")]
        else:
            taken = ExchangeNode.objects.filter(**{f"{name}__iexact": value})
            if instance is not None:
                taken = taken.exclude(pk=instance.pk)
            if taken.exists():
                errors[name] = [_("Another node uses this already.")]
        cleaned[name] = value
    return cleaned


def _clean_options(data: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    cleaned: dict[str, Any] = {name: bool(data[name]) for name in BOOL_FIELDS if name in data}
    choices = {
        "missing_policy": MissingPolicy.values,
        "answer_version": AnswerVersion.values,
        "answer_encoding": AnswerEncoding.values,
    }
    for name, allowed in choices.items():
        if name in data:
            cleaned[name] = str(data[name] or "")
            if cleaned[name] not in allowed:
                errors[name] = [_("Choose one of the offered values.")]
    if "file_limit" in data:
        try:
            cleaned["file_limit"] = int(data["file_limit"])
        except (TypeError, ValueError):
            cleaned["file_limit"] = -1
        if not MIN_FILE_LIMIT <= cleaned["file_limit"] <= MAX_FILE_LIMIT:
            errors["file_limit"] = [
                _("Between %(low)d and %(high)d bytes.")
                % {"low": MIN_FILE_LIMIT, "high": MAX_FILE_LIMIT}
            ]
    if "orders_from" in data:
        cleaned["orders_from"] = _date(data["orders_from"], errors)
    if "watch_folder" in data:
        cleaned["watch_folder"] = str(data["watch_folder"] or "").strip()
        if cleaned["watch_folder"] and not Path(cleaned["watch_folder"]).is_absolute():
            errors["watch_folder"] = [_("Give an absolute path.")]
    return cleaned


def _date(raw: Any, errors: Errors) -> dt.date | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        errors["orders_from"] = [_("Enter a date as YYYY-MM-DD.")]
        return None


def _clean_status_map(data: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    if "status_map" not in data:
        return {}
    mapping = data["status_map"] or {}
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
    ):
        errors["status_map"] = [_("Map 1C statuses (text) to Accord statuses.")]
        return {}
    bad = sorted(v for v in mapping.values() if v not in OrderStatus.values)
    if bad:
        errors["status_map"] = [_("Unknown order status: %(s)s.") % {"s": ", ".join(bad)}]
    return {"status_map": {k.strip(): v for k, v in mapping.items() if k.strip()}}


def _check_password(data: Mapping[str, Any], instance: ExchangeNode | None, errors: Errors) -> None:
    password = data.get("password")
    if password:
        if len(str(password)) < MIN_PASSWORD:
            errors["password"] = [_("At least %(n)d characters.") % {"n": MIN_PASSWORD}]
    elif instance is None:
        errors["password"] = [_("Give 1C a password.")]


def _clean(data: Mapping[str, Any], instance: ExchangeNode | None) -> dict[str, Any]:
    """Every field's problems at once, or the clean values."""
    errors: Errors = {}
    cleaned = {
        **_clean_identity(data, instance, errors),
        **_clean_options(data, errors),
        **_clean_status_map(data, errors),
    }
    _check_password(data, instance, errors)
    if errors:
        raise ValidationFailedError(errors)
    return cleaned


@transaction.atomic
def node_save(
    *, actor: Any, data: Mapping[str, Any], instance: ExchangeNode | None = None
) -> ExchangeNode:
    """Create a node or change one. `actor=None` is the operator at the command line."""
    if actor is not None:
        require(actor, "change" if instance else "add", ADMIN_EXCHANGE)
    cleaned = _clean(data, instance)
    node = instance or ExchangeNode()
    before = snapshot(node, NODE_FIELDS) if instance else {}
    for name, value in cleaned.items():
        setattr(node, name, value)
    password = data.get("password")
    if password:
        node.password_hash = make_password(str(password))
    if instance is None:
        node.actor = _service_user(node.name)
        node.created_by = actor
    node.updated_by, node.updated_at = actor, timezone.now()
    node.save()
    changes: dict[str, Any] = diff(before, snapshot(node, NODE_FIELDS))
    if password:
        changes["password_changed"] = True  # never the value itself
    if changes or instance is None:
        verb = "updated" if instance else "created"
        log_action(actor=actor, action=f"exchange.node.{verb}", obj=node, changes=changes)
    return node


def node_add_or_update(*, name: str, login: str, password: str) -> tuple[ExchangeNode, bool]:
    """`accord exchange add-node`: idempotent; an existing node gets the login and password."""
    node = ExchangeNode.objects.filter(name=name).first()
    data = {"name": name, "login": login, "password": password}
    return node_save(actor=None, data=data, instance=node), node is None


@transaction.atomic
def node_delete(*, actor: Any, node: ExchangeNode) -> None:
    require(actor, "delete", ADMIN_EXCHANGE)
    log_action(actor=actor, action="exchange.node.deleted", obj=node, changes={"name": node.name})
    shutil.rmtree(exchange_root() / str(node.pk), ignore_errors=True)
    node.delete()


def node_authenticate(login: str, password: str) -> ExchangeNode | None:
    """The enabled node with this login and password, or None (same time either way)."""
    node = ExchangeNode.objects.filter(login=login, enabled=True).first()
    hashed = node.password_hash if node else make_password(None)
    ok = check_password(password, hashed)
    return node if node is not None and ok else None


# ---------------------------------------------------------------- protocol sessions

SESSION_COOKIE = "ACCORD_1C"


def session_open(node: ExchangeNode, kind: str) -> ExchangeSession:
    """A new protocol session (each `checkauth` opens one; it replaces the previous ones)."""
    ExchangeSession.objects.filter(node=node, kind=kind, closed=False).update(closed=True)
    session = ExchangeSession.objects.create(
        node=node,
        kind=kind,
        cookie=secrets.token_hex(24),
        sessid=secrets.token_hex(16),
    )
    ExchangeNode.objects.filter(pk=node.pk).update(last_exchange_at=session.started_at)
    return session


def session_find(cookie: str) -> ExchangeSession | None:
    """The session of this cookie value, open or closed (a closed one still answers polls)."""
    if not cookie:
        return None
    return ExchangeSession.objects.select_related("node").filter(cookie=cookie).first()


def session_workdir(session: ExchangeSession) -> Path:
    """The session's own work folder: `<data>/exchange/<node>/<session>/`."""
    return exchange_root() / str(session.node_id) / str(session.pk)


def session_wipe(session: ExchangeSession) -> Path:
    """Empty the session's work folder (`init`) and answer it."""
    folder = session_workdir(session)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
