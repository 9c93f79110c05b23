"""Settings -> Exchange with 1C: nodes, their card, runs, uploads and re-pointing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from accord.catalog.models import Product, ProductGroup
from accord.core.models import AuditEvent
from accord.exchange.models import (
    ExchangeNode,
    ExchangeRun,
    ExchangeRunError,
    ExternalRef,
    RefKind,
    RunSource,
    RunStatus,
)
from accord.exchange.node_services import node_save
from accord.exchange.run_services import run_process
from accord.users.models import User
from tests.conftest import rows_of
from tests.factories import PriceTypeFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

NS = "urn:1C.ru:commerceml_2"
WRITTEN = (ExchangeNode, ExternalRef, ExchangeRun, ExchangeRunError, User, AuditEvent)


def catalog_xml() -> bytes:
    """A small import.xml as 1C writes it: two groups, three products."""
    products = [("p-1", "HM-1", "Молоток", "g-1"), ("p-2", "SW-1", "Отвёртка", "g-1"),
                ("p-3", "BL-1", "Болт М6", "g-2")]  # fmt: skip
    items = "".join(
        f"<Товар><Ид>{pid}</Ид><Артикул>{art}</Артикул><Наименование>{name}</Наименование>"
        '<БазоваяЕдиница Код="796" НаименованиеПолное="Штука" МеждународноеСокращение="PCE">'
        f"шт</БазоваяЕдиница><Группы><Ид>{group}</Ид></Группы></Товар>"
        for pid, art, name, group in products
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<КоммерческаяИнформация xmlns="{NS}" ВерсияСхемы="2.07" '
        'ДатаФормирования="2024-01-02T03:04:05">'
        "<Классификатор><Ид>cls-1</Ид><Наименование>Классификатор</Наименование><Группы>"
        "<Группа><Ид>g-1</Ид><Наименование>Инструмент</Наименование></Группа>"
        "<Группа><Ид>g-2</Ид><Наименование>Крепёж</Наименование></Группа>"
        "</Группы></Классификатор>"
        '<Каталог СодержитТолькоИзменения="false"><Ид>cat-1</Ид>'
        "<ИдКлассификатора>cls-1</ИдКлассификатора><Наименование>Каталог</Наименование>"
        f"<Товары>{items}</Товары></Каталог></КоммерческаяИнформация>"
    ).encode()


def node_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "УТ 11", "login": "ut11", "password": "secret-1c-pass", "enabled": "on",
        "catalog_in": "on", "orders_out": "on", "statuses_in": "on", "missing_policy": "keep",
        "create_counterparties": "on", "answer_version": "", "answer_encoding": "utf-8",
        "file_limit": "8388608", "zip_allowed": "on", "orders_from": "",
        "status_map_1c": ["Отгружен", "", ""], "status_map_accord": ["shipped", "", ""],
        "watch_folder": "",
    }  # fmt: skip
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    """Uploads go to a folder of the test, not to the project's var/."""
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def node(admin_user) -> ExchangeNode:
    return node_save(actor=admin_user, data={"name": "УТ", "login": "ut", "password": "p" * 10})


def node_urls(node: ExchangeNode, run: ExchangeRun, ref: ExternalRef) -> list[str]:
    return [
        reverse("web:settings_exchange"),
        reverse("web:settings_exchange_node_new"),
        reverse("web:settings_exchange_node", args=[node.pk]),
        reverse("web:settings_exchange_node_edit", args=[node.pk]),
        reverse("web:settings_exchange_node_delete", args=[node.pk]),
        reverse("web:settings_exchange_upload", args=[node.pk]),
        reverse("web:settings_exchange_ref_repoint", args=[ref.pk]),
        reverse("web:settings_exchange_run", args=[run.pk]),
    ]


def a_run(node: ExchangeNode, **fields: object) -> ExchangeRun:
    return ExchangeRun.objects.create(
        node=node, direction="in", source=RunSource.UPLOAD, filename="import.xml", **fields
    )


# ---------------------------------------------------------------- access


@pytest.mark.parametrize("method", ["get", "post"])
def test_manager_gets_403_everywhere_and_it_is_audited(manager, manager_client, node, method):
    run = a_run(node)
    ref = ExternalRef.objects.create(
        node=node, kind=RefKind.PRICE_TYPE, external_id="pt", object_id=PriceTypeFactory().pk
    )
    urls = node_urls(node, run, ref)
    before = rows_of(WRITTEN)

    for url in urls:
        call = getattr(manager_client, method)
        answer = call(url, node_data(name="Taken")) if method == "post" else call(url)
        assert answer.status_code == 403, url

    assert rows_of(WRITTEN) == before
    refusals = AuditEvent.objects.filter(action="access.refused", actor=manager)
    assert refusals.count() == len(urls)
    assert set(refusals.values_list("object_type", flat=True)) == {"admin.exchange"}


def test_sidebar_shows_the_link_to_admin_only(admin_client, manager_client):
    url = reverse("web:settings_exchange")
    assert f'href="{url}"' in admin_client.get("/counterparties/").content.decode()
    assert url not in manager_client.get("/counterparties/").content.decode()


# ---------------------------------------------------------------- nodes


def test_admin_adds_a_node_with_its_service_user(admin_client):
    answer = admin_client.post(reverse("web:settings_exchange_node_new"), node_data())

    node = ExchangeNode.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("web:settings_exchange_node", args=[node.pk])
    assert (node.name, node.login, node.status_map) == ("УТ 11", "ut11", {"Отгружен": "shipped"})
    assert node.actor.roles.filter(code="exchange").exists()
    assert not node.actor.has_usable_password()
    assert AuditEvent.objects.filter(action="exchange.node.created").exists()
    listing = admin_client.get(reverse("web:settings_exchange")).content.decode()
    assert "УТ 11" in listing
    assert "ut11" in listing


def test_the_form_shows_the_address_for_1c(admin_client):
    page = admin_client.get(reverse("web:settings_exchange_node_new")).content.decode()

    assert ">http://testserver/exchange/1c/</p>" in page
    assert "docs/exchange/commerceml.md" in page


def test_editing_with_an_empty_password_keeps_it(admin_client, node):
    old_hash = node.password_hash
    url = reverse("web:settings_exchange_node_edit", args=[node.pk])

    form = admin_client.get(url).content.decode()
    answer = admin_client.post(url, node_data(name="УТ прод", login="ut", password=""))

    assert "Leave empty to keep the current password." in form
    assert answer.status_code == 302
    node.refresh_from_db()
    assert (node.name, node.password_hash) == ("УТ прод", old_hash)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"password": "short"}, "password", "At least 8 characters."),
        ({"login": "ut"}, "login", "Another node uses this already."),
        ({"status_map_1c": ["Отгружен"], "status_map_accord": ["bogus"]}, "status_map",
         "Unknown order status: bogus."),
        ({"status_map_1c": ["Отгружен"], "status_map_accord": [""]}, "status_map",
         "Choose the Accord status for “Отгружен”."),
        ({"file_limit": "10"}, "file_limit", "Between 65536 and 536870912 bytes."),
    ],
)  # fmt: skip
def test_bad_input_shows_errors_and_writes_nothing(admin_client, node, data, field, message):
    before = rows_of(WRITTEN)

    answer = admin_client.post(reverse("web:settings_exchange_node_new"), node_data(**data))

    assert answer.status_code == 200
    errors = answer.context["form"].errors
    assert any(message in str(e) for e in errors[field]), errors
    assert message.split("“")[0] in answer.content.decode()
    assert rows_of(WRITTEN) == before


def test_node_deleted_after_confirmation(admin_client, node):
    url = reverse("web:settings_exchange_node_delete", args=[node.pk])

    modal = admin_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    answer = admin_client.post(url)

    assert "Delete exchange node?" in modal
    assert answer["Location"] == reverse("web:settings_exchange")
    assert not ExchangeNode.objects.exists()


# ---------------------------------------------------------------- card and runs


def test_card_shows_links_pending_orders_and_runs(admin_client, node):
    ExternalRef.objects.create(node=node, kind=RefKind.PRODUCT, external_id="p", object_id=1)
    ExternalRef.objects.create(node=node, kind=RefKind.PRODUCT, external_id="q", object_id=2)
    a_run(node, status=RunStatus.DONE, counts={"product": {"read": 7, "inserted": 5}})

    page = admin_client.get(reverse("web:settings_exchange_node", args=[node.pk]))

    html = page.content.decode()
    assert page.context["summary"].refs == [("product", "Product", 2)]
    assert page.context["summary"].pending_orders == 0
    assert 'id="pending-orders"' in html
    assert 'data-status="done"' in html
    assert "import.xml" in html


def test_run_page_shows_counts_and_errors(admin_client, node):
    run = a_run(
        node,
        status=RunStatus.DONE,
        package="catalog",
        full_package=True,
        counts={"product": {"read": 3, "inserted": 2, "failed": 1}, "group": {"read": 2}},
    )
    ExchangeRunError.objects.create(run=run, kind="product", external_id="p-9", message="No name.")

    page = admin_client.get(reverse("web:settings_exchange_run", args=[run.pk]))

    html = page.content.decode()
    rows = {row.kind: row.values for row in page.context["counts"]}
    assert rows == {"product": [3, 2, 0, 0, 0, 1], "group": [2, 0, 0, 0, 0, 0]}
    assert "p-9" in html
    assert "No name." in html
    assert 'hx-trigger="every' not in html  # a finished run is not polled


def test_run_page_polls_while_the_run_works(admin_client, node, htmx):
    run = a_run(node, status=RunStatus.RUNNING, step="Loaded 2000 of 9000 records.")

    page = admin_client.get(reverse("web:settings_exchange_run", args=[run.pk]))
    part = admin_client.get(reverse("web:settings_exchange_run", args=[run.pk]), **htmx)

    assert 'hx-trigger="every 2s"' in page.content.decode()
    fragment = part.content.decode()
    assert fragment.lstrip().startswith('<div class="record-grid"')
    assert "Loaded 2000 of 9000 records." in fragment
    assert "<html" not in fragment


def test_run_page_says_how_many_errors_are_not_shown(admin_client, node):
    run = a_run(node, status=RunStatus.DONE)
    ExchangeRunError.objects.bulk_create(
        [
            ExchangeRunError(run=run, kind="product", external_id=f"p{i}", message="x")
            for i in range(503)
        ]
    )

    page = admin_client.get(reverse("web:settings_exchange_run", args=[run.pk]))

    assert len(page.context["errors"].items) == 500
    assert "3 more errors are kept but not shown." in page.content.decode()


# ---------------------------------------------------------------- uploads


def upload(client, node, content: bytes, *, name: str = "import.xml", mode: str = "check"):
    url = reverse("web:settings_exchange_upload", args=[node.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content), "mode": mode})


def test_upload_queues_a_dry_run_that_writes_nothing(
    admin_client, admin_user, node, data_dir, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = upload(admin_client, node, catalog_xml())

    run = ExchangeRun.objects.get()
    assert answer["Location"] == reverse("web:settings_exchange_run", args=[run.pk])
    assert (run.source, run.dry_run, run.status, run.created_by) == (
        RunSource.UPLOAD, True, RunStatus.QUEUED, admin_user
    )  # fmt: skip
    stored = Path(run.path)
    assert stored.is_relative_to(data_dir / "exchange" / str(node.pk) / "uploads")
    assert stored.read_bytes() == catalog_xml()
    assert DBTaskResult.objects.filter(args_kwargs__args=[run.pk]).exists()

    run_process(run.pk)

    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert run.counts["product"]["inserted"] == 3
    assert run.counts["group"]["inserted"] == 2
    assert not Product.objects.exists()
    assert not ProductGroup.objects.exists()
    page = admin_client.get(reverse("web:settings_exchange_run", args=[run.pk])).content.decode()
    assert 'data-status="done"' in page


def test_upload_for_real_imports_the_products(admin_client, node):
    upload(admin_client, node, catalog_xml(), mode="import")
    run = ExchangeRun.objects.get()

    run_process(run.pk)

    run.refresh_from_db()
    assert (run.dry_run, run.status) == (False, RunStatus.DONE)
    assert sorted(Product.objects.values_list("article", flat=True)) == ["BL-1", "HM-1", "SW-1"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("import.txt", b"<x/>", "Upload a .xml or a .zip file."),
        ("import.xml", b"", "The submitted file is empty."),
    ],
)
def test_refused_upload_writes_nothing(admin_client, node, data_dir, name, content, message):
    answer = upload(admin_client, node, content, name=name)

    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not ExchangeRun.objects.exists()
    assert not (data_dir / "exchange" / str(node.pk) / "uploads").exists()


def test_too_large_upload_is_refused(admin_client, node, data_dir, monkeypatch):
    monkeypatch.setattr("accord.web.forms.exchange.MAX_UPLOAD", 10)

    answer = upload(admin_client, node, catalog_xml())

    assert answer.status_code == 400
    assert "The file is larger than 200 MB." in answer.content.decode()
    assert not ExchangeRun.objects.exists()
    assert not (data_dir / "exchange").exists()


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, content in members.items():
            bundle.writestr(name, content)
    return buffer.getvalue()


def test_zip_upload_is_unpacked_into_one_run_per_xml_file(admin_client, node, data_dir):
    package = zipped({"import0_1.xml": catalog_xml(), "offers0_1.xml": catalog_xml()})

    answer = upload(admin_client, node, package, name="package.zip", mode="import")

    runs = list(ExchangeRun.objects.order_by("pk"))
    assert answer["Location"] == reverse("web:settings_exchange_node", args=[node.pk])
    assert [(r.filename, r.dry_run) for r in runs] == [
        ("import0_1.xml", False), ("offers0_1.xml", False)
    ]  # fmt: skip
    assert all(Path(r.path).read_bytes() == catalog_xml() for r in runs)
    assert not list((data_dir / "exchange").rglob("*.zip"))  # the archive is gone


def test_zip_upload_with_one_xml_file_opens_its_run(admin_client, node):
    answer = upload(admin_client, node, zipped({"import.xml": catalog_xml()}), name="p.zip")

    run = ExchangeRun.objects.get()
    assert answer["Location"] == reverse("web:settings_exchange_run", args=[run.pk])
    assert run.dry_run


@pytest.mark.parametrize(
    "members", [{"../evil.xml": b"<x/>"}, {"readme.txt": b"no xml here"}], ids=["escape", "empty"]
)
def test_hostile_or_empty_zip_is_refused_and_leaves_nothing(admin_client, node, data_dir, members):
    answer = upload(admin_client, node, zipped(members), name="package.zip")

    assert answer.status_code == 400
    assert "The archive" in answer.content.decode()
    assert not ExchangeRun.objects.exists()
    assert not list((data_dir / "exchange").rglob("*.*"))
    assert not (data_dir / "evil.xml").exists()


def test_a_truncated_zip_is_refused_clearly(admin_client, node, data_dir):
    answer = upload(admin_client, node, b"PK\x03\x04", name="package.zip")

    assert answer.status_code == 400
    assert "The archive was refused" in answer.content.decode()
    assert not any((data_dir / "exchange").rglob("*.zip"))
    assert not ExchangeRun.objects.exists()


# ---------------------------------------------------------------- re-pointing


def test_price_type_is_repointed_and_audited(admin_client, node):
    from_1c, ours = PriceTypeFactory(name="Розничная (1С)"), PriceTypeFactory(name="Retail")
    ref = ExternalRef.objects.create(
        node=node, kind=RefKind.PRICE_TYPE, external_id="pt-1", object_id=from_1c.pk
    )
    card = admin_client.get(reverse("web:settings_exchange_node", args=[node.pk])).content.decode()

    answer = admin_client.post(
        reverse("web:settings_exchange_ref_repoint", args=[ref.pk]), {"object_id": ours.pk}
    )

    assert "pt-1" in card
    assert "Розничная (1С)" in card
    assert answer["Location"].endswith("#mappings")
    ref.refresh_from_db()
    assert ref.object_id == ours.pk
    event = AuditEvent.objects.get(action="exchange.ref.repointed")
    assert event.changes["object_id"] == [from_1c.pk, ours.pk]


def test_repointing_to_a_target_already_mapped_is_refused(admin_client, node):
    one, two = WarehouseFactory(), WarehouseFactory()
    ref = ExternalRef.objects.create(
        node=node, kind=RefKind.WAREHOUSE, external_id="w1", object_id=one.pk
    )
    ExternalRef.objects.create(
        node=node, kind=RefKind.WAREHOUSE, external_id="w2", object_id=two.pk
    )
    before = rows_of(WRITTEN)

    answer = admin_client.post(
        reverse("web:settings_exchange_ref_repoint", args=[ref.pk]),
        {"object_id": two.pk},
        follow=True,
    )

    assert "Another 1C id of this node already loads into it." in answer.content.decode()
    assert rows_of(WRITTEN) == before


def test_repointing_to_a_missing_target_is_refused(admin_client, node):
    ref = ExternalRef.objects.create(
        node=node, kind=RefKind.PRICE_TYPE, external_id="pt", object_id=PriceTypeFactory().pk
    )
    before = rows_of(WRITTEN)

    admin_client.post(
        reverse("web:settings_exchange_ref_repoint", args=[ref.pk]), {"object_id": 987654}
    )

    assert rows_of(WRITTEN) == before


def test_products_cannot_be_repointed(admin_client, node):
    ref = ExternalRef.objects.create(node=node, kind=RefKind.PRODUCT, external_id="p", object_id=1)

    answer = admin_client.post(
        reverse("web:settings_exchange_ref_repoint", args=[ref.pk]), {"object_id": 2}
    )

    assert answer.status_code == 404


def test_card_pages_the_runs_and_filters_them_by_status(admin_client, node):
    for n in range(55):
        a_run(node, status="failed" if n % 11 == 0 else "done")
    url = reverse("web:settings_exchange_node", args=[node.pk])

    first = admin_client.get(url)
    cursor = first.context["runs_page"].next_cursor
    second = admin_client.get(url, {"cursor": cursor})
    failed = admin_client.get(url, {"status": "failed"})
    stale = admin_client.get(url, {"cursor": "not-a-cursor"})

    assert len(first.context["runs"]) == 50
    assert len(second.context["runs"]) == 5
    shown = {r.pk for r, _p in first.context["runs"]} | {r.pk for r, _p in second.context["runs"]}
    assert len(shown) == 55
    assert {r.status for r, _p in failed.context["runs"]} == {"failed"}
    assert len(failed.context["runs"]) == 5
    assert stale.status_code == 200
    assert len(stale.context["runs"]) == 50
