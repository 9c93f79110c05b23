"""`accord bench web` runs every scenario on whatever data there is and prints its figures.

Only the shape of the output is checked: timings are measured, never asserted.
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.factories import ContactDetailFactory, ContactPersonFactory, CounterpartyFactory

pytestmark = pytest.mark.django_db


def test_bench_web_prints_a_row_and_a_json_entry_per_scenario(admin_user):
    for _ in range(3):
        ContactDetailFactory(
            contact_person=ContactPersonFactory(counterparty=CounterpartyFactory())
        )
    out = StringIO()

    call_command("bench", "web", "--runs", "2", stdout=out)

    lines = out.getvalue().splitlines()
    summary = json.loads(lines[-1])
    assert summary["bench"] == "web"
    assert summary["counterparties"] == 3
    assert len(summary["results"]) == 12
    for name, figures in summary["results"].items():
        assert figures["status"] == 200, name
        assert figures["runs"] == 2
        assert figures["p50_ms"] <= figures["p95_ms"] <= figures["max_ms"]
        assert any(line.startswith(name) for line in lines)


def test_bench_web_without_data_says_what_to_do(db):
    with pytest.raises(CommandError, match="accord demo"):
        call_command("bench", "web", "--runs", "2", stdout=StringIO())


def test_percentile_is_the_nearest_rank():
    from accord.bench.timing import percentile

    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.95) == 95.0
    assert percentile(values, 0.5) == 50.0
    assert percentile([7.0], 0.95) == 7.0


def test_bench_timeline_writes_a_client_and_times_its_pages(db):
    from accord.activities.models import Interaction

    out = StringIO()

    call_command("bench", "timeline", "--events", "300", "--runs", "2", stdout=out)

    summary = json.loads(out.getvalue().splitlines()[-1])
    assert summary["bench"] == "timeline"
    assert summary["events"] == 300
    assert len(summary["results"]) == 5
    for name, figures in summary["results"].items():
        assert figures["status"] == 200, name
    assert Interaction.objects.count() > 200


def test_bench_exchange_loads_a_generated_catalog_and_prints_its_figures(db, settings, tmp_path):
    from tests.factories import _rouble, _unit_piece

    _rouble(), _unit_piece()
    settings.DATA_DIR = tmp_path
    out = StringIO()

    call_command("bench", "exchange", "--products", "40", stdout=out)

    summary = json.loads(out.getvalue().splitlines()[-1])
    assert summary["bench"] == "exchange"
    assert summary["products"] == 40
    assert "peak RSS" in out.getvalue()
