"""`accord dedup scan|merge` and `accord bench dedup` (the shape of their output only)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accord.bench.dedup_data import generate
from accord.core.models import AuditEvent
from accord.dedup.models import Pair
from accord.directory.models import Counterparty
from tests.factories import ContactPersonFactory, CounterpartyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_scan_prints_the_pairs_and_json_on_request(manager):
    a = CounterpartyFactory(responsible=manager, name="ООО «Альфа»", phone="+79161234567")
    b = CounterpartyFactory(responsible=manager, name="Альфа", phone="+79161234567", inn="")
    out = StringIO()

    call_command("dedup", "scan", stdout=out)

    text = out.getvalue()
    assert "1 likely duplicates" in text
    assert "same phone" in text
    out = StringIO()
    call_command("dedup", "scan", "--json", "--kind", "counterparties", stdout=out)
    summary = json.loads(out.getvalue().splitlines()[-1])
    assert summary["scan"]["status"] == "done"
    assert [(p["left_id"], p["right_id"]) for p in summary["pairs"]] == [
        (min(a.pk, b.pk), max(a.pk, b.pk))
    ]
    other = StringIO()
    call_command("dedup", "scan", "--json", "--user", UserFactory(roles=["manager"]).username,
                 stdout=other)  # fmt: skip
    assert json.loads(other.getvalue())["pairs"] == []  # that user sees neither record


def test_merge_acts_as_the_named_user(head):
    kept, other = CounterpartyFactory(responsible=head), CounterpartyFactory(responsible=head)
    out = StringIO()

    call_command("dedup", "merge", str(kept.pk), str(other.pk), "--user", head.username, stdout=out)

    assert f"Merged #{other.pk} into #{kept.pk}" in out.getvalue()
    assert not Counterparty.objects.filter(pk=other.pk).exists()
    event = AuditEvent.objects.get(action="directory.counterparty.merged")
    assert event.actor == head


def test_merge_refusals_are_errors_and_write_nothing(seller, everything_state):
    a, b = CounterpartyFactory(responsible=seller), CounterpartyFactory(responsible=seller)
    person = ContactPersonFactory(counterparty=a)
    before = everything_state()

    with pytest.raises(CommandError, match="permission"):
        call_command("dedup", "merge", str(a.pk), str(b.pk), "--user", seller.username)
    with pytest.raises(CommandError, match="No active user"):
        call_command("dedup", "merge", str(a.pk), str(b.pk), "--user", "nobody")
    with pytest.raises(CommandError, match="different"):
        call_command("dedup", "merge", str(person.pk), str(person.pk), "--kind", "contacts",
                     "--user", seller.username)  # fmt: skip

    assert everything_state() == before


def test_generated_data_is_deterministic_and_has_duplicates():
    one, two = generate(400, seed=3), generate(400, seed=3)

    assert one == two
    assert len(one.companies) + len(one.persons) == 400
    entities = [row.entity for row in one.companies]
    assert len(set(entities)) < len(entities)  # some companies are entered twice
    assert generate(400, seed=4) != one


def test_bench_dedup_prints_quality_and_a_json_line(db):
    out = StringIO()

    call_command("bench", "dedup", "--records", "300", "--json", stdout=out)

    lines = out.getvalue().splitlines()
    summary = json.loads(lines[-1])
    assert {"precision", "recall", "f1", "seconds", "records"} <= set(summary)
    assert summary["records"] == 300
    assert 0 <= summary["precision"] <= 1
    assert 0 <= summary["recall"] <= 1
    assert Pair.objects.exists()
    assert any(line.startswith("all") for line in lines)
