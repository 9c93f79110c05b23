"""The Duplicates page: pairs side by side, start a scan, merge with a confirmation, "not a
duplicate"; what a manager may and may not do there."""

from __future__ import annotations

import pytest
from django.test import Client

from accord.core.models import AuditEvent
from accord.dedup.models import Kind, Pair, PairStatus, Scan, ScanStatus
from accord.directory.models import Counterparty
from tests.conftest import rows_of
from tests.factories import (
    ContactPersonFactory,
    CounterpartyFactory,
    DealFactory,
    DepartmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
URL = "/duplicates/"


@pytest.fixture
def head(db):
    return UserFactory(username="head", roles=["head"], department=DepartmentFactory())


@pytest.fixture
def head_client(head) -> Client:
    client = Client()
    client.force_login(head)
    return client


def pair_of(a, b, *, kind=Kind.COUNTERPARTY, score=0.95, reasons=("same_phone", "name:100")):
    return Pair.objects.create(
        kind=kind, left_id=min(a.pk, b.pk), right_id=max(a.pk, b.pk), score=score,
        reasons=list(reasons), by_contact="same_phone" in reasons,
    )  # fmt: skip


def tracked():
    return rows_of([Counterparty, Pair, Scan, AuditEvent])


def test_the_page_shows_pairs_side_by_side_with_reasons(
    head_client, head, django_assert_max_num_queries
):
    a = CounterpartyFactory(responsible=head, name="ООО «Вектор»", phone="+79161234567", email="")
    b = CounterpartyFactory(responsible=head, name="Вектор ООО", phone="+79161234567",
                            email="info@vektor.ru")  # fmt: skip
    pair_of(a, b)
    for _ in range(5):
        pair_of(
            CounterpartyFactory(responsible=head), CounterpartyFactory(responsible=head), score=0.6
        )

    with django_assert_max_num_queries(14):
        response = head_client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "ООО «Вектор»" in html
    assert "Вектор ООО" in html
    assert "same phone" in html
    assert "similar name (100%)" in html
    assert 'class="is-fills"' in html  # the e-mail: one side empty, the merge fills it
    assert "Merge, keep left" in html
    views = response.context["views"]
    assert [v.pair.score for v in views] == sorted((v.pair.score for v in views), reverse=True)


def test_htmx_asks_for_the_pairs_or_the_scan_alone(head_client, head, htmx):
    pair_of(CounterpartyFactory(responsible=head), CounterpartyFactory(responsible=head))
    Scan.objects.create(status=ScanStatus.RUNNING, step="Comparing")

    pairs = head_client.get(URL, {"kind": "counterparty"}, **htmx).content.decode()
    scan = head_client.get(URL, {"part": "scan"}, **htmx).content.decode()

    assert 'id="dedup-pairs"' in pairs
    assert "<html" not in pairs
    assert 'id="dedup-scan"' in scan
    assert 'hx-trigger="every 2s"' in scan
    assert "Comparing" in scan


def test_a_manager_sees_only_pairs_of_his_own_records(manager_client, manager, other_manager):
    mine = pair_of(CounterpartyFactory(responsible=manager, name="Моя пара"),
                   CounterpartyFactory(responsible=manager))  # fmt: skip
    pair_of(CounterpartyFactory(responsible=manager),
            CounterpartyFactory(responsible=other_manager, name="Чужой клиент"))  # fmt: skip

    response = manager_client.get(URL)

    html = response.content.decode()
    assert [v.pair for v in response.context["views"]] == [mine]
    assert "Чужой клиент" not in html
    assert "Merge, keep left" not in html  # a manager may not delete counterparties
    assert "Not a duplicate" in html


def test_a_user_who_may_not_change_the_directory_is_refused(db):
    client = Client()
    client.force_login(UserFactory(roles=["director"]))
    before = rows_of([Scan, Pair])

    assert client.get(URL).status_code == 403
    assert client.post("/duplicates/scan/").status_code == 403
    assert rows_of([Scan, Pair]) == before
    assert AuditEvent.objects.filter(action="access.refused").count() == 2


def test_start_a_scan_and_watch_it(head_client, django_capture_on_commit_callbacks, htmx):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = head_client.post("/duplicates/scan/", **htmx)

    assert response.status_code == 200
    assert 'id="dedup-scan"' in response.content.decode()
    assert Scan.objects.get().status == ScanStatus.QUEUED
    assert len(callbacks) == 1
    assert head_client.get("/duplicates/scan/").status_code == 405


def test_merge_asks_first_then_merges_and_reports(head_client, head):
    kept = CounterpartyFactory(responsible=head, name="Оставить", email="")
    gone = CounterpartyFactory(responsible=head, name="Убрать", email="x@y.ru")
    DealFactory(responsible=head, counterparty=gone)
    pair = pair_of(kept, gone)
    keep = "left" if kept.pk < gone.pk else "right"
    before = tracked()

    confirm = head_client.get(f"/duplicates/{pair.pk}/merge/", {"keep": keep})

    assert confirm.status_code == 200
    assert tracked() == before  # asking writes nothing
    html = confirm.content.decode()
    assert "“Оставить”" in html
    assert "“Убрать”" in html
    assert "Deals: 1" in html
    assert "E-mail" in html  # filled in from the record removed
    done = head_client.post(f"/duplicates/{pair.pk}/merge/", {"keep": keep}, follow=True)
    assert done.status_code == 200
    assert not Counterparty.objects.filter(pk=gone.pk).exists()
    assert "Merged into “Оставить”" in done.content.decode()
    pair.refresh_from_db()
    assert pair.status == PairStatus.MERGED


def test_a_refused_merge_shows_why_and_writes_nothing(head_client, head):
    from accord.exchange.models import ExternalRef, RefKind
    from tests.dedup.conftest import node

    a, b = CounterpartyFactory(responsible=head), CounterpartyFactory(responsible=head)
    base = node()
    for cp, ext in ((a, "x"), (b, "y")):
        ExternalRef.objects.create(
            node=base, kind=RefKind.COUNTERPARTY, external_id=ext, object_id=cp.pk
        )
    pair = pair_of(a, b)
    before = tracked()

    response = head_client.post(f"/duplicates/{pair.pk}/merge/", {"keep": "left"})

    assert response.status_code == 200
    assert "1C" in response.content.decode()
    assert tracked() == before


def test_not_a_duplicate_is_remembered(manager_client, manager):
    pair = pair_of(
        CounterpartyFactory(responsible=manager), CounterpartyFactory(responsible=manager)
    )

    response = manager_client.post(
        f"/duplicates/{pair.pk}/dismiss/", {"next": "/duplicates/?kind=counterparty"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/duplicates/?kind=counterparty"
    pair.refresh_from_db()
    assert pair.status == PairStatus.DISMISSED
    assert manager_client.get(URL).context["views"] == []


def test_another_managers_pair_is_a_404_that_changes_nothing(manager_client, other_manager):
    pair = pair_of(CounterpartyFactory(responsible=other_manager),
                   CounterpartyFactory(responsible=other_manager))  # fmt: skip
    before = tracked()

    assert manager_client.get(f"/duplicates/{pair.pk}/merge/").status_code == 404
    assert manager_client.post(f"/duplicates/{pair.pk}/merge/", {"keep": "left"}).status_code == 404
    assert manager_client.post(f"/duplicates/{pair.pk}/dismiss/").status_code == 404
    assert tracked() == before


def test_people_of_different_counterparties_say_to_merge_the_companies_first(head_client, head):
    one = ContactPersonFactory(counterparty=CounterpartyFactory(responsible=head))
    two = ContactPersonFactory(counterparty=CounterpartyFactory(responsible=head))
    pair_of(one, two, kind=Kind.CONTACT_PERSON, reasons=("name:100",))

    html = head_client.get(URL, {"kind": "contact_person"}).content.decode()

    assert "merge the counterparties first" in html
    assert "Merge, keep left" not in html


def test_the_sidebar_links_the_page_for_those_who_may_review(manager_client):
    assert 'href="/duplicates/"' in manager_client.get("/counterparties/").content.decode()
    client = Client()
    client.force_login(UserFactory(roles=["director"]))
    assert 'href="/duplicates/"' not in client.get("/counterparties/").content.decode()
