"""Writes of the directory. Each service checks permission, validates, writes in one
transaction and records the audit event in that same transaction.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.core.audit import AccessRefusedError, diff, log_action, snapshot
from accord.core.errors import NotFoundError, ValidationFailedError
from accord.directory.duplicates import find_duplicates
from accord.directory.errors import DuplicatesFoundError
from accord.directory.masking import (
    CONTACT_PERSON,
    COUNTERPARTY,
    MASKED_FIELDS,
    REVEAL,
    CounterpartyContacts,
    PersonContacts,
    counterparty_contacts,
    may_reveal,
    person_contacts,
)
from accord.directory.models import (
    BankAccount,
    ContactDetail,
    ContactPerson,
    Counterparty,
    Tag,
)
from accord.directory.validation import (
    CONTACT_FIELDS,
    COUNTERPARTY_FIELDS,
    clean_bank_accounts,
    clean_contact_person,
    clean_counterparty,
    clean_tags,
)
from accord.users.access import assignable_users, require

OBJECT_TYPE = "directory.counterparty"
AUDITED = COUNTERPARTY_FIELDS


class DuplicatePolicy(enum.Enum):
    WARN_ANY = "warn_any"  # the web form: stop on any likely duplicate until confirmed
    REFUSE_SAME_INN = "refuse_same_inn"  # the API: stop only on the same INN (+KPP)
    ALLOW = "allow"


def _check_responsible(actor: Any, cleaned: dict[str, Any], current: int | None) -> None:
    wanted: Any = cleaned.get("responsible_id")
    if wanted in (None, ""):
        cleaned["responsible_id"] = current if current is not None else actor.pk
        return
    try:
        wanted = int(wanted)
    except (TypeError, ValueError):
        raise ValidationFailedError({"responsible_id": [_("Choose a user.")]}) from None
    if wanted != current and wanted not in {u.pk for u in assignable_users(actor)}:
        raise ValidationFailedError(
            {"responsible_id": [_("You may not make this user responsible.")]}
        )
    cleaned["responsible_id"] = wanted


def _guard_duplicates(
    actor: Any, cleaned: dict[str, Any], policy: DuplicatePolicy, exclude: int | None
) -> None:
    if policy is DuplicatePolicy.ALLOW:
        return
    duplicates = find_duplicates(
        viewer=actor,
        inn=cleaned["inn"],
        kpp=cleaned["kpp"],
        name_key=cleaned["name_key"] if policy is DuplicatePolicy.WARN_ANY else "",
        phones=[cleaned["phone"]] if policy is DuplicatePolicy.WARN_ANY else [],
        emails=[cleaned["email"]] if policy is DuplicatePolicy.WARN_ANY else [],
        exclude_pk=exclude,
    )
    if policy is DuplicatePolicy.REFUSE_SAME_INN:
        duplicates = [d for d in duplicates if d.strong]
    if duplicates:
        raise DuplicatesFoundError([d.as_dict() for d in duplicates])


def _set_related(cp: Counterparty, data: Mapping[str, Any]) -> dict[str, Any]:
    """Replace tags and bank accounts when given; answer what changed, for the audit."""
    changes: dict[str, Any] = {}
    if "tags" in data:
        names = clean_tags(data["tags"])
        before = sorted(t.name for t in cp.tags.all())
        if names != before:
            tags = [Tag.objects.get_or_create(name=n)[0] for n in names]
            cp.tags.set(tags)
            changes["tags"] = [before, names]
    if "bank_accounts" in data:
        accounts = clean_bank_accounts(data["bank_accounts"])
        fields = ("bic", "account", "correspondent_account", "bank_name")
        before_rows = [{f: getattr(b, f) for f in fields} for b in cp.bank_accounts.all()]
        if accounts != before_rows:
            cp.bank_accounts.all().delete()
            BankAccount.objects.bulk_create(BankAccount(counterparty=cp, **a) for a in accounts)
            changes["bank_accounts"] = [before_rows, accounts]
    return changes


@transaction.atomic
def counterparty_create(
    *, actor: Any, data: Mapping[str, Any], duplicates: DuplicatePolicy = DuplicatePolicy.WARN_ANY
) -> Counterparty:
    require(actor, "add", OBJECT_TYPE)
    cleaned = clean_counterparty(data)
    if "bank_accounts" in data:
        clean_bank_accounts(data["bank_accounts"])  # refuse before writing anything
    if "tags" in data:
        clean_tags(data["tags"])
    _check_responsible(actor, cleaned, None)
    _guard_duplicates(actor, cleaned, duplicates, None)
    cp = Counterparty.objects.create(**cleaned, created_by=actor, updated_by=actor)
    related = _set_related(cp, data)
    log_action(
        actor=actor,
        action="directory.counterparty.created",
        obj=cp,
        changes={**snapshot(cp, AUDITED), **related},
    )
    return cp


@transaction.atomic
def counterparty_update(
    *,
    actor: Any,
    counterparty: Counterparty,
    data: Mapping[str, Any],
    duplicates: DuplicatePolicy = DuplicatePolicy.WARN_ANY,
) -> Counterparty:
    require(actor, "change", OBJECT_TYPE)
    cp = (
        Counterparty.objects.visible_to(actor)
        .select_for_update()
        .filter(pk=counterparty.pk)
        .first()
    )
    if cp is None:
        raise NotFoundError
    cleaned = clean_counterparty(data, instance=cp)
    _guard_vip_mark(actor, cp, cleaned, COUNTERPARTY)
    if "bank_accounts" in data:
        clean_bank_accounts(data["bank_accounts"])
    _check_responsible(actor, cleaned, cp.responsible_id)
    identity_changed = any(
        cleaned[f] != getattr(cp, f) for f in ("inn", "kpp", "name_key", "phone", "email")
    )
    if identity_changed:
        _guard_duplicates(actor, cleaned, duplicates, cp.pk)
    before = snapshot(cp, AUDITED)
    for name, value in cleaned.items():
        setattr(cp, name, value)
    changes = diff(before, snapshot(cp, AUDITED))
    related = _set_related(cp, data)
    if changes:
        cp.updated_at, cp.updated_by = timezone.now(), actor
        cp.save()
    if changes or related:
        log_action(
            actor=actor,
            action="directory.counterparty.updated",
            obj=cp,
            changes={**changes, **related},
        )
    return cp


@transaction.atomic
def counterparty_delete(*, actor: Any, counterparty: Counterparty) -> None:
    require(actor, "delete", OBJECT_TYPE)
    cp = Counterparty.objects.visible_to(actor).filter(pk=counterparty.pk).first()
    if cp is None:
        raise NotFoundError
    log_action(
        actor=actor, action="directory.counterparty.deleted", obj=cp, changes=snapshot(cp, AUDITED)
    )
    cp.delete()


def _write_details(person: ContactPerson, details: list[tuple[str, str, str]]) -> None:
    person.details.all().delete()
    ContactDetail.objects.bulk_create(
        ContactDetail(
            contact_person=person,
            counterparty_id=person.counterparty_id,
            kind=k,
            value=v,
            service=s,
        )
        for k, v, s in details
    )


def _details_state(person: ContactPerson) -> list[list[str]]:
    return [[d.kind, d.value, d.service] for d in person.details.all()]


def _visible_counterparty(actor: Any, pk: Any) -> Counterparty:
    try:
        cp = Counterparty.objects.visible_to(actor).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        cp = None
    if cp is None:
        raise ValidationFailedError({"counterparty_id": [_("Choose a counterparty you can see.")]})
    return cp


@transaction.atomic
def contact_person_create(*, actor: Any, data: Mapping[str, Any]) -> ContactPerson:
    require(actor, "change", OBJECT_TYPE)
    cleaned = clean_contact_person(data, current={})
    cp = _visible_counterparty(actor, data.get("counterparty_id"))
    details = cleaned.pop("details")
    person = ContactPerson.objects.create(
        counterparty=cp, **cleaned, created_by=actor, updated_by=actor
    )
    _write_details(person, details)
    log_action(
        actor=actor,
        action="directory.contact_person.created",
        obj=person,
        changes={
            **snapshot(person, CONTACT_FIELDS),
            "counterparty": cp.pk,
            "details": [list(d) for d in details],
        },
    )
    return person


@transaction.atomic
def contact_person_update(
    *, actor: Any, contact_person: ContactPerson, data: Mapping[str, Any]
) -> ContactPerson:
    require(actor, "change", OBJECT_TYPE)
    person = (
        ContactPerson.objects.visible_to(actor)
        .select_for_update()
        .filter(pk=contact_person.pk)
        .first()
    )
    if person is None:
        raise NotFoundError
    current: dict[str, Any] = {name: getattr(person, name) for name in CONTACT_FIELDS}
    if not any(k in data for k in ("phones", "emails", "messengers")):
        details_now = list(person.details.all())
        current["phones"] = [d.value for d in details_now if d.kind == "phone"]
        current["emails"] = [d.value for d in details_now if d.kind == "email"]
        current["messengers"] = [
            {"service": d.service, "value": d.value} for d in details_now if d.kind == "messenger"
        ]
    cleaned = clean_contact_person(data, current=current)
    _guard_vip_mark(actor, person, cleaned, CONTACT_PERSON)
    if "counterparty_id" in data:
        person.counterparty = _visible_counterparty(actor, data["counterparty_id"])
    details = cleaned.pop("details")
    before = {**snapshot(person, CONTACT_FIELDS), "details": _details_state(person)}
    for name, value in cleaned.items():
        setattr(person, name, value)
    after = {**snapshot(person, CONTACT_FIELDS), "details": [list(d) for d in details]}
    changes = diff(before, after)
    if changes or "counterparty_id" in data:
        person.updated_at, person.updated_by = timezone.now(), actor
        person.save()
        _write_details(person, details)
        log_action(
            actor=actor, action="directory.contact_person.updated", obj=person, changes=changes
        )
    return person


@transaction.atomic
def contact_person_delete(*, actor: Any, contact_person: ContactPerson) -> None:
    require(actor, "change", OBJECT_TYPE)
    person = ContactPerson.objects.visible_to(actor).filter(pk=contact_person.pk).first()
    if person is None:
        raise NotFoundError
    log_action(
        actor=actor,
        action="directory.contact_person.deleted",
        obj=person,
        changes={**snapshot(person, CONTACT_FIELDS), "counterparty": person.counterparty_id},
    )
    person.delete()


# ---------------------------------------------------------------- reveal (VIP details)


def _guard_vip_mark(actor: Any, obj: Any, cleaned: Mapping[str, Any], object_type: str) -> None:
    """Removing the VIP mark would unmask the details: only those who may reveal may do it."""
    if obj.is_vip and cleaned.get("is_vip") is False and not may_reveal(actor, object_type):
        message = _("Only a user who may reveal VIP contact details may remove the VIP mark.")
        raise ValidationFailedError({"is_vip": [message]})


def _require_reveal(actor: Any, object_type: str) -> None:
    if not may_reveal(actor, object_type):
        raise AccessRefusedError(REVEAL, object_type)


@transaction.atomic
def counterparty_reveal(*, actor: Any, counterparty: Counterparty) -> CounterpartyContacts:
    """The unmasked contact details of a counterparty, with a `revealed` audit event.

    Visibility first (a hidden row is a 404 whatever the permission), then "reveal" (403).
    The event names the fields shown but never their values.
    """
    cp = Counterparty.objects.visible_to(actor).filter(pk=counterparty.pk).first()
    if cp is None:
        raise NotFoundError
    _require_reveal(actor, COUNTERPARTY)
    log_action(
        actor=actor,
        action="directory.counterparty.revealed",
        obj=cp,
        changes={"fields": list(MASKED_FIELDS[COUNTERPARTY])},
    )
    return counterparty_contacts(cp, revealed=True)


@transaction.atomic
def contact_person_reveal(*, actor: Any, contact_person: ContactPerson) -> PersonContacts:
    """The unmasked details of a contact person, audited like `counterparty_reveal`."""
    person = (
        ContactPerson.objects.visible_to(actor)
        .select_related("counterparty")
        .prefetch_related("details")
        .filter(pk=contact_person.pk)
        .first()
    )
    if person is None:
        raise NotFoundError
    _require_reveal(actor, CONTACT_PERSON)
    log_action(
        actor=actor,
        action="directory.contactperson.revealed",
        obj=person,
        changes={"fields": ["phones", "emails", "messengers"]},
    )
    return person_contacts(person, revealed=True)
