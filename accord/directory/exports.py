"""CSV exports of the counterparty and contact person lists.

An export holds exactly the rows the list shows for the same search and filters (through
`visible_to`, by the list's own selectors), needs the "export" action, and writes one audit
event (`directory.counterparty.exported` / `directory.contactperson.exported`) with the row
count, the search and the filters, never the data. The event is written before the first
row is produced, so a download that is interrupted is still on record.

The file is UTF-8 with a byte order mark and `;` between fields, which is what Excel in a
Russian locale opens correctly by a double click. A cell that starts like a formula (`=`,
`+`, `-`, `@`) is prefixed with an apostrophe, so a planted value cannot run as a formula.

VIP contact details are masked (`directory.masking`) unless the user holds "reveal" AND
asks for them (`include_vip`); asking without the permission is refused (403), and the
audit event records whether they were included.

The web and the API serve the export with a GET, although it writes an audit event: the
event records a read, and no business data changes.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.core.audit import AccessRefusedError, log_action
from accord.core.errors import DomainError
from accord.directory.masking import (
    CONTACT_PERSON,
    COUNTERPARTY,
    REVEAL,
    counterparty_contacts,
    may_reveal,
    person_contacts,
)
from accord.directory.models import ContactPerson, Counterparty
from accord.directory.selectors import (
    CONTACT_PERSON_SORTS,
    COUNTERPARTY_SORTS,
    contact_persons_filtered,
    counterparties_filtered,
)
from accord.users.access import can

BOM = "\ufeff"
DELIMITER = ";"
CHUNK = 500
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Export:
    """A ready export: its file name, its row count, and its lines (produced lazily)."""

    filename: str
    count: int
    lines: Iterator[str]

    def headers(self) -> dict[str, str]:
        """What an HTTP answer that streams `lines` says about them (web and API alike)."""
        return {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{self.filename}"',
            "Cache-Control": "no-store",
            "X-Accord-Rows": str(self.count),
        }


class _Line:
    """A file-like sink for csv.writer that hands back each written line."""

    def write(self, value: str) -> str:
        return value


def cell(value: Any) -> str:
    """A value as a CSV cell that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def _lines(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Line(), delimiter=DELIMITER, lineterminator="\r\n")
    yield BOM + writer.writerow(header)
    for row in rows:
        yield writer.writerow([cell(v) for v in row])


def _check(actor: Any, object_type: str, include_vip: bool) -> None:
    if not can(actor, "export", object_type):
        raise AccessRefusedError("export", object_type)
    if include_vip and not may_reveal(actor, object_type):
        raise AccessRefusedError(REVEAL, object_type)


def _check_sort(sort: str, sorts: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    if sort not in sorts:
        raise DomainError(
            "invalid_sort",
            f"Sort by one of: {', '.join(sorts)}.",
            fields={"sort": ["Unknown sort."]},
        )
    return sorts[sort]


def _record(actor: Any, action: str, label: str, count: int, details: dict[str, Any]) -> None:
    with transaction.atomic():
        log_action(actor=actor, action=action, label=label, changes={"rows": count, **details})


def _filename(stem: str) -> str:
    return f"{stem}-{timezone.localdate().isoformat()}.csv"


# ---------------------------------------------------------------- counterparties


def _counterparty_row(cp: Counterparty, include_vip: bool) -> list[Any]:
    shown = counterparty_contacts(cp, revealed=include_vip)
    return [
        cp.pk, cp.name, cp.full_name, cp.get_kind_display(), cp.inn, cp.kpp, cp.ogrn,
        shown.phone, shown.email, cp.website, shown.legal_address, shown.actual_address,
        str(cp.responsible or ""), cp.get_relation_display(), cp.get_status_display(),
        ", ".join(t.name for t in cp.tags.all()), _("yes") if cp.is_vip else "",
        timezone.localtime(cp.created_at).strftime("%Y-%m-%d %H:%M"),
    ]  # fmt: skip


def _counterparty_header() -> list[str]:
    return [
        "ID", _("Name"), _("Full legal name"), _("Kind"), _("INN"), _("KPP"), _("OGRN"),
        _("Phone"), _("E-mail"), _("Website"), _("Legal address"), _("Actual address"),
        _("Responsible"), _("Type"), _("Status"), _("Tags"), "VIP", _("Added"),
    ]  # fmt: skip


def counterparty_export(
    *,
    actor: Any,
    query: str = "",
    filters: dict[str, Any] | None = None,
    sort: str = "name",
    include_vip: bool = False,
) -> Export:
    """The counterparty list as CSV, for the rows `actor` sees with `query` and `filters`."""
    _check(actor, COUNTERPARTY, include_vip)
    order = _check_sort(sort, COUNTERPARTY_SORTS)
    filters = filters or {}
    qs = counterparties_filtered(viewer=actor, query=query, filters=filters)
    qs = qs.prefetch_related(None).prefetch_related("tags").order_by(*order)
    count = qs.count()
    details = {"query": query, "filters": filters, "sort": sort, "vip_details": include_vip}
    _record(actor, "directory.counterparty.exported", _("Counterparties"), count, details)
    rows = (_counterparty_row(cp, include_vip) for cp in qs.iterator(chunk_size=CHUNK))
    return Export(_filename("counterparties"), count, _lines(_counterparty_header(), rows))


# ---------------------------------------------------------------- contact persons


def _person_row(person: ContactPerson, include_vip: bool) -> list[Any]:
    shown = person_contacts(person, revealed=include_vip)
    messengers = ", ".join(f"{s} {v}".strip() for s, v in shown.messengers)
    birthday = person.birthday.isoformat() if person.birthday else ""
    return [
        person.pk, person.name, person.counterparty.name, person.counterparty.inn,
        person.position, person.role, birthday, ", ".join(shown.phones),
        ", ".join(shown.emails), messengers, _("yes") if person.is_vip else "",
    ]  # fmt: skip


def _person_header() -> list[str]:
    return [
        "ID", _("Full name"), _("Counterparty"), _("INN"), _("Position"), _("Role"),
        _("Birthday"), _("Phones"), _("E-mails"), _("Messengers"), "VIP",
    ]  # fmt: skip


def contact_person_export(
    *,
    actor: Any,
    query: str = "",
    counterparty_id: int | None = None,
    filters: dict[str, Any] | None = None,
    sort: str = "name",
    include_vip: bool = False,
) -> Export:
    """The contact person list as CSV, like `counterparty_export`."""
    _check(actor, CONTACT_PERSON, include_vip)
    order = _check_sort(sort, CONTACT_PERSON_SORTS)
    filters = filters or {}
    qs = contact_persons_filtered(
        viewer=actor, query=query, counterparty_id=counterparty_id, filters=filters
    ).order_by(*order)
    count = qs.count()
    details = {
        "query": query,
        "filters": {**filters, **({"counterparty": counterparty_id} if counterparty_id else {})},
        "sort": sort,
        "vip_details": include_vip,
    }
    _record(actor, "directory.contactperson.exported", _("Contact persons"), count, details)
    rows = (_person_row(p, include_vip) for p in qs.iterator(chunk_size=CHUNK))
    return Export(_filename("contact-persons"), count, _lines(_person_header(), rows))
