"""Counterparties with their contact persons from spreadsheet rows, a batch at a time.

A batch is cleaned row by row without touching the database (the lookups are loaded
once), then matched with one query per batch by the key, then written with the plain-SQL
helpers of `core.bulk`, so that 100,000 rows load in seconds. The promises of the
directory's services hold in bulk:

- permission is checked once per import (add for new records, change for updates), and a
  row never updates a counterparty its actor may not see;
- only what differs is written: a second import of the same file changes nothing, not
  even `updated_at`; an empty cell keeps the stored value;
- every new counterparty is audited in one event per batch, every changed one in its own
  event with the changes, in the batch's transaction.

Rows with the same key in one file are one counterparty: each can bring another contact
person (matched by name within the counterparty, so a repeat changes nothing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.core.audit import jsonable, log_actions, log_batch
from accord.core.bulk import among, insert_rows, update_rows
from accord.directory import identifiers as ids
from accord.directory.models import (
    ContactDetail,
    ContactPerson,
    Counterparty,
    CounterpartyKind,
    CounterpartyStatus,
    Industry,
    PropertyDefinition,
    PropertyKind,
    Relation,
    Source,
    Tag,
)
from accord.imports import values as parse
from accord.imports.fields import fold
from accord.imports.loading import Batch, RowResult
from accord.imports.models import ImportKey, ImportPolicy, RecordAction
from accord.imports.profiles import ImportMapping
from accord.users.access import assignable_users, require
from accord.users.models import User

CP_TYPE = "directory.counterparty"
PERSON_TYPE = "directory.contactperson"

# Plain text fields and their limits (the model's).
TEXT_LIMITS = {
    "name": 255, "full_name": 500, "code": 50, "legal_address": 2000, "actual_address": 2000,
    "website": 200, "notes": 10000,
}  # fmt: skip
CONTACT_TEXT = {"name": 255, "position": 200, "role": 100, "notes": 10000}
# Every column a new counterparty is written with.
INSERT_COLUMNS = (
    "kind", "name", "name_key", "full_name", "code", "inn", "kpp", "ogrn", "legal_address",
    "actual_address", "phone", "email", "website", "responsible_id", "relation", "status",
    "source_id", "industry_id", "is_vip", "notes", "custom",
)  # fmt: skip
DEFAULTS: dict[str, Any] = {
    "kind": CounterpartyKind.LEGAL_ENTITY, "full_name": "", "code": "", "inn": "", "kpp": "",
    "ogrn": "", "legal_address": "", "actual_address": "", "phone": "", "email": "",
    "website": "", "relation": Relation.CLIENT, "status": CounterpartyStatus.NEW,
    "source_id": None, "industry_id": None, "is_vip": False, "notes": "",
}  # fmt: skip
CONTACT_COLUMNS = ("counterparty_id", "name", "name_key", "position", "role", "birthday", "notes")


@dataclass
class Prepared:
    """One row, cleaned: the counterparty's values, its contact person, its key."""

    result: RowResult
    cp: dict[str, Any] = field(default_factory=dict)
    custom: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    contact: dict[str, Any] | None = None
    key: str | None = None
    kind_guessed: bool = False  # from the INN's length, as no column gives the kind


class Lookups:
    """What cleaning needs from the database, loaded once per import."""

    def __init__(self, actor: Any) -> None:
        self.kinds = parse.choices_index(
            CounterpartyKind,
            {"юл": "legal_entity", "юрлицо": "legal_entity", "организация": "legal_entity",
             "company": "legal_entity", "ип": "entrepreneur", "фл": "person",
             "физлицо": "person", "физ лицо": "person", "individual": "person"},
        )  # fmt: skip
        self.relations = parse.choices_index(Relation)
        self.statuses = parse.choices_index(CounterpartyStatus)
        self.sources = _names(Source.objects.values_list("pk", "name"))
        self.industries = _names(Industry.objects.values_list("pk", "name"))
        self.properties = {
            d.code: d for d in PropertyDefinition.objects.filter(target="counterparty")
        }
        self.users: dict[str, int] = {}
        self.assignable = {u.pk for u in assignable_users(actor)} if actor else set()
        for user in User.objects.filter(is_active=True).only(
            "pk", "username", "email", "first_name", "last_name"
        ):
            names = [str(user.pk), user.username, user.email, user.get_full_name(),
                     f"{user.last_name} {user.first_name}"]  # fmt: skip
            for name in names:
                if name.strip():
                    self.users.setdefault(fold(name), user.pk)


def _names(rows: Iterable[tuple[int, str]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for pk, name in rows:
        found.setdefault(fold(name), pk)
        found.setdefault(str(pk), pk)
    return found


class CounterpartyLoader:
    """Loads batches of rows for one import (see the module's docstring)."""

    def __init__(
        self, *, actor: Any, mapping: ImportMapping, dry_run: bool, job_id: int | None
    ) -> None:
        self.actor = actor
        self.mapping = mapping
        self.dry_run = dry_run
        self.job_id = job_id
        self.region = settings.ACCORD_PHONE_REGION
        policy = mapping.policy
        if policy != ImportPolicy.UPDATE:
            require(actor, "add", CP_TYPE)
        if policy != ImportPolicy.ADD:
            require(actor, "change", CP_TYPE)
        self.lookups = Lookups(actor)
        self.column_of = {name: column for column, name in mapping.columns.items()}
        self.cp_fields = [n for n in mapping.fields if "." not in n]
        self.custom_codes = [n[len("custom.") :] for n in mapping.fields if n.startswith("custom.")]
        self.contact_fields = [
            n[len("contact.") :] for n in mapping.fields if n.startswith("contact.")
        ]
        # Keys already given by earlier rows of the file, for a check that writes nothing:
        # key -> digest of the values, so a repeat is told unchanged from an update.
        self.seen: dict[str, int] = {}
        self.tag_ids: dict[str, int] = {}
        lookups = self.lookups
        self.parsers: dict[str, Callable[[str], Any]] = {
            "kind": lambda v: parse.choice(v, lookups.kinds),
            "phone": lambda v: ids.normalize_phone(v, region=self.region),
            "email": ids.normalize_email,
            "relation": lambda v: parse.choice(v, lookups.relations),
            "status": lambda v: parse.choice(v, lookups.statuses),
            "source_id": lambda v: _reference(v, lookups.sources),
            "industry_id": lambda v: _reference(v, lookups.industries),
            "is_vip": parse.boolean,
            "responsible_id": self._responsible,
        }
        # Per mapped field: (name, text limit or 0, parser or None for _clean_field).
        self.cleaners = [
            (name, TEXT_LIMITS.get(name, 0), self.parsers.get(name)) for name in self.cp_fields
        ]

    # ------------------------------------------------------------ cleaning

    def clean(self, line: int, cells: dict[str, str]) -> Prepared:
        """`cells` maps field name -> stripped cell text (non-empty ones only)."""
        prepared = Prepared(result=RowResult(line=line))
        cp = prepared.cp
        for name, limit, parser in self.cleaners:
            value = cells.get(name)
            if value is None:
                continue
            if limit:  # plain text: the common case, without a call
                if len(value) <= limit:
                    cp[name] = value
                    continue
                prepared.result.fail(
                    self.column_of[name], _("At most %(n)d characters.") % {"n": limit}
                )
                continue
            try:
                if parser is None:
                    self._clean_field(name, value, prepared)
                else:
                    cp[name] = parser(value)
            except ValueError as exc:
                prepared.result.fail(self.column_of[name], str(exc))
        if "name" in cp:
            cp["name_key"] = ids.name_key(cp["name"])
        self._clean_identifiers(cells, prepared)
        if self.custom_codes:
            self._clean_custom(cells, prepared)
        if self.contact_fields:
            self._clean_contact(cells, prepared)
        prepared.key = self._key(prepared)
        return prepared

    def _clean_field(self, name: str, value: str, prepared: Prepared) -> None:
        if name == "tags":
            prepared.tags = sorted({t[:60] for t in parse.split_list(value)})
        # inn, kpp, ogrn: _clean_identifiers, once the kind is known

    def _responsible(self, value: str) -> int:
        pk = self.lookups.users.get(fold(value))
        if pk is None:
            raise ValueError(_("There is no active user %(value)s.") % {"value": value})
        if pk not in self.lookups.assignable:
            raise ValueError(_("You may not make %(value)s responsible.") % {"value": value})
        return pk

    def _clean_identifiers(self, cells: dict[str, str], prepared: Prepared) -> None:
        cp, result = prepared.cp, prepared.result
        inn = cells.get("inn")
        kind = cp.get("kind")
        if inn:
            if kind is None:  # 12 digits are a sole trader's or a person's INN
                kind = "entrepreneur" if len(ids.digits(inn)) == 12 else "legal_entity"
                cp["kind"] = kind
                prepared.kind_guessed = True
            try:
                cp["inn"] = ids.normalize_inn(inn, kind=kind)
            except ValueError as exc:
                result.fail(self.column_of["inn"], str(exc))
        kpp = cells.get("kpp")
        if kpp:
            if kind not in (None, CounterpartyKind.LEGAL_ENTITY):
                result.fail(self.column_of["kpp"], _("Only a legal entity has a KPP."))
            else:
                try:
                    cp["kpp"] = ids.normalize_kpp(kpp)
                except ValueError as exc:
                    result.fail(self.column_of["kpp"], str(exc))
        ogrn = cells.get("ogrn")
        if ogrn:
            if kind == CounterpartyKind.PERSON:
                result.fail(self.column_of["ogrn"], _("A private person has no OGRN."))
            else:
                try:
                    cp["ogrn"] = ids.normalize_ogrn(ogrn, kind=kind or "legal_entity")
                except ValueError as exc:
                    result.fail(self.column_of["ogrn"], str(exc))

    def _clean_custom(self, cells: dict[str, str], prepared: Prepared) -> None:
        for code in self.custom_codes:
            value = cells.get(f"custom.{code}")
            if value is not None:
                try:
                    prepared.custom[code] = self._property(self.lookups.properties[code], value)
                except ValueError as exc:
                    prepared.result.fail(self.column_of[f"custom.{code}"], str(exc))

    def _property(self, definition: PropertyDefinition, value: str) -> Any:
        if definition.kind == PropertyKind.NUMBER:
            return str(parse.number(value))
        if definition.kind == PropertyKind.DATE:
            return parse.date(value).isoformat()
        if definition.kind == PropertyKind.CHOICE:
            if value not in definition.choices:
                raise parse.unknown_value(value, definition.choices)
            return value
        return value[:2000]

    def _clean_contact(self, cells: dict[str, str], prepared: Prepared) -> None:
        given = {n: cells[f"contact.{n}"] for n in self.contact_fields if f"contact.{n}" in cells}
        if not given:
            return
        result = prepared.result
        contact: dict[str, Any] = {"phones": [], "emails": []}
        for name, value in given.items():
            column = self.column_of[f"contact.{name}"]
            try:
                if name in CONTACT_TEXT:
                    contact[name] = parse.text(value, CONTACT_TEXT[name])
                elif name == "birthday":
                    contact["birthday"] = parse.birthday(value)
                elif name == "phone":
                    contact["phones"] = [
                        ids.normalize_phone(v, region=self.region) for v in parse.split_list(value)
                    ]
                elif name == "email":
                    contact["emails"] = [ids.normalize_email(v) for v in parse.split_list(value)]
            except ValueError as exc:
                result.fail(column, str(exc))
        if not contact.get("name"):
            column = self.column_of.get("contact.name") or next(iter(given))
            result.fail(column, _("The contact person's full name is empty."))
            return
        contact["name_key"] = ids.name_key(contact["name"])
        prepared.contact = contact

    def _key(self, prepared: Prepared) -> str | None:
        cp, key = prepared.cp, self.mapping.key
        if key == ImportKey.NONE:
            return None
        if key == ImportKey.INN_KPP:
            return f"{cp['inn']}/{cp.get('kpp', '')}" if cp.get("inn") else None
        value = cp.get({"email": "email", "phone": "phone", "code": "code"}[key])
        return value or None

    # ------------------------------------------------------------ matching and writing

    def load(self, batch: Batch) -> None:
        """Clean, match and (unless checking) write one batch; outcomes go to its results."""
        prepared: list[Prepared] = []
        for line, cells in batch.rows:
            item = self.clean(line, cells)
            batch.results.append(item.result)
            if item.result.failed:
                continue
            if item.key is None and self.mapping.key != ImportKey.NONE:
                column = self.column_of[
                    "inn" if self.mapping.key == ImportKey.INN_KPP else self.mapping.key
                ]
                item.result.fail(column, _("The key is empty: the row cannot be matched."))
                continue
            prepared.append(item)
        plan = _Plan(self, prepared)
        plan.decide()
        if not self.dry_run:
            plan.write()

    def existing(self, keys: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """Stored counterparties per key (several when an INN has several KPPs)."""
        key = self.mapping.key
        columns = ["pk", "updated_at", *self.compare_columns()]
        found: dict[str, list[dict[str, Any]]] = {}
        if not keys:
            return found
        if key == ImportKey.INN_KPP:
            inns = {k.split("/", 1)[0] for k in keys}
            rows = Counterparty.objects.filter(among(Counterparty, "inn", inns)).values(*columns)
            for row in rows:
                found.setdefault(row["inn"], []).append(row)
            return found
        rows = Counterparty.objects.filter(among(Counterparty, key, keys)).values(*columns)
        for row in rows:
            found.setdefault(row[key], []).append(row)
        return found

    def compare_columns(self) -> list[str]:
        names = {n for n in self.cp_fields if n != "tags"}
        if "name" in names:
            names.add("name_key")
        if self.mapping.key == ImportKey.INN_KPP:
            names |= {"inn", "kpp"}
        elif self.mapping.key != ImportKey.NONE:
            names.add(self.mapping.key)
        if self.custom_codes:
            names.add("custom")
        names.add("kind")
        return [*sorted(names - {"pk", "name", "responsible_id"}), "name", "responsible_id"]

    def tag_pks(self, names: Iterable[str]) -> dict[str, int]:
        wanted = sorted(set(names) - set(self.tag_ids))
        if wanted:
            for pk, name in Tag.objects.filter(name__in=wanted).values_list("pk", "name"):
                self.tag_ids[name] = pk
            missing = [n for n in wanted if n not in self.tag_ids]
            if missing and not self.dry_run:
                Tag.objects.bulk_create([Tag(name=n) for n in missing], ignore_conflicts=True)
                for pk, name in Tag.objects.filter(name__in=missing).values_list("pk", "name"):
                    self.tag_ids[name] = pk
        return {n: self.tag_ids[n] for n in names if n in self.tag_ids}


def _reference(value: str, index: dict[str, int]) -> int:
    pk = index.get(fold(value))
    if pk is None:
        raise parse.unknown_value(value, sorted({k for k in index if not k.isdigit()}))
    return pk


@dataclass
class _Target:
    """A counterparty a batch inserts or updates, with the rows that feed it."""

    pk: int | None
    values: dict[str, Any]  # the full row for an insert; the new values for an update
    before: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, list[Any]] = field(default_factory=dict)
    tags: set[str] = field(default_factory=set)
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)  # name_key -> contact


class _Plan:
    """What one batch does: decided first, written after (or not, when checking)."""

    def __init__(self, loader: CounterpartyLoader, rows: list[Prepared]) -> None:
        self.loader = loader
        self.rows = rows
        self.inserts: dict[str, _Target] = {}  # key (or a row's own id) -> new counterparty
        self.updates: dict[int, _Target] = {}
        self.contact_inserts: list[tuple[_Target, dict[str, Any]]] = []
        self.contact_updates: list[tuple[int, dict[str, Any], dict[str, list[Any]]]] = []
        self.detail_inserts: list[tuple[_Target, int | None, str, str, str]] = []
        self.tag_links: list[tuple[_Target, str]] = []

    def decide(self) -> None:
        loader = self.loader
        policy = loader.mapping.policy
        keys = sorted({r.key for r in self.rows if r.key})
        stored = loader.existing(keys)
        visible = self._visible(stored)
        existing_tags = self._existing_tags(stored, visible)
        contacts = self._existing_contacts(stored, visible)
        for index, row in enumerate(self.rows):
            match, problem = self._match(row, stored, visible)
            if problem:
                row.result.fail(problem[0], problem[1])
                continue
            if match is None:
                if policy == ImportPolicy.UPDATE:
                    row.result.outcome = "skipped"
                    row.result.note = _("No such record to update.")
                    continue
                self._insert(row, row.key or f"#{index}")
                continue
            if policy == ImportPolicy.ADD:
                row.result.outcome = "skipped"
                row.result.note = _("The record exists; the policy adds new ones only.")
                continue
            self._update(row, match, existing_tags.get(match["pk"], set()), contacts)

    def _visible(self, stored: dict[str, list[dict[str, Any]]]) -> set[int]:
        pks = [row["pk"] for rows in stored.values() for row in rows]
        if not pks:
            return set()
        visible = Counterparty.objects.visible_to(self.loader.actor).filter(
            among(Counterparty, "id", pks)
        )
        return set(visible.values_list("pk", flat=True))

    def _existing_tags(self, stored: dict[str, Any], visible: set[int]) -> dict[int, set[str]]:
        if "tags" not in self.loader.cp_fields or not visible:
            return {}
        through = Counterparty.tags.through
        found: dict[int, set[str]] = {}
        rows = through.objects.filter(among(through, "counterparty_id", visible)).values_list(
            "counterparty_id", "tag__name"
        )
        for pk, name in rows:
            found.setdefault(pk, set()).add(name)
        return found

    def _existing_contacts(
        self, stored: dict[str, Any], visible: set[int]
    ) -> dict[int, dict[str, dict[str, Any]]]:
        """Per visible counterparty: its contact persons by name key, with their details."""
        if not self.loader.contact_fields or not visible:
            return {}
        found: dict[int, dict[str, dict[str, Any]]] = {}
        by_pk: dict[int, dict[str, Any]] = {}
        persons = ContactPerson.objects.filter(among(ContactPerson, "counterparty_id", visible))
        for row in persons.values(
            "pk", "counterparty_id", "name", "name_key", "position", "role", "birthday", "notes"
        ):
            person: dict[str, Any] = {**row, "details": set()}
            found.setdefault(person["counterparty_id"], {}).setdefault(person["name_key"], person)
            by_pk[person["pk"]] = person
        if by_pk:
            details = ContactDetail.objects.filter(among(ContactDetail, "contact_person_id", by_pk))
            for pk, kind, value in details.values_list("contact_person_id", "kind", "value"):
                by_pk[pk]["details"].add((kind, value))
        return found

    def _match(
        self, row: Prepared, stored: dict[str, list[dict[str, Any]]], visible: set[int]
    ) -> tuple[dict[str, Any] | None, tuple[str, str] | None]:
        loader = self.loader
        if row.key is None:
            return None, None
        if row.key in self.inserts:  # an earlier row of this batch creates it
            return {"pk": None, "key": row.key}, None
        if loader.mapping.key == ImportKey.INN_KPP:
            inn, kpp = row.key.split("/", 1)
            candidates = stored.get(inn, [])
            if kpp:
                exact = [c for c in candidates if c["kpp"] == kpp]
                candidates = exact or [c for c in candidates if not c["kpp"]]
            elif len({c["kpp"] for c in candidates}) > 1:
                return None, (loader.column_of["inn"],
                              _("Several counterparties have this INN: map the KPP too."))  # fmt: skip
        else:
            candidates = stored.get(row.key, [])
        if not candidates:
            if loader.dry_run and row.key in loader.seen:  # an earlier batch would create it
                return {"pk": None, "key": row.key}, None
            return None, None
        shown = [c for c in candidates if c["pk"] in visible]
        if not shown:
            column = loader.column_of.get("inn" if loader.mapping.key == ImportKey.INN_KPP
                                          else loader.mapping.key, "")  # fmt: skip
            return None, (column, _("A counterparty with this key exists, but you may not "
                                    "see it; ask its manager or an administrator."))  # fmt: skip
        return min(shown, key=lambda c: c["pk"]), None

    def _insert(self, row: Prepared, key: str) -> None:
        loader = self.loader
        if not row.cp.get("name"):
            row.result.fail(loader.column_of.get("name", ""), _("A new record needs a name."))
            return
        values = {**DEFAULTS, "responsible_id": getattr(loader.actor, "pk", None), **row.cp}
        values["custom"] = dict(row.custom)
        target = _Target(pk=None, values=values, tags=set(row.tags))
        self.inserts[key] = target
        row.result.outcome = "inserted"
        if row.contact:
            self._contact(target, row.contact, {})
        if loader.dry_run and row.key:
            loader.seen[row.key] = _digest(row)

    def _update(
        self,
        row: Prepared,
        match: dict[str, Any],
        tags: set[str],
        contacts: dict[int, dict[str, dict[str, Any]]],
    ) -> None:
        loader = self.loader
        if match["pk"] is None:  # repeats a row that creates the counterparty
            target = self.inserts.get(match["key"])
            if target is None:  # created by an earlier batch of a check
                digest = _digest(row)
                row.result.outcome = (
                    "unchanged" if loader.seen[match["key"]] == digest else "updated"
                )
                loader.seen[match["key"]] = digest
                return
            target.values.update(row.cp)
            target.values["custom"].update(row.custom)
            target.tags |= set(row.tags)
            if row.contact:
                self._contact(target, row.contact, {})
            row.result.outcome = "unchanged"
            return
        pk = match["pk"]
        target = self.updates.get(pk)
        if target is None:
            current = {k: v for k, v in match.items() if k != "key"}
            target = _Target(pk=pk, values={}, before=current, tags=set(tags))
            self.updates[pk] = target
        changed = self._changes(target, row)
        new_tags = set(row.tags) - target.tags
        for name in sorted(new_tags):
            self.tag_links.append((target, name))
        target.tags |= new_tags
        contact_changed = False
        if row.contact:
            contact_changed = self._contact(target, row.contact, contacts.get(pk, {}))
        row.result.outcome = "updated" if (changed or new_tags or contact_changed) else "unchanged"
        if changed:
            row.result.diff = changed

    def _changes(self, target: _Target, row: Prepared) -> dict[str, list[Any]]:
        """Apply the row's values over the target's; answer what this row changed."""
        current = {**target.before, **target.values}
        changed: dict[str, list[Any]] = {}
        incoming = dict(row.cp)
        if row.kind_guessed:  # a stored record keeps its kind
            incoming.pop("kind", None)
        if row.custom:
            custom = dict(current.get("custom") or {})
            custom.update(row.custom)
            incoming["custom"] = custom
        for name, value in incoming.items():
            if name not in current:
                continue
            if current[name] != value:
                changed[name] = [jsonable(current[name]), jsonable(value)]
                target.values[name] = value
        if ("inn" in changed or "kind" in changed or row.kind_guessed) and not self._inn_fits(
            target, current, row
        ):
            for name in changed:
                target.values.pop(name, None)
            return {}
        for name, pair in changed.items():
            if name != "name_key":
                target.changes[name] = [target.changes.get(name, pair)[0], pair[1]]
        return {k: v for k, v in changed.items() if k != "name_key"}

    def _inn_fits(self, target: _Target, current: dict[str, Any], row: Prepared) -> bool:
        kind = target.values.get("kind", current.get("kind"))
        inn = target.values.get("inn", current.get("inn")) or ""
        if inn and len(inn) != (10 if kind == CounterpartyKind.LEGAL_ENTITY else 12):
            column = self.loader.column_of.get("inn", "")
            row.result.fail(column, _("The INN does not fit the counterparty's kind."))
            return False
        return True

    def _contact(
        self, target: _Target, contact: dict[str, Any], stored: dict[str, dict[str, Any]]
    ) -> bool:
        """Add or update the contact person; answers whether anything changes."""
        name_key = contact["name_key"]
        person = stored.get(name_key) or target.contacts.get(name_key)
        details = [("phone", v) for v in contact["phones"]] + [
            ("email", v) for v in contact["emails"]
        ]
        if person is None:
            person = {**contact, "pk": None, "details": set(details)}
            target.contacts[name_key] = person
            self.contact_inserts.append((target, person))
            return True
        changes: dict[str, list[Any]] = {}
        for name in ("position", "role", "birthday", "notes"):
            if name in contact and contact[name] != person.get(name):
                changes[name] = [jsonable(person.get(name)), jsonable(contact[name])]
                person[name] = contact[name]
        if changes and person["pk"] is not None:
            self.contact_updates.append((person["pk"], person, changes))
        new_details = [d for d in dict.fromkeys(details) if d not in person["details"]]
        for kind, value in new_details:
            person["details"].add((kind, value))
            if person["pk"] is not None:
                self.detail_inserts.append((target, person["pk"], kind, value, ""))
        target.contacts.setdefault(name_key, person)
        return bool(changes or new_details)

    # ------------------------------------------------------------ writing

    def write(self) -> None:
        loader = self.loader
        actor, now = loader.actor, timezone.now()
        by = getattr(actor, "pk", None)
        records: list[list[Any]] = []
        inserted = list(self.inserts.values())
        if inserted:
            pks = insert_rows(
                Counterparty,
                INSERT_COLUMNS,
                [[t.values.get(c, DEFAULTS.get(c)) for c in INSERT_COLUMNS] for t in inserted],
                constants={"created_at": now, "updated_at": now, "created_by_id": by,
                           "updated_by_id": by},
                returning=True,
            )  # fmt: skip
            for target, pk in zip(inserted, pks, strict=True):
                target.pk = pk
                records.append([loader.job_id, CP_TYPE, pk, RecordAction.INSERTED, {}])
                self.tag_links.extend((target, name) for name in sorted(target.tags))
            log_batch(actor=actor, action=f"{CP_TYPE}.created", object_type=CP_TYPE, ids=pks,
                      changes={"import": loader.job_id})  # fmt: skip
        changed = [t for t in self.updates.values() if t.changes]
        if changed:
            self._write_updates(changed, now, by, records)
        self._write_tags()
        self._write_contacts(now, by, records)
        if records and loader.job_id is not None:
            from accord.imports.models import ImportedRecord

            insert_rows(ImportedRecord, ("job_id", "model", "object_id", "action", "before"),
                        records)  # fmt: skip

    def _write_updates(
        self, changed: list[_Target], now: dt.datetime, by: int | None, records: list[list[Any]]
    ) -> None:
        loader = self.loader
        # One statement shape per set of changed columns.
        groups: dict[tuple[str, ...], list[_Target]] = {}
        for target in changed:
            columns = tuple(sorted(target.values))
            groups.setdefault(columns, []).append(target)
        for columns, targets in groups.items():
            update_rows(
                Counterparty,
                columns,
                [(t.pk, [t.values[c] for c in columns]) for t in targets if t.pk is not None],
                constants={"updated_at": now, "updated_by_id": by},
            )
        for target in changed:
            before = {name: jsonable(target.before.get(name)) for name in target.values}
            before["updated_at"] = jsonable(now)  # undo restores only what nobody touched since
            records.append([loader.job_id, CP_TYPE, target.pk, RecordAction.UPDATED, before])
        log_actions(
            actor=loader.actor,
            entries=[
                (f"{CP_TYPE}.updated",
                 Counterparty(pk=t.pk, name=t.values.get("name", t.before.get("name", ""))),
                 {**t.changes, "import": loader.job_id})
                for t in changed
            ],
        )  # fmt: skip

    def _write_tags(self) -> None:
        if not self.tag_links:
            return
        pks = self.loader.tag_pks({name for _t, name in self.tag_links})
        through = Counterparty.tags.through
        rows = list(dict.fromkeys((t.pk, pks[name]) for t, name in self.tag_links if name in pks))
        insert_rows(through, ("counterparty_id", "tag_id"), rows)

    def _write_contacts(self, now: dt.datetime, by: int | None, records: list[list[Any]]) -> None:
        loader = self.loader
        if self.contact_inserts:
            rows = [
                [target.pk, person["name"], person["name_key"], person.get("position", ""),
                 person.get("role", ""), person.get("birthday"), person.get("notes", "")]
                for target, person in self.contact_inserts
            ]  # fmt: skip
            pks = insert_rows(
                ContactPerson, CONTACT_COLUMNS, rows, returning=True,
                constants={"created_at": now, "updated_at": now, "created_by_id": by,
                           "updated_by_id": by},
            )  # fmt: skip
            for (target, person), pk in zip(self.contact_inserts, pks, strict=True):
                person["pk"] = pk
                records.append([loader.job_id, PERSON_TYPE, pk, RecordAction.INSERTED, {}])
                self.detail_inserts.extend(
                    (target, pk, kind, value, "") for kind, value in sorted(person["details"])
                )
            log_batch(actor=loader.actor, action="directory.contact_person.created",
                      object_type=PERSON_TYPE, ids=pks, changes={"import": loader.job_id})  # fmt: skip
        if self.contact_updates:
            for pk, person, changes in self.contact_updates:
                update_rows(ContactPerson, tuple(changes),
                            [(pk, [person[name] for name in changes])],
                            constants={"updated_at": now, "updated_by_id": by})  # fmt: skip
                before = {name: pair[0] for name, pair in changes.items()}
                before["updated_at"] = jsonable(now)
                records.append([loader.job_id, PERSON_TYPE, pk, RecordAction.UPDATED, before])
            log_actions(
                actor=loader.actor,
                entries=[("directory.contact_person.updated",
                          ContactPerson(pk=pk, name=person["name"]),
                          {**changes, "import": loader.job_id})
                         for pk, person, changes in self.contact_updates],
            )  # fmt: skip
        if self.detail_inserts:
            insert_rows(
                ContactDetail, ("counterparty_id", "contact_person_id", "kind", "value", "service"),
                [[t.pk, pk, kind, value, service] for t, pk, kind, value, service in self.detail_inserts],
            )  # fmt: skip


def _digest(row: Prepared) -> int:
    contact = row.contact or {}
    return hash((tuple(row.cp.items()), repr(row.custom), tuple(row.tags),
                 repr(contact) if contact else ""))  # fmt: skip
