"""Merging two counterparties, or two contact persons, into one.

`counterparty_merge(actor=, keep=, other=)` keeps `keep` and removes `other`, in one
transaction with both rows locked:

1. Refusals come first and write nothing: no permission (change and delete on
   counterparties; change, for contact persons, as their own services ask), the same id
   twice, an id that does not exist or that the actor does not see (404 alike), two contact
   persons of different counterparties (merge the counterparties first), and a conflict
   that a merge would have to resolve by losing data: both records known to the same 1C
   node under different ids (`exchange.ExternalRef` is one id per node and object), both
   running the same business process, or a row of another table that may exist once per
   record (a unique constraint) existing for both.
2. Empty fields of `keep` are filled from `other`; notes are joined, custom properties
   merged, and a VIP mark of either makes the kept record VIP.
3. Every row linked to `other` is moved to `keep`: every reverse foreign key found by model
   introspection (`_meta.get_fields(include_hidden=True)`, so a model added later moves
   too), many-to-many links without doubles, and the references that are not foreign keys
   (`GENERIC_REFS`: 1C ids, the object a business process runs on). Bank accounts and
   contact details that `keep` already has are not copied twice.
4. `other` is deleted; a `Merge` row remembers where it went (its old address leads to the
   kept record), and the audit trail gets one event on each record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accord.activities.models import ProcessInstance, ProcessObject, ProcessStatus
from accord.core.audit import diff, log_action, snapshot
from accord.core.errors import NotFoundError, ValidationFailedError
from accord.dedup.errors import MergeConflictError
from accord.dedup.models import Decision, Kind, Merge, Pair, PairStatus
from accord.directory.models import BankAccount, ContactDetail, ContactPerson, Counterparty
from accord.directory.validation import CONTACT_FIELDS, COUNTERPARTY_FIELDS
from accord.exchange.models import ExchangeNode, ExternalRef, RefKind
from accord.users.access import require

COUNTERPARTY_TYPE = "directory.counterparty"
# Fields a merge never copies: identity and bookkeeping of the row itself.
NOT_FILLED = frozenset({"id", "name", "name_key", "kind", "counterparty", "status", "relation"})
# Fields whose value depends on the kind of counterparty (10- or 12-digit INN, KPP, OGRN).
KIND_BOUND = frozenset({"inn", "kpp", "ogrn"})


@dataclass(frozen=True)
class GenericRef:
    """A reference to a record that is not a foreign key: `kind_field` = `kind` and
    `id_field` = the record's id. `unique_by` names the fields that, with the kind and the
    id, may occur once (a merge that would double such a row is refused)."""

    model: type[models.Model]
    kind_field: str
    kind: str
    id_field: str
    unique_by: tuple[str, ...] = ()
    unique_when: Q = field(default_factory=Q)
    label_field: str = ""  # a copy of the record's name to refresh
    describe: Callable[[Any], str] = str
    label: Any = ""  # what people call these rows


def _node_name(ref: Any) -> str:
    node = ExchangeNode.objects.filter(pk=ref.node_id).first()
    return node.name if node is not None else f"#{ref.node_id}"


def _process_name(instance: Any) -> str:
    return str(instance.template)


ONEC_IDS = _lazy("ids in 1C")
PROCESSES = _lazy("business processes")
GENERIC_REFS: dict[str, tuple[GenericRef, ...]] = {
    Kind.COUNTERPARTY: (
        GenericRef(ExternalRef, "kind", RefKind.COUNTERPARTY, "object_id", ("node_id",),
                   describe=_node_name, label=ONEC_IDS),
        GenericRef(ProcessInstance, "object_kind", ProcessObject.COUNTERPARTY, "object_id",
                   ("template_id",), Q(status=ProcessStatus.RUNNING), "object_label",
                   describe=_process_name, label=PROCESSES),
    ),
    Kind.CONTACT_PERSON: (
        GenericRef(ExternalRef, "kind", RefKind.CONTACT_PERSON, "object_id", ("node_id",),
                   describe=_node_name, label=ONEC_IDS),
    ),
}  # fmt: skip


@dataclass(frozen=True)
class MergeResult:
    kind: str
    kept: Any
    removed_id: int
    filled: list[str]
    moved: dict[str, int]  # model label -> rows moved to the kept record


# --------------------------------------------------------------------------- entry points


def counterparty_merge(*, actor: Any, keep: Any, other: Any) -> MergeResult:
    """Merge counterparty `other` into `keep` (ids or rows); answer what was done."""
    require(actor, "change", COUNTERPARTY_TYPE)
    require(actor, "delete", COUNTERPARTY_TYPE)
    return _merge(actor, Kind.COUNTERPARTY, keep, other)


def contact_person_merge(*, actor: Any, keep: Any, other: Any) -> MergeResult:
    """Merge contact person `other` into `keep`: both of the same counterparty."""
    require(actor, "change", COUNTERPARTY_TYPE)
    return _merge(actor, Kind.CONTACT_PERSON, keep, other)


MERGERS: dict[str, Callable[..., MergeResult]] = {
    Kind.COUNTERPARTY: counterparty_merge,
    Kind.CONTACT_PERSON: contact_person_merge,
}


# --------------------------------------------------------------------------- the merge


def _pk(value: Any) -> int:
    raw = getattr(value, "pk", value)
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        raise NotFoundError from None
    if not 0 < pk < 2**63:
        raise NotFoundError
    return pk


def _model(kind: str) -> Any:
    return Counterparty if kind == Kind.COUNTERPARTY else ContactPerson


@transaction.atomic
def _merge(actor: Any, kind: str, keep: Any, other: Any) -> MergeResult:
    keep_pk, other_pk = _pk(keep), _pk(other)
    if keep_pk == other_pk:
        raise ValidationFailedError({"other": [_("Choose two different records to merge.")]})
    model = _model(kind)
    rows = {
        row.pk: row
        for row in model.objects.visible_to(actor)
        .select_for_update()
        .filter(pk__in=[keep_pk, other_pk])
        .order_by("pk")
    }
    if len(rows) != 2:
        raise NotFoundError
    kept, removed = rows[keep_pk], rows[other_pk]
    if kind == Kind.CONTACT_PERSON and kept.counterparty_id != removed.counterparty_id:
        raise MergeConflictError(
            _(
                "These contact persons belong to different counterparties. Merge the "
                "counterparties first, or move one person to the other counterparty."
            )
        )
    _refuse_conflicts(kind, model, kept, removed)
    fields = COUNTERPARTY_FIELDS if kind == Kind.COUNTERPARTY else CONTACT_FIELDS
    audited = [f for f in fields if hasattr(kept, f)]
    before, removed_state = snapshot(kept, audited), snapshot(removed, audited)
    if kind == Kind.CONTACT_PERSON:
        removed_state["details"] = [[d.kind, d.value, d.service] for d in removed.details.all()]
    filled = _fill(kept, removed)
    moved = _move_dependents(kind, model, kept, removed)
    for label, count in _move_generic(kind, kept, removed).items():
        # A process on the counterparty points at it twice (its object and its client):
        # one row, counted once.
        moved[label] = max(moved.get(label, 0), count)
    if filled:
        kept.updated_at, kept.updated_by = timezone.now(), actor
        kept.save()
    _record(actor, kind, kept, removed, before, removed_state, filled, moved)
    removed_pk = removed.pk
    removed.delete()
    return MergeResult(kind=kind, kept=kept, removed_id=removed_pk, filled=filled, moved=moved)


def _record(
    actor: Any,
    kind: str,
    kept: Any,
    removed: Any,
    before: dict[str, Any],
    removed_state: dict[str, Any],
    filled: list[str],
    moved: dict[str, int],
) -> None:
    """One audit event on each record, the `Merge` row, and the pairs brought up to date."""
    entity = "counterparty" if kind == Kind.COUNTERPARTY else "contact_person"
    changes = diff(before, snapshot(kept, list(before)))
    log_action(
        actor=actor,
        action=f"directory.{entity}.merged",
        obj=kept,
        changes={**changes, "merged_from": removed.pk, "merged_from_name": str(removed),
                 "moved": moved},
    )  # fmt: skip
    log_action(
        actor=actor,
        action=f"directory.{entity}.merged_into",
        obj=removed,
        changes={**removed_state, "merged_into": kept.pk, "merged_into_name": str(kept)},
    )
    Merge.objects.create(
        kind=kind, kept_id=kept.pk, removed_id=removed.pk, removed_label=str(removed)[:300],
        filled=filled, moved=moved, merged_by=actor,
    )  # fmt: skip
    low, high = sorted((kept.pk, removed.pk))
    Pair.objects.filter(kind=kind, left_id=low, right_id=high).update(
        status=PairStatus.MERGED, decided_by=actor, decided_at=timezone.now()
    )
    # Other open pairs of the removed record are stale: the next scan proposes them anew
    # against the kept one.
    Pair.objects.open().filter(kind=kind).filter(
        Q(left_id=removed.pk) | Q(right_id=removed.pk)
    ).delete()
    _repoint_decisions(kind, kept.pk, removed.pk)


def _repoint_decisions(kind: str, kept: int, removed: int) -> None:
    """ "X is not `removed`" now reads "X is not `kept`", as `removed` was `kept`."""
    decisions = Decision.objects.filter(kind=kind).filter(Q(left_id=removed) | Q(right_id=removed))
    for decision in list(decisions):
        other = decision.right_id if decision.left_id == removed else decision.left_id
        low, high = sorted((other, kept))
        if (
            other != kept
            and not Decision.objects.filter(kind=kind, left_id=low, right_id=high).exists()
        ):
            Decision.objects.create(
                kind=kind,
                left_id=low,
                right_id=high,
                decided_by_id=decision.decided_by_id,
                decided_at=decision.decided_at,
            )
        decision.delete()


# --------------------------------------------------------------------------- refusals


def _refuse_conflicts(kind: str, model: Any, kept: Any, removed: Any) -> None:
    for ref in GENERIC_REFS[kind]:
        _refuse_generic(ref, kept, removed)
    for rel in reverse_relations(model):
        _refuse_unique(rel, kept, removed)


def _refuse_generic(ref: GenericRef, kept: Any, removed: Any) -> None:
    if not ref.unique_by:
        return
    manager = ref.model._base_manager
    base = Q(**{ref.kind_field: ref.kind}) & ref.unique_when
    theirs = manager.filter(base, **{ref.id_field: removed.pk})
    for row in theirs:
        same = {name: getattr(row, name) for name in ref.unique_by}
        if manager.filter(base, **same, **{ref.id_field: kept.pk}).exists():
            raise MergeConflictError(_conflict_message(ref, row))


def _conflict_message(ref: GenericRef, row: Any) -> str:
    if ref.model is ExternalRef:
        return _(
            "Both records are linked to 1C base “%(node)s” under different ids. Merging "
            "them would lose one 1C identity: unlink one of them in Settings → Exchange "
            "with 1C first."
        ) % {"node": ref.describe(row)}
    return _(
        "Both records run the business process “%(process)s”. Finish or cancel one of them first."
    ) % {"process": ref.describe(row)}


def reverse_relations(model: Any) -> list[Any]:
    """Every relation that points at `model` from another table (hidden ones included)."""
    return [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)
    ]


def _unique_sets(rel: Any) -> list[tuple[tuple[str, ...], Q]]:
    """The sets of fields of `rel`'s model that are unique together and include its link,
    with the condition under which they are (a conditional constraint)."""
    related = rel.related_model._meta
    name = rel.field.name
    sets: list[tuple[tuple[str, ...], Q]] = []
    if rel.field.unique:
        sets.append(((name,), Q()))
    for together in related.unique_together:
        if name in together:
            sets.append((tuple(together), Q()))
    for constraint in related.constraints:
        if isinstance(constraint, models.UniqueConstraint) and name in constraint.fields:
            sets.append((tuple(constraint.fields), constraint.condition or Q()))
    return sets


def _is_link_table(rel: Any) -> bool:
    """An automatic many-to-many table: a double row there is a link that already exists."""
    return bool(rel.related_model._meta.auto_created)


def _refuse_unique(rel: Any, kept: Any, removed: Any) -> None:
    if _is_link_table(rel):
        return  # a link both records have is kept once (`_move_dependents`)
    manager = rel.related_model._base_manager
    link = rel.field.name
    for fields, condition in _unique_sets(rel):
        others = [f for f in fields if f != link]
        theirs = manager.filter(condition, **{link: removed.pk})
        mine = manager.filter(condition, **{link: kept.pk})
        if others:
            clash = any(mine.filter(**values).exists() for values in theirs.values(*others))
        else:
            clash = theirs.exists() and mine.exists()
        if clash:
            raise MergeConflictError(
                _(
                    "Both records have a “%(what)s” that may exist only once. Remove one of "
                    "them first."
                )
                % {"what": rel.related_model._meta.verbose_name}
            )


# --------------------------------------------------------------------------- filling


def _empty(value: Any) -> bool:
    return value in (None, "", [], {})


def _fill(kept: Any, removed: Any) -> list[str]:
    """Copy what `kept` lacks from `removed`; answer the fields that changed."""
    filled = []
    same_kind = getattr(kept, "kind", None) == getattr(removed, "kind", None)
    for f in kept._meta.concrete_fields:
        if f.primary_key or not f.editable or f.name in NOT_FILLED:
            continue
        if f.name in KIND_BOUND and not same_kind:
            continue
        mine, theirs = getattr(kept, f.attname), getattr(removed, f.attname)
        value: Any
        if f.name == "is_vip":
            value = bool(mine or theirs)
        elif f.name == "notes" and mine and theirs and theirs not in mine:
            value = f"{mine}\n\n{theirs}"
        elif f.name == "custom" and isinstance(mine, dict) and isinstance(theirs, dict):
            value = {**theirs, **mine}
        elif _empty(mine) and not _empty(theirs):
            value = theirs
        else:
            continue
        if value != mine:
            setattr(kept, f.attname, value)
            filled.append(f.name)
    return filled


# --------------------------------------------------------------------------- moving


def _label(model: Any) -> str:
    return str(model._meta.label)


def _move_dependents(kind: str, model: Any, kept: Any, removed: Any) -> dict[str, int]:
    """Point every reverse foreign key of `removed` at `kept`; answer the rows per model."""
    moved: dict[str, int] = {}
    if kind == Kind.COUNTERPARTY:
        _drop_doubles(
            BankAccount._base_manager.filter(counterparty=removed),
            BankAccount._base_manager.filter(counterparty=kept),
            ("bic", "account"),
        )
    else:
        _drop_doubles(
            ContactDetail._base_manager.filter(contact_person=removed),
            ContactDetail._base_manager.filter(contact_person=kept),
            ("kind", "value"),
        )
    for rel in reverse_relations(model):
        manager = rel.related_model._base_manager
        link = rel.field.name
        rows = manager.filter(**{link: removed.pk})
        if _is_link_table(rel):
            for fields, _condition in _unique_sets(rel):
                others = [f for f in fields if f != link]
                rows.filter(
                    **{f"{others[0]}__in": manager.filter(**{link: kept.pk}).values(others[0])}
                ).delete()
        count = rows.update(**{link: kept.pk})
        if count:
            label = _label(rel.related_model)
            moved[label] = moved.get(label, 0) + count
    return moved


def _drop_doubles(theirs: Any, mine: Any, fields: Iterable[str]) -> None:
    """Delete the rows of `theirs` that `mine` already has (same values of `fields`)."""
    names = list(fields)
    have = {tuple(row) for row in mine.values_list(*names)}
    doubles = [pk for pk, *values in theirs.values_list("pk", *names) if tuple(values) in have]
    if doubles:
        theirs.filter(pk__in=doubles).delete()


def _move_generic(kind: str, kept: Any, removed: Any) -> dict[str, int]:
    moved: dict[str, int] = {}
    for ref in GENERIC_REFS[kind]:
        values: dict[str, Any] = {ref.id_field: kept.pk}
        if ref.label_field:
            label_field: Any = ref.model._meta.get_field(ref.label_field)
            max_length = label_field.max_length or 300
            values[ref.label_field] = str(kept)[:max_length]
        count = ref.model._base_manager.filter(
            **{ref.kind_field: ref.kind, ref.id_field: removed.pk}
        ).update(**values)
        if count:
            moved[_label(ref.model)] = moved.get(_label(ref.model), 0) + count
    return moved


def handled_relations(model: Any) -> list[str]:
    """What a merge of `model` moves, by `app.Model.field`: the test that every relation is
    handled compares it with the models as they are."""
    names = [f"{_label(rel.related_model)}.{rel.field.name}" for rel in reverse_relations(model)]
    kind = Kind.COUNTERPARTY if model is Counterparty else Kind.CONTACT_PERSON
    names += [f"{_label(ref.model)}.{ref.id_field}" for ref in GENERIC_REFS[kind]]
    return names
