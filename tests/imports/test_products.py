"""Products from a spreadsheet: groups by path, units by name, the catalog's bulk writer."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from accord.catalog.models import Product
from accord.imports.models import ImportStatus
from accord.imports.services import (
    import_apply,
    import_check,
    import_map,
    import_undo,
    import_upload,
)
from tests.factories import ProductFactory, ProductGroupFactory

pytestmark = pytest.mark.django_db

MAPPING = {
    "object": "products",
    "columns": {"Артикул": "article", "Наименование": "name", "Группа": "group_id",
                "Ед.": "unit_id", "НДС": "vat_rate", "Вес": "weight"},
    "key": "article", "policy": "upsert", "on_error": "skip",
}  # fmt: skip


@pytest.fixture(autouse=True)
def _data_dir(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path


def _load(actor: Any, text: str) -> Any:
    data = io.BytesIO(("Артикул,Наименование,Группа,Ед.,НДС,Вес\n" + text).encode())
    job = import_upload(actor=actor, obj="products", filename="price.csv", source=data)
    job = import_map(actor=actor, job=job, mapping=MAPPING)
    job = import_check(actor=actor, job=job, run_now=True)
    return import_apply(actor=actor, job=job, run_now=True)


def test_products_load_reload_and_undo(admin_user: Any) -> None:
    clothes = ProductGroupFactory(name="Одежда")
    ProductGroupFactory(name="Куртки", parent=clothes)
    ProductFactory(article="OLD-1", name="Старый товар")
    text = (
        'JK-1,Куртка зимняя,Одежда / Куртки,шт,22,"1,5"\n'
        "JK-2,Куртка летняя,Куртки,796,без НДС,\n"
        "OLD-1,Старый товар (новое имя),,,,\n"
        "BAD-1,Плохая группа,Нет такой,,,\n"
    )
    job = _load(admin_user, text)
    assert job.status == ImportStatus.DONE
    assert job.counts == {"inserted": 2, "updated": 1, "unchanged": 0, "skipped": 0, "failed": 1}
    jacket = Product.objects.get(article="JK-1")
    assert jacket.group.name == "Куртки"
    assert str(jacket.weight) == "1.500"
    assert Product.objects.get(article="JK-2").vat_rate == "none"
    again = _load(admin_user, text)
    assert again.counts["unchanged"] == 3
    assert again.counts["inserted"] == 0
    import_undo(actor=admin_user, job=again)
    import_undo(actor=admin_user, job=job)
    assert list(Product.objects.values_list("article", "name")) == [("OLD-1", "Старый товар")]


def test_a_user_without_catalog_rights_cannot_import_products(db: Any) -> None:
    from accord.core.errors import PermissionDeniedError
    from tests.factories import UserFactory

    viewer = UserFactory(username="viewer", roles=[])
    data = io.BytesIO("Артикул,Наименование\nA,B\n".encode())
    with pytest.raises(PermissionDeniedError):
        import_upload(actor=viewer, obj="products", filename="p.csv", source=data)
