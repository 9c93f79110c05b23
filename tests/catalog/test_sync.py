"""The bulk writers of a trusted feed (catalog.sync): plain SQL, the same promises as the
services: permission once per call, only changed rows written, the designed audit events."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accord.catalog import sync
from accord.catalog.models import Price, Product, Stock, Unit
from accord.core import bulk
from accord.core.errors import PermissionDeniedError
from accord.core.models import AuditEvent
from tests.factories import PriceTypeFactory, UserFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def director(db):
    return UserFactory(username="director", roles=["director"])  # may view, not change


def values(name: str, **extra: object) -> dict[str, object]:
    row: dict[str, object] = {
        "kind": "goods", "article": "", "name": name, "full_name": "", "group_id": None,
        "unit_id": Unit.objects.get(code="796").pk, "vat_rate": "20", "barcode": "",
        "manufacturer": "", "country": "", "trademark": "", "weight": None, "description": "",
        "is_active": True, "marked_for_deletion": False,
    }  # fmt: skip
    row.update(extra)
    return row


def test_new_products_get_keys_in_order_defaults_and_one_batch_event(admin_user):
    names = [f"Насос {n}" for n in range(5)]
    report = sync.products_sync(
        actor=admin_user, rows=[(None, values(n, weight=Decimal("1.5"))) for n in names]
    )
    assert report.outcomes == [sync.INSERTED] * 5
    stored = Product.objects.in_bulk(report.pks)
    assert [stored[pk].name for pk in report.pks] == names
    first = stored[report.pks[0]]
    assert (first.name_key, first.weight, first.created_by, first.updated_by) == (
        "насос 0",
        Decimal("1.5"),
        admin_user,
        admin_user,
    )
    assert first.created_at == first.updated_at
    event = AuditEvent.objects.get(action="catalog.product.created")
    assert event.changes["ids"] == [str(pk) for pk in report.pks]


def test_only_changed_products_are_written_and_each_change_is_one_event(admin_user):
    pks = sync.products_sync(actor=admin_user, rows=[(None, values("А")), (None, values("Б"))]).pks
    stamps = dict(Product.objects.values_list("pk", "updated_at"))
    again = sync.products_sync(
        actor=admin_user, rows=[(pks[0], values("А")), (pks[1], values("Б"))]
    )
    assert again.outcomes == [sync.UNCHANGED, sync.UNCHANGED]
    assert dict(Product.objects.values_list("pk", "updated_at")) == stamps
    changed = sync.products_sync(
        actor=admin_user, rows=[(pks[0], values("А")), (pks[1], values("Б2", vat_rate="10"))]
    )
    assert changed.outcomes == [sync.UNCHANGED, sync.UPDATED]
    second = Product.objects.get(pk=pks[1])
    assert (second.name, second.name_key, second.vat_rate) == ("Б2", "б2", "10")
    assert Product.objects.get(pk=pks[0]).updated_at == stamps[pks[0]]
    assert second.updated_at > stamps[pks[1]]
    event = AuditEvent.objects.get(action="catalog.product.updated")
    assert event.object_id == str(pks[1])
    assert event.changes == {"name": ["Б", "Б2"], "vat_rate": ["20", "10"]}


def test_a_bad_row_is_reported_and_the_others_are_written(admin_user):
    report = sync.products_sync(
        actor=admin_user, rows=[(None, values("Я" * 256)), (None, values("Годный"))]
    )
    assert report.outcomes == [sync.FAILED, sync.INSERTED]
    assert "255" in report.errors[0]
    assert list(Product.objects.values_list("name", flat=True)) == ["Годный"]


def test_prices_and_stock_are_set_and_audited_once_per_call(admin_user):
    retail, wholesale = PriceTypeFactory(code="retail"), PriceTypeFactory(code="opt")
    store = WarehouseFactory(code="main")
    a, b = sync.products_sync(actor=admin_user, rows=[(None, values("А")), (None, values("Б"))]).pks
    amounts = [(a, None, retail.pk, Decimal("10.50")), (a, None, wholesale.pk, Decimal(9)),
               (b, None, retail.pk, Decimal(1)), (b, None, retail.pk, Decimal(2))]  # fmt: skip
    assert sync.prices_sync(actor=admin_user, amounts=amounts) == {(a, None), (b, None)}
    assert sync.stock_sync(actor=admin_user, amounts=[(a, None, store.pk, Decimal(-3))]) == {
        (a, None)
    }
    prices = {(p.product_id, p.price_type_id): p.value for p in Price.objects.all()}
    # Of two values for one price in a call, the last one stays.
    assert prices == {
        (a, retail.pk): Decimal("10.50"),
        (a, wholesale.pk): Decimal(9),
        (b, retail.pk): Decimal(2),
    }
    assert Stock.objects.get().quantity == Decimal(-3)
    event = AuditEvent.objects.get(action="catalog.price.set")
    assert sorted(event.changes["ids"]) == sorted([str(a), str(b)])
    assert [a, "retail", None, None, "10.50"] in event.changes["prices"]

    stamps = dict(Price.objects.values_list("pk", "updated_at"))
    assert sync.prices_sync(actor=admin_user, amounts=amounts) == set()
    assert dict(Price.objects.values_list("pk", "updated_at")) == stamps
    changed = [(a, None, retail.pk, Decimal("11.00")), (b, None, retail.pk, Decimal(2))]
    assert sync.prices_sync(actor=admin_user, amounts=changed) == {(a, None)}
    assert Price.objects.get(product=a, price_type=retail).value == Decimal("11.00")
    assert (
        Price.objects.get(product=b, price_type=retail).updated_at
        == stamps[Price.objects.get(product=b, price_type=retail).pk]
    )
    last = AuditEvent.objects.filter(action="catalog.price.set").latest("pk")
    assert last.changes["prices"] == [[a, "retail", None, "10.50", "11.00"]]
    assert AuditEvent.objects.filter(action="catalog.price.set").count() == 2


def test_a_feed_without_the_right_writes_nothing(admin_user, director, catalog_state):
    pk = sync.products_sync(actor=admin_user, rows=[(None, values("А"))]).pks[0]
    retail = PriceTypeFactory()
    before = catalog_state()
    with pytest.raises(PermissionDeniedError):
        sync.products_sync(actor=director, rows=[(None, values("Б"))])
    with pytest.raises(PermissionDeniedError):
        sync.products_sync(actor=director, rows=[(pk, values("А2"))])
    with pytest.raises(PermissionDeniedError):
        sync.prices_sync(actor=director, amounts=[(pk, None, retail.pk, Decimal(1))])
    assert catalog_state() == before


def test_among_filters_like_in_for_many_values(admin_user):
    pks = sync.products_sync(
        actor=admin_user, rows=[(None, values(f"П{n}")) for n in range(30)]
    ).pks
    wanted = pks[::3]
    found = Product.objects.filter(bulk.among(Product, "id", wanted))
    assert sorted(found.values_list("pk", flat=True)) == sorted(wanted)
    assert not Product.objects.filter(bulk.among(Product, "id", [])).exists()


def test_a_vat_rate_not_given_keeps_the_products_own(admin_user):
    pks = sync.products_sync(
        actor=admin_user, rows=[(None, values("А", vat_rate="10")), (None, values("Б"))]
    ).pks
    report = sync.products_sync(
        actor=admin_user,
        rows=[(pks[0], values("А", vat_rate=None)), (None, values("Н", vat_rate=None))],
    )
    assert report.outcomes == [sync.UNCHANGED, sync.INSERTED]
    assert Product.objects.get(pk=pks[0]).vat_rate == "10"
    assert Product.objects.get(pk=report.pks[1]).vat_rate == "22"  # the model's default
