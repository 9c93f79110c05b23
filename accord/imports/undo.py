"""Undo of an import: remove the records it added, restore the values it replaced.

Only while nobody touched them since: a record changed after the import (its
`updated_at` is no longer the import's), or a new record that got deals, documents or
activities meanwhile, makes the undo refuse with the list of such records, and nothing
is changed.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accord.core.audit import log_batch
from accord.core.bulk import among, update_rows
from accord.core.errors import ConflictError
from accord.imports.models import ImportedRecord, ImportJob, RecordAction

# Rows that belong to a new record and go with it: an import creates them itself.
OWNED = {"directory.contactdetail", "directory.bankaccount", "directory.counterparty_tags"}
SHOWN = 10


def undo_records(job: ImportJob) -> dict[str, int]:
    """Undo `job`'s records in the caller's transaction; answers counts per model."""
    records: dict[tuple[str, str], list[ImportedRecord]] = defaultdict(list)
    for record in ImportedRecord.objects.filter(job=job).order_by("id"):
        records[(record.model, record.action)].append(record)
    touched: list[str] = []
    for (label, action), items in records.items():
        model = apps.get_model(label)
        if action == RecordAction.INSERTED:
            touched += _touched_new(model, [r.object_id for r in items], records)
        else:
            touched += _touched_changed(model, items)
    if touched:
        raise ConflictError(
            "import_touched",
            _("These records were changed after the import, so it cannot be undone: "
              "%(records)s.") % {"records": ", ".join(touched[:SHOWN])
                                 + (" ..." if len(touched) > SHOWN else "")},
        )  # fmt: skip
    counts: dict[str, int] = {}
    # Restore first, then delete children before parents (contact persons before companies).
    for (label, action), items in sorted(records.items(), key=lambda kv: kv[0][1] != "updated"):
        model = apps.get_model(label)
        if action == RecordAction.UPDATED:
            _restore(model, items)
            counts[f"{label}.restored"] = len(items)
    for (label, action), items in sorted(records.items(), key=lambda kv: kv[0][0], reverse=True):
        if action != RecordAction.INSERTED:
            continue
        model = apps.get_model(label)
        pks = [r.object_id for r in items]
        for start in range(0, len(pks), 5000):
            model._base_manager.filter(among(model, "id", pks[start : start + 5000])).delete()
        log_batch(actor=job.created_by, action=f"{label}.deleted", object_type=label, ids=pks,
                  changes={"import_undone": job.pk})  # fmt: skip
        counts[f"{label}.removed"] = len(pks)
    return counts


def _label(model: type[models.Model], pk: Any) -> str:
    return f"{model._meta.verbose_name} #{pk}"


def _touched_new(
    model: type[models.Model], pks: list[int], records: dict[tuple[str, str], list[Any]]
) -> list[str]:
    touched: list[str] = []
    rows = model._base_manager.filter(among(model, "id", pks)).values_list(
        "pk", "created_at", "updated_at"
    )
    touched += [_label(model, pk) for pk, created, updated in rows if created != updated]
    created_too = {
        label: {r.object_id for r in items}
        for (label, action), items in records.items()
        if action == RecordAction.INSERTED
    }
    for relation in model._meta.related_objects:
        related = relation.related_model
        if isinstance(related, str):
            continue
        label = related._meta.label_lower
        if label in OWNED or not isinstance(relation, models.ManyToOneRel):
            continue
        linked = related._base_manager.filter(
            among(related, relation.field.attname, pks)
        ).values_list("pk", relation.field.attname)
        for pk, owner in linked[:1000]:
            if pk not in created_too.get(label, set()):
                touched.append(_label(model, owner))
    return list(dict.fromkeys(touched))


def _touched_changed(model: type[models.Model], items: list[ImportedRecord]) -> list[str]:
    written = {r.object_id: parse_datetime(r.before.get("updated_at") or "") for r in items}
    rows = model._base_manager.filter(among(model, "id", list(written))).values_list(
        "pk", "updated_at"
    )
    found = dict(rows)
    return [_label(model, pk) for pk, at in written.items() if pk not in found or found[pk] != at]


def _restore(model: type[models.Model], items: list[ImportedRecord]) -> None:
    groups: dict[tuple[str, ...], list[ImportedRecord]] = defaultdict(list)
    for record in items:
        names = tuple(sorted(k for k in record.before if k != "updated_at"))
        groups[names].append(record)
    for names, records in groups.items():
        fields: list[Any] = [model._meta.get_field(n) for n in names]
        update_rows(
            model,
            names,
            [(r.object_id, [f.to_python(r.before[n]) if r.before[n] is not None else None
                            for f, n in zip(fields, names, strict=True)]) for r in records],
        )  # fmt: skip
