"""Turn raw input (a form's or the API's) into clean field values, or say every problem.

The web and the API pass the same dictionaries; services call these functions, so a rule
holds whichever way the data came in. All errors are gathered before raising, so a form
shows every wrong field at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from accord.core.errors import ValidationFailedError
from accord.directory import identifiers as ids
from accord.directory.models import (
    Counterparty,
    CounterpartyKind,
    CounterpartyStatus,
    Industry,
    PropertyDefinition,
    PropertyKind,
    Relation,
    Source,
)

COUNTERPARTY_TEXT = {
    "name": 255,
    "full_name": 500,
    "code": 50,
    "legal_address": 2000,
    "actual_address": 2000,
    "website": 200,
    "notes": 10000,
}
COUNTERPARTY_FIELDS = (
    "kind", "name", "full_name", "code", "inn", "kpp", "ogrn", "legal_address", "actual_address",
    "phone", "email", "website", "responsible_id", "relation", "status", "source_id",
    "industry_id", "is_vip", "notes", "custom",
)  # fmt: skip


class Errors:
    """Collects messages per field; `raise_if_any` stops with all of them."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def check(self, field: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """`func(*args, **kwargs)`, or None with its ValueError noted against `field`."""
        try:
            return func(*args, **kwargs)
        except ValueError as exc:
            self.add(field, str(exc))
            return None

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationFailedError(self.fields)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(_("Enter text."))
    return value.strip()


def _choice(value: Any, choices: type[Any], default: str) -> str:
    value = value or default
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        raise ValueError(_("Choose one of: %(allowed)s.") % {"allowed": allowed})
    return str(value)


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in (None, "", "0", "false", "off", "no"):
        return False
    if value in ("1", "true", "on", "yes"):
        return True
    raise ValueError(_("Enter yes or no."))


def _fk(value: Any, model: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise ValueError(_("Choose a value from the list.")) from None
    if not model.objects.filter(pk=pk).exists():
        raise ValueError(_("Choose a value from the list."))
    return pk


def clean_custom(raw: Any, target: str, errors: Errors) -> dict[str, Any]:
    """Values of user-defined properties, checked against their definitions."""
    if raw in (None, ""):
        raw = {}
    if not isinstance(raw, Mapping):
        errors.add("custom", _("Custom properties must be an object of code: value."))
        return {}
    definitions = {d.code: d for d in PropertyDefinition.objects.filter(target=target)}
    clean: dict[str, Any] = {}
    for code in raw:
        if code not in definitions:
            errors.add(f"custom.{code}", _("There is no property with this code."))
    for code, definition in definitions.items():
        value = raw.get(code)
        if value in (None, ""):
            if definition.required:
                errors.add(f"custom.{code}", _("This field is required."))
            continue
        parsed = errors.check(f"custom.{code}", _property_value, definition, value)
        if parsed is not None:
            clean[code] = parsed
    return clean


def _property_value(definition: PropertyDefinition, value: Any) -> Any:
    if definition.kind == PropertyKind.NUMBER:
        try:
            number = Decimal(str(value).replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
        if not number.is_finite():
            raise ValueError(_("Enter a number."))
        return str(number)
    if definition.kind == PropertyKind.DATE:
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValueError(_("Enter a date as YYYY-MM-DD.")) from None
    if definition.kind == PropertyKind.CHOICE:
        if value not in definition.choices:
            raise ValueError(
                _("Choose one of: %(allowed)s.") % {"allowed": ", ".join(definition.choices)}
            )
        return value
    return _text(value)[:2000]


def _current(instance: Counterparty | None) -> dict[str, Any]:
    if instance is None:
        return {}
    return {name: getattr(instance, name) for name in COUNTERPARTY_FIELDS}


def clean_counterparty(
    data: Mapping[str, Any], *, instance: Counterparty | None = None
) -> dict[str, Any]:
    """Clean values for every counterparty field, the given ones merged over `instance`."""
    unknown = set(data) - set(COUNTERPARTY_FIELDS) - {"tags", "bank_accounts"}
    errors = Errors()
    for name in sorted(unknown):
        errors.add(name, _("Unknown field."))
    merged = {**_current(instance), **{k: v for k, v in data.items() if k in COUNTERPARTY_FIELDS}}
    out: dict[str, Any] = {}
    kind = out["kind"] = errors.check(
        "kind", _choice, merged.get("kind"), CounterpartyKind, "legal_entity"
    )
    for name, limit in COUNTERPARTY_TEXT.items():
        value = errors.check(name, _text, merged.get(name))
        if value is not None and len(value) > limit:
            errors.add(name, _("At most %(n)d characters.") % {"n": limit})
        out[name] = value or ""
    if not out["name"]:
        errors.add("name", _("This field is required."))
    _clean_identifiers(merged, kind or "legal_entity", out, errors)
    region = settings.ACCORD_PHONE_REGION
    phone = errors.check("phone", _text, merged.get("phone"))
    out["phone"] = errors.check("phone", ids.normalize_phone, phone, region=region) if phone else ""
    email = errors.check("email", _text, merged.get("email"))
    out["email"] = errors.check("email", ids.normalize_email, email) if email else ""
    out["relation"] = errors.check("relation", _choice, merged.get("relation"), Relation, "client")
    out["status"] = errors.check("status", _choice, merged.get("status"), CounterpartyStatus, "new")
    out["source_id"] = errors.check("source_id", _fk, merged.get("source_id"), Source)
    out["industry_id"] = errors.check("industry_id", _fk, merged.get("industry_id"), Industry)
    out["is_vip"] = errors.check("is_vip", _bool, merged.get("is_vip"))
    out["responsible_id"] = merged.get("responsible_id")
    out["custom"] = clean_custom(merged.get("custom"), "counterparty", errors)
    errors.raise_if_any()
    out["name_key"] = ids.name_key(out["name"])
    return out


def _clean_identifiers(
    merged: Mapping[str, Any], kind: str, out: dict[str, Any], errors: Errors
) -> None:
    inn = errors.check("inn", _text, merged.get("inn"))
    out["inn"] = errors.check("inn", ids.normalize_inn, inn, kind=kind) if inn else ""
    kpp = errors.check("kpp", _text, merged.get("kpp"))
    if kpp and kind != CounterpartyKind.LEGAL_ENTITY:
        errors.add("kpp", _("Only a legal entity has a KPP."))
    out["kpp"] = errors.check("kpp", ids.normalize_kpp, kpp) if kpp else ""
    ogrn = errors.check("ogrn", _text, merged.get("ogrn"))
    if ogrn and kind == CounterpartyKind.PERSON:
        errors.add("ogrn", _("A private person has no OGRN."))
    out["ogrn"] = errors.check("ogrn", ids.normalize_ogrn, ogrn, kind=kind) if ogrn else ""


def clean_bank_accounts(raw: Any) -> list[dict[str, str]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ValidationFailedError({"bank_accounts": [_("Give a list of bank accounts.")]})
    errors = Errors()
    clean = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping):
            errors.add(f"bank_accounts.{i}", _("Give the BIC and the account number."))
            continue
        clean.append(_clean_bank_account(item, f"bank_accounts.{i}", errors))
    errors.raise_if_any()
    return clean


def _clean_bank_account(item: Mapping[str, Any], at: str, errors: Errors) -> dict[str, str]:
    texts = {
        name: errors.check(f"{at}.{name}", _text, item.get(name)) or ""
        for name in ("bic", "account", "correspondent_account", "bank_name")
    }
    bic = errors.check(f"{at}.bic", ids.normalize_bic, texts["bic"]) or ""
    account = errors.check(f"{at}.account", ids.normalize_account, texts["account"], bic=bic)
    corr = texts["correspondent_account"]
    if corr:
        corr = errors.check(
            f"{at}.correspondent_account", ids.normalize_correspondent_account, corr, bic=bic
        )
    return {
        "bic": bic,
        "account": account or "",
        "correspondent_account": corr or "",
        "bank_name": texts["bank_name"][:255],
    }


def clean_tags(raw: Any) -> list[str]:
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        raw = raw.split(",")
    if not isinstance(raw, list) or not all(isinstance(t, str) for t in raw):
        raise ValidationFailedError({"tags": [_("Give tags as a list of names.")]})
    names = {t.strip()[:60] for t in raw if t.strip()}
    return sorted(names)


CONTACT_FIELDS = ("name", "position", "role", "birthday", "is_vip", "notes", "custom")
CONTACT_LISTS = ("phones", "emails", "messengers")


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        date = dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(_("Enter a date as YYYY-MM-DD.")) from None
    if date > dt.date.today() or date.year < 1900:
        raise ValueError(_("Enter a real birthday."))
    return date


def _string_list(raw: Any, field: str, errors: Errors) -> list[str]:
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        errors.add(field, _("Give a list of values."))
        return []
    return [v.strip() for v in raw if v.strip()]


def clean_contact_details(data: Mapping[str, Any], errors: Errors) -> list[tuple[str, str, str]]:
    """`(kind, value, service)` for every phone, e-mail and messenger in `data`."""
    region = settings.ACCORD_PHONE_REGION
    details: list[tuple[str, str, str]] = []
    for i, phone in enumerate(_string_list(data.get("phones"), "phones", errors)):
        value = errors.check(f"phones.{i}", ids.normalize_phone, phone, region=region)
        if value:
            details.append(("phone", value, ""))
    for i, email in enumerate(_string_list(data.get("emails"), "emails", errors)):
        value = errors.check(f"emails.{i}", ids.normalize_email, email)
        if value:
            details.append(("email", value, ""))
    messengers = data.get("messengers") or []
    if not isinstance(messengers, list):
        errors.add("messengers", _("Give a list of messengers."))
        messengers = []
    for i, item in enumerate(messengers):
        if not isinstance(item, Mapping) or not _text(item.get("value")):
            errors.add(f"messengers.{i}", _("Give the messenger and the account."))
            continue
        details.append(
            ("messenger", _text(item.get("value"))[:254], _text(item.get("service"))[:30])
        )
    return list(dict.fromkeys(details))  # keep order, drop repeats


def clean_contact_person(data: Mapping[str, Any], *, current: Mapping[str, Any]) -> dict[str, Any]:
    """Clean contact person fields, the given ones merged over `current`."""
    known = set(CONTACT_FIELDS) | set(CONTACT_LISTS) | {"counterparty_id"}
    errors = Errors()
    for name in sorted(set(data) - known):
        errors.add(name, _("Unknown field."))
    merged = {**current, **data}
    out: dict[str, Any] = {}
    for name, limit in (("name", 255), ("position", 200), ("role", 100), ("notes", 10000)):
        value = errors.check(name, _text, merged.get(name)) or ""
        if len(value) > limit:
            errors.add(name, _("At most %(n)d characters.") % {"n": limit})
        out[name] = value
    if not out["name"]:
        errors.add("name", _("This field is required."))
    out["birthday"] = errors.check("birthday", _date, merged.get("birthday"))
    out["is_vip"] = errors.check("is_vip", _bool, merged.get("is_vip"))
    out["custom"] = clean_custom(merged.get("custom"), "contact_person", errors)
    out["details"] = clean_contact_details(merged, errors)
    errors.raise_if_any()
    out["name_key"] = ids.name_key(out["name"])
    return out
