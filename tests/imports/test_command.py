"""`accord import`: the same counts as the wizard, exit codes for refusals and stops."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accord.directory.models import Counterparty
from tests.factories import valid_inn

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _data_dir(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "clients.csv"
    data.write_text(
        f"Company,Tax ID\nАльфа,{valid_inn(1)}\nБета,{valid_inn(2)}\nПлохая,7707083890\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "clients.json"
    mapping.write_text(json.dumps({"object": "counterparties", "key": "inn_kpp",
                                   "columns": {"Company": "name", "Tax ID": "inn"}}))  # fmt: skip
    return data, mapping


def _run(*args: str) -> str:
    out = StringIO()
    call_command("import", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_dry_run_then_load(admin_user: Any, files: tuple[Path, Path]) -> None:
    data, mapping = files
    out = _run("counterparties", str(data), "--mapping", str(mapping), "--dry-run")
    assert "check: inserted 2, updated 0, unchanged 0, skipped 0, failed 1" in out
    assert "line 4, Tax ID" in out
    assert not Counterparty.objects.exists()
    out = _run("counterparties", str(data), "--mapping", str(mapping))
    assert "load: inserted 2" in out
    assert Counterparty.objects.count() == 2


def test_stop_exits_non_zero_and_loads_nothing(admin_user: Any, files: tuple[Path, Path]) -> None:
    data, mapping = files
    with pytest.raises(CommandError, match="bad rows"):
        _run("counterparties", str(data), "--mapping", str(mapping), "--on-error", "stop")
    assert not Counterparty.objects.exists()


def test_a_broken_mapping_is_refused(admin_user: Any, files: tuple[Path, Path]) -> None:
    data, mapping = files
    mapping.write_text("{not json")
    with pytest.raises(CommandError, match="Cannot read the mapping"):
        _run("counterparties", str(data), "--mapping", str(mapping))
    mapping.write_text(json.dumps({"columns": {"Company": "nope"}}))
    with pytest.raises(CommandError, match="unknown field"):
        _run("counterparties", str(data), "--mapping", str(mapping))
    assert not Counterparty.objects.exists()
