"""The live validation of the counterparty form: the services' own checks and duplicate
search run on what was typed so far, without writing anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings

from accord.core.errors import DomainError
from accord.directory import identifiers as ids
from accord.directory.duplicates import find_duplicates
from accord.directory.models import Counterparty
from accord.directory.validation import clean_bank_accounts, clean_counterparty, clean_tags
from accord.web.forms.counterparties import CounterpartyForm
from accord.web.forms.errors import apply_domain_error


def _quiet(func: Callable[[], str]) -> str:
    try:
        return func()
    except ValueError:
        return ""


def duplicate_keys(data: dict[str, Any]) -> dict[str, Any]:
    """What `find_duplicates` compares, from values that may still be half typed."""
    kind = data.get("kind") or "legal_entity"
    inn, kpp = (data.get("inn") or "").strip(), (data.get("kpp") or "").strip()
    phone = ids.try_phone(data.get("phone") or "", region=settings.ACCORD_PHONE_REGION)
    email = (data.get("email") or "").strip()
    return {
        "inn": _quiet(lambda: ids.normalize_inn(inn, kind=kind)) if inn else "",
        "kpp": _quiet(lambda: ids.normalize_kpp(kpp)) if kpp else "",
        "name_key": ids.name_key(data.get("name") or ""),
        "phones": [phone] if phone else [],
        "emails": [e for e in [_quiet(lambda: ids.normalize_email(email))] if e] if email else [],
    }


def _same_identity(keys: dict[str, Any], cp: Counterparty) -> bool:
    return (keys["inn"], keys["kpp"], keys["name_key"], keys["phones"], keys["emails"]) == (
        cp.inn,
        cp.kpp,
        cp.name_key,
        [cp.phone] if cp.phone else [],
        [cp.email] if cp.email else [],
    )


def validate_counterparty_form(
    form: CounterpartyForm, *, viewer: Any, instance: Counterparty | None
) -> None:
    """Put every problem the services would find on `form`, and the likely duplicates."""
    form.is_valid()
    data = form.to_service()
    checks: list[Callable[[], Any]] = [
        lambda: clean_counterparty(data, instance=instance),
        lambda: clean_tags(data["tags"]),
    ]
    if "bank_accounts" in data:
        checks.append(lambda: clean_bank_accounts(data["bank_accounts"]))
    for check in checks:
        try:
            check()
        except DomainError as exc:
            apply_domain_error(form, exc, summary=False)
    keys = duplicate_keys(data)
    if instance is not None and _same_identity(keys, instance):
        return  # the service checks duplicates only when these change, so the form does too
    if any(keys.values()):
        exclude = instance.pk if instance is not None else None
        found_dups = find_duplicates(viewer=viewer, exclude_pk=exclude, **keys)
        form.duplicates = [d.as_dict() for d in found_dups]
