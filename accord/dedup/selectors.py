"""Reads of the duplicate review: the pairs a user may see, side by side, and the scans.

A pair is shown only when the viewer sees both records (`Pair.objects.visible_to`), and
each record's contact details go through `directory.masking` like on every other page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accord.core.errors import NotFoundError
from accord.core.pagination import Page, keyset_page
from accord.dedup.merge_services import GENERIC_REFS, reverse_relations
from accord.dedup.models import Kind, Merge, Pair, PairQuerySet, PairStatus, Scan
from accord.directory.identifiers import format_phone
from accord.directory.masking import counterparty_contacts, person_contacts
from accord.directory.models import ContactPerson, Counterparty
from accord.users.access import can, grant
from accord.users.models import Scope

PAIR_ORDER = ("-score", "-id")
PAGE_SIZE = 20
COUNTERPARTY_TYPE = "directory.counterparty"


def pairs_visible(*, viewer: Any, kind: str = "", status: str = PairStatus.OPEN) -> PairQuerySet:
    """The pairs of `kind` (or of both kinds) in `status` that `viewer` may review."""
    return Pair.objects.visible_to(viewer, kind).filter(status=status)


def pair_get(*, viewer: Any, pk: Any) -> Pair:
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError from None
    pair = Pair.objects.visible_to(viewer).filter(pk=key).first()
    if pair is None:
        raise NotFoundError
    return pair


def pairs_page(
    *, viewer: Any, kind: str = "", cursor: str | None = None, size: int = PAGE_SIZE
) -> Page[Pair]:
    """One page of open pairs, the likeliest first."""
    return keyset_page(pairs_visible(viewer=viewer, kind=kind), order=PAIR_ORDER, cursor=cursor,
                       size=size)  # fmt: skip


def scan_latest() -> Scan | None:
    return Scan.objects.select_related("started_by").order_by("-created_at", "-id").first()


def sees_everything(viewer: Any) -> bool:
    """Whether the viewer sees every counterparty: only then are a scan's totals theirs to
    know (they count records and pairs the others may not see)."""
    return grant(viewer, COUNTERPARTY_TYPE).scope == Scope.ALL


def may_review(viewer: Any) -> bool:
    return can(viewer, "change", COUNTERPARTY_TYPE)


def may_merge(viewer: Any, kind: str) -> bool:
    if not can(viewer, "change", COUNTERPARTY_TYPE):
        return False
    return kind == Kind.CONTACT_PERSON or can(viewer, "delete", COUNTERPARTY_TYPE)


def merged_into(*, kind: str, pk: int) -> int | None:
    """The record that `pk` was merged into, following later merges; None if never merged."""
    found = None
    for _step in range(20):
        row = Merge.objects.filter(kind=kind, removed_id=pk).values_list("kept_id", flat=True)
        nxt = row.first()
        if nxt is None:
            return found
        found = pk = nxt
    return found


# --------------------------------------------------------------------------- side by side


@dataclass(frozen=True)
class Row:
    label: Any
    left: str
    right: str

    @property
    def state(self) -> str:
        """`same`, `fills` (one side is empty: the merge fills it) or `differs`."""
        if _plain(self.left) == _plain(self.right):
            return "same"
        return "fills" if not self.left or not self.right else "differs"


def _plain(value: str) -> str:
    return " ".join(value.lower().replace("ё", "е").split())


@dataclass(frozen=True)
class PairView:
    pair: Pair
    left: Any
    right: Any
    rows: list[Row]
    mergeable: bool
    note: str  # why the pair cannot be merged as it is, for people

    @property
    def records(self) -> tuple[Any, Any]:
        return self.left, self.right


def _text(value: Any) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value if v)
    return str(value)


def _phone(value: str) -> str:
    """A stored E.164 number as people read it; a masked one is shown as it is."""
    return format_phone(value) if value[1:].isdigit() else value


COUNTERPARTY_ROWS: Sequence[tuple[Any, Callable[[Any, Any], Any]]] = (
    (_("Kind"), lambda cp, c: cp.get_kind_display()),
    (_("Name"), lambda cp, c: cp.name),
    (_("Full legal name"), lambda cp, c: cp.full_name),
    (_("INN"), lambda cp, c: cp.inn),
    (_("KPP"), lambda cp, c: cp.kpp),
    (_("OGRN"), lambda cp, c: cp.ogrn),
    (_("Phone"), lambda cp, c: _phone(c.phone) if c.phone else ""),
    (_("E-mail"), lambda cp, c: c.email),
    (_("Website"), lambda cp, c: cp.website),
    (_("Legal address"), lambda cp, c: c.legal_address),
    (_("Actual address"), lambda cp, c: c.actual_address),
    (_("Responsible manager"), lambda cp, c: cp.responsible),
    (_("Status"), lambda cp, c: cp.get_status_display()),
    (_("Created"), lambda cp, c: date_format(cp.created_at, "SHORT_DATE_FORMAT")),
)
PERSON_ROWS: Sequence[tuple[Any, Callable[[Any, Any], Any]]] = (
    (_("Full name"), lambda p, c: p.name),
    (_("Counterparty"), lambda p, c: p.counterparty.name),
    (_("Position"), lambda p, c: p.position),
    (
        _("Birthday"),
        lambda p, c: date_format(p.birthday, "SHORT_DATE_FORMAT") if p.birthday else "",
    ),
    (_("Phones"), lambda p, c: [_phone(v) for v in c.phones]),
    (_("E-mails"), lambda p, c: c.emails),
)


def pair_views(*, viewer: Any, pairs: Sequence[Pair]) -> list[PairView]:
    """Each pair with its two records loaded (two queries per kind) and compared."""
    wanted: dict[str, set[int]] = {Kind.COUNTERPARTY: set(), Kind.CONTACT_PERSON: set()}
    for pair in pairs:
        wanted[pair.kind].update(pair.ids())
    records: dict[str, dict[int, Any]] = {
        Kind.COUNTERPARTY: Counterparty.objects.visible_to(viewer)
        .select_related("responsible")
        .in_bulk(wanted[Kind.COUNTERPARTY]),
        Kind.CONTACT_PERSON: ContactPerson.objects.visible_to(viewer)
        .select_related("counterparty")
        .prefetch_related("details")
        .in_bulk(wanted[Kind.CONTACT_PERSON]),
    }
    views = []
    for pair in pairs:
        left = records[pair.kind].get(pair.left_id)
        right = records[pair.kind].get(pair.right_id)
        if left is not None and right is not None:
            views.append(_view(viewer, pair, left, right))
    return views


def _view(viewer: Any, pair: Pair, left: Any, right: Any) -> PairView:
    shown_left: Any
    shown_right: Any
    if pair.kind == Kind.COUNTERPARTY:
        rows = COUNTERPARTY_ROWS
        shown_left, shown_right = counterparty_contacts(left), counterparty_contacts(right)
    else:
        rows = PERSON_ROWS
        shown_left, shown_right = person_contacts(left), person_contacts(right)
    note = ""
    if pair.kind == Kind.CONTACT_PERSON and left.counterparty_id != right.counterparty_id:
        note = str(_("They belong to different counterparties: merge the counterparties first."))
    return PairView(
        pair=pair,
        left=left,
        right=right,
        rows=[
            Row(label, _text(get(left, shown_left)), _text(get(right, shown_right)))
            for label, get in rows
        ],
        mergeable=not note and may_merge(viewer, pair.kind),
        note=note,
    )


def linked_counts(*, record: Any) -> list[tuple[str, int]]:
    """What a merge would move from `record`: (objects, how many), the empty ones left out."""
    model = type(record)
    counts: dict[str, int] = {}
    for rel in reverse_relations(model):
        if rel.related_model._meta.auto_created:
            continue  # a link table: its rows are the links shown by the record itself
        n = rel.related_model._base_manager.filter(**{rel.field.name: record.pk}).count()
        if n:
            label = str(rel.related_model._meta.verbose_name_plural)
            counts[label] = counts.get(label, 0) + n
    kind = Kind.COUNTERPARTY if model is Counterparty else Kind.CONTACT_PERSON
    for ref in GENERIC_REFS[kind]:
        n = ref.model._base_manager.filter(
            Q(**{ref.kind_field: ref.kind, ref.id_field: record.pk})
        ).count()
        if n:
            label = str(ref.label or ref.model._meta.verbose_name_plural)
            counts[label] = counts.get(label, 0) + n
    return sorted(counts.items())
